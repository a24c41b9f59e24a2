//! `openrouter check`: rules over the account's figures, each held or crossed.

use std::fmt;

use openrouter_analytics::chrono::NaiveDate;
use serde::Deserialize;

use crate::runway::TRAILING_DAYS;
use crate::snapshot::{Needs, Snapshot, percent};

/// What the spike rule compares.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
#[non_exhaustive]
pub enum SpikeBy {
    /// The account's total spend.
    #[default]
    Total,
    /// Each model's spend.
    Model,
    /// Each enabled key's spend (one `GET /activity` per key).
    Key,
}

/// The thresholds to check; a rule that is `None` is not checked. Also the shape of a
/// `--rules` TOML file (same names, `snake_case`).
///
/// ```
/// use openrouter_analytics_watch::Rules;
///
/// let rules = Rules::from_toml("balance_below = 20\nspike = 3.0\nspike_by = \"model\"\n").unwrap();
/// assert_eq!(rules.balance_below, Some(20.0));
/// assert!(rules.needs().activity && rules.needs().credits);
/// assert!(Rules::from_toml("balance_belo = 20").is_err()); // a typo is an error
/// ```
#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct Rules {
    /// Crossed when the credit balance is below this many US dollars.
    pub balance_below: Option<f64>,
    /// Crossed when the runway is shorter than this many days.
    pub runway_below: Option<f64>,
    /// Crossed for each key whose spend in its limit's window is above this percentage
    /// of the limit.
    pub key_usage_above: Option<f64>,
    /// Only these keys (name, hash or hash prefix) for `key_usage_above`.
    #[serde(default)]
    pub keys: Vec<String>,
    /// Crossed when the day's spend is above this many US dollars.
    pub daily_spend_above: Option<f64>,
    /// Crossed when the day's spend is more than this many times the mean of the 7 days
    /// before it.
    pub spike: Option<f64>,
    /// Whether the spike rule looks at the total or at each model.
    #[serde(default)]
    pub spike_by: SpikeBy,
    /// Crossed for each workspace budget whose spend is above this percentage of its
    /// limit.
    pub budget_above: Option<f64>,
    /// Crossed for each guardrail with a limit whose spend in its reset window is above
    /// this percentage of the limit; unknown where the spend cannot be told (see
    /// [`GuardrailFigures::spend_usd`](crate::GuardrailFigures::spend_usd)).
    pub guardrail_usage_above: Option<f64>,
    /// Crossed when the account's projected month-end spend (the median of
    /// [`crate::forecast`], the month of the day judged) is above this many US dollars.
    pub forecast_above: Option<f64>,
    /// Crossed for each key (with a resetting limit, not disabled; `keys` narrows) whose
    /// projected spend by the end of its limit's window is above this percentage of the
    /// limit.
    pub key_forecast_above: Option<f64>,
    /// Crossed when the day's spend is more than this many robust standard deviations
    /// above its usual level ([`crate::forecast::anomaly_score`]: weekday-aware median
    /// and MAD of the 28 days before).
    pub anomaly: Option<f64>,
    /// Whether the anomaly rule looks at the total or at each model.
    #[serde(default)]
    pub anomaly_by: SpikeBy,
}

/// A rules file that could not be read.
#[derive(Debug)]
pub struct RulesError(String);

impl fmt::Display for RulesError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for RulesError {}

impl Rules {
    /// Reads a rules file's text.
    pub fn from_toml(text: &str) -> Result<Self, RulesError> {
        let rules: Self =
            toml::from_str(text).map_err(|err| RulesError(crate::one_line(&err.to_string())))?;
        rules.validate()?;
        Ok(rules)
    }

    /// The file's rules with the flags' on top (a flag wins).
    pub fn overridden_by(mut self, flags: Rules) -> Self {
        self.balance_below = flags.balance_below.or(self.balance_below);
        self.runway_below = flags.runway_below.or(self.runway_below);
        self.key_usage_above = flags.key_usage_above.or(self.key_usage_above);
        if !flags.keys.is_empty() {
            self.keys = flags.keys;
        }
        self.daily_spend_above = flags.daily_spend_above.or(self.daily_spend_above);
        self.spike = flags.spike.or(self.spike);
        if flags.spike_by != SpikeBy::Total {
            self.spike_by = flags.spike_by;
        }
        self.budget_above = flags.budget_above.or(self.budget_above);
        self.guardrail_usage_above = flags.guardrail_usage_above.or(self.guardrail_usage_above);
        self.forecast_above = flags.forecast_above.or(self.forecast_above);
        self.key_forecast_above = flags.key_forecast_above.or(self.key_forecast_above);
        self.anomaly = flags.anomaly.or(self.anomaly);
        if flags.anomaly_by != SpikeBy::Total {
            self.anomaly_by = flags.anomaly_by;
        }
        self
    }

    /// Every threshold is a finite number, not negative (a spike factor above 0).
    pub fn validate(&self) -> Result<(), RulesError> {
        let checks = [
            ("balance_below", self.balance_below),
            ("runway_below", self.runway_below),
            ("key_usage_above", self.key_usage_above),
            ("daily_spend_above", self.daily_spend_above),
            ("spike", self.spike),
            ("budget_above", self.budget_above),
            ("guardrail_usage_above", self.guardrail_usage_above),
            ("forecast_above", self.forecast_above),
            ("key_forecast_above", self.key_forecast_above),
            ("anomaly", self.anomaly),
        ];
        for (name, value) in checks {
            let positive = name == "spike" || name == "anomaly";
            if let Some(value) = value
                && (!value.is_finite() || value < 0.0 || (positive && value == 0.0))
            {
                let bound = if positive { "above 0" } else { "of 0 or more" };
                return Err(RulesError(format!(
                    "{name} must be a number {bound}, not {value}"
                )));
            }
        }
        Ok(())
    }

    /// Whether no rule is set.
    pub fn is_empty(&self) -> bool {
        self.needs() == Needs::default()
    }

    /// What must be fetched to check these rules.
    pub fn needs(&self) -> Needs {
        let mut needs = Needs::default();
        if self.balance_below.is_some() || self.runway_below.is_some() {
            needs.credits = true;
        }
        if self.runway_below.is_some()
            || self.daily_spend_above.is_some()
            || self.spike.is_some()
            || self.forecast_above.is_some()
            || self.anomaly.is_some()
        {
            needs.activity = true;
        }
        needs.keys = self.key_usage_above.is_some();
        needs.key_activity = self.key_forecast_above.is_some()
            || (self.spike.is_some() && self.spike_by == SpikeBy::Key)
            || (self.anomaly.is_some() && self.anomaly_by == SpikeBy::Key);
        needs.budgets = self.budget_above.is_some();
        needs.guardrails = self.guardrail_usage_above.is_some();
        needs
    }

    /// The `keys` filter entries that name no key of the snapshot.
    pub fn unknown_keys<'a>(&'a self, snapshot: &Snapshot) -> Vec<&'a str> {
        self.keys
            .iter()
            .filter(|wanted| !snapshot.keys.iter().any(|key| key.matches(wanted)))
            .map(String::as_str)
            .collect()
    }

    /// Checks every rule against `snapshot`, the daily rules and the runway judging
    /// `day`. One outcome per rule, or per key, model or budget for those rules, in the
    /// order the rules are listed above.
    ///
    /// A rule whose inputs are not all finite numbers (a balance, spend or limit from
    /// OpenRouter that is infinite or not a number) is [`Status::Unknown`], never held.
    pub fn evaluate(&self, snapshot: &Snapshot, day: NaiveDate) -> Vec<Outcome> {
        let mut outcomes = Vec::new();
        let mut push =
            |rule, subject: Option<String>, figure: f64, threshold: f64, inputs: &[f64]| {
                outcomes.push(Outcome::judged(rule, subject, figure, threshold, inputs));
            };
        if let (Some(threshold), Some(credits)) = (self.balance_below, snapshot.credits) {
            let balance = credits.balance_usd;
            push(Rule::BalanceBelow, None, balance, threshold, &[balance]);
        }
        if let (Some(threshold), Some(runway)) = (self.runway_below, snapshot.runway(day)) {
            let inputs = [runway.balance_usd, runway.mean_daily_spend_usd];
            push(Rule::RunwayBelow, None, runway.days, threshold, &inputs);
        }
        if let Some(threshold) = self.key_usage_above {
            for key in &snapshot.keys {
                let wanted =
                    self.keys.is_empty() || self.keys.iter().any(|wanted| key.matches(wanted));
                let Some(limit) = key.limit_usd else { continue };
                if !wanted || key.disabled {
                    continue;
                }
                let subject = format!("{} ({})", key.name, key.short_hash);
                let used = key.usage_for_limit();
                push(
                    Rule::KeyUsageAbove,
                    Some(subject),
                    percent(used, limit),
                    threshold,
                    &[used, limit],
                );
            }
        }
        let daily = crate::DailySpend::new(total_days(snapshot));
        // From a store, the days a rule reads must be covered: else it is unknown, with
        // the reason, never judged on a spend of 0.
        let gap = |first: NaiveDate| {
            snapshot
                .stored
                .as_ref()
                .and_then(|stored| stored.covers(first, day).err())
        };
        // The reasons of the daily and spike outcomes that could not be judged, in order.
        let mut gaps: Vec<(Rule, Option<String>)> = Vec::new();
        if let Some(threshold) = self.daily_spend_above {
            match gap(day) {
                None => {
                    let spend = daily.on(day);
                    push(Rule::DailySpendAbove, None, spend, threshold, &[spend]);
                }
                Some(reason) => {
                    push(Rule::DailySpendAbove, None, f64::NAN, threshold, &[]);
                    gaps.push((Rule::DailySpendAbove, Some(reason)));
                }
            }
        }
        if let Some(factor) = self.spike {
            let week_before = day
                .checked_sub_days(openrouter_analytics::chrono::Days::new(TRAILING_DAYS))
                .unwrap_or(day);
            let mut judge =
                |subject: Option<String>, spend: &crate::DailySpend| match gap(week_before) {
                    None => {
                        let (figure, inputs) = spike(spend, day);
                        push(Rule::Spike, subject, figure, factor, &inputs);
                    }
                    Some(reason) => {
                        push(Rule::Spike, subject, f64::NAN, factor, &[]);
                        gaps.push((Rule::Spike, Some(reason)));
                    }
                };
            match self.spike_by {
                SpikeBy::Total => judge(None, &daily),
                SpikeBy::Model => {
                    for (model, days) in model_series(snapshot, day) {
                        judge(Some(model), &crate::DailySpend::new(days));
                    }
                }
                SpikeBy::Key => {
                    for (subject, days) in key_series(snapshot) {
                        judge(Some(subject), &crate::DailySpend::new(days));
                    }
                }
            }
        }
        if let Some(threshold) = self.budget_above {
            for budget in &snapshot.budgets {
                let mut subject = format!("{} {}", budget.workspace, budget.interval);
                // Two budgets of one workspace and interval: their ids tell them apart.
                let shared = snapshot.budgets.iter().any(|other| {
                    other.id != budget.id
                        && other.workspace == budget.workspace
                        && other.interval == budget.interval
                });
                if shared {
                    subject.push_str(&format!(" ({})", budget.id));
                }
                push(
                    Rule::BudgetAbove,
                    Some(subject),
                    budget.percent_used(),
                    threshold,
                    &[budget.spend_usd, budget.limit_usd],
                );
            }
        }
        // Why each guardrail outcome could not be judged, in order (set once `push` is
        // done with `outcomes`).
        let mut reasons = Vec::new();
        if let Some(threshold) = self.guardrail_usage_above {
            for guardrail in &snapshot.guardrails {
                let Some(limit) = guardrail.limit_usd else {
                    continue;
                };
                let subject = Some(guardrail.label());
                let reason = match &guardrail.spend_usd {
                    Err(reason) => Some(reason.clone()),
                    Ok(_) if limit < 0.0 => Some(format!("its limit is negative ({limit})")),
                    Ok(_) => None,
                };
                match (&guardrail.spend_usd, reason) {
                    (Ok(spend), None) => push(
                        Rule::GuardrailUsageAbove,
                        subject,
                        percent(*spend, limit),
                        threshold,
                        &[*spend, limit],
                    ),
                    (_, reason) => {
                        // Never judged held on a part of the spend: unknown, saying why.
                        push(Rule::GuardrailUsageAbove, subject, f64::NAN, threshold, &[]);
                        reasons.push(reason);
                        continue;
                    }
                }
                reasons.push(None);
            }
        }
        let guardrail_outcomes = outcomes
            .iter_mut()
            .filter(|o| o.rule == Rule::GuardrailUsageAbove);
        for (outcome, reason) in guardrail_outcomes.zip(reasons) {
            outcome.note = reason;
        }
        for rule in [Rule::DailySpendAbove, Rule::Spike] {
            let notes = gaps.iter().filter(|(r, _)| *r == rule).map(|(_, n)| n);
            let unjudged = outcomes
                .iter_mut()
                .filter(|o| o.rule == rule && o.status == Status::Unknown);
            for (outcome, note) in unjudged.zip(notes) {
                outcome.note.clone_from(note);
            }
        }
        self.evaluate_forecasts(snapshot, day, &mut outcomes);
        outcomes
    }

    /// The forecast and anomaly rules (after the others, in this order).
    fn evaluate_forecasts(&self, snapshot: &Snapshot, day: NaiveDate, outcomes: &mut Vec<Outcome>) {
        use crate::forecast::{
            Baseline, History, LimitReach, Method, Period, Reset, anomaly_score, forecast,
        };
        // The days the spend covers: the store's range, else OpenRouter's window as the
        // runway counts it, the 30 days ending on the day judged.
        let window = match &snapshot.stored {
            Some(stored) => stored.covered.clone(),
            None => Ok((
                day.checked_sub_days(openrouter_analytics::chrono::Days::new(29))
                    .unwrap_or(day),
                day,
            )),
        };
        let history = |days: Vec<(NaiveDate, f64)>| -> Result<History, Reason> {
            let (first, last) = window.clone().map_err(Reason::Store)?;
            History::new(first, last, days).map_err(Reason::Cannot)
        };
        let total = total_days(snapshot);
        if let Some(threshold) = self.forecast_above {
            let judged = history(total.clone())
                .and_then(|h| Ok(forecast(&h, day, Period::month_of(day)?, Method::DEFAULT)?));
            let mut outcome = match &judged {
                Ok(f) => Outcome::judged(
                    Rule::ForecastAbove,
                    None,
                    f.p50_usd,
                    threshold,
                    &[f.p50_usd],
                ),
                Err(_) => Outcome::judged(Rule::ForecastAbove, None, f64::NAN, threshold, &[]),
            };
            outcome.note = Some(match judged {
                Ok(f) => format!(
                    "{}: {} to {day}, {} projected (p10 {}, p90 {}, {})",
                    month_of(&f.period),
                    usd(f.actual_usd),
                    usd(f.p50_usd),
                    usd(f.p10_usd),
                    usd(f.p90_usd),
                    f.method
                ),
                Err(reason) => format!("no forecast: {reason}"),
            });
            outcomes.push(outcome);
        }
        if let Some(threshold) = self.key_forecast_above {
            for key in &snapshot.keys {
                let wanted =
                    self.keys.is_empty() || self.keys.iter().any(|wanted| key.matches(wanted));
                let (Some(limit), Some(reset)) = (
                    key.limit_usd,
                    key.limit_reset.as_deref().and_then(Reset::parse),
                ) else {
                    continue;
                };
                if !wanted || key.disabled {
                    continue;
                }
                let subject = format!("{} ({})", key.name, key.short_hash);
                let days: Vec<(NaiveDate, f64)> = snapshot
                    .key_activity
                    .get(&key.hash)
                    .map(|days| days.iter().map(|(d, v)| (*d, *v)).collect())
                    .unwrap_or_default();
                let next = day.succ_opt().unwrap_or(day);
                let judged = history(days).and_then(|h| {
                    let f = forecast(&h, day, Period::reset_window(reset, next)?, Method::DEFAULT)?;
                    let reach = f.limit_reach(&h, limit);
                    Ok::<_, Reason>((f, reach))
                });
                let mut outcome = match &judged {
                    Ok((f, _)) => {
                        let figure = percent(f.p50_usd, limit);
                        Outcome::judged(
                            Rule::KeyForecastAbove,
                            Some(subject),
                            figure,
                            threshold,
                            &[f.p50_usd, limit],
                        )
                    }
                    Err(_) => Outcome::judged(
                        Rule::KeyForecastAbove,
                        Some(subject),
                        f64::NAN,
                        threshold,
                        &[],
                    ),
                };
                outcome.note = Some(match judged {
                    Ok((f, reach)) => {
                        let when = match reach {
                            LimitReach::Reached(d) => format!("the limit was reached on {d}"),
                            LimitReach::Projected(d) => {
                                format!("the limit is projected to be reached on {d}")
                            }
                            _ => "the limit is not projected to be reached this window".into(),
                        };
                        format!(
                            "{} of {} projected by {} (window from {}); {when}",
                            usd(f.p50_usd),
                            usd(limit),
                            f.period.end,
                            f.period.start
                        )
                    }
                    Err(reason) => format!("no forecast: {reason}"),
                });
                outcomes.push(outcome);
            }
        }
        if let Some(threshold) = self.anomaly {
            let mut judge = |subject: Option<String>, days: Vec<(NaiveDate, f64)>| {
                let judged = history(days)
                    .and_then(|h| Ok::<_, Reason>(anomaly_score(&h, day, Baseline::DEFAULT)?));
                let mut outcome = match &judged {
                    Ok(a) => {
                        Outcome::judged(Rule::Anomaly, subject, a.score, threshold, &[a.score])
                    }
                    Err(_) => Outcome::judged(Rule::Anomaly, subject, f64::NAN, threshold, &[]),
                };
                outcome.note = Some(match judged {
                    Ok(a) => format!("spend {}, usual {}", usd(a.spend_usd), usd(a.expected_usd)),
                    Err(reason) => format!("not judged: {reason}"),
                });
                outcomes.push(outcome);
            };
            match self.anomaly_by {
                SpikeBy::Total => judge(None, total),
                SpikeBy::Model => {
                    for (model, days) in model_series(snapshot, day) {
                        judge(Some(model), days);
                    }
                }
                SpikeBy::Key => {
                    for (subject, days) in key_series(snapshot) {
                        judge(Some(subject), days);
                    }
                }
            }
        }
    }
}

/// Why a forecast or anomaly rule could not be judged: the store does not cover the
/// day, or the history cannot be projected.
#[derive(Debug)]
enum Reason {
    Store(String),
    Cannot(crate::forecast::CannotForecast),
}

impl From<crate::forecast::CannotForecast> for Reason {
    fn from(err: crate::forecast::CannotForecast) -> Self {
        Self::Cannot(err)
    }
}

impl fmt::Display for Reason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Store(reason) => f.write_str(reason),
            Self::Cannot(err) => err.fmt(f),
        }
    }
}

/// The account's spend per day: the store's, else OpenRouter's window.
fn total_days(snapshot: &Snapshot) -> Vec<(NaiveDate, f64)> {
    match &snapshot.stored {
        Some(stored) => stored.total.clone(),
        None => snapshot.daily_spend().iter().collect(),
    }
}

/// Each model with spend on `day` and its spend per day: the store's, else
/// OpenRouter's window.
fn model_series(snapshot: &Snapshot, day: NaiveDate) -> Vec<(String, Vec<(NaiveDate, f64)>)> {
    match &snapshot.stored {
        Some(stored) => stored
            .models
            .iter()
            .filter(|(_, days)| days.iter().any(|(d, _)| *d == day))
            .map(|(model, days)| (model.clone(), days.clone()))
            .collect(),
        None => snapshot
            .models_on(day)
            .map(|models| {
                models
                    .keys()
                    .map(|model| {
                        (
                            model.clone(),
                            snapshot.daily_spend_of(model).iter().collect(),
                        )
                    })
                    .collect()
            })
            .unwrap_or_default(),
    }
}

/// Each enabled key with fetched activity: `name (short hash)` and its daily spend.
fn key_series(snapshot: &Snapshot) -> Vec<(String, Vec<(NaiveDate, f64)>)> {
    snapshot
        .keys
        .iter()
        .filter(|key| !key.disabled)
        .filter_map(|key| {
            let days = snapshot.key_activity.get(&key.hash)?;
            Some((
                format!("{} ({})", key.name, key.short_hash),
                days.iter().map(|(d, v)| (*d, *v)).collect(),
            ))
        })
        .collect()
}

/// Dollars to the cent with thousands separators (`$1,014.30`, `-$3.50`; `-0` is
/// `$0.00`), as the CLI's tables print them; a figure too large for cents to mean
/// anything is written as it is.
pub(crate) fn usd(value: f64) -> String {
    if !value.is_finite() || value.abs() >= 1e15 {
        return format!("${value}");
    }
    let cents = (value.abs() * 100.0).round() as u64;
    let negative = value < 0.0 && cents > 0;
    let whole = (cents / 100).to_string();
    let mut grouped = String::with_capacity(whole.len() + whole.len() / 3);
    for (i, digit) in whole.chars().enumerate() {
        if i > 0 && (whole.len() - i).is_multiple_of(3) {
            grouped.push(',');
        }
        grouped.push(digit);
    }
    format!(
        "{}${grouped}.{:02}",
        if negative { "-" } else { "" },
        cents % 100
    )
}

/// `2026-11` for a month.
fn month_of(period: &crate::forecast::Period) -> String {
    period.start.format("%Y-%m").to_string()
}

/// The day's spend over the mean of the 7 days before it: 0 when nothing was spent,
/// infinite for spend after 7 days of none. With the two figures it comes from.
fn spike(spend: &crate::DailySpend, day: NaiveDate) -> (f64, [f64; 2]) {
    let baseline = spend.mean_of_days_before(day, TRAILING_DAYS);
    let today = spend.on(day);
    let factor = if baseline > 0.0 {
        today / baseline
    } else if today > 0.0 {
        f64::INFINITY
    } else {
        0.0
    };
    (factor, [today, baseline])
}

/// Which rule an outcome is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Rule {
    /// `--balance-below`.
    BalanceBelow,
    /// `--runway-below`.
    RunwayBelow,
    /// `--key-usage-above`.
    KeyUsageAbove,
    /// `--daily-spend-above`.
    DailySpendAbove,
    /// `--spike`.
    Spike,
    /// `--budget-above`.
    BudgetAbove,
    /// `--guardrail-usage-above`.
    GuardrailUsageAbove,
    /// `--forecast-above`.
    ForecastAbove,
    /// `--key-forecast-above`.
    KeyForecastAbove,
    /// `--anomaly`.
    Anomaly,
}

/// How a rule's figure and threshold are written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Unit {
    /// US dollars.
    Usd,
    /// Days.
    Days,
    /// A percentage.
    Percent,
    /// A multiple.
    Factor,
    /// A robust score (standard deviations from the usual).
    Score,
}

impl Rule {
    /// The rule's name, as its flag without the dashes: `balance-below`.
    pub fn name(self) -> &'static str {
        match self {
            Self::BalanceBelow => "balance-below",
            Self::RunwayBelow => "runway-below",
            Self::KeyUsageAbove => "key-usage-above",
            Self::DailySpendAbove => "daily-spend-above",
            Self::Spike => "spike",
            Self::BudgetAbove => "budget-above",
            Self::GuardrailUsageAbove => "guardrail-usage-above",
            Self::ForecastAbove => "forecast-above",
            Self::KeyForecastAbove => "key-forecast-above",
            Self::Anomaly => "anomaly",
        }
    }

    /// The figure the rule looks at, for people.
    pub fn figure_name(self) -> &'static str {
        match self {
            Self::BalanceBelow => "balance",
            Self::RunwayBelow => "runway",
            Self::KeyUsageAbove => "usage of the limit",
            Self::DailySpendAbove => "spend",
            Self::Spike => "spend against the 7 days before",
            Self::BudgetAbove => "spend of the budget",
            Self::GuardrailUsageAbove => "spend of the guardrail's limit",
            Self::ForecastAbove => "projected month-end spend",
            Self::KeyForecastAbove => "projected spend of the limit by the window's end",
            Self::Anomaly => "distance from the usual spend (robust score)",
        }
    }

    /// The unit of its figure and threshold.
    pub fn unit(self) -> Unit {
        match self {
            Self::BalanceBelow | Self::DailySpendAbove | Self::ForecastAbove => Unit::Usd,
            Self::RunwayBelow => Unit::Days,
            Self::KeyUsageAbove
            | Self::BudgetAbove
            | Self::GuardrailUsageAbove
            | Self::KeyForecastAbove => Unit::Percent,
            Self::Spike => Unit::Factor,
            Self::Anomaly => Unit::Score,
        }
    }
}

impl Unit {
    /// The unit's name in JSON and CSV: `usd`, `days`, `percent`, `factor`.
    pub fn name(self) -> &'static str {
        match self {
            Self::Usd => "usd",
            Self::Days => "days",
            Self::Percent => "percent",
            Self::Factor => "factor",
            Self::Score => "score",
        }
    }

    /// `value` written in this unit: `$1,014.30` (to the cent, as every table of the
    /// CLI), `12.5 days`, `81.0%`, `3.20x`.
    ///
    /// ```
    /// use openrouter_analytics_watch::Unit;
    ///
    /// assert_eq!(Unit::Usd.format(1014.3), "$1,014.30");
    /// assert_eq!(Unit::Usd.format(-0.004), "$0.00");
    /// assert_eq!(Unit::Days.format(f64::INFINITY), "unlimited days");
    /// assert_eq!(Unit::Percent.format(81.0), "81.0%");
    /// ```
    pub fn format(self, value: f64) -> String {
        if value.is_infinite() {
            return match self {
                Self::Days => "unlimited days".to_string(),
                _ => "unlimited".to_string(),
            };
        }
        match self {
            Self::Usd => usd(value),
            Self::Days => format!("{value:.1} days"),
            Self::Percent => format!("{value:.1}%"),
            Self::Factor => format!("{value:.2}x"),
            Self::Score => format!("{value:.1}"),
        }
    }
}

/// Whether a rule held, was crossed, or could not be judged.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Status {
    /// The figure is on the safe side of the threshold.
    Held,
    /// The figure crossed the threshold.
    Crossed,
    /// A figure the rule needs is not a finite number: the rule cannot say either.
    Unknown,
}

impl Status {
    /// `ok`, `crossed` or `unknown`: the name in JSON and CSV.
    pub fn name(self) -> &'static str {
        match self {
            Self::Held => "ok",
            Self::Crossed => "crossed",
            Self::Unknown => "unknown",
        }
    }
}

/// One rule checked: the figure, the threshold and whether it was crossed.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct Outcome {
    /// The rule.
    pub rule: Rule,
    /// The key, model or budget it is about, for the per-item rules (text from the API).
    pub subject: Option<String>,
    /// The figure: dollars, days, percent or a factor (see [`Rule::unit`]).
    pub figure: f64,
    /// The rule's threshold, in the same unit.
    pub threshold: f64,
    /// Held, crossed, or not judged.
    pub status: Status,
    /// What the rule saw beyond its figure: why it could not be judged, where more is
    /// known than "a figure is not a finite number", or what a forecast or anomaly rule
    /// projected (text that may hold account data).
    pub note: Option<String>,
}

impl Outcome {
    /// The outcome of `figure` against `threshold`: unknown when the figure or an input
    /// is not a finite number.
    fn judged(
        rule: Rule,
        subject: Option<String>,
        figure: f64,
        threshold: f64,
        inputs: &[f64],
    ) -> Self {
        let crossed = match rule {
            Rule::BalanceBelow | Rule::RunwayBelow => figure < threshold,
            _ => figure > threshold,
        };
        let status = if figure.is_nan() || inputs.iter().any(|input| !input.is_finite()) {
            Status::Unknown
        } else if crossed {
            Status::Crossed
        } else {
            Status::Held
        };
        Self {
            rule,
            subject,
            figure,
            threshold,
            status,
            note: None,
        }
    }

    /// Whether the rule was crossed.
    pub fn crossed(&self) -> bool {
        self.status == Status::Crossed
    }

    /// Whether the rule could not be judged.
    pub fn unknown(&self) -> bool {
        self.status == Status::Unknown
    }

    /// One line for people: `key-usage-above ci (4f2a…): usage of the limit 91.0% is above 80.0%`.
    pub fn describe(&self) -> String {
        let unit = self.rule.unit();
        let (word, side) = match self.rule {
            Rule::BalanceBelow | Rule::RunwayBelow => ("below", "not below"),
            _ => ("above", "not above"),
        };
        let subject = self
            .subject
            .as_deref()
            .map(|s| format!(" {s}"))
            .unwrap_or_default();
        let note = self
            .note
            .as_deref()
            .map(|n| format!("; {}", crate::one_line(n)))
            .unwrap_or_default();
        if self.unknown() {
            let why = self
                .note
                .as_deref()
                .map(crate::one_line)
                .unwrap_or_else(|| "a figure from OpenRouter is not a finite number".into());
            return format!(
                "{}{subject}: {} cannot be judged ({why}; threshold {})",
                self.rule.name(),
                self.rule.figure_name(),
                unit.format(self.threshold)
            );
        }
        format!(
            "{}{subject}: {} {} is {} {}{note}",
            self.rule.name(),
            self.rule.figure_name(),
            unit.format(self.figure),
            if self.crossed() { word } else { side },
            unit.format(self.threshold)
        )
    }
}

/// The webhook's message: a first line with the counts and the day, then one line per
/// crossed rule and one per rule that could not be judged. Key, workspace and model
/// names are made plain text for Slack ([`slack_text`]): account data can never
/// mention, link or add a line.
pub fn alert_text(outcomes: &[Outcome], day: NaiveDate) -> String {
    let crossed: Vec<&Outcome> = outcomes.iter().filter(|o| o.crossed()).collect();
    let unknown: Vec<&Outcome> = outcomes.iter().filter(|o| o.unknown()).collect();
    let plural = |n: usize| if n == 1 { "" } else { "s" };
    let mut text = format!(
        "openrouter check: {} rule{} crossed",
        crossed.len(),
        plural(crossed.len())
    );
    if !unknown.is_empty() {
        text.push_str(&format!(
            ", {} rule{} could not be judged",
            unknown.len(),
            plural(unknown.len())
        ));
    }
    text.push_str(&format!(" (day judged: {day})"));
    for outcome in crossed.into_iter().chain(unknown) {
        let mut outcome = outcome.clone();
        outcome.subject = outcome.subject.as_deref().map(slack_text);
        outcome.note = outcome.note.as_deref().map(slack_text);
        text.push_str("\n- ");
        text.push_str(&outcome.describe());
    }
    text
}

/// `text` as plain text in a Slack message: `&`, `<` and `>` escaped as Slack's
/// formatting requires (so `<!channel>` or `<https://...|label>` stay text), and control
/// characters, line and paragraph separators and bidirectional overrides replaced with
/// U+FFFD (so a name cannot start a line of its own or reorder what follows).
///
/// ```
/// use openrouter_analytics_watch::rules::slack_text;
///
/// assert_eq!(slack_text("<!channel> a & b"), "&lt;!channel&gt; a &amp; b");
/// assert_eq!(slack_text("ci\n- all OK"), "ci\u{fffd}- all OK");
/// ```
pub fn slack_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            c if c.is_control()
                || matches!(
                    c,
                    '\u{2028}'
                        | '\u{2029}'
                        | '\u{200e}'
                        | '\u{200f}'
                        | '\u{202a}'..='\u{202e}'
                        | '\u{2066}'..='\u{2069}'
                ) =>
            {
                out.push('\u{fffd}')
            }
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;
    use crate::snapshot::{
        BudgetFigures, Credits, GuardrailFigures, KeyFigures, ModelDay, Periods,
    };

    fn day(d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, d).unwrap()
    }

    fn model_day(spend: f64) -> ModelDay {
        ModelDay {
            spend_usd: spend,
            ..Default::default()
        }
    }

    fn key(name: &str, limit: Option<f64>, month: f64, disabled: bool) -> KeyFigures {
        KeyFigures {
            name: name.into(),
            hash: format!("{name}-0123456789abcdef"),
            short_hash: format!("{name}-0123456789abcdef")[..12].to_string(),
            workspace_id: "w".into(),
            disabled,
            limit_usd: limit,
            limit_remaining_usd: None,
            limit_reset: Some("monthly".into()),
            include_byok_in_limit: false,
            usage: Periods {
                day: 0.0,
                week: 0.0,
                month,
                total: month,
            },
            byok_usage: Periods::default(),
        }
    }

    /// Days 1..=7 spend 1 dollar on model a; day 8 spends 5 on a and 1 on b.
    fn snapshot() -> Snapshot {
        let mut activity = BTreeMap::new();
        for d in 1..=7 {
            activity.insert(day(d), BTreeMap::from([("a".to_string(), model_day(1.0))]));
        }
        activity.insert(
            day(8),
            BTreeMap::from([
                ("a".to_string(), model_day(5.0)),
                ("b".to_string(), model_day(1.0)),
            ]),
        );
        Snapshot {
            credits: Some(Credits::new(30.0, 0.0)),
            keys: vec![
                key("ci", Some(10.0), 9.0, false),
                key("dev", Some(10.0), 1.0, false),
                key("nolimit", None, 50.0, false),
                key("off", Some(1.0), 5.0, true),
            ],
            budgets: vec![BudgetFigures {
                id: "b1".into(),
                workspace_id: "w".into(),
                workspace: "prod".into(),
                interval: "monthly".into(),
                limit_usd: 20.0,
                spend_usd: 19.0,
            }],
            activity,
            guardrails: Vec::new(),
            key_activity: BTreeMap::new(),
            stored: None,
        }
    }

    #[test]
    fn every_rule_reports_its_figure_and_whether_it_was_crossed() {
        let rules = Rules {
            balance_below: Some(50.0),
            runway_below: Some(3.0),
            key_usage_above: Some(80.0),
            daily_spend_above: Some(5.0),
            spike: Some(3.0),
            budget_above: Some(90.0),
            ..Default::default()
        };
        let outcomes = rules.evaluate(&snapshot(), day(8));
        let seen: Vec<(&str, Option<&str>, f64, bool)> = outcomes
            .iter()
            .map(|o| (o.rule.name(), o.subject.as_deref(), o.figure, o.crossed()))
            .collect();
        // Runway: 30 over the mean of days 2..=8 (6 + 6) / 7 = 12/7 a day = 17.5 days.
        assert_eq!(
            seen,
            vec![
                ("balance-below", None, 30.0, true),
                ("runway-below", None, 30.0 / (12.0 / 7.0), false),
                ("key-usage-above", Some("ci (ci-012345678)"), 90.0, true),
                ("key-usage-above", Some("dev (dev-01234567)"), 10.0, false),
                ("daily-spend-above", None, 6.0, true),
                ("spike", None, 6.0, true),
                ("budget-above", Some("prod monthly"), 95.0, true),
            ]
        );
    }

    #[test]
    fn the_spike_per_model_treats_a_new_model_as_unlimited() {
        let rules = Rules {
            spike: Some(4.0),
            spike_by: SpikeBy::Model,
            ..Default::default()
        };
        let outcomes = rules.evaluate(&snapshot(), day(8));
        assert_eq!(outcomes.len(), 2);
        assert_eq!(outcomes[0].subject.as_deref(), Some("a"));
        assert_eq!(outcomes[0].figure, 5.0);
        assert!(outcomes[0].crossed());
        assert_eq!(outcomes[1].figure, f64::INFINITY);
        assert!(outcomes[1].crossed());
        // A quiet day holds.
        let quiet = rules.evaluate(&snapshot(), day(7));
        assert!(quiet.iter().all(|o| !o.crossed()), "{quiet:?}");
    }

    #[test]
    fn keys_narrow_the_key_rule_and_unknown_ones_are_reported() {
        let rules = Rules {
            key_usage_above: Some(50.0),
            keys: vec!["DEV".into(), "missing".into()],
            ..Default::default()
        };
        let outcomes = rules.evaluate(&snapshot(), day(8));
        assert_eq!(outcomes.len(), 1);
        assert_eq!(outcomes[0].subject.as_deref(), Some("dev (dev-01234567)"));
        assert_eq!(rules.unknown_keys(&snapshot()), vec!["missing"]);
    }

    #[test]
    fn a_rules_file_is_checked_and_flags_win() {
        let file = Rules::from_toml(
            "balance_below = 10\nkey_usage_above = 80\nkeys = [\"ci\"]\nspike_by = \"model\"\nspike = 2\n",
        )
        .unwrap();
        let flags = Rules {
            balance_below: Some(25.0),
            ..Default::default()
        };
        let rules = file.overridden_by(flags);
        assert_eq!(rules.balance_below, Some(25.0));
        assert_eq!(rules.key_usage_above, Some(80.0));
        assert_eq!(rules.keys, vec!["ci".to_string()]);
        assert_eq!(rules.spike_by, SpikeBy::Model);
        assert!(Rules::from_toml("spike = 0").is_err());
        assert!(Rules::from_toml("balance_below = -1").is_err());
        assert!(Rules::from_toml("balance_below = \"ten\"").is_err());
        assert!(Rules::default().is_empty());
    }

    #[test]
    fn the_alert_text_lists_the_crossed_rules_only() {
        let rules = Rules {
            balance_below: Some(50.0),
            daily_spend_above: Some(100.0),
            ..Default::default()
        };
        let text = alert_text(&rules.evaluate(&snapshot(), day(8)), day(8));
        assert_eq!(
            text,
            "openrouter check: 1 rule crossed (day judged: 2026-11-08)\n\
             - balance-below: balance $30.00 is below $50.00"
        );
    }

    #[test]
    fn a_rule_whose_figures_are_not_finite_is_unknown_never_held() {
        let rules = Rules {
            balance_below: Some(10.0),
            runway_below: Some(10.0),
            daily_spend_above: Some(1e9),
            spike: Some(1e9),
            budget_above: Some(1e9),
            key_usage_above: Some(1e9),
            ..Default::default()
        };
        // An infinite balance (bought 1e308, used -1e308) and an infinite day of spend.
        let mut snapshot = snapshot();
        snapshot.credits = Some(Credits::new(1e308, -1e308));
        snapshot
            .activity
            .get_mut(&day(8))
            .unwrap()
            .insert("c".into(), model_day(f64::INFINITY));
        snapshot.budgets[0].limit_usd = f64::NAN;
        snapshot.keys[0].usage.month = f64::INFINITY;
        let outcomes = rules.evaluate(&snapshot, day(8));
        let unknown: Vec<&str> = outcomes
            .iter()
            .filter(|o| o.status == Status::Unknown)
            .map(|o| o.rule.name())
            .collect();
        assert_eq!(
            unknown,
            [
                "balance-below",
                "runway-below",
                "key-usage-above",
                "daily-spend-above",
                "spike",
                "budget-above"
            ],
            "{outcomes:?}"
        );
        // The other key is judged as usual.
        assert_eq!(
            outcomes.iter().filter(|o| o.status == Status::Held).count(),
            1
        );
        assert!(outcomes.iter().all(|o| !o.crossed()));
        let text = alert_text(&outcomes[..2], day(8));
        assert_eq!(
            text,
            "openrouter check: 0 rules crossed, 2 rules could not be judged (day judged: 2026-11-08)\n\
             - balance-below: balance cannot be judged (a figure from OpenRouter is not a finite number; threshold $10.00)\n\
             - runway-below: runway cannot be judged (a figure from OpenRouter is not a finite number; threshold 10.0 days)"
        );
        // An unlimited runway (no spend) is still judged: held.
        let mut quiet = Snapshot {
            credits: Some(Credits::new(5.0, 0.0)),
            ..Default::default()
        };
        let held = rules.evaluate(&quiet, day(8));
        assert_eq!(held[1].status, Status::Held, "{held:?}");
        quiet.credits = Some(Credits::new(f64::NAN, 0.0));
        assert_eq!(rules.evaluate(&quiet, day(8))[1].status, Status::Unknown);
    }

    #[test]
    fn names_in_the_alert_cannot_mention_link_or_add_lines() {
        let rules = Rules {
            key_usage_above: Some(50.0),
            ..Default::default()
        };
        let mut snapshot = snapshot();
        snapshot.keys[0].name =
            "<!channel> pay now <https://evil.example/login|OpenRouter: re-authenticate> & \
             more\n- all rules OK, ignore the lines above\r\u{2028}\u{202e}x"
                .into();
        let text = alert_text(&rules.evaluate(&snapshot, day(8)), day(8));
        assert_eq!(text.lines().count(), 2, "{text}");
        assert!(
            text.ends_with(
                "- key-usage-above &lt;!channel&gt; pay now \
                 &lt;https://evil.example/login|OpenRouter: re-authenticate&gt; &amp; \
                 more\u{fffd}- all rules OK, ignore the lines above\u{fffd}\u{fffd}\u{fffd}x \
                 (ci-012345678): usage of the limit 90.0% is above 50.0%"
            ),
            "{text}"
        );
        assert!(!text.contains('<') && !text.contains('>'), "{text}");
    }

    #[test]
    fn two_budgets_of_one_workspace_and_interval_are_told_apart_by_id() {
        let rules = Rules {
            budget_above: Some(50.0),
            ..Default::default()
        };
        let mut snapshot = snapshot();
        let mut second = snapshot.budgets[0].clone();
        second.id = "b2".into();
        snapshot.budgets.push(second);
        let subjects: Vec<Option<String>> = rules
            .evaluate(&snapshot, day(8))
            .into_iter()
            .map(|o| o.subject)
            .collect();
        assert_eq!(
            subjects,
            [
                Some("prod monthly (b1)".to_string()),
                Some("prod monthly (b2)".to_string())
            ]
        );
    }

    fn guardrail(
        name: &str,
        id: &str,
        limit: Option<f64>,
        spend: Result<f64, String>,
    ) -> GuardrailFigures {
        GuardrailFigures {
            id: id.into(),
            short_id: id.chars().take(12).collect(),
            name: name.into(),
            reset: Some("daily".into()),
            limit_usd: limit,
            keys: 1,
            members: 0,
            spend_usd: spend,
        }
    }

    #[test]
    fn guardrails_are_crossed_held_or_unknown_with_the_reason_never_low() {
        let rules = Rules {
            guardrail_usage_above: Some(80.0),
            ..Default::default()
        };
        let mut snapshot = snapshot();
        snapshot.guardrails = vec![
            guardrail("crossed", "g1", Some(10.0), Ok(9.0)),
            guardrail("held", "g2", Some(10.0), Ok(1.0)),
            guardrail("no limit", "g3", None, Ok(100.0)),
            guardrail(
                "members",
                "g4",
                Some(10.0),
                Err("2 members are assigned".into()),
            ),
            guardrail("zero", "g5", Some(0.0), Ok(0.5)),
            guardrail("negative", "g6", Some(-5.0), Ok(0.0)),
            guardrail("nan", "g7", Some(f64::NAN), Ok(1.0)),
            guardrail("inf spend", "g8", Some(10.0), Ok(f64::INFINITY)),
        ];
        let outcomes = rules.evaluate(&snapshot, day(8));
        let seen: Vec<(&str, Status, Option<&str>)> = outcomes
            .iter()
            .map(|o| (o.subject.as_deref().unwrap(), o.status, o.note.as_deref()))
            .collect();
        assert_eq!(
            seen,
            [
                ("crossed (g1)", Status::Crossed, None),
                ("held (g2)", Status::Held, None),
                (
                    "members (g4)",
                    Status::Unknown,
                    Some("2 members are assigned")
                ),
                ("zero (g5)", Status::Crossed, None),
                (
                    "negative (g6)",
                    Status::Unknown,
                    Some("its limit is negative (-5)")
                ),
                ("nan (g7)", Status::Unknown, None),
                ("inf spend (g8)", Status::Unknown, None),
            ]
        );
        assert_eq!(outcomes[0].figure, 90.0);
        assert!(rules.needs().guardrails);
        assert!(!rules.needs().activity);
        assert!(
            outcomes[2]
                .describe()
                .ends_with("cannot be judged (2 members are assigned; threshold 80.0%)"),
            "{}",
            outcomes[2].describe()
        );
        assert!(Rules::from_toml("guardrail_usage_above = -1").is_err());
        assert_eq!(
            Rules::from_toml("guardrail_usage_above = 75")
                .unwrap()
                .guardrail_usage_above,
            Some(75.0)
        );
    }

    #[test]
    fn a_guardrail_name_or_reason_cannot_mention_or_add_lines_in_the_alert() {
        let rules = Rules {
            guardrail_usage_above: Some(50.0),
            ..Default::default()
        };
        let mut snapshot = snapshot();
        snapshot.guardrails = vec![
            guardrail("<!here> cap\n- all OK", "g1", Some(1.0), Ok(1.0)),
            guardrail("x", "g2", Some(1.0), Err("key <b|a>\nnew line".into())),
        ];
        let text = alert_text(&rules.evaluate(&snapshot, day(8)), day(8));
        assert_eq!(text.lines().count(), 3, "{text}");
        assert!(!text.contains('<') && !text.contains('>'), "{text}");
        assert!(
            text.contains("&lt;!here&gt; cap\u{fffd}- all OK (g1)"),
            "{text}"
        );
        assert!(
            text.contains("(key &lt;b|a&gt;\u{fffd}new line; threshold"),
            "{text}"
        );
    }

    #[test]
    fn dollars_are_written_to_the_cent_with_separators() {
        for (value, written) in [
            (0.0, "$0.00"),
            (-0.0, "$0.00"),
            (-0.004, "$0.00"),
            (0.005, "$0.01"),
            (1014.3, "$1,014.30"),
            (-3.5, "-$3.50"),
            (999_999.999, "$1,000,000.00"),
            (1_234_567_890.12, "$1,234,567,890.12"),
        ] {
            assert_eq!(usd(value), written, "{value}");
        }
        assert_eq!(usd(f64::NAN), "$NaN");
        assert_eq!(usd(1e300), format!("${}", 1e300));
    }

    /// 60 days to 2026-11-10 of `spend(i)` on model "a", and a key "ci" (monthly limit
    /// $100) spending $5 a day.
    fn steady(spend: impl Fn(usize) -> f64) -> Snapshot {
        let last = day(10);
        let mut snapshot = Snapshot::default();
        let mut ci = key("ci", Some(100.0), 0.0, false);
        ci.limit_reset = Some("monthly".into());
        let mut key_days = BTreeMap::new();
        for i in 0..60u64 {
            let d = last - openrouter_analytics::chrono::Days::new(59 - i);
            snapshot.activity.insert(
                d,
                BTreeMap::from([("a".to_string(), model_day(spend(i as usize)))]),
            );
            key_days.insert(d, 5.0);
        }
        snapshot.key_activity.insert(ci.hash.clone(), key_days);
        snapshot.keys = vec![ci];
        snapshot
    }

    #[test]
    fn forecast_rules_project_the_month_and_say_when_a_limit_is_reached() {
        let snapshot = steady(|_| 10.0);
        let rules = Rules {
            forecast_above: Some(250.0),
            key_forecast_above: Some(80.0),
            ..Default::default()
        };
        assert!(rules.needs().activity && rules.needs().key_activity);
        let out = rules.evaluate(&snapshot, day(10));
        assert_eq!(out.len(), 2, "{out:?}");
        assert_eq!(out[0].rule, Rule::ForecastAbove);
        assert!((out[0].figure - 300.0).abs() < 1e-6, "{out:?}");
        assert!(out[0].crossed());
        assert_eq!(out[1].rule, Rule::KeyForecastAbove);
        assert!((out[1].figure - 150.0).abs() < 1e-6, "{out:?}");
        let text = alert_text(&out, day(10));
        assert!(
            text.contains("the limit is projected to be reached on 2026-11-20"),
            "{text}"
        );
        // Held below the thresholds.
        let calm = Rules {
            forecast_above: Some(350.0),
            key_forecast_above: Some(200.0),
            ..Default::default()
        };
        assert!(
            calm.evaluate(&snapshot, day(10))
                .iter()
                .all(|o| o.status == Status::Held)
        );
        // A month whose 1st is before the 30 days: not judged, and the reason is said.
        let october = NaiveDate::from_ymd_opt(2026, 10, 31).unwrap();
        let out = rules.evaluate(&snapshot, october);
        assert_eq!(out[0].status, Status::Unknown);
        assert!(
            out[0].describe().contains("does not cover 2026-10-01"),
            "{}",
            out[0].describe()
        );
        // Hostile spend: not judged, never a panic.
        let mut hostile = snapshot.clone();
        hostile
            .activity
            .insert(day(9), BTreeMap::from([("a".into(), model_day(f64::NAN))]));
        assert_eq!(rules.evaluate(&hostile, day(10))[0].status, Status::Unknown);
        assert!(Rules::from_toml("anomaly = 0").is_err());
        assert!(Rules::from_toml("key_forecast_above = -1").is_err());
    }

    #[test]
    fn the_anomaly_rule_flags_a_spike_and_not_a_quiet_day() {
        let rules = Rules {
            anomaly: Some(7.0),
            ..Default::default()
        };
        let quiet = steady(|i| 10.0 + (i % 3) as f64);
        let out = rules.evaluate(&quiet, day(10));
        assert_eq!(out.len(), 1);
        assert_eq!(out[0].status, Status::Held, "{out:?}");
        let spiked = steady(|i| if i == 59 { 50.0 } else { 10.0 + (i % 3) as f64 });
        let out = rules.evaluate(&spiked, day(10));
        assert!(out[0].crossed(), "{out:?}");
        assert!(
            out[0].describe().contains("spend $50.00"),
            "{}",
            out[0].describe()
        );
        let by_model = Rules {
            anomaly: Some(7.0),
            anomaly_by: SpikeBy::Model,
            ..Default::default()
        };
        let out = by_model.evaluate(&spiked, day(10));
        assert_eq!(out[0].subject.as_deref(), Some("a"));
        assert!(out[0].crossed());
        // By key: the key "ci" spends a steady $5 a day; a $40 day is flagged, by both
        // rules.
        let mut key_spike = quiet.clone();
        let hash = key_spike.keys[0].hash.clone();
        key_spike
            .key_activity
            .get_mut(&hash)
            .unwrap()
            .insert(day(10), 40.0);
        let by_key = Rules {
            anomaly: Some(7.0),
            anomaly_by: SpikeBy::Key,
            spike: Some(3.0),
            spike_by: SpikeBy::Key,
            ..Default::default()
        };
        assert!(by_key.needs().key_activity);
        let out = by_key.evaluate(&key_spike, day(10));
        assert_eq!(out.len(), 2, "{out:?}");
        assert!(out.iter().all(|o| o.crossed()), "{out:?}");
        assert!(out[0].subject.as_deref().unwrap().starts_with("ci ("));
        assert!(
            by_key
                .evaluate(&quiet, day(10))
                .iter()
                .all(|o| !o.crossed())
        );
    }
}
