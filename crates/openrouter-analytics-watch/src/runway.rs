//! Runway: how many days the balance lasts at the recent rate of spend.

use std::collections::BTreeMap;

use openrouter_analytics::chrono::{Days, NaiveDate};

/// Days averaged for the runway and as the spike baseline.
pub const TRAILING_DAYS: u64 = 7;

/// Spend per UTC day, in US dollars; a day that is not in it spent nothing.
///
/// ```
/// use openrouter_analytics::chrono::NaiveDate;
/// use openrouter_analytics_watch::DailySpend;
///
/// let day = |d| NaiveDate::from_ymd_opt(2026, 11, d).unwrap();
/// let spend = DailySpend::new([(day(6), 7.0), (day(7), 14.0)]);
/// assert_eq!(spend.on(day(7)), 14.0);
/// assert_eq!(spend.on(day(1)), 0.0);
/// // The 7 days ending on the 7th: 21 dollars over 7 days.
/// assert_eq!(spend.mean_of_days_ending(day(7), 7), 3.0);
/// ```
#[derive(Clone, Debug, Default, PartialEq)]
pub struct DailySpend {
    days: BTreeMap<NaiveDate, f64>,
}

impl DailySpend {
    /// From (day, spend) pairs; spend on the same day adds up.
    pub fn new(days: impl IntoIterator<Item = (NaiveDate, f64)>) -> Self {
        let mut map = BTreeMap::new();
        for (day, spend) in days {
            *map.entry(day).or_insert(0.0) += spend;
        }
        Self { days: map }
    }

    /// The spend per day of activity rows (rows whose date is not a day are skipped).
    pub fn from_activity(rows: &[openrouter_analytics::types::ActivityItem]) -> Self {
        Self::new(rows.iter().filter_map(|row| {
            let day = row.date.get(..10)?;
            NaiveDate::parse_from_str(day, "%Y-%m-%d")
                .ok()
                .map(|day| (day, row.usage))
        }))
    }

    /// The spend on `day` (0 when there is none).
    pub fn on(&self, day: NaiveDate) -> f64 {
        self.days.get(&day).copied().unwrap_or(0.0)
    }

    /// The mean daily spend of the `count` days ending on `last` (included); days
    /// without spend count as 0.
    pub fn mean_of_days_ending(&self, last: NaiveDate, count: u64) -> f64 {
        if count == 0 {
            return 0.0;
        }
        let first = last
            .checked_sub_days(Days::new(count - 1))
            .unwrap_or(NaiveDate::MIN);
        let sum: f64 = self.days.range(first..=last).map(|(_, spend)| spend).sum();
        // `+ 0.0`: an empty sum is -0.0, which would print as `-0`.
        sum / count as f64 + 0.0
    }

    /// The mean daily spend of the `count` days before `day` (not included): the spike
    /// baseline.
    pub fn mean_of_days_before(&self, day: NaiveDate, count: u64) -> f64 {
        match day.pred_opt() {
            Some(previous) => self.mean_of_days_ending(previous, count),
            None => 0.0,
        }
    }

    /// The days with spend, oldest first.
    pub fn iter(&self) -> impl Iterator<Item = (NaiveDate, f64)> + '_ {
        self.days.iter().map(|(day, spend)| (*day, *spend))
    }
}

/// How long the balance lasts at the mean daily spend of the 7 days ending on a day.
///
/// ```
/// use openrouter_analytics::chrono::NaiveDate;
/// use openrouter_analytics_watch::{DailySpend, Runway};
///
/// let day = NaiveDate::from_ymd_opt(2026, 11, 30).unwrap();
/// let spend = DailySpend::new([(day, 14.0)]);
/// let runway = Runway::new(10.0, &spend, day);
/// assert_eq!(runway.mean_daily_spend_usd, 2.0);
/// assert_eq!(runway.days, 5.0);
/// // Nothing spent: the balance lasts for ever.
/// assert!(Runway::new(10.0, &DailySpend::default(), day).days.is_infinite());
/// ```
#[derive(Clone, Copy, Debug, PartialEq)]
#[non_exhaustive]
pub struct Runway {
    /// The balance, in US dollars.
    pub balance_usd: f64,
    /// The mean daily spend of the window.
    pub mean_daily_spend_usd: f64,
    /// The last day of the window.
    pub window_end: NaiveDate,
    /// Balance over mean spend: infinite when nothing was spent, 0 when the balance is
    /// gone.
    pub days: f64,
}

impl Runway {
    /// The runway of `balance_usd` at the mean spend of the [`TRAILING_DAYS`] days
    /// ending on `window_end`.
    pub fn new(balance_usd: f64, spend: &DailySpend, window_end: NaiveDate) -> Self {
        let mean = spend.mean_of_days_ending(window_end, TRAILING_DAYS);
        let days = if balance_usd <= 0.0 {
            0.0
        } else if mean > 0.0 {
            balance_usd / mean
        } else {
            f64::INFINITY
        };
        Self {
            balance_usd,
            mean_daily_spend_usd: mean,
            window_end,
            days,
        }
    }

    /// Days as people read them: `12.3 days`, `more than 10 years`, `none left`.
    pub fn describe(&self) -> String {
        if self.days.is_infinite() {
            "no spend in the last 7 days".to_string()
        } else if self.days <= 0.0 {
            "none left".to_string()
        } else if self.days > 3650.0 {
            "more than 10 years".to_string()
        } else {
            format!("{:.1} days", self.days)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, d).unwrap()
    }

    #[test]
    fn the_window_is_the_seven_days_ending_on_the_day() {
        // Spend on days 1..=10 is the day number; the window ending on the 10th is 4..=10.
        let spend = DailySpend::new((1..=10).map(|d| (day(d), d as f64)));
        assert_eq!(spend.mean_of_days_ending(day(10), 7), 49.0 / 7.0);
        // The spike baseline of the 10th: days 3..=9.
        assert_eq!(spend.mean_of_days_before(day(10), 7), 42.0 / 7.0);
        let runway = Runway::new(70.0, &spend, day(10));
        assert_eq!(runway.days, 10.0);
        assert_eq!(runway.describe(), "10.0 days");
    }

    #[test]
    fn an_empty_balance_has_no_runway_and_no_spend_lasts_for_ever() {
        let spend = DailySpend::new([(day(10), 7.0)]);
        assert_eq!(Runway::new(-1.0, &spend, day(10)).days, 0.0);
        assert_eq!(Runway::new(0.0, &spend, day(10)).describe(), "none left");
        // The spend is after the window: nothing spent in it.
        assert!(Runway::new(5.0, &spend, day(9)).days.is_infinite());
        // No spend at all is 0, not -0.
        let none = DailySpend::default().mean_of_days_ending(day(9), 7);
        assert!(none == 0.0 && none.is_sign_positive(), "{none}");
    }
}
