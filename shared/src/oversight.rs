//! The committee's workspace: the patterns that point an inspector at what to look into in a
//! period (officers and counters with repeated reports or low ratings, units whose satisfaction
//! falls or whose overdue rate rises), each with the figures behind it and a link to its
//! reports. Thresholds are here, in one place, so the page can say what they are.

use crate::calendar::Date;
use crate::Lang;
use serde::{Deserialize, Serialize};

#[cfg(feature = "openapi")]
use utoipa::{IntoParams, ToSchema};

/// An officer or a counter with this many reports in the period stands out.
pub const REPEATED_REPORTS: i64 = 2;
/// A satisfaction rate is judged only on at least this many ratings.
pub const MIN_RATINGS: i64 = 10;
/// Below this satisfaction rate (in per cent) an officer or counter stands out.
pub const LOW_SATISFACTION_PCT: f64 = 70.0;
/// A unit stands out when its satisfaction rate fell, or its overdue rate rose, by at least
/// this many points from the period before.
pub const TREND_POINTS: f64 = 5.0;
/// The default period: the last 30 days.
pub const DEFAULT_PERIOD_DAYS: i64 = 30;

/// `GET /api/v1/oversight/patterns`: the period (ISO dates, both included; default the last
/// 30 days) and, optionally, one unit of the committee's subtree.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema, IntoParams))]
pub struct PatternQuery {
    /// The first day, `YYYY-MM-DD` (or `dd/mm/yyyy`); 30 days before `to` by default.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", param(format = Date), schema(format = Date))]
    pub from: Option<String>,
    /// The last day, included; today by default.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", param(format = Date), schema(format = Date))]
    pub to: Option<String>,
    #[serde(default)]
    pub unit_id: Option<String>,
}

/// Ratings in a period: how many count, how many of them are satisfied.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct RatingTally {
    pub ratings: i64,
    pub satisfied: i64,
}

impl RatingTally {
    /// The satisfaction rate in per cent, when there are enough ratings to judge.
    pub fn rate_pct(&self) -> Option<f64> {
        (self.ratings >= MIN_RATINGS).then(|| 100.0 * self.satisfied as f64 / self.ratings as f64)
    }

    pub fn is_low(&self) -> bool {
        self.rate_pct().is_some_and(|r| r < LOW_SATISFACTION_PCT)
    }

    /// "82% (41/50)", or "chưa đủ đánh giá (3)" under the minimum.
    pub fn describe(&self, lang: Lang) -> String {
        match self.rate_pct() {
            Some(r) => format!("{r:.0}% ({}/{})", self.satisfied, self.ratings),
            None => format!(
                "{} ({})",
                lang.pick("chưa đủ đánh giá", "not enough ratings"),
                self.ratings
            ),
        }
    }
}

/// An officer or a counter that stands out in the period.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct SubjectPattern {
    /// The staff record's or the counter's id (the inbox filters on it).
    pub id: String,
    pub name: String,
    pub unit_id: String,
    pub unit_name: String,
    /// Reports in the period naming the officer, or made at the counter.
    pub reports: i64,
    pub ratings: RatingTally,
}

impl SubjectPattern {
    pub fn repeated_reports(&self) -> bool {
        self.reports >= REPEATED_REPORTS
    }
}

/// A unit's figures in the period and in the period of the same length before it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct UnitTrend {
    pub unit_id: String,
    pub unit_name: String,
    pub ratings_now: RatingTally,
    pub ratings_before: RatingTally,
    /// Cases received in the period, and how many of them missed a deadline.
    pub cases_now: i64,
    pub overdue_now: i64,
    pub cases_before: i64,
    pub overdue_before: i64,
}

impl UnitTrend {
    /// The fall of the satisfaction rate in points, when both periods have enough ratings.
    pub fn satisfaction_fall(&self) -> Option<f64> {
        Some(self.ratings_before.rate_pct()? - self.ratings_now.rate_pct()?)
    }

    /// The overdue rate in per cent of the cases received, when there were any.
    pub fn overdue_pct(cases: i64, overdue: i64) -> Option<f64> {
        (cases > 0).then(|| 100.0 * overdue as f64 / cases as f64)
    }

    /// The rise of the overdue rate in points (from 0 when there were no cases before).
    pub fn overdue_rise(&self) -> Option<f64> {
        let now = Self::overdue_pct(self.cases_now, self.overdue_now)?;
        Some(now - Self::overdue_pct(self.cases_before, self.overdue_before).unwrap_or(0.0))
    }

    pub fn stands_out(&self) -> bool {
        self.satisfaction_fall().is_some_and(|f| f >= TREND_POINTS)
            || self.overdue_rise().is_some_and(|r| r >= TREND_POINTS)
    }
}

/// What the committee's workspace shows for a period.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct Patterns {
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub from: Date,
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub to: Date,
    /// The period before, of the same length, that unit trends compare with.
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub before_from: Date,
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub before_to: Date,
    /// Officers with repeated reports or a low satisfaction rate, most reports first.
    pub officers: Vec<SubjectPattern>,
    /// Counters likewise.
    pub counters: Vec<SubjectPattern>,
    /// Units whose satisfaction fell or whose overdue rate rose, biggest change first.
    pub units: Vec<UnitTrend>,
}
