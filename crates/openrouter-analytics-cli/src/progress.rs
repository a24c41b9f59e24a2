//! The spinner on stderr while a request is in flight or waiting to retry.
//!
//! A small task redraws one line of stderr ten times a second; it learns about attempts
//! and retries from the client's observer ([`AttemptEvent`]). Nothing of it goes to
//! stdout, and the line is erased before the result or an error is printed.

use std::future::Future;
use std::io::{self, Write};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use openrouter_analytics::{AttemptEvent, ErrorKind};
use tokio::sync::Notify;

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

    /// The client observer that tells the spinner about attempts and retries.
    pub fn observer(&self) -> impl Fn(&AttemptEvent) + Send + Sync + 'static {
        let state = Arc::clone(&self.state);
        move |event: &AttemptEvent| state.observe(event)
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
            crate::terminal::safe(&state.redactor.redact(&status)),
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

impl State {
    /// Updates the spinner's text for one step of the call.
    fn observe(&self, event: &AttemptEvent) {
        match event {
            AttemptEvent::Retrying {
                status, kind, wait, ..
            } => {
                let reason = match status {
                    Some(status) => format!("HTTP {}", status.as_u16()),
                    None => describe(*kind),
                };
                let status = format!("waiting {:.1}s to retry after {reason}", wait.as_secs_f64());
                set(&self.status, status);
            }
            AttemptEvent::Started { attempt, .. } if *attempt > 1 => {
                let label = get(&self.label);
                set(&self.status, format!("{label}, attempt {attempt}"));
            }
            _ => {}
        }
    }
}

/// A failure without a status, as the spinner words it.
fn describe(kind: ErrorKind) -> String {
    match kind {
        ErrorKind::Timeout => "a timeout".into(),
        ErrorKind::Connection => "a connection failure".into(),
        other => other.to_string(),
    }
}
