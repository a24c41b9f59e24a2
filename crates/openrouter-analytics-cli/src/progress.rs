//! The spinner on stderr while a request is in flight or waiting to retry.
//!
//! A small task redraws one line of stderr ten times a second; it learns about retries
//! from the client's `tracing` events (the `WARN` event with a `wait_ms` field that the
//! client emits before each wait). Nothing of it goes to stdout, and the line is
//! erased before the result or an error is printed.

use std::fmt;
use std::future::Future;
use std::io::{self, Write};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use tokio::sync::Notify;
use tracing::field::{Field, Visit};
use tracing::{Event, Subscriber};
use tracing_subscriber::Layer;
use tracing_subscriber::layer::Context;

use crate::secret::Redactor;

const TICK: Duration = Duration::from_millis(100);
const FRAMES: [char; 10] = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];
/// Erases the current terminal line.
const CLEAR: &str = "\r\x1b[2K";
/// The longest status text, so that the line never wraps on a normal terminal.
const MAX_STATUS: usize = 64;

/// The spinner's shared state.
#[derive(Clone, Debug)]
pub struct Progress {
    state: Arc<State>,
}

#[derive(Debug)]
struct State {
    /// What is being waited for, e.g. `fetching activity`.
    label: Mutex<String>,
    /// What the line says now.
    status: Mutex<String>,
    redactor: Redactor,
}

impl Progress {
    /// A spinner whose text never contains the key.
    pub fn new(redactor: Redactor) -> Self {
        Self {
            state: Arc::new(State {
                label: Mutex::new(String::new()),
                status: Mutex::new(String::new()),
                redactor,
            }),
        }
    }

    /// The `tracing` layer that tells the spinner about attempts and retries.
    pub fn listener(&self) -> Listener {
        Listener {
            state: Arc::clone(&self.state),
        }
    }

    /// Runs `work` with the spinner turning, labelled `label`, and erases it after.
    pub async fn around<F: Future>(&self, label: &str, work: F) -> F::Output {
        set(&self.state.label, label.to_string());
        set(&self.state.status, label.to_string());
        let stop = Arc::new(Notify::new());
        let spinner = tokio::spawn(spin(Arc::clone(&self.state), Arc::clone(&stop)));
        let output = work.await;
        stop.notify_one();
        // The task only draws and erases; if it failed there is nothing to undo.
        let _ = spinner.await;
        output
    }
}

/// Runs `work` under the spinner when there is one.
pub async fn with_progress<F: Future>(
    progress: Option<&Progress>,
    label: &str,
    work: F,
) -> F::Output {
    match progress {
        Some(progress) => progress.around(label, work).await,
        None => work.await,
    }
}

async fn spin(state: Arc<State>, stop: Arc<Notify>) {
    let started = Instant::now();
    let mut drawn = false;
    for frame in FRAMES.iter().cycle() {
        if tokio::time::timeout(TICK, stop.notified()).await.is_ok() {
            break;
        }
        let status = get(&state.status);
        let line = format!(
            "{CLEAR}{frame} {} ({:.1}s)",
            state.redactor.redact(&status),
            started.elapsed().as_secs_f64()
        );
        let mut stderr = io::stderr().lock();
        let _ = stderr.write_all(line.as_bytes());
        let _ = stderr.flush();
        drawn = true;
    }
    if drawn {
        let mut stderr = io::stderr().lock();
        let _ = stderr.write_all(CLEAR.as_bytes());
        let _ = stderr.flush();
    }
}

fn set(slot: &Mutex<String>, text: String) {
    let text: String = text.chars().take(MAX_STATUS).collect();
    *slot.lock().unwrap_or_else(|poisoned| poisoned.into_inner()) = text;
}

fn get(slot: &Mutex<String>) -> String {
    slot.lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
        .clone()
}

/// Listens to the client's events and updates the spinner's text.
#[derive(Debug)]
pub struct Listener {
    state: Arc<State>,
}

impl<S: Subscriber> Layer<S> for Listener {
    fn on_event(&self, event: &Event<'_>, _ctx: Context<'_, S>) {
        if !event
            .metadata()
            .target()
            .starts_with("openrouter_analytics")
        {
            return;
        }
        let mut fields = Fields::default();
        event.record(&mut fields);
        let label = get(&self.state.label);
        if let Some(wait_ms) = fields.wait_ms {
            let reason = match (fields.status, fields.error) {
                (Some(status), _) => format!("HTTP {status}"),
                (None, Some(error)) => error,
                (None, None) => "failed".into(),
            };
            let status = format!(
                "waiting {:.1}s to retry after {reason}",
                Duration::from_millis(wait_ms).as_secs_f64()
            );
            set(&self.state.status, status);
        } else if fields.message.as_deref() == Some("sending request")
            && let Some(attempt) = fields.attempt.filter(|&n| n > 1)
        {
            set(&self.state.status, format!("{label}, attempt {attempt}"));
        }
    }
}

/// The fields of a client event that matter to the spinner.
#[derive(Debug, Default)]
struct Fields {
    message: Option<String>,
    attempt: Option<u64>,
    status: Option<u64>,
    wait_ms: Option<u64>,
    error: Option<String>,
}

impl Visit for Fields {
    fn record_u64(&mut self, field: &Field, value: u64) {
        match field.name() {
            "attempt" => self.attempt = Some(value),
            "status" => self.status = Some(value),
            "wait_ms" => self.wait_ms = Some(value),
            _ => {}
        }
    }

    fn record_i64(&mut self, field: &Field, value: i64) {
        if let Ok(value) = u64::try_from(value) {
            self.record_u64(field, value);
        }
    }

    fn record_str(&mut self, field: &Field, value: &str) {
        self.record_text(field, value.to_string());
    }

    fn record_debug(&mut self, field: &Field, value: &dyn fmt::Debug) {
        self.record_text(field, format!("{value:?}"));
    }
}

impl Fields {
    fn record_text(&mut self, field: &Field, text: String) {
        match field.name() {
            "message" => self.message = Some(text),
            "error" => self.error = Some(text),
            _ => {}
        }
    }
}
