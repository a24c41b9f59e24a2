//! Forecasts: the total a period (a calendar month, a key's limit window) is projected to
//! reach, from a daily spend history, with a p10–p90 band; and the day a limit is
//! projected to be reached.
//!
//! Pure: no I/O, no clock, no randomness. Every input is checked; a history that cannot
//! support a forecast gives a [`CannotForecast`] reason, never a panic.
//!
//! The methods ([`Method`]) were compared by the backtest in `benches/benches/forecast.rs`
//! (numbers in BENCHMARKS.md); [`Method::DEFAULT`] is the one chosen there.
//!
//! ```
//! use openrouter_analytics::chrono::NaiveDate;
//! use openrouter_analytics_watch::forecast::{History, Method, Period, forecast};
//!
//! let day = |m, d| NaiveDate::from_ymd_opt(2026, m, d).unwrap();
//! // $10 a day, every day from 1 October to 10 November.
//! let history = History::new(
//!     day(10, 1),
//!     day(11, 10),
//!     (0..41).map(|i| (day(10, 1) + chrono::Days::new(i), 10.0)),
//! )
//! .unwrap();
//! let november = Period::month(2026, 11).unwrap();
//! let f = forecast(&history, day(11, 10), november, Method::DEFAULT).unwrap();
//! assert_eq!(f.actual_usd, 100.0);
//! assert!((f.p50_usd - 300.0).abs() < 1e-9);
//! # use openrouter_analytics::chrono;
//! ```

use std::collections::BTreeMap;
use std::fmt;

use openrouter_analytics::chrono::{Datelike, Days, Months, NaiveDate, Weekday};

/// The largest daily spend taken as real, in US dollars: above it a value is an error of
/// the source, not spend (and sums of it stay far from overflowing).
pub const MAX_DAILY_USD: f64 = 1e9;

/// The z-score of the 10th and 90th percentiles of a normal distribution.
const Z90: f64 = 1.281_551_565_545;

/// Why no forecast (or anomaly check) could be made.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub enum CannotForecast {
    /// No covered day at all.
    NoHistory,
    /// A day's spend is not a finite, non-negative number below [`MAX_DAILY_USD`].
    BadValue {
        /// The day.
        day: NaiveDate,
        /// The value, as given.
        value: f64,
    },
    /// The covered range is reversed (its first day after its last).
    BadRange,
    /// Fewer covered days before the as-of day than the method needs.
    TooShort {
        /// Covered days up to the as-of day.
        have: u64,
        /// Days the method needs.
        need: u64,
    },
    /// The history does not cover a day the forecast counts as actual.
    NotCovered {
        /// The first day missing.
        day: NaiveDate,
    },
    /// A period that cannot be built (a month out of range).
    BadPeriod,
}

impl fmt::Display for CannotForecast {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::NoHistory => f.write_str("no daily spend history"),
            // `{:e}` past a trillion: 1e300 is not printed with 300 digits.
            Self::BadValue { day, value } if value.abs() >= 1e12 => write!(
                f,
                "the spend of {day} ({value:e}) is not a plausible amount of US dollars"
            ),
            Self::BadValue { day, value } => write!(
                f,
                "the spend of {day} ({value}) is not a plausible amount of US dollars"
            ),
            Self::BadRange => f.write_str("the history's first day is after its last"),
            Self::TooShort { have, need } => write!(
                f,
                "{have} day{} of history; the method needs {need}",
                if *have == 1 { "" } else { "s" }
            ),
            Self::NotCovered { day } => {
                write!(
                    f,
                    "the history does not cover {day}, a day counted as actual"
                )
            }
            Self::BadPeriod => f.write_str("the period is not a range of calendar days"),
        }
    }
}

impl std::error::Error for CannotForecast {}

/// Daily spend over a covered range of UTC days: a covered day without an entry spent 0;
/// a day outside the range is unknown.
#[derive(Clone, Debug, PartialEq)]
pub struct History {
    first: NaiveDate,
    last: NaiveDate,
    days: BTreeMap<NaiveDate, f64>,
}

impl History {
    /// The history of the days `first..=last`; entries outside the range are ignored,
    /// entries of the same day add up. Refuses a non-finite, negative or absurd value.
    pub fn new(
        first: NaiveDate,
        last: NaiveDate,
        days: impl IntoIterator<Item = (NaiveDate, f64)>,
    ) -> Result<Self, CannotForecast> {
        if first > last {
            return Err(CannotForecast::BadRange);
        }
        let mut map = BTreeMap::new();
        for (day, value) in days {
            if !value.is_finite() || !(0.0..=MAX_DAILY_USD).contains(&value) {
                return Err(CannotForecast::BadValue { day, value });
            }
            if day < first || day > last {
                continue;
            }
            let sum = map.entry(day).or_insert(0.0);
            *sum += value;
            if *sum > MAX_DAILY_USD {
                return Err(CannotForecast::BadValue { day, value: *sum });
            }
        }
        Ok(Self {
            first,
            last,
            days: map,
        })
    }

    /// The first covered day.
    pub fn first(&self) -> NaiveDate {
        self.first
    }

    /// The last covered day.
    pub fn last(&self) -> NaiveDate {
        self.last
    }

    /// The spend of `day`: `Some(0.0)` for a covered day without spend, `None` outside
    /// the covered range.
    pub fn on(&self, day: NaiveDate) -> Option<f64> {
        (self.first..=self.last)
            .contains(&day)
            .then(|| self.days.get(&day).copied().unwrap_or(0.0))
    }

    /// The covered days `from..=to` (clipped to the range), oldest first.
    fn values(&self, from: NaiveDate, to: NaiveDate) -> Vec<(NaiveDate, f64)> {
        let from = from.max(self.first);
        let to = to.min(self.last);
        let mut out = Vec::new();
        let mut day = from;
        while day <= to {
            out.push((day, self.days.get(&day).copied().unwrap_or(0.0)));
            match day.succ_opt() {
                Some(next) => day = next,
                None => break,
            }
        }
        out
    }
}

/// A range of UTC days, both ends included.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Period {
    /// The first day.
    pub start: NaiveDate,
    /// The last day.
    pub end: NaiveDate,
}

/// When a key's limit resets (its `limit_reset`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Reset {
    /// Every UTC day.
    Daily,
    /// Every ISO week (Monday, UTC).
    Weekly,
    /// Every calendar month (UTC).
    Monthly,
}

impl Reset {
    /// `daily`, `weekly`, `monthly`; anything else (a limit that never resets) is `None`.
    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "daily" => Some(Self::Daily),
            "weekly" => Some(Self::Weekly),
            "monthly" => Some(Self::Monthly),
            _ => None,
        }
    }
}

impl Period {
    /// The calendar month `year`-`month`.
    pub fn month(year: i32, month: u32) -> Result<Self, CannotForecast> {
        let start = NaiveDate::from_ymd_opt(year, month, 1).ok_or(CannotForecast::BadPeriod)?;
        let end = start
            .checked_add_months(Months::new(1))
            .and_then(|next| next.pred_opt())
            .ok_or(CannotForecast::BadPeriod)?;
        Ok(Self { start, end })
    }

    /// The calendar month of `day`.
    pub fn month_of(day: NaiveDate) -> Result<Self, CannotForecast> {
        Self::month(day.year(), day.month())
    }

    /// The reset window of a key's limit that holds `day`.
    pub fn reset_window(reset: Reset, day: NaiveDate) -> Result<Self, CannotForecast> {
        match reset {
            Reset::Daily => Ok(Self {
                start: day,
                end: day,
            }),
            Reset::Weekly => {
                let back = u64::from(day.weekday().num_days_from_monday());
                let start = day
                    .checked_sub_days(Days::new(back))
                    .ok_or(CannotForecast::BadPeriod)?;
                let end = start
                    .checked_add_days(Days::new(6))
                    .ok_or(CannotForecast::BadPeriod)?;
                Ok(Self { start, end })
            }
            Reset::Monthly => Self::month_of(day),
        }
    }

    /// The number of days.
    pub fn days(&self) -> u64 {
        u64::try_from((self.end - self.start).num_days() + 1).unwrap_or(0)
    }
}

/// How the days after the as-of day are projected.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Method {
    /// Every remaining day at the mean of the last `n` days.
    TrailingMean(u32),
    /// Each remaining day at the mean of the same weekday over the last 4 weeks.
    WeekdayMean,
    /// Each remaining day at the level of the last 14 days times its weekday's share of
    /// the last 4 weeks: weekly pattern from 28 days, level from the recent 14.
    WeekdayRecent,
}

impl Method {
    /// The method chosen by the backtest (BENCHMARKS.md, "Forecasts").
    pub const DEFAULT: Self = Self::WeekdayRecent;

    /// Every method, for the backtest.
    pub const ALL: [Self; 4] = [
        Self::TrailingMean(7),
        Self::TrailingMean(28),
        Self::WeekdayMean,
        Self::WeekdayRecent,
    ];

    /// Its name in output: `trailing-mean-7d`, `weekday-mean-28d`, `weekday-recent`.
    pub fn name(&self) -> String {
        match self {
            Self::TrailingMean(n) => format!("trailing-mean-{n}d"),
            Self::WeekdayMean => "weekday-mean-28d".to_string(),
            Self::WeekdayRecent => "weekday-profile-28d-level-14d".to_string(),
        }
    }

    /// Days of history (ending on the as-of day) the method needs.
    pub fn needs_days(&self) -> u64 {
        match self {
            Self::TrailingMean(n) => u64::from((*n).max(1)),
            Self::WeekdayMean | Self::WeekdayRecent => 28,
        }
    }

    /// How many days the level (the mean spend projected) is estimated from.
    fn level_days(&self) -> u64 {
        match self {
            Self::TrailingMean(n) => u64::from((*n).max(1)),
            Self::WeekdayMean => 28,
            Self::WeekdayRecent => 14,
        }
    }

    /// How many levels the method fits (for the residuals' degrees of freedom).
    fn fitted_levels(&self) -> u64 {
        match self {
            Self::TrailingMean(_) => 1,
            Self::WeekdayMean => 7,
            Self::WeekdayRecent => 8,
        }
    }

    /// Per-weekday expected spend (Monday first) fitted on `values` (the training days,
    /// oldest first, as many as `needs_days`).
    fn levels(&self, values: &[(NaiveDate, f64)]) -> [f64; 7] {
        let mean = |xs: &[f64]| {
            if xs.is_empty() {
                0.0
            } else {
                xs.iter().sum::<f64>() / xs.len() as f64
            }
        };
        let all: Vec<f64> = values.iter().map(|(_, v)| *v).collect();
        let by_weekday = |vals: &[(NaiveDate, f64)]| {
            let mut groups: [Vec<f64>; 7] = Default::default();
            for (day, v) in vals {
                groups[day.weekday().num_days_from_monday() as usize].push(*v);
            }
            groups.map(|g| mean(&g))
        };
        match self {
            Self::TrailingMean(_) => [mean(&all); 7],
            Self::WeekdayMean => by_weekday(values),
            Self::WeekdayRecent => {
                let profile = by_weekday(values);
                let overall = mean(&all);
                let recent_start = values.len().saturating_sub(14);
                let recent = &values[recent_start..];
                // The recent level, with its own weekday mix taken out.
                let expected_recent: f64 = recent
                    .iter()
                    .map(|(d, _)| profile[d.weekday().num_days_from_monday() as usize])
                    .sum();
                let actual_recent: f64 = recent.iter().map(|(_, v)| *v).sum();
                if overall <= 0.0 || expected_recent <= 0.0 {
                    return [mean(&recent.iter().map(|(_, v)| *v).collect::<Vec<_>>()); 7];
                }
                let scale = actual_recent / expected_recent;
                profile.map(|p| p * scale)
            }
        }
    }
}

/// When a limit is reached within its window.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum LimitReach {
    /// Already reached on this day (actual spend).
    Reached(NaiveDate),
    /// Projected to be reached on this day (median projection).
    Projected(NaiveDate),
    /// Not before the window resets.
    NotThisWindow,
}

/// A period's projected total.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct Forecast {
    /// The period forecast.
    pub period: Period,
    /// The last day counted as actual.
    pub as_of: NaiveDate,
    /// Spend from the period's start to the as-of day (0 when the period starts later).
    pub actual_usd: f64,
    /// Days of the period after the as-of day.
    pub remaining_days: u64,
    /// The 10th percentile of the period's total.
    pub p10_usd: f64,
    /// The median projection of the period's total.
    pub p50_usd: f64,
    /// The 90th percentile of the period's total.
    pub p90_usd: f64,
    /// The method's name ([`Method::name`]).
    pub method: String,
    /// The median projected spend of each remaining day, in order.
    pub daily_usd: Vec<(NaiveDate, f64)>,
}

impl Forecast {
    /// When the period's spend reaches `limit_usd` (the median projection).
    pub fn limit_reach(&self, history: &History, limit_usd: f64) -> LimitReach {
        if !limit_usd.is_finite() {
            return LimitReach::NotThisWindow;
        }
        let mut total = 0.0;
        for (day, value) in history.values(self.period.start, self.as_of.min(self.period.end)) {
            total += value;
            if total >= limit_usd {
                return LimitReach::Reached(day);
            }
        }
        for (day, value) in &self.daily_usd {
            total += value;
            if total >= limit_usd {
                return LimitReach::Projected(*day);
            }
        }
        LimitReach::NotThisWindow
    }
}

/// Projects `period`'s total from `history`, counting the days up to `as_of` (included)
/// as actual and projecting the rest with `method`.
pub fn forecast(
    history: &History,
    as_of: NaiveDate,
    period: Period,
    method: Method,
) -> Result<Forecast, CannotForecast> {
    if period.start > period.end {
        return Err(CannotForecast::BadPeriod);
    }
    // Actual: the period's days up to the as-of day must all be covered.
    let actual_end = as_of.min(period.end);
    let mut actual = 0.0;
    if actual_end >= period.start {
        if history.first > period.start {
            return Err(CannotForecast::NotCovered { day: period.start });
        }
        if history.last < actual_end {
            return Err(CannotForecast::NotCovered {
                day: history.last.succ_opt().unwrap_or(history.last),
            });
        }
        actual = history
            .values(period.start, actual_end)
            .iter()
            .map(|(_, v)| v)
            .sum();
    }
    let remaining: Vec<NaiveDate> = if as_of >= period.end {
        Vec::new()
    } else {
        let mut days = Vec::new();
        let mut day = period.start.max(as_of.succ_opt().unwrap_or(as_of));
        while day <= period.end {
            days.push(day);
            match day.succ_opt() {
                Some(next) => day = next,
                None => break,
            }
        }
        days
    };
    if remaining.is_empty() {
        return Ok(Forecast {
            period,
            as_of,
            actual_usd: actual,
            remaining_days: 0,
            p10_usd: actual,
            p50_usd: actual,
            p90_usd: actual,
            method: "actual".to_string(),
            daily_usd: Vec::new(),
        });
    }
    let need = method.needs_days();
    if history.last < as_of {
        return Err(CannotForecast::NotCovered {
            day: history.last.succ_opt().unwrap_or(history.last),
        });
    }
    let train_start = as_of
        .checked_sub_days(Days::new(need - 1))
        .unwrap_or(NaiveDate::MIN);
    let train = history.values(train_start, as_of);
    if (train.len() as u64) < need {
        return Err(CannotForecast::TooShort {
            have: train.len() as u64,
            need,
        });
    }
    let levels = method.levels(&train);
    let level_of = |day: NaiveDate| levels[day.weekday().num_days_from_monday() as usize];
    let daily: Vec<(NaiveDate, f64)> = remaining.iter().map(|d| (*d, level_of(*d))).collect();
    let projected: f64 = daily.iter().map(|(_, v)| v).sum();
    // The band: daily residuals around the fitted levels, their standard deviation
    // corrected for the levels fitted (the backtest found the MAD too narrow on skewed
    // spend), summed over the remaining days as independent, plus the level's own error.
    let residuals: Vec<f64> = train.iter().map(|(d, v)| v - level_of(*d)).collect();
    let fitted = method.fitted_levels() as f64;
    let squares: f64 = residuals.iter().map(|r| r * r).sum();
    let scale = (squares / (train.len() as f64 - fitted).max(1.0)).sqrt();
    let h = remaining.len() as f64;
    let n = method.level_days() as f64;
    let sd = scale * (h + h * h / n).sqrt();
    let low = (projected - Z90 * sd).max(0.0);
    let high = projected + Z90 * sd;
    Ok(Forecast {
        period,
        as_of,
        actual_usd: actual,
        remaining_days: remaining.len() as u64,
        p10_usd: actual + low,
        p50_usd: actual + projected,
        p90_usd: actual + high,
        method: method.name(),
        daily_usd: daily,
    })
}

/// 1.4826 × the median absolute deviation from the median: the standard deviation of
/// normal data, unmoved by a few outliers.
pub fn robust_scale(values: &[f64]) -> f64 {
    let Some(mid) = median(values) else {
        return 0.0;
    };
    let deviations: Vec<f64> = values.iter().map(|v| (v - mid).abs()).collect();
    1.4826 * median(&deviations).unwrap_or(0.0)
}

/// The median (`None` for no values).
pub fn median(values: &[f64]) -> Option<f64> {
    if values.is_empty() {
        return None;
    }
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    let n = sorted.len();
    Some(if n % 2 == 1 {
        sorted[n / 2]
    } else {
        (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0
    })
}

/// The anomaly threshold chosen by the backtest: |score| above 7 (BENCHMARKS.md).
pub const DEFAULT_ANOMALY_THRESHOLD: f64 = 7.0;

/// Days of history before a day that the anomaly rule needs.
pub const ANOMALY_BASELINE_DAYS: u64 = 28;

/// The baseline an anomaly score is measured against.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Baseline {
    /// Median and MAD of the 28 days before.
    Median28,
    /// Median and MAD of the 28 days before, each divided by its weekday's factor (the
    /// weekday's median over the overall median); the expected spend and the scale are
    /// multiplied back by the judged day's factor.
    WeekdayMedian28,
}

impl Baseline {
    /// The baseline chosen by the backtest (BENCHMARKS.md).
    pub const DEFAULT: Self = Self::WeekdayMedian28;

    /// Its name in output.
    pub fn name(&self) -> &'static str {
        match self {
            Self::Median28 => "median-mad-28d",
            Self::WeekdayMedian28 => "weekday-median-mad-28d",
        }
    }
}

/// A day whose spend is far from its baseline.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct Anomaly {
    /// The day.
    pub day: NaiveDate,
    /// Its spend.
    pub spend_usd: f64,
    /// The spend expected from the baseline.
    pub expected_usd: f64,
    /// (spend − expected) / robust scale: positive above, negative below.
    pub score: f64,
}

/// The score of `day` against the [`ANOMALY_BASELINE_DAYS`] days before it.
pub fn anomaly_score(
    history: &History,
    day: NaiveDate,
    baseline: Baseline,
) -> Result<Anomaly, CannotForecast> {
    let spend = history.on(day).ok_or(CannotForecast::NotCovered { day })?;
    let last = day.pred_opt().ok_or(CannotForecast::NotCovered { day })?;
    let first = last
        .checked_sub_days(Days::new(ANOMALY_BASELINE_DAYS - 1))
        .ok_or(CannotForecast::NotCovered { day })?;
    let past = history.values(first, last);
    if (past.len() as u64) < ANOMALY_BASELINE_DAYS {
        return Err(CannotForecast::TooShort {
            have: past.len() as u64,
            need: ANOMALY_BASELINE_DAYS,
        });
    }
    let all: Vec<f64> = past.iter().map(|(_, v)| *v).collect();
    let (expected, scale) = match baseline {
        Baseline::Median28 => (median(&all).unwrap_or(0.0), robust_scale(&all)),
        Baseline::WeekdayMedian28 => {
            // Each day divided by its weekday's factor (the weekday's median over the
            // overall median), then median and MAD of the 28 adjusted days: the scale
            // comes from 28 days, not 4.
            let overall = median(&all).unwrap_or(0.0);
            let mut groups: [Vec<f64>; 7] = Default::default();
            for (d, v) in &past {
                groups[weekday_index(d.weekday())].push(*v);
            }
            let factors = groups.map(|g| {
                let m = median(&g).unwrap_or(0.0);
                if overall > 0.0 && m > 0.0 {
                    m / overall
                } else {
                    1.0
                }
            });
            let adjusted: Vec<f64> = past
                .iter()
                .map(|(d, v)| v / factors[weekday_index(d.weekday())])
                .collect();
            let factor = factors[weekday_index(day.weekday())];
            (
                median(&adjusted).unwrap_or(0.0) * factor,
                robust_scale(&adjusted) * factor,
            )
        }
    };
    // A floor on the scale: a flat history (MAD 0) would make any cent an anomaly.
    let floor = (0.05 * median(&all).unwrap_or(0.0)).max(0.01);
    let score = (spend - expected) / scale.max(floor);
    Ok(Anomaly {
        day,
        spend_usd: spend,
        expected_usd: expected,
        score,
    })
}

fn weekday_index(day: Weekday) -> usize {
    day.num_days_from_monday() as usize
}

/// The days from `from` to `to` whose |score| is above `threshold`; days without 28
/// covered days before them are skipped.
pub fn anomalies(
    history: &History,
    from: NaiveDate,
    to: NaiveDate,
    baseline: Baseline,
    threshold: f64,
) -> Vec<Anomaly> {
    history
        .values(from, to)
        .into_iter()
        .filter_map(|(day, _)| anomaly_score(history, day, baseline).ok())
        .filter(|a| a.score.abs() > threshold)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, m, d).unwrap()
    }

    fn constant(first: NaiveDate, last: NaiveDate, value: f64) -> History {
        let days = history_days(first, last);
        History::new(first, last, days.into_iter().map(|d| (d, value))).unwrap()
    }

    fn history_days(first: NaiveDate, last: NaiveDate) -> Vec<NaiveDate> {
        first.iter_days().take_while(|d| *d <= last).collect()
    }

    #[test]
    fn a_constant_series_forecasts_its_constant_with_a_narrow_band() {
        let history = constant(day(9, 1), day(11, 10), 5.0);
        let period = Period::month(2026, 11).unwrap();
        for method in Method::ALL {
            let f = forecast(&history, day(11, 10), period, method).unwrap();
            assert_eq!(f.actual_usd, 50.0, "{method:?}");
            assert!(
                (f.p50_usd - 150.0).abs() < 1e-9,
                "{method:?}: {}",
                f.p50_usd
            );
            assert!(f.p10_usd <= f.p50_usd && f.p50_usd <= f.p90_usd);
            assert!(f.p90_usd - f.p10_usd < 1e-6, "{method:?}: {f:?}");
            assert_eq!(f.remaining_days, 20);
        }
    }

    #[test]
    fn a_weekly_pattern_is_projected_by_weekday() {
        // Weekdays 10, weekends 0.
        let days = history_days(day(9, 1), day(11, 10));
        let history = History::new(
            day(9, 1),
            day(11, 10),
            days.iter().map(|d| {
                (
                    *d,
                    if d.weekday().num_days_from_monday() < 5 {
                        10.0
                    } else {
                        0.0
                    },
                )
            }),
        )
        .unwrap();
        let period = Period::month(2026, 11).unwrap();
        let f = forecast(&history, day(11, 10), period, Method::DEFAULT).unwrap();
        let truth: f64 = history_days(day(11, 1), day(11, 30))
            .iter()
            .map(|d| {
                if d.weekday().num_days_from_monday() < 5 {
                    10.0
                } else {
                    0.0
                }
            })
            .sum();
        assert!((f.p50_usd - truth).abs() < 1e-6, "{} vs {truth}", f.p50_usd);
        // A flat mean would not get it exactly.
        let flat = forecast(&history, day(11, 10), period, Method::TrailingMean(7)).unwrap();
        assert!((flat.p50_usd - truth).abs() > 1.0);
    }

    #[test]
    fn noise_widens_the_band_around_the_median() {
        let days = history_days(day(9, 1), day(11, 10));
        let history = History::new(
            day(9, 1),
            day(11, 10),
            days.iter()
                .enumerate()
                .map(|(i, d)| (*d, if i % 2 == 0 { 5.0 } else { 15.0 })),
        )
        .unwrap();
        let f = forecast(
            &history,
            day(11, 10),
            Period::month(2026, 11).unwrap(),
            Method::TrailingMean(28),
        )
        .unwrap();
        assert!(f.p10_usd < f.p50_usd && f.p50_usd < f.p90_usd, "{f:?}");
        assert!(f.p10_usd >= f.actual_usd);
    }

    #[test]
    fn hostile_inputs_give_reasons_not_panics() {
        for bad in [f64::NAN, f64::INFINITY, f64::NEG_INFINITY, -1.0, 1e300] {
            let err = History::new(day(11, 1), day(11, 10), [(day(11, 2), bad)]).unwrap_err();
            assert!(
                matches!(err, CannotForecast::BadValue { .. }),
                "{bad}: {err:?}"
            );
            assert!(err.to_string().len() < 100, "{err}");
        }
        // Sums past the cap are refused too.
        let err = History::new(
            day(11, 1),
            day(11, 10),
            [(day(11, 2), MAX_DAILY_USD), (day(11, 2), MAX_DAILY_USD)],
        )
        .unwrap_err();
        assert!(matches!(err, CannotForecast::BadValue { .. }));
        assert_eq!(
            History::new(day(11, 10), day(11, 1), []).unwrap_err(),
            CannotForecast::BadRange
        );
        // One day of history.
        let one = constant(day(11, 10), day(11, 10), 3.0);
        let period = Period::month(2026, 11).unwrap();
        assert!(matches!(
            forecast(&one, day(11, 10), period, Method::DEFAULT),
            Err(CannotForecast::NotCovered { .. })
        ));
        let one = constant(day(11, 1), day(11, 1), 3.0);
        assert_eq!(
            forecast(&one, day(11, 1), period, Method::DEFAULT).unwrap_err(),
            CannotForecast::TooShort { have: 1, need: 28 }
        );
        // The as-of day after the history.
        let short = constant(day(10, 1), day(11, 5), 3.0);
        assert!(matches!(
            forecast(&short, day(11, 10), period, Method::DEFAULT),
            Err(CannotForecast::NotCovered { .. })
        ));
        // Extreme dates and periods.
        assert_eq!(
            Period::month(2026, 13).unwrap_err(),
            CannotForecast::BadPeriod
        );
        assert!(Period::month(i32::MAX, 12).is_err());
        let edge = constant(NaiveDate::MAX - Days::new(40), NaiveDate::MAX, 1.0);
        let _ = forecast(
            &edge,
            NaiveDate::MAX,
            Period::month_of(NaiveDate::MAX).unwrap_or(Period {
                start: NaiveDate::MAX,
                end: NaiveDate::MAX,
            }),
            Method::DEFAULT,
        );
        let edge = constant(NaiveDate::MIN, NaiveDate::MIN + Days::new(40), 1.0);
        let _ = forecast(
            &edge,
            NaiveDate::MIN,
            Period {
                start: NaiveDate::MIN,
                end: NaiveDate::MIN + Days::new(30),
            },
            Method::DEFAULT,
        );
        let _ = anomaly_score(&edge, NaiveDate::MIN, Baseline::DEFAULT);
        // A largest plausible value every day stays finite.
        let huge = constant(day(9, 1), day(11, 10), MAX_DAILY_USD);
        let f = forecast(&huge, day(11, 10), period, Method::DEFAULT).unwrap();
        assert!(f.p90_usd.is_finite());
    }

    #[test]
    fn a_period_already_over_is_its_actual_total() {
        let history = constant(day(9, 1), day(11, 10), 2.0);
        let f = forecast(
            &history,
            day(11, 10),
            Period::month(2026, 10).unwrap(),
            Method::DEFAULT,
        )
        .unwrap();
        assert_eq!(f.actual_usd, 62.0);
        assert_eq!((f.p10_usd, f.p50_usd, f.p90_usd), (62.0, 62.0, 62.0));
        assert_eq!(f.method, "actual");
        // A period before the history is not covered.
        assert!(
            forecast(
                &history,
                day(11, 10),
                Period::month(2026, 8).unwrap(),
                Method::DEFAULT
            )
            .is_err()
        );
    }

    #[test]
    fn the_limit_day_is_projected_within_the_reset_window() {
        let history = constant(day(9, 1), day(11, 10), 10.0);
        // 2026-11-10 is a Tuesday: the week is 9..=15.
        let week = Period::reset_window(Reset::Weekly, day(11, 10)).unwrap();
        assert_eq!((week.start, week.end), (day(11, 9), day(11, 15)));
        let f = forecast(&history, day(11, 10), week, Method::DEFAULT).unwrap();
        assert_eq!(f.actual_usd, 20.0);
        assert_eq!(
            f.limit_reach(&history, 15.0),
            LimitReach::Reached(day(11, 10))
        );
        assert_eq!(
            f.limit_reach(&history, 45.0),
            LimitReach::Projected(day(11, 13))
        );
        assert_eq!(f.limit_reach(&history, 1000.0), LimitReach::NotThisWindow);
        assert_eq!(f.limit_reach(&history, f64::NAN), LimitReach::NotThisWindow);
        let month = Period::reset_window(Reset::Monthly, day(11, 10)).unwrap();
        assert_eq!(month, Period::month(2026, 11).unwrap());
        assert_eq!(Reset::parse("never"), None);
    }

    #[test]
    fn a_spike_is_flagged_and_a_quiet_history_is_not() {
        let days = history_days(day(9, 1), day(11, 10));
        let spend = |i: usize| 10.0 + (i % 5) as f64;
        let mut values: Vec<(NaiveDate, f64)> = days
            .iter()
            .enumerate()
            .map(|(i, d)| (*d, spend(i)))
            .collect();
        let quiet = History::new(day(9, 1), day(11, 10), values.clone()).unwrap();
        for baseline in [Baseline::Median28, Baseline::WeekdayMedian28] {
            assert!(anomalies(&quiet, day(10, 1), day(11, 10), baseline, 5.0).is_empty());
        }
        let last = values.len() - 1;
        values[last].1 *= 5.0;
        let spiked = History::new(day(9, 1), day(11, 10), values).unwrap();
        let found = anomalies(&spiked, day(10, 1), day(11, 10), Baseline::DEFAULT, 5.0);
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].day, day(11, 10));
        assert!(found[0].score > 5.0);
        // Not enough days before: a reason.
        assert_eq!(
            anomaly_score(&spiked, day(9, 10), Baseline::DEFAULT).unwrap_err(),
            CannotForecast::TooShort { have: 9, need: 28 }
        );
        // A flat history: a cent more is not an anomaly, a doubling is.
        let flat = constant(day(9, 1), day(11, 10), 10.0);
        assert!(
            anomaly_score(&flat, day(11, 10), Baseline::DEFAULT)
                .unwrap()
                .score
                .abs()
                < 1e-9
        );
    }
}
