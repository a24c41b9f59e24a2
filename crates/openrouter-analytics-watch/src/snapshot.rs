//! What the account looks like at one moment: credits, keys, workspace budgets and
//! the daily activity, fetched with the client and reduced to the figures rules and
//! metrics need.

use std::collections::BTreeMap;

use openrouter_analytics::chrono::NaiveDate;
use std::time::{Duration, Instant};

use openrouter_analytics::types::{
    ActivityItem, ApiKey, GetCreditsResponseData, Guardrail, KeyAssignment, MemberAssignment,
    Workspace, WorkspaceBudget,
};
use openrouter_analytics::{Client, Error};

use crate::runway::{DailySpend, Runway};

/// Characters of a key's hash used as its `key_hash` label and short name (more when
/// two keys share them: see [`short_hashes`]).
pub const SHORT_HASH_LEN: usize = 12;

/// Which parts of the account to fetch (each is one or more requests).
///
/// ```
/// use openrouter_analytics_watch::Needs;
///
/// let needs = Needs::all();
/// assert!(needs.credits && needs.keys && needs.budgets && needs.activity && needs.guardrails);
/// assert!(!Needs::default().credits);
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct Needs {
    /// `GET /credits`.
    pub credits: bool,
    /// `GET /keys` (every page, disabled keys included).
    pub keys: bool,
    /// `GET /workspaces` (every page), then `GET /workspaces/{id}/budgets` for each; the
    /// spend is summed from the keys list, so this fetches the keys too.
    pub budgets: bool,
    /// `GET /activity` (the last 30 completed UTC days, one request).
    pub activity: bool,
    /// `GET /guardrails` for each workspace, and every key and member assignment
    /// (`GET /guardrails/assignments/keys`, `.../members`); the spend is summed from the
    /// keys list, so this fetches the keys and workspaces too.
    pub guardrails: bool,
    /// `GET /activity?api_key_hash=...` for each enabled key (one request per key;
    /// fetches the keys too). Not in [`Needs::all`]: only the per-key forecast, spike
    /// and anomaly rules need it.
    pub key_activity: bool,
}

impl Needs {
    /// Everything: what the exporter fetches on each refresh.
    pub fn all() -> Self {
        Self {
            credits: true,
            keys: true,
            budgets: true,
            activity: true,
            guardrails: true,
            key_activity: false,
        }
    }
}

/// The credit balance.
#[derive(Clone, Copy, Debug, PartialEq)]
#[non_exhaustive]
pub struct Credits {
    /// Credits bought, in US dollars.
    pub purchased_usd: f64,
    /// Credits used, in US dollars.
    pub used_usd: f64,
    /// Bought minus used, rounded to the micro-dollar (no float noise).
    pub balance_usd: f64,
}

impl Credits {
    /// From the numbers `GET /credits` returns.
    ///
    /// ```
    /// use openrouter_analytics_watch::Credits;
    ///
    /// let credits = Credits::new(0.3, 0.1);
    /// assert_eq!(credits.balance_usd, 0.2);
    /// ```
    pub fn new(purchased_usd: f64, used_usd: f64) -> Self {
        Self {
            purchased_usd,
            used_usd,
            balance_usd: round_micro(purchased_usd - used_usd),
        }
    }
}

impl From<&GetCreditsResponseData> for Credits {
    fn from(data: &GetCreditsResponseData) -> Self {
        Self::new(data.total_credits, data.total_usage)
    }
}

/// One API key's spend and limit (never its secret: the API does not list it).
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct KeyFigures {
    /// The key's name.
    pub name: String,
    /// Its SHA-256 hash (public: it identifies the key, it does not unlock it).
    pub hash: String,
    /// The first [`SHORT_HASH_LEN`] characters of the hash, or more when another key
    /// of the snapshot starts the same way ([`short_hashes`]).
    pub short_hash: String,
    /// The workspace it belongs to.
    pub workspace_id: String,
    /// Whether it is disabled.
    pub disabled: bool,
    /// Its spending limit in US dollars, if it has one.
    pub limit_usd: Option<f64>,
    /// What is left of the limit, if it has one.
    pub limit_remaining_usd: Option<f64>,
    /// When the limit resets (`daily`, `weekly`, `monthly`), or `None` for never.
    pub limit_reset: Option<String>,
    /// Whether spend on your own provider keys counts against the limit.
    pub include_byok_in_limit: bool,
    /// Spend today (UTC), this week, this month and in total.
    pub usage: Periods,
    /// The same for spend on your own provider keys (BYOK).
    pub byok_usage: Periods,
}

/// Spend over the usual windows, in US dollars.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
#[non_exhaustive]
pub struct Periods {
    /// Today (UTC) so far.
    pub day: f64,
    /// This week (UTC) so far.
    pub week: f64,
    /// This month (UTC) so far.
    pub month: f64,
    /// Since the key was made.
    pub total: f64,
}

impl Periods {
    /// The window named by a limit's reset (`daily`, `weekly`, `monthly`; anything else,
    /// or none, is the total).
    ///
    /// ```
    /// use openrouter_analytics_watch::Periods;
    ///
    /// let mut usage = Periods::default();
    /// usage.week = 2.0;
    /// usage.total = 4.0;
    /// assert_eq!(usage.for_reset(Some("weekly")), 2.0);
    /// assert_eq!(usage.for_reset(None), 4.0);
    /// ```
    pub fn for_reset(&self, reset: Option<&str>) -> f64 {
        match reset {
            Some("daily") => self.day,
            Some("weekly") => self.week,
            Some("monthly") => self.month,
            _ => self.total,
        }
    }
}

impl KeyFigures {
    /// The spend counted against the key's limit in its current window (BYOK spend
    /// included when the key says so).
    pub fn usage_for_limit(&self) -> f64 {
        let reset = self.limit_reset.as_deref();
        let byok = if self.include_byok_in_limit {
            self.byok_usage.for_reset(reset)
        } else {
            0.0
        };
        round_micro(self.usage.for_reset(reset) + byok)
    }

    /// Whether `name_or_hash` names this key: its hash, the start of its hash (at least
    /// 8 characters) or its name (ignoring case).
    pub fn matches(&self, name_or_hash: &str) -> bool {
        let wanted = name_or_hash.trim();
        self.hash == wanted
            || (wanted.len() >= 8 && self.hash.starts_with(wanted))
            || self.name.eq_ignore_ascii_case(wanted)
    }
}

impl From<&ApiKey> for KeyFigures {
    fn from(key: &ApiKey) -> Self {
        Self {
            name: key.name.clone(),
            hash: key.hash.clone(),
            short_hash: key.hash.chars().take(SHORT_HASH_LEN).collect(),
            workspace_id: key.workspace_id.clone(),
            disabled: key.disabled,
            limit_usd: key.limit,
            limit_remaining_usd: key.limit_remaining,
            limit_reset: key.limit_reset.clone(),
            include_byok_in_limit: key.include_byok_in_limit,
            usage: Periods {
                day: key.usage_daily,
                week: key.usage_weekly,
                month: key.usage_monthly,
                total: key.usage,
            },
            byok_usage: Periods {
                day: key.byok_usage_daily,
                week: key.byok_usage_weekly,
                month: key.byok_usage_monthly,
                total: key.byok_usage,
            },
        }
    }
}

/// A workspace budget and the spend counted against it.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct BudgetFigures {
    /// The budget's id: what tells two budgets of one workspace and interval apart.
    pub id: String,
    /// The workspace's id.
    pub workspace_id: String,
    /// The workspace's slug (its `workspace` label).
    pub workspace: String,
    /// The window: `daily`, `weekly`, `monthly` or `lifetime`.
    pub interval: String,
    /// The limit in US dollars.
    pub limit_usd: f64,
    /// The spend of the workspace's keys in the window (see [`Snapshot::budgets`]).
    pub spend_usd: f64,
}

impl BudgetFigures {
    /// Spend as a percentage of the limit (infinite for a zero limit with spend).
    pub fn percent_used(&self) -> f64 {
        percent(self.spend_usd, self.limit_usd)
    }
}

/// A guardrail's limit and the spend counted against it.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct GuardrailFigures {
    /// The guardrail's id.
    pub id: String,
    /// The first [`SHORT_HASH_LEN`] characters of the id, more where two guardrails
    /// share them (its `guardrail_id` label).
    pub short_id: String,
    /// Its name (text from the account).
    pub name: String,
    /// When the limit starts over (`daily`, `weekly`, `monthly`), or `None` for never.
    pub reset: Option<String>,
    /// The limit in US dollars, if it has one.
    pub limit_usd: Option<f64>,
    /// How many keys are assigned to it.
    pub keys: usize,
    /// How many organization members are assigned to it.
    pub members: usize,
    /// The spend in the reset window: the sum, over the assigned keys, of their usage
    /// today, this week, this month or in total (BYOK spend included when the
    /// guardrail counts it). `Err` says why it cannot be told: members are assigned
    /// (OpenRouter reports no per-member spend for the current window: the activity
    /// has completed days only), it is a workspace's default guardrail (the keys and
    /// members it covers are not listed), or an assigned key is not in the keys list.
    /// Like budgets, spend of deleted keys is not counted, and a key's usage in the
    /// window from before it was assigned is.
    pub spend_usd: Result<f64, String>,
}

impl GuardrailFigures {
    /// `name (short id)`: how rules and logs name it.
    pub fn label(&self) -> String {
        format!("{} ({})", self.name, self.short_id)
    }
}

/// One model's requests, tokens and spend on one day. The counts are summed in `i128`
/// (the rows' counts are `i64`), so a sum never wraps.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
#[non_exhaustive]
pub struct ModelDay {
    /// US dollars of OpenRouter credits.
    pub spend_usd: f64,
    /// Requests.
    pub requests: i128,
    /// Input tokens.
    pub prompt_tokens: i128,
    /// Output tokens.
    pub completion_tokens: i128,
    /// Reasoning tokens.
    pub reasoning_tokens: i128,
    /// Input tokens served from the cache.
    pub cached_tokens: i128,
}

impl ModelDay {
    fn add(&mut self, row: &ActivityItem) {
        self.spend_usd += row.usage;
        // Saturating: no input can panic; i128 holds 2^64 rows of i64::MAX anyway.
        let add = |sum: &mut i128, value: i64| *sum = sum.saturating_add(i128::from(value));
        add(&mut self.requests, row.requests);
        add(&mut self.prompt_tokens, row.prompt_tokens);
        add(&mut self.completion_tokens, row.completion_tokens);
        add(&mut self.reasoning_tokens, row.reasoning_tokens);
        add(&mut self.cached_tokens, row.cached_tokens);
    }
}

/// The account's figures at one moment. A part that was not asked for ([`Needs`]) is
/// empty (`None` for credits).
#[derive(Clone, Debug, Default, PartialEq)]
#[non_exhaustive]
pub struct Snapshot {
    /// The credit balance.
    pub credits: Option<Credits>,
    /// Every key, disabled ones included, in the API's order.
    pub keys: Vec<KeyFigures>,
    /// Every workspace budget. The API gives a budget's limit but not its spend; the
    /// spend is the sum, over the keys of the workspace, of their usage in the budget's
    /// window (today, this week, this month, in total), BYOK spend included when the
    /// workspace counts it. Spend of deleted keys is not in the keys list, so for a
    /// `lifetime` budget the figure can be low.
    pub budgets: Vec<BudgetFigures>,
    /// Per UTC day, per model: the activity rows summed (all days the API returned).
    pub activity: BTreeMap<NaiveDate, BTreeMap<String, ModelDay>>,
    /// Every guardrail of every workspace, with the spend counted against its limit
    /// where it can be told ([`GuardrailFigures::spend_usd`]).
    pub guardrails: Vec<GuardrailFigures>,
    /// Per key hash (enabled keys, with [`Needs::key_activity`]): the
    /// spend its limit counts per UTC day (BYOK spend included when the key says so).
    pub key_activity: BTreeMap<String, BTreeMap<NaiveDate, f64>>,
    /// Daily spend read from a history store (`--db`): when set, the daily, spike,
    /// forecast and anomaly rules and the month-end forecast read it instead of
    /// [`activity`](Self::activity), and `key_activity` is taken to cover its days.
    pub stored: Option<StoredSpend>,
}

/// Daily spend from a history store: the days it covers (or why it covers none that
/// counts), the account's total and each model's spend per UTC day. A covered day
/// without an entry spent 0; a day outside the covered range is unknown, never 0.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct StoredSpend {
    /// The first and last covered day, or why the day judged is not covered.
    pub covered: Result<(NaiveDate, NaiveDate), String>,
    /// The account's spend per day.
    pub total: Vec<(NaiveDate, f64)>,
    /// Each model's spend per day (empty unless asked for).
    pub models: BTreeMap<String, Vec<(NaiveDate, f64)>>,
}

impl StoredSpend {
    /// The covered range (or why there is none) and the account's daily spend.
    pub fn new(
        covered: Result<(NaiveDate, NaiveDate), String>,
        total: Vec<(NaiveDate, f64)>,
    ) -> Self {
        Self {
            covered,
            total,
            models: BTreeMap::new(),
        }
    }

    /// With each model's daily spend.
    pub fn with_models(mut self, models: BTreeMap<String, Vec<(NaiveDate, f64)>>) -> Self {
        self.models = models;
        self
    }

    /// `Ok` when every day of `first..=last` is covered, else why not.
    pub fn covers(&self, first: NaiveDate, last: NaiveDate) -> Result<(), String> {
        match &self.covered {
            Err(reason) => Err(reason.clone()),
            Ok((from, to)) if *from <= first && last <= *to => Ok(()),
            Ok((from, to)) => Err(format!(
                "the store covers {from} to {to} without a gap; {} is not in it",
                if last > *to { last } else { first }
            )),
        }
    }
}

impl Snapshot {
    /// Fetches what `needs` asks for, one request after the other; the first failure is
    /// the error (a snapshot is never partly filled).
    pub async fn fetch(client: &Client, needs: Needs) -> Result<Self, Error> {
        Self::fetch_within(client, needs, None).await
    }

    /// [`fetch`](Self::fetch), every call's retries cut to what is left of `budget`
    /// (from now): when OpenRouter cannot be reached, the error is the last attempt's
    /// (a refused connection, a 503) rather than a timeout around the whole fetch.
    pub async fn fetch_within(
        client: &Client,
        needs: Needs,
        budget: Option<Duration>,
    ) -> Result<Self, Error> {
        let deadline = budget.map(|budget| Instant::now() + budget);
        // The client's policy with its total time cut to the time left.
        let retry = || {
            let policy = client.retry_config().clone();
            match deadline {
                Some(deadline) => {
                    let left = deadline.saturating_duration_since(Instant::now());
                    let total = policy.get_max_elapsed_time().min(left);
                    policy.max_elapsed_time(total)
                }
                None => policy,
            }
        };
        let mut snapshot = Self::default();
        if needs.credits {
            let credits = client.credits().get_credits().retry(retry()).send().await?;
            snapshot.credits = Some(Credits::from(&credits.data));
        }
        let keys = if needs.keys || needs.budgets || needs.guardrails || needs.key_activity {
            client
                .api_keys()
                .list()
                .include_disabled(true)
                .retry(retry())
                .collect_all()
                .await?
        } else {
            Vec::new()
        };
        let workspaces = if needs.budgets || needs.guardrails {
            client
                .workspaces()
                .list()
                .retry(retry())
                .collect_all()
                .await?
        } else {
            Vec::new()
        };
        if needs.budgets {
            let mut budgets = Vec::new();
            for workspace in &workspaces {
                let answer = client
                    .workspaces()
                    .list_budgets()
                    .id(workspace.id.to_string())
                    .retry(retry())
                    .send()
                    .await?;
                budgets.extend(answer.data);
            }
            snapshot.budgets = budget_figures(&workspaces, &budgets, &keys);
        }
        if needs.guardrails {
            let mut guardrails: Vec<Guardrail> = Vec::new();
            for workspace in &workspaces {
                let listed = client
                    .guardrails()
                    .list()
                    .workspace_id(workspace.id)
                    .retry(retry())
                    .collect_all()
                    .await?;
                for guardrail in listed {
                    // Listed once per workspace it is asked for: kept once.
                    if !guardrails.iter().any(|g| g.id == guardrail.id) {
                        guardrails.push(guardrail);
                    }
                }
            }
            let key_assignments = client
                .guardrails()
                .list_key_assignments()
                .retry(retry())
                .collect_all()
                .await?;
            let member_assignments = client
                .guardrails()
                .list_member_assignments()
                .retry(retry())
                .collect_all()
                .await?;
            snapshot.guardrails = guardrail_figures(
                &guardrails,
                &key_assignments,
                &member_assignments,
                &workspaces,
                &keys,
            );
        }
        if needs.keys || needs.key_activity {
            snapshot.keys = keys.iter().map(KeyFigures::from).collect();
            let short = short_hashes(&snapshot.keys);
            for (key, short) in snapshot.keys.iter_mut().zip(short) {
                key.short_hash = short;
            }
        }
        if needs.key_activity {
            // The figures just made: each key's hash and BYOK rule are read once.
            for key in &snapshot.keys {
                if key.disabled {
                    continue;
                }
                let rows = client
                    .analytics()
                    .get_user_activity()
                    .api_key_hash(key.hash.as_str())
                    .retry(retry())
                    .send()
                    .await?;
                let mut days = BTreeMap::new();
                for row in &rows.data {
                    let Some(day) = row_day(row) else {
                        continue;
                    };
                    let byok = if key.include_byok_in_limit {
                        row.byok_usage_inference
                    } else {
                        0.0
                    };
                    *days.entry(day).or_insert(0.0) += row.usage + byok;
                }
                snapshot.key_activity.insert(key.hash.clone(), days);
            }
        }
        if needs.activity {
            let activity = client
                .analytics()
                .get_user_activity()
                .retry(retry())
                .send()
                .await?;
            snapshot.activity = by_day_and_model(&activity.data);
        }
        Ok(snapshot)
    }

    /// Spend per UTC day, summed over models.
    pub fn daily_spend(&self) -> DailySpend {
        DailySpend::new(
            self.activity
                .iter()
                .map(|(day, models)| (*day, models.values().map(|m| m.spend_usd).sum())),
        )
    }

    /// One model's spend per UTC day.
    pub fn daily_spend_of(&self, model: &str) -> DailySpend {
        DailySpend::new(
            self.activity
                .iter()
                .filter_map(|(day, models)| models.get(model).map(|m| (*day, m.spend_usd))),
        )
    }

    /// The models of one day (empty when it had no activity).
    pub fn models_on(&self, day: NaiveDate) -> Option<&BTreeMap<String, ModelDay>> {
        self.activity.get(&day)
    }

    /// The runway on `day`: the balance over the mean daily spend of the 7 days ending
    /// on it; `None` without credits.
    pub fn runway(&self, day: NaiveDate) -> Option<Runway> {
        self.credits
            .map(|credits| Runway::new(credits.balance_usd, &self.daily_spend(), day))
    }
}

/// Activity rows summed per day and model; rows with a date that is not a day are
/// skipped (the API never sends one).
pub fn by_day_and_model(rows: &[ActivityItem]) -> BTreeMap<NaiveDate, BTreeMap<String, ModelDay>> {
    let mut days: BTreeMap<NaiveDate, BTreeMap<String, ModelDay>> = BTreeMap::new();
    for row in rows {
        let Some(day) = row_day(row) else {
            continue;
        };
        days.entry(day)
            .or_default()
            .entry(row.model.clone())
            .or_default()
            .add(row);
    }
    days
}

/// The UTC day of an activity row (`2026-11-30` or `2026-11-30 00:00:00`); `None` for a
/// date that is not a day, which the API never sends.
fn row_day(row: &ActivityItem) -> Option<NaiveDate> {
    row.date
        .get(..10)
        .and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
}

fn budget_figures(
    workspaces: &[Workspace],
    budgets: &[WorkspaceBudget],
    keys: &[ApiKey],
) -> Vec<BudgetFigures> {
    budgets
        .iter()
        .map(|budget| {
            let id = budget.workspace_id.to_string();
            let workspace = workspaces.iter().find(|w| w.id == budget.workspace_id);
            let with_byok = workspace
                .and_then(|w| w.include_byok_in_budgets)
                .unwrap_or(false);
            let interval = budget
                .reset_interval
                .as_ref()
                .map(|i| i.to_string())
                .unwrap_or_else(|| "lifetime".to_string());
            let reset = match interval.as_str() {
                "lifetime" => None,
                other => Some(other),
            };
            let spend: f64 = keys
                .iter()
                .filter(|key| key.workspace_id.eq_ignore_ascii_case(&id))
                .map(|key| {
                    let figures = KeyFigures::from(key);
                    let byok = if with_byok {
                        figures.byok_usage.for_reset(reset)
                    } else {
                        0.0
                    };
                    figures.usage.for_reset(reset) + byok
                })
                .sum();
            BudgetFigures {
                id: budget.id.to_string(),
                workspace_id: id,
                workspace: workspace
                    .map(|w| w.slug.clone())
                    .unwrap_or_else(|| budget.workspace_id.to_string()),
                interval,
                limit_usd: budget.limit_usd,
                spend_usd: round_micro(spend),
            }
        })
        .collect()
}

fn guardrail_figures(
    guardrails: &[Guardrail],
    key_assignments: &[KeyAssignment],
    member_assignments: &[MemberAssignment],
    workspaces: &[Workspace],
    keys: &[ApiKey],
) -> Vec<GuardrailFigures> {
    let short = short_hashes_of(
        guardrails
            .iter()
            .map(|g| g.id.to_string())
            .collect::<Vec<_>>()
            .iter()
            .map(String::as_str),
    );
    guardrails
        .iter()
        .zip(short)
        .map(|(guardrail, short_id)| {
            let reset = guardrail.reset_interval.as_ref().map(|r| r.to_string());
            let assigned: Vec<&KeyAssignment> = key_assignments
                .iter()
                .filter(|a| a.guardrail_id == guardrail.id)
                .collect();
            let members = member_assignments
                .iter()
                .filter(|a| a.guardrail_id == guardrail.id)
                .count();
            let default_of = workspaces
                .iter()
                .find(|w| w.default_guardrail_id == guardrail.id);
            let spend_usd = if members > 0 {
                Err(format!(
                    "{members} member{} assigned, and OpenRouter reports no per-member spend \
                     for the current window",
                    if members == 1 { " is" } else { "s are" }
                ))
            } else if let Some(workspace) = default_of {
                Err(format!(
                    "it is the default guardrail of workspace {}, and the keys and members \
                     it covers are not listed",
                    workspace.slug
                ))
            } else {
                let mut spend = 0.0;
                let mut missing = None;
                for assignment in &assigned {
                    match keys.iter().find(|k| k.hash == assignment.key_hash) {
                        Some(key) => {
                            let figures = KeyFigures::from(key);
                            let reset = reset.as_deref();
                            spend += figures.usage.for_reset(reset);
                            if guardrail.include_byok_in_budgets {
                                spend += figures.byok_usage.for_reset(reset);
                            }
                        }
                        None => {
                            missing = Some(
                                assignment
                                    .key_hash
                                    .chars()
                                    .take(SHORT_HASH_LEN)
                                    .collect::<String>(),
                            );
                            break;
                        }
                    }
                }
                match missing {
                    Some(hash) => Err(format!(
                        "assigned key {hash} is not in the keys list, so its spend is unknown"
                    )),
                    None => Ok(round_micro(spend)),
                }
            };
            GuardrailFigures {
                id: guardrail.id.to_string(),
                short_id,
                name: guardrail.name.clone(),
                reset,
                limit_usd: guardrail.limit_usd,
                keys: assigned.len(),
                members,
                spend_usd,
            }
        })
        .collect()
}

/// `part` as a percentage of `whole`: 0 when both are 0, infinite for a part of nothing.
pub fn percent(part: f64, whole: f64) -> f64 {
    if whole > 0.0 {
        part / whole * 100.0
    } else if part > 0.0 {
        f64::INFINITY
    } else {
        0.0
    }
}

/// Rounded to the micro-dollar, the precision OpenRouter reports. A value too large to
/// scale (past about 1.8e302) is returned as it is rather than made infinite.
pub fn round_micro(value: f64) -> f64 {
    let scaled = value * 1e6;
    if scaled.is_finite() {
        scaled.round() / 1e6
    } else {
        value
    }
}

/// Each key's short hash: the first [`SHORT_HASH_LEN`] characters of its hash, or as
/// many more as it takes to differ from every other key's hash (the whole hash at
/// most), so that no two keys share a `key_hash` label. Keys with the same hash get the
/// same short hash.
///
/// ```
/// use openrouter_analytics_watch::snapshot::short_hashes_of;
///
/// let short = short_hashes_of(["0123456789abX", "0123456789abY", "fedcba9876543210"]);
/// assert_eq!(short, ["0123456789abX", "0123456789abY", "fedcba987654"]);
/// ```
pub fn short_hashes(keys: &[KeyFigures]) -> Vec<String> {
    short_hashes_of(keys.iter().map(|key| key.hash.as_str()))
}

/// [`short_hashes`] of plain hashes.
pub fn short_hashes_of<'a>(hashes: impl IntoIterator<Item = &'a str>) -> Vec<String> {
    let hashes: Vec<Vec<char>> = hashes.into_iter().map(|h| h.chars().collect()).collect();
    let mut sorted: Vec<&[char]> = hashes.iter().map(Vec::as_slice).collect();
    sorted.sort_unstable();
    sorted.dedup();
    let common = |a: &[char], b: &[char]| a.iter().zip(b).take_while(|(x, y)| x == y).count();
    hashes
        .iter()
        .map(|hash| {
            // In sorted order, the hashes sharing the longest prefix with this one are
            // its neighbours.
            let at = sorted.partition_point(|other| *other < hash.as_slice());
            let before = at.checked_sub(1).map_or(0, |i| common(sorted[i], hash));
            let after = sorted.get(at + 1).map_or(0, |next| common(next, hash));
            let len = (before.max(after) + 1).max(SHORT_HASH_LEN).min(hash.len());
            hash[..len].iter().collect()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(date: &str, model: &str, usage: f64, requests: i64) -> ActivityItem {
        ActivityItem {
            byok_usage_inference: 0.0,
            cached_tokens: 1,
            completion_tokens: 2,
            date: date.into(),
            endpoint_id: "e".into(),
            model: model.into(),
            model_permaslug: model.into(),
            prompt_tokens: 3,
            provider_name: "p".into(),
            reasoning_tokens: 4,
            requests,
            usage,
            workspace_id: None,
        }
    }

    #[test]
    fn rows_sum_per_day_and_model_and_bad_dates_are_skipped() {
        let days = by_day_and_model(&[
            row("2026-11-01", "a", 1.0, 2),
            row("2026-11-01 00:00:00", "a", 0.5, 1),
            row("2026-11-01", "b", 2.0, 1),
            row("2026-11-02", "a", 4.0, 1),
            row("yesterday", "a", 100.0, 1),
        ]);
        let first = NaiveDate::from_ymd_opt(2026, 11, 1).unwrap();
        assert_eq!(days.len(), 2);
        assert_eq!(days[&first]["a"].spend_usd, 1.5);
        assert_eq!(days[&first]["a"].requests, 3);
        assert_eq!(days[&first]["a"].prompt_tokens, 6);
        assert_eq!(days[&first]["b"].reasoning_tokens, 4);
        let snapshot = Snapshot {
            activity: days,
            ..Default::default()
        };
        assert_eq!(snapshot.daily_spend().on(first), 3.5);
        assert_eq!(snapshot.daily_spend_of("b").on(first), 2.0);
    }

    #[test]
    fn a_key_counts_the_usage_of_its_reset_window_and_byok_when_it_says_so() {
        let mut key = KeyFigures {
            name: "ci".into(),
            hash: "0123456789abcdef".into(),
            short_hash: "0123456789ab".into(),
            workspace_id: "w".into(),
            disabled: false,
            limit_usd: Some(10.0),
            limit_remaining_usd: None,
            limit_reset: Some("monthly".into()),
            include_byok_in_limit: false,
            usage: Periods {
                day: 1.0,
                week: 2.0,
                month: 3.0,
                total: 4.0,
            },
            byok_usage: Periods {
                day: 0.1,
                week: 0.2,
                month: 0.3,
                total: 0.4,
            },
        };
        assert_eq!(key.usage_for_limit(), 3.0);
        key.include_byok_in_limit = true;
        assert_eq!(key.usage_for_limit(), 3.3);
        key.limit_reset = None;
        assert_eq!(key.usage_for_limit(), 4.4);
        assert!(key.matches("CI"));
        assert!(key.matches("01234567"));
        assert!(!key.matches("0123"));
        assert!(!key.matches("other"));
    }

    #[test]
    fn percentages_of_nothing_are_zero_or_infinite() {
        assert_eq!(percent(5.0, 10.0), 50.0);
        assert_eq!(percent(0.0, 0.0), 0.0);
        assert_eq!(percent(1.0, 0.0), f64::INFINITY);
    }

    #[test]
    fn counts_sum_past_the_64_bit_range_and_big_balances_stay_finite() {
        let first = NaiveDate::from_ymd_opt(2026, 11, 1).unwrap();
        let days = by_day_and_model(&[
            row("2026-11-01", "a/b", 0.0, i64::MAX),
            row("2026-11-01", "a/b", 0.0, i64::MAX),
            row("2026-11-01", "a/b", 0.0, 2),
        ]);
        assert_eq!(days[&first]["a/b"].requests, i128::from(i64::MAX) * 2 + 2);
        assert_eq!(round_micro(1e305), 1e305);
        assert_eq!(Credits::new(1e305, 0.0).balance_usd, 1e305);
    }

    #[test]
    fn short_hashes_grow_only_where_two_keys_share_a_prefix() {
        let short = short_hashes_of([
            "0123456789abcdXX",
            "0123456789abcdYY",
            "0123456789ab",
            "abc",
            "0123456789abcdXX",
        ]);
        assert_eq!(
            short,
            [
                "0123456789abcdX",
                "0123456789abcdY",
                "0123456789ab",
                "abc",
                "0123456789abcdX"
            ]
        );
    }
}
