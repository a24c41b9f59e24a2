//! Activity arithmetic: totals, summaries by model/provider/date/workspace, sorting.

use clap::ValueEnum;
use std::cmp::Ordering;
use std::collections::BTreeMap;

use openrouter_analytics::types::ActivityItem;

/// A dimension activity rows can additionally be split by.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum GroupBy {
    /// One row per workspace as well.
    Workspace,
}

/// What `--by` summarises over.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum SummaryKey {
    /// The model's slug.
    Model,
    /// The provider that served the requests.
    Provider,
    /// The UTC day.
    Date,
    /// The workspace (with --group-by workspace).
    Workspace,
    /// The API key, by name (with --since: read from the store's per-key activity).
    Key,
    /// The month, YYYY-MM (with --since).
    Month,
}

/// What `--sort` orders by.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum SortKey {
    /// Money spent, largest first.
    Cost,
    /// Requests, most first.
    Requests,
    /// Prompt plus completion tokens, most first.
    Tokens,
    /// The row's labels (date, model, provider, workspace), A to Z.
    Name,
}

/// Sums of the numeric columns of some activity rows. The counts are `i128`, so that
/// summing `i64` counts is exact: overflowing it would take 2^64 rows.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Totals {
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
    /// OpenRouter credits spent, USD.
    pub usage: f64,
    /// Spend billed to your own provider keys, USD.
    pub byok_usage_inference: f64,
}

impl Totals {
    /// The numbers of one row.
    pub fn of(row: &ActivityItem) -> Self {
        Self {
            requests: row.requests.into(),
            prompt_tokens: row.prompt_tokens.into(),
            completion_tokens: row.completion_tokens.into(),
            reasoning_tokens: row.reasoning_tokens.into(),
            cached_tokens: row.cached_tokens.into(),
            usage: row.usage,
            byok_usage_inference: row.byok_usage_inference,
        }
    }

    /// Adds `other`. The counts are exact (the `i128` sums of `i64` values cannot
    /// reach the saturation bound in practice); a dollar sum that overflows becomes
    /// infinite, which printing refuses ([`crate::output::money`]).
    pub fn add(&mut self, other: &Self) {
        self.requests = self.requests.saturating_add(other.requests);
        self.prompt_tokens = self.prompt_tokens.saturating_add(other.prompt_tokens);
        self.completion_tokens = self
            .completion_tokens
            .saturating_add(other.completion_tokens);
        self.reasoning_tokens = self.reasoning_tokens.saturating_add(other.reasoning_tokens);
        self.cached_tokens = self.cached_tokens.saturating_add(other.cached_tokens);
        self.usage += other.usage;
        self.byok_usage_inference += other.byok_usage_inference;
    }

    /// Prompt plus completion tokens, what `--sort tokens` orders by.
    pub fn tokens(&self) -> i128 {
        self.prompt_tokens.saturating_add(self.completion_tokens)
    }

    /// The sum of all rows.
    pub fn sum<'a>(items: impl IntoIterator<Item = &'a Self>) -> Self {
        let mut total = Self::default();
        for item in items {
            total.add(item);
        }
        total
    }

    /// The dollar amounts rounded to 1e-10, which removes the noise of adding binary
    /// floating-point numbers (0.1 + 0.2) without changing any real amount.
    pub fn rounded(mut self) -> Self {
        self.usage = round_money(self.usage);
        self.byok_usage_inference = round_money(self.byok_usage_inference);
        self
    }
}

fn round_money(value: f64) -> f64 {
    let rounded = (value * 1e10).round() / 1e10;
    if rounded.is_finite() { rounded } else { value }
}

/// One row of a summary: the values of the `--by` keys and the sums of their rows.
#[derive(Clone, Debug, PartialEq)]
pub struct Group {
    /// One value per `--by` key, in the order given.
    pub labels: Vec<String>,
    /// The sums.
    pub totals: Totals,
}

/// The value of one summary key for a row.
pub fn label_of(row: &ActivityItem, key: SummaryKey) -> &str {
    match key {
        SummaryKey::Model => &row.model,
        SummaryKey::Provider => &row.provider_name,
        SummaryKey::Date => &row.date,
        SummaryKey::Workspace => row.workspace_id.as_deref().unwrap_or(""),
        // Only the store's summaries group by these (`--since`): a live row has no
        // key, and its month is the start of its date.
        SummaryKey::Key => "",
        SummaryKey::Month => row.date.get(..7).unwrap_or(&row.date),
    }
}

/// Groups `rows` by the values of `keys`, summing each group, in label order.
pub fn summarise(rows: &[ActivityItem], keys: &[SummaryKey]) -> Vec<Group> {
    let mut groups: BTreeMap<Vec<&str>, Totals> = BTreeMap::new();
    for row in rows {
        let labels = keys.iter().map(|&key| label_of(row, key)).collect();
        groups.entry(labels).or_default().add(&Totals::of(row));
    }
    groups
        .into_iter()
        .map(|(labels, totals)| Group {
            labels: labels.into_iter().map(str::to_string).collect(),
            totals: totals.rounded(),
        })
        .collect()
}

/// Orders two items by `key`: numbers largest first, names A to Z; ties by name.
/// `by_name` compares the two names; it runs only when the numbers tie, and borrows
/// rather than builds them, since a sort calls this O(n log n) times.
fn compare(key: SortKey, a: &Totals, b: &Totals, by_name: impl FnOnce() -> Ordering) -> Ordering {
    let primary = match key {
        SortKey::Cost => b.usage.total_cmp(&a.usage),
        SortKey::Requests => b.requests.cmp(&a.requests),
        SortKey::Tokens => b.tokens().cmp(&a.tokens()),
        SortKey::Name => Ordering::Equal,
    };
    primary.then_with(by_name)
}

/// Sorts summary rows (stable: equal rows keep their order).
pub fn sort_groups(groups: &mut [Group], key: SortKey) {
    groups.sort_by(|a, b| compare(key, &a.totals, &b.totals, || a.labels.cmp(&b.labels)));
}

/// A row's name, the labels `--sort name` and ties compare: date, model, provider,
/// workspace (none sorts as empty), borrowed from the row.
fn row_name(row: &ActivityItem) -> (&str, &str, &str, &str) {
    (
        &row.date,
        &row.model,
        &row.provider_name,
        row.workspace_id.as_deref().unwrap_or(""),
    )
}

/// Sorts activity rows (stable: equal rows keep the API's order).
pub fn sort_rows(rows: &mut [ActivityItem], key: SortKey) {
    rows.sort_by(|a, b| {
        compare(key, &Totals::of(a), &Totals::of(b), || {
            row_name(a).cmp(&row_name(b))
        })
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    pub(crate) fn row(
        date: &str,
        model: &str,
        provider: &str,
        usage: f64,
        requests: i64,
    ) -> ActivityItem {
        ActivityItem {
            byok_usage_inference: 0.0,
            cached_tokens: 1,
            completion_tokens: 20,
            date: date.into(),
            endpoint_id: "ep".into(),
            model: model.into(),
            model_permaslug: format!("{model}-v1"),
            prompt_tokens: requests * 10,
            provider_name: provider.into(),
            reasoning_tokens: 0,
            requests,
            usage,
            workspace_id: None,
        }
    }

    #[test]
    fn summaries_sum_each_group_and_round_away_float_noise() {
        let rows = [
            row("2026-11-01", "a/x", "P", 0.1, 1),
            row("2026-11-02", "a/x", "Q", 0.2, 2),
            row("2026-11-01", "b/y", "P", 1.0, 3),
        ];
        let by_model = summarise(&rows, &[SummaryKey::Model]);
        assert_eq!(by_model.len(), 2);
        assert_eq!(by_model[0].labels, ["a/x"]);
        assert_eq!(by_model[0].totals.usage, 0.3);
        assert_eq!(by_model[0].totals.requests, 3);
        assert_eq!(by_model[0].totals.completion_tokens, 40);
        let by_date_provider = summarise(&rows, &[SummaryKey::Date, SummaryKey::Provider]);
        assert_eq!(by_date_provider.len(), 2);
        assert_eq!(by_date_provider[0].labels, ["2026-11-01", "P"]);
        assert_eq!(by_date_provider[0].totals.requests, 4);
    }

    #[test]
    fn sorting_puts_big_numbers_first_and_names_in_order() {
        let mut rows = vec![
            row("2026-11-02", "b", "P", 0.5, 9),
            row("2026-11-01", "a", "P", 2.0, 1),
            row("2026-11-01", "c", "P", 1.0, 5),
        ];
        sort_rows(&mut rows, SortKey::Cost);
        assert_eq!(
            rows.iter().map(|r| r.model.as_str()).collect::<Vec<_>>(),
            ["a", "c", "b"]
        );
        sort_rows(&mut rows, SortKey::Requests);
        assert_eq!(
            rows.iter().map(|r| r.model.as_str()).collect::<Vec<_>>(),
            ["b", "c", "a"]
        );
        sort_rows(&mut rows, SortKey::Name);
        assert_eq!(
            rows.iter().map(|r| r.model.as_str()).collect::<Vec<_>>(),
            ["a", "c", "b"]
        );

        let mut groups = summarise(&rows, &[SummaryKey::Model]);
        sort_groups(&mut groups, SortKey::Tokens);
        assert_eq!(groups[0].labels, ["b"]);
    }

    #[test]
    fn ties_are_broken_by_name_then_keep_the_api_order() {
        let tagged = |endpoint: &str, mut r: ActivityItem| {
            r.endpoint_id = endpoint.into();
            r
        };
        let mut ws = row("2026-11-01", "a", "P", 1.0, 1);
        ws.workspace_id = Some("ws-1".into());
        let mut empty_ws = row("2026-11-01", "a", "P", 1.0, 1);
        empty_ws.workspace_id = Some(String::new());
        let mut rows = vec![
            tagged("1", row("2026-11-02", "a", "P", 1.0, 1)),
            tagged("2", ws),
            tagged("3", row("2026-11-01", "b", "P", 1.0, 1)),
            tagged("4", row("2026-11-01", "a", "Q", 1.0, 1)),
            // Same name as "6" (no workspace sorts as an empty one): API order kept.
            tagged("5", empty_ws),
            tagged("6", row("2026-11-01", "a", "P", 1.0, 1)),
            tagged("7", row("2026-11-01", "a", "P", 3.0, 1)),
        ];
        sort_rows(&mut rows, SortKey::Cost);
        let order = |rows: &[ActivityItem]| {
            rows.iter()
                .map(|r| r.endpoint_id.clone())
                .collect::<Vec<_>>()
                .join(",")
        };
        // Cost first; equal costs by date, model, provider, then workspace.
        assert_eq!(order(&rows), "7,5,6,2,4,3,1");
        sort_rows(&mut rows, SortKey::Name);
        assert_eq!(
            order(&rows),
            "7,5,6,2,4,3,1",
            "7 ties 5 and 6 on name and stays first"
        );

        let group = |labels: &[&str], usage: f64| Group {
            labels: labels.iter().map(|l| l.to_string()).collect(),
            totals: Totals {
                usage,
                ..Totals::default()
            },
        };
        let mut groups = vec![
            group(&["b", "x"], 1.0),
            group(&["a", "y"], 1.0),
            group(&["a", "x"], 1.0),
            group(&["c", "x"], 2.0),
        ];
        sort_groups(&mut groups, SortKey::Cost);
        let labels: Vec<String> = groups.iter().map(|g| g.labels.join("/")).collect();
        assert_eq!(labels, ["c/x", "a/x", "a/y", "b/x"]);
    }

    #[test]
    fn sorting_allocates_nothing_per_comparison() {
        let mut rows: Vec<ActivityItem> = (0..200)
            .map(|n| {
                let mut r = row("2026-11-01", &format!("m{}", n % 5), "P", 1.0, 1);
                r.workspace_id = Some(format!("ws-{}", n % 3));
                r
            })
            .collect();
        let mut groups = summarise(&rows, &[SummaryKey::Model, SummaryKey::Workspace]);
        for key in [
            SortKey::Cost,
            SortKey::Requests,
            SortKey::Tokens,
            SortKey::Name,
        ] {
            let allocations = crate::test_alloc::count(|| {
                sort_rows(&mut rows, key);
                sort_groups(&mut groups, key);
            });
            // A stable sort of 200 items may allocate its scratch buffer once or twice;
            // cloning labels per comparison allocated thousands of times.
            assert!(allocations <= 4, "{key:?}: {allocations} allocations");
        }
    }

    #[test]
    fn integer_sums_are_exact_past_i64() {
        let mut a = row("2026-11-01", "m", "P", 1.0, 1);
        a.prompt_tokens = i64::MAX;
        a.completion_tokens = i64::MAX;
        let mut b = a.clone();
        b.prompt_tokens = 5;
        let groups = summarise(&[a, b], &[SummaryKey::Model]);
        let total = groups[0].totals;
        assert_eq!(total.prompt_tokens, i128::from(i64::MAX) + 5);
        assert_eq!(total.completion_tokens, 2 * i128::from(i64::MAX));
        assert_eq!(total.tokens(), 3 * i128::from(i64::MAX) + 5);
        assert_eq!(total.requests, 2);
    }
}
