//! Spend and tokens per model over the last 30 days.
//!
//! ```sh
//! OPENROUTER_API_KEY=<management key> cargo run -p openrouter-analytics --example spend_by_model
//! ```

use std::collections::BTreeMap;

use openrouter_analytics::{Client, ErrorKind};

#[derive(Default)]
struct Totals {
    usd: f64,
    requests: i64,
    tokens: i64,
}

#[tokio::main]
async fn main() -> std::process::ExitCode {
    match run().await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("error: {err}");
            if err.kind() == ErrorKind::Config {
                eprintln!("hint: export OPENROUTER_API_KEY=<your management key>");
            }
            std::process::ExitCode::FAILURE
        }
    }
}

async fn run() -> Result<(), openrouter_analytics::Error> {
    let client = Client::builder()
        .app_title("spend_by_model example")
        .build()?;
    let activity = client.analytics().get_user_activity().send().await?;

    let mut by_model: BTreeMap<&str, Totals> = BTreeMap::new();
    for row in &activity.data {
        let totals = by_model.entry(&row.model).or_default();
        totals.usd += row.usage;
        totals.requests += row.requests;
        totals.tokens += row.prompt_tokens + row.completion_tokens + row.reasoning_tokens;
    }
    println!(
        "{:<45} {:>12} {:>10} {:>14}",
        "model", "usd", "requests", "tokens"
    );
    for (model, t) in &by_model {
        println!(
            "{model:<45} {:>12.4} {:>10} {:>14}",
            t.usd, t.requests, t.tokens
        );
    }
    Ok(())
}
