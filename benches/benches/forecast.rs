//! Forecast and anomaly backtest on generated histories: no network, no clock, fixed
//! seeds, so every run prints the same table.
//!
//! 1. Month-end forecasts made on day 10 and day 20 of a month by every
//!    `forecast::Method`, against the month's realized total: mean absolute percentage
//!    error (MAPE) of the median, and how often the realized total falls inside p10–p90
//!    (80 % is the aim).
//! 2. The anomaly rule: false alarms per 100 key-days on quiet histories, and the share
//!    of injected 3x and 5x one-day spikes it flags, per baseline and threshold.
//!
//! `cargo bench -p openrouter-analytics-benches --bench forecast` (or, in a debug build,
//! `cargo test -p openrouter-analytics-benches --bench forecast`: the same numbers).

use openrouter_analytics::chrono::{Datelike, Days, NaiveDate};
use openrouter_analytics_watch::forecast::{
    Baseline, History, Method, Period, anomaly_score, forecast,
};

/// Histories per scenario.
const RUNS: u64 = 400;
/// Days of history before the forecast month.
const LEAD_DAYS: u64 = 56;
/// Mean daily spend, US dollars.
const BASE: f64 = 20.0;

/// splitmix64: a tiny deterministic generator, enough for test data.
struct Rng(u64);

impl Rng {
    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in (0, 1].
    fn uniform(&mut self) -> f64 {
        ((self.next_u64() >> 11) as f64 + 1.0) / (1u64 << 53) as f64
    }

    /// Standard normal (Box–Muller).
    fn normal(&mut self) -> f64 {
        let (u, v) = (self.uniform(), self.uniform());
        (-2.0 * u.ln()).sqrt() * (std::f64::consts::TAU * v).cos()
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next_u64() % n.max(1)
    }
}

#[derive(Clone, Copy, Debug)]
enum Scenario {
    /// Independent days, lognormal noise with a 25 % coefficient of variation.
    Stationary,
    /// Weekdays busy, weekends at 30 %, same noise.
    Weekly,
    /// Spend growing 1 % a day (compounded), weekly pattern, same noise.
    Trend,
    /// The level doubles on one day between 14 days before the month and its 19th day.
    Step,
    /// Bursty: 60 % coefficient of variation, and one day in ten without spend.
    Bursty,
}

impl Scenario {
    const ALL: [Self; 5] = [
        Self::Stationary,
        Self::Weekly,
        Self::Trend,
        Self::Step,
        Self::Bursty,
    ];

    fn name(self) -> &'static str {
        match self {
            Self::Stationary => "stationary",
            Self::Weekly => "weekly pattern",
            Self::Trend => "trend +1 %/day",
            Self::Step => "step change x2",
            Self::Bursty => "bursty",
        }
    }
}

fn weekly_factor(day: NaiveDate) -> f64 {
    match day.weekday().num_days_from_monday() {
        5 | 6 => 0.3,
        _ => 1.28,
    }
}

fn lognormal(rng: &mut Rng, cv: f64) -> f64 {
    let sigma = (1.0 + cv * cv).ln().sqrt();
    (sigma * rng.normal() - sigma * sigma / 2.0).exp()
}

/// A history of `LEAD_DAYS` plus the month starting on `month_start`.
fn generate(
    scenario: Scenario,
    rng: &mut Rng,
    month_start: NaiveDate,
    last: NaiveDate,
) -> Vec<(NaiveDate, f64)> {
    let first = month_start - Days::new(LEAD_DAYS);
    let step_at = month_start - Days::new(14) + Days::new(rng.below(34));
    let mut out = Vec::new();
    let mut day = first;
    let mut t = 0.0;
    while day <= last {
        let value = match scenario {
            Scenario::Stationary => BASE * lognormal(rng, 0.25),
            Scenario::Weekly => BASE * weekly_factor(day) * lognormal(rng, 0.25),
            Scenario::Trend => {
                BASE * 0.6 * 1.01f64.powf(t) * weekly_factor(day) * lognormal(rng, 0.25)
            }
            Scenario::Step => {
                let level = if day >= step_at { 2.0 * BASE } else { BASE };
                level * lognormal(rng, 0.25)
            }
            Scenario::Bursty => {
                if rng.below(10) == 0 {
                    0.0
                } else {
                    BASE * lognormal(rng, 0.6)
                }
            }
        };
        out.push((day, value));
        day = day.succ_opt().expect("a day");
        t += 1.0;
    }
    out
}

fn month_start(rng: &mut Rng) -> NaiveDate {
    let index = rng.below(24) as u32;
    NaiveDate::from_ymd_opt(2025 + (index / 12) as i32, index % 12 + 1, 1).expect("a month")
}

#[derive(Default, Clone, Copy)]
struct Score {
    abs_pct: f64,
    covered: u64,
    runs: u64,
    failed: u64,
}

fn backtest() {
    println!("## Month-end forecasts ({RUNS} histories per scenario)\n");
    println!("MAPE of the median / share of realized totals inside p10–p90 (aim: 80 %)\n");
    let mut header = "| scenario | as of |".to_string();
    let mut rule = "| --- | --- |".to_string();
    for method in Method::ALL {
        header.push_str(&format!(" {} |", method.name()));
        rule.push_str(" ---: |");
    }
    println!("{header}\n{rule}");
    let mut overall = vec![[Score::default(); 2]; Method::ALL.len()];
    for (s, scenario) in Scenario::ALL.into_iter().enumerate() {
        let mut scores = vec![[Score::default(); 2]; Method::ALL.len()];
        let mut rng = Rng(0x5eed_0000 + s as u64);
        for _ in 0..RUNS {
            let start = month_start(&mut rng);
            let month = Period::month(start.year(), start.month()).expect("a month");
            let days = generate(scenario, &mut rng, start, month.end);
            let first = days[0].0;
            let last = days[days.len() - 1].0;
            let history = History::new(first, last, days.iter().copied()).expect("valid");
            let realized: f64 = days
                .iter()
                .filter(|(d, _)| *d >= month.start)
                .map(|(_, v)| v)
                .sum();
            for (m, method) in Method::ALL.into_iter().enumerate() {
                for (o, offset) in [9u64, 19].into_iter().enumerate() {
                    let as_of = start + Days::new(offset);
                    let score = &mut scores[m][o];
                    score.runs += 1;
                    match forecast(&history, as_of, month, method) {
                        Ok(f) => {
                            score.abs_pct += (f.p50_usd - realized).abs() / realized;
                            if f.p10_usd <= realized && realized <= f.p90_usd {
                                score.covered += 1;
                            }
                        }
                        Err(_) => score.failed += 1,
                    }
                }
            }
        }
        for (o, label) in ["day 10", "day 20"].into_iter().enumerate() {
            let mut line = format!("| {} | {label} |", scenario.name());
            for m in 0..Method::ALL.len() {
                let sc = scores[m][o];
                line.push_str(&format!(" {} |", cell(sc)));
                let all = &mut overall[m][o];
                all.abs_pct += sc.abs_pct;
                all.covered += sc.covered;
                all.runs += sc.runs;
                all.failed += sc.failed;
            }
            println!("{line}");
        }
    }
    for (o, label) in ["day 10", "day 20"].into_iter().enumerate() {
        let mut line = format!("| **all** | {label} |");
        for all in &overall {
            line.push_str(&format!(" **{}** |", cell(all[o])));
        }
        println!("{line}");
    }
    println!();
}

fn cell(score: Score) -> String {
    let done = score.runs - score.failed;
    if done == 0 {
        return "n/a".to_string();
    }
    let mut text = format!(
        "{:.1} % / {:.0} %",
        100.0 * score.abs_pct / done as f64,
        100.0 * score.covered as f64 / done as f64
    );
    if score.failed > 0 {
        text.push_str(&format!(" ({} failed)", score.failed));
    }
    text
}

/// Days judged per quiet history (after its 28-day baseline).
const JUDGED_DAYS: u64 = 60;
const THRESHOLDS: [f64; 4] = [3.5, 5.0, 7.0, 10.0];

fn anomaly_backtest() {
    println!("## Anomaly rule ({RUNS} key histories of {JUDGED_DAYS} judged days per scenario)\n");
    println!(
        "False alarms per 100 quiet key-days / share of injected 3x spikes flagged / of 5x \
         spikes flagged (|score| above the threshold)\n"
    );
    let mut header = "| scenario | baseline |".to_string();
    let mut rule = "| --- | --- |".to_string();
    for threshold in THRESHOLDS {
        header.push_str(&format!(" threshold {threshold} |"));
        rule.push_str(" ---: |");
    }
    println!("{header}\n{rule}");
    let quiet = [Scenario::Stationary, Scenario::Weekly, Scenario::Bursty];
    for (s, scenario) in quiet.into_iter().enumerate() {
        for baseline in [Baseline::Median28, Baseline::WeekdayMedian28] {
            let mut alarms = [0u64; THRESHOLDS.len()];
            let mut hits3 = [0u64; THRESHOLDS.len()];
            let mut hits5 = [0u64; THRESHOLDS.len()];
            let mut judged = 0u64;
            let mut rng = Rng(0xa0a0_0000 + s as u64);
            for _ in 0..RUNS {
                // 28 baseline days + the judged days: a month start far enough ahead.
                let start = month_start(&mut rng) + Days::new(LEAD_DAYS);
                let first = start - Days::new(LEAD_DAYS);
                let judged_first = first + Days::new(28);
                let last = judged_first + Days::new(JUDGED_DAYS - 1);
                let days = generate(scenario, &mut rng, start, last);
                let history = History::new(first, last, days.iter().copied()).expect("valid");
                for day in judged_first.iter_days().take(JUDGED_DAYS as usize) {
                    let Ok(a) = anomaly_score(&history, day, baseline) else {
                        continue;
                    };
                    judged += 1;
                    for (t, threshold) in THRESHOLDS.into_iter().enumerate() {
                        if a.score.abs() > threshold {
                            alarms[t] += 1;
                        }
                    }
                }
                // One spike on a judged day; the spend of a zero day becomes 3x / 5x the
                // scenario's mean.
                let spike_day = judged_first + Days::new(rng.below(JUDGED_DAYS));
                for (factor, hits) in [(3.0, &mut hits3), (5.0, &mut hits5)] {
                    let spiked = History::new(
                        first,
                        last,
                        days.iter().map(|(d, v)| {
                            if *d == spike_day {
                                (*d, factor * v.max(BASE * 0.1))
                            } else {
                                (*d, *v)
                            }
                        }),
                    )
                    .expect("valid");
                    if let Ok(a) = anomaly_score(&spiked, spike_day, baseline) {
                        for (t, threshold) in THRESHOLDS.into_iter().enumerate() {
                            if a.score > threshold {
                                hits[t] += 1;
                            }
                        }
                    }
                }
            }
            let mut line = format!("| {} | {} |", scenario.name(), baseline.name());
            for t in 0..THRESHOLDS.len() {
                line.push_str(&format!(
                    " {:.2} / {:.0} % / {:.0} % |",
                    100.0 * alarms[t] as f64 / judged.max(1) as f64,
                    100.0 * hits3[t] as f64 / RUNS as f64,
                    100.0 * hits5[t] as f64 / RUNS as f64
                ));
            }
            println!("{line}");
        }
    }
    println!();
}

fn main() {
    // `cargo test --benches` runs bench binaries with no `--bench`: the backtest is cheap,
    // so it runs either way.
    backtest();
    anomaly_backtest();
}
