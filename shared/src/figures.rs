//! Figures (thống kê) and what is published (công khai): the periods they cover, the counts the
//! server adds up from its roll-up tables, and the arithmetic every screen shares: the
//! satisfaction rate, the on-time rate, and the Wilson 95% interval that says how far a rate
//! on few ratings can be trusted. No database here: the server fills these types and the web
//! app draws them.
//!
//! Days are Vietnam dates (UTC+7): a rating given at 23:30 on 31/01 in Hà Nội counts in
//! January, whatever the server's clock says.

use crate::calendar::{Date, Stage};
use crate::citizen::SipasCriterion;
use crate::error::{ApiError, FieldCode};
use crate::report::{ReportCategory, ReportKind};
use crate::workflow::ReportStatus;
use crate::Lang;
use serde::{Deserialize, Serialize};

#[cfg(feature = "openapi")]
use utoipa::{IntoParams, ToSchema};

/// The fewest ratings a rate is published on, unless the platform's settings say otherwise
/// (`MINHBACH_MIN_RATINGS`). Under it a page says "chưa đủ đánh giá", never 100% or 0%.
pub const DEFAULT_MIN_RATINGS: i64 = 30;

/// The longest period one request may cover (five years): a dashboard is not a data dump.
pub const MAX_PERIOD_DAYS: i64 = 5 * 366;

/// The z of a two-sided 95% interval.
const Z95: f64 = 1.959_963_984_540_054;

labelled_enum! {
    /// The length of the period a dashboard shows, around a chosen day.
    PeriodKind {
        Day = "day", "Ngày", "Day";
        Week = "week", "Tuần", "Week";
        Month = "month", "Tháng", "Month";
        Quarter = "quarter", "Quý", "Quarter";
        Year = "year", "Năm", "Year";
        Custom = "custom", "Tùy chọn", "Custom";
    }
}

impl PeriodKind {
    /// The first and last day of the period of this kind that holds `day` (weeks run Monday
    /// to Sunday). `Custom` has no shape of its own: it is the day itself.
    pub fn around(self, day: Date) -> (Date, Date) {
        match self {
            PeriodKind::Day | PeriodKind::Custom => (day, day),
            PeriodKind::Week => {
                let monday = day.add_days(1 - i64::from(day.weekday()));
                (monday, monday.add_days(6))
            }
            PeriodKind::Month => month_of(day),
            PeriodKind::Quarter => {
                let first_month = (day.month() - 1) / 3 * 3 + 1;
                let from = Date::new(day.year(), first_month, 1).expect("a real month");
                let (_, to) =
                    month_of(Date::new(day.year(), first_month + 2, 1).expect("a real month"));
                (from, to)
            }
            PeriodKind::Year => (
                Date::new(day.year(), 1, 1).expect("1 January"),
                Date::new(day.year(), 12, 31).expect("31 December"),
            ),
        }
    }
}

/// The first and last day of the month that holds `day`. Both are taken within that month:
/// the day after it may not exist (December 9999 is the last month a [`Date`] holds).
pub fn month_of(day: Date) -> (Date, Date) {
    let from = day.add_days(1 - i64::from(day.day()));
    (from, from.add_days(i64::from(day.days_in_month()) - 1))
}

/// A first and a last day, both included.
pub type DateSpan = (Date, Date);

/// Days `[from, to]` cut where the month roll-ups can serve them: the whole Vietnam months
/// inside (the first days of the first and of the last), and the days left before and after
/// them. A period with no whole month is all days. Every day of the period is in exactly one
/// part, so adding up the parts counts each day once.
pub fn split_by_months(from: Date, to: Date) -> (Option<DateSpan>, Vec<DateSpan>) {
    if to < from {
        return (None, Vec::new());
    }
    // A period inside one month that is not the whole of it has no whole month: said before
    // stepping past the month's ends, which may be the first or last day a `Date` holds.
    let (first_start, first_end) = month_of(from);
    let whole_from = if first_start == from {
        from
    } else if first_end >= to {
        return (None, vec![(from, to)]);
    } else {
        first_end.add_days(1)
    };
    let (last_start, last_end) = month_of(to);
    let whole_to = if last_end == to {
        to
    } else if last_start <= from {
        return (None, vec![(from, to)]);
    } else {
        last_start.add_days(-1)
    };
    if whole_to < whole_from {
        return (None, vec![(from, to)]);
    }
    let mut days = Vec::new();
    if from < whole_from {
        days.push((from, whole_from.add_days(-1)));
    }
    if whole_to < to {
        days.push((whole_to.add_days(1), to));
    }
    (Some((whole_from, month_of(whole_to).0)), days)
}

/// `GET /api/v1/figures` and the dashboard page: whose figures (a unit and its subtree; the
/// reader's own unit by default) and which period: a kind around a day (today by default), or
/// `custom` with `from` and `to` (ISO or dd/mm/yyyy, both included).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema, IntoParams))]
pub struct FiguresQuery {
    #[serde(default)]
    pub unit_id: Option<String>,
    #[serde(default)]
    pub period: Option<PeriodKind>,
    /// The day the period is around, `YYYY-MM-DD` (or `dd/mm/yyyy`); today by default.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", param(format = Date), schema(format = Date))]
    pub day: Option<String>,
    /// The first day of a `custom` period, `YYYY-MM-DD` (or `dd/mm/yyyy`).
    #[serde(default)]
    #[cfg_attr(feature = "openapi", param(format = Date), schema(format = Date))]
    pub from: Option<String>,
    /// The last day of a `custom` period, included.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", param(format = Date), schema(format = Date))]
    pub to: Option<String>,
    /// How the table of units is ranked (satisfaction by default).
    #[serde(default)]
    pub sort: Option<UnitSort>,
}

fn bad_date(field: &str) -> ApiError {
    ApiError::field(
        field,
        FieldCode::InvalidFormat,
        "Ngày không hợp lệ: hãy nhập dạng dd/mm/yyyy.",
        "Invalid date: use dd/mm/yyyy.",
    )
}

impl FiguresQuery {
    /// The period asked for, checked: real dates, `from` not after `to`, at most
    /// [`MAX_PERIOD_DAYS`]. `today` is the Vietnam date of the request.
    pub fn period(&self, today: Date) -> Result<(PeriodKind, Date, Date), ApiError> {
        let parse = |field: &str, value: &Option<String>| -> Result<Option<Date>, ApiError> {
            match value.as_deref().map(str::trim) {
                None | Some("") => Ok(None),
                Some(s) => Date::parse(s).map(Some).ok_or_else(|| bad_date(field)),
            }
        };
        let kind = self.period.unwrap_or(PeriodKind::Month);
        let (from, to) = if kind == PeriodKind::Custom {
            let to = parse("to", &self.to)?.unwrap_or(today);
            let from = parse("from", &self.from)?.unwrap_or_else(|| month_of(to).0);
            (from, to)
        } else {
            kind.around(parse("day", &self.day)?.unwrap_or(today))
        };
        if from > to {
            return Err(ApiError::field(
                "from",
                FieldCode::InvalidValue,
                "Ngày bắt đầu phải trước hoặc bằng ngày kết thúc.",
                "The start date must be on or before the end date.",
            ));
        }
        if to.to_days() - from.to_days() >= MAX_PERIOD_DAYS {
            return Err(ApiError::field(
                "from",
                FieldCode::InvalidValue,
                "Khoảng thời gian dài nhất là 5 năm.",
                "The longest period is 5 years.",
            ));
        }
        Ok((kind, from, to))
    }
}

/// The Wilson score interval of `successes` out of `n` at 95%, as fractions in [0, 1]. Unlike
/// the plain ± of the normal approximation it stays inside [0, 1] and is honest on small
/// samples: 10 satisfied out of 10 gives 72%–100%, not "100% ± 0".
pub fn wilson(successes: i64, n: i64) -> Option<(f64, f64)> {
    if n <= 0 || successes < 0 || successes > n {
        return None;
    }
    let (k, nf) = (successes as f64, n as f64);
    let p = k / nf;
    let z2 = Z95 * Z95;
    let centre = p + z2 / (2.0 * nf);
    let margin = Z95 * (p * (1.0 - p) / nf + z2 / (4.0 * nf * nf)).sqrt();
    let denominator = 1.0 + z2 / nf;
    // At 0 or n the interval touches 0 or 1 exactly; floating point would say 0.99999….
    let lo = if successes == 0 {
        0.0
    } else {
        ((centre - margin) / denominator).max(0.0)
    };
    let hi = if successes == n {
        1.0
    } else {
        ((centre + margin) / denominator).min(1.0)
    };
    Some((lo, hi))
}

/// A rate as it may be published: `successes` of `n`, with its interval, or "not enough
/// data" when `n` is under the minimum.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct Rate {
    pub successes: i64,
    pub n: i64,
    /// The fewest `n` the rate is shown on.
    pub min_n: i64,
}

impl Rate {
    pub fn new(successes: i64, n: i64, min_n: i64) -> Rate {
        Rate {
            successes,
            n,
            min_n: min_n.max(1),
        }
    }

    pub fn enough(&self) -> bool {
        self.n >= self.min_n
    }

    /// The rate in per cent, only when there is enough data to say it.
    pub fn pct(&self) -> Option<f64> {
        self.enough()
            .then(|| 100.0 * self.successes as f64 / self.n as f64)
    }

    /// The 95% interval in per cent, only when the rate itself is shown.
    pub fn interval_pct(&self) -> Option<(f64, f64)> {
        self.enough()
            .then(|| wilson(self.successes, self.n))
            .flatten()
            .map(|(lo, hi)| (100.0 * lo, 100.0 * hi))
    }

    /// "87,5%", or "—" under the minimum (for narrow table cells; see [`Rate::describe`]).
    pub fn short(&self) -> String {
        self.pct().map(pct_vn).unwrap_or_else(|| "—".to_string())
    }

    /// "87,5% (95%: 82,1–91,3%; 240 đánh giá)" or "Chưa đủ đánh giá (12/30)": the whole
    /// honest sentence. `unit_vi`/`unit_en` name what was counted ("đánh giá", "hồ sơ"...).
    pub fn describe(&self, lang: Lang, unit_vi: &str, unit_en: &str) -> String {
        match (self.pct(), self.interval_pct()) {
            (Some(p), Some((lo, hi))) => format!(
                "{} ({}: {}–{}; {} {})",
                pct_vn(p),
                lang.pick("khoảng tin cậy 95%", "95% interval"),
                number_vn(lo),
                pct_vn(hi),
                self.n,
                lang.pick(unit_vi, unit_en),
            ),
            _ => format!(
                "{} ({}/{})",
                not_enough(lang, unit_vi, unit_en),
                self.n,
                self.min_n
            ),
        }
    }

    /// How rates are ranked: a rate that may be shown before one that may not, then by the
    /// lower end of its interval (so 9 of 10 does not outrank 870 of 1,000), then by the rate.
    pub fn rank_key(&self) -> (bool, f64, f64) {
        let lo = self.interval_pct().map(|(lo, _)| lo).unwrap_or(-1.0);
        (self.enough(), lo, self.pct().unwrap_or(-1.0))
    }
}

/// "Chưa đủ đánh giá" / "Not enough ratings yet", for whatever was counted.
pub fn not_enough(lang: Lang, unit_vi: &str, unit_en: &str) -> String {
    match lang {
        Lang::Vi => format!("Chưa đủ {unit_vi}"),
        Lang::En => format!("Not enough {unit_en} yet"),
    }
}

/// One decimal, Vietnamese decimal comma: 87,5.
pub fn number_vn(x: f64) -> String {
    format!("{x:.1}").replace('.', ",")
}

/// 87,5%.
pub fn pct_vn(x: f64) -> String {
    format!("{}%", number_vn(x))
}

/// Ratings that count (published): how many of each of the three answers, and for each SIPAS
/// criterion how many scored it and how many of those gave 4 or 5 (tốt, rất tốt).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct RatingCounts {
    pub very_satisfied: i64,
    pub satisfied: i64,
    pub not_satisfied: i64,
    /// In the order of [`SipasCriterion::ALL`]: (scored, scored 4 or 5).
    pub criteria: [(i64, i64); 5],
}

impl RatingCounts {
    pub fn total(&self) -> i64 {
        self.very_satisfied + self.satisfied + self.not_satisfied
    }

    /// Satisfaction rate = (rất hài lòng + hài lòng) / all valid ratings.
    pub fn satisfaction(&self, min_n: i64) -> Rate {
        Rate::new(self.very_satisfied + self.satisfied, self.total(), min_n)
    }

    pub fn criterion(&self, c: SipasCriterion, min_n: i64) -> Rate {
        let i = SipasCriterion::ALL
            .iter()
            .position(|x| *x == c)
            .expect("a SIPAS criterion");
        let (scored, good) = self.criteria[i];
        Rate::new(good, scored, min_n)
    }

    pub fn add(&mut self, other: &RatingCounts) {
        self.very_satisfied += other.very_satisfied;
        self.satisfied += other.satisfied;
        self.not_satisfied += other.not_satisfied;
        for (mine, theirs) in self.criteria.iter_mut().zip(other.criteria.iter()) {
            mine.0 += theirs.0;
            mine.1 += theirs.1;
        }
    }
}

/// Deadline clocks of one stage that ended in the period, on time or late, and those still
/// running past a due date that fell in the period (late too, though not ended).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct DeadlineCounts {
    pub stage: Stage,
    pub on_time: i64,
    pub late: i64,
    pub overdue_open: i64,
}

impl DeadlineCounts {
    pub fn new(stage: Stage) -> DeadlineCounts {
        DeadlineCounts {
            stage,
            on_time: 0,
            late: 0,
            overdue_open: 0,
        }
    }

    pub fn decided(&self) -> i64 {
        self.on_time + self.late + self.overdue_open
    }

    pub fn rate(&self, min_n: i64) -> Rate {
        Rate::new(self.on_time, self.decided(), min_n)
    }
}

/// What happened to reports in the period: received (by kind and category), accepted and
/// answered (with the time it took from receipt), resolved (a final answer: answered,
/// declined or forwarded, counted once per report), and each deadline's outcomes.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct CaseCounts {
    pub received: i64,
    pub accepted: i64,
    /// Milliseconds from receipt to acceptance, summed over `accepted`.
    pub accept_ms: i64,
    pub answered: i64,
    /// Milliseconds from receipt to the first answer, summed over `answered`.
    pub answer_ms: i64,
    pub resolved: i64,
    pub by_kind: Vec<(ReportKind, i64)>,
    pub by_category: Vec<(ReportCategory, i64)>,
    /// Where the cases of the unit stand now (all periods: a status is a present fact).
    pub by_status_now: Vec<(ReportStatus, i64)>,
    pub deadlines: Vec<DeadlineCounts>,
}

const DAY_MS: f64 = 86_400_000.0;

impl CaseCounts {
    /// Average days from receipt to acceptance.
    pub fn accept_days(&self) -> Option<f64> {
        (self.accepted > 0).then(|| self.accept_ms as f64 / self.accepted as f64 / DAY_MS)
    }

    pub fn answer_days(&self) -> Option<f64> {
        (self.answered > 0).then(|| self.answer_ms as f64 / self.answered as f64 / DAY_MS)
    }

    /// All deadlines together: the on-time rate of report handling.
    pub fn on_time(&self, min_n: i64) -> Rate {
        let on_time = self.deadlines.iter().map(|d| d.on_time).sum();
        let decided = self.deadlines.iter().map(DeadlineCounts::decided).sum();
        Rate::new(on_time, decided, min_n)
    }
}

/// One point of a trend: a week (Monday–Sunday) or a month.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct TrendPoint {
    pub from: String,
    pub to: String,
    pub ratings: RatingCounts,
    pub on_time: i64,
    pub late: i64,
    pub received: i64,
}

impl TrendPoint {
    /// "T3/2026" for a month, "17/11" (its Monday) for a week.
    pub fn label(&self, lang: Lang) -> String {
        let (Some(from), Some(to)) = (Date::parse(&self.from), Date::parse(&self.to)) else {
            return self.from.clone();
        };
        if from.day() == 1 && month_of(from).1 == to {
            format!("{}{}/{}", lang.pick("T", "M"), from.month(), from.year())
        } else {
            format!("{:02}/{:02}", from.day(), from.month())
        }
    }
}

/// A unit (with its subtree) in the ranking table.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct UnitFigures {
    pub unit_id: String,
    pub name: String,
    pub ratings: RatingCounts,
    pub cases: CaseCounts,
}

/// A counter or an officer of the unit and its ratings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct SubjectFigures {
    pub id: String,
    pub name: String,
    /// The officer's badge number, or the counter's code.
    pub detail: String,
    pub ratings: RatingCounts,
}

/// `GET /api/v1/figures`: a unit's dashboard for one period.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct Dashboard {
    pub unit_id: String,
    pub unit_name: String,
    pub period: PeriodKind,
    pub from: String,
    pub to: String,
    pub min_ratings: i64,
    pub ratings: RatingCounts,
    pub cases: CaseCounts,
    /// The 12 months up to the period's end, oldest first.
    pub months: Vec<TrendPoint>,
    /// The 13 weeks up to the period's end, oldest first.
    pub weeks: Vec<TrendPoint>,
    /// The units directly under this one, each with its own subtree; empty for a unit with
    /// no units under it.
    pub units: Vec<UnitFigures>,
    /// This unit's own counters and officers (a unit under it has its own dashboard).
    pub counters: Vec<SubjectFigures>,
    pub officers: Vec<SubjectFigures>,
}

labelled_enum! {
    /// What a ranking table of units can be sorted by.
    UnitSort {
        Satisfaction = "satisfaction", "Tỷ lệ hài lòng", "Satisfaction rate";
        OnTime = "on_time", "Tỷ lệ đúng hạn", "On-time rate";
        Received = "received", "Phản ánh nhận được", "Reports received";
        Resolved = "resolved", "Đã giải quyết", "Resolved";
        Ratings = "ratings", "Số đánh giá", "Ratings";
    }
}

/// Ranks units by `sort`, best first; rates under the minimum come last, as the public page
/// does ("chưa đủ đánh giá" is not a rank).
pub fn rank_units(units: &mut [UnitFigures], sort: UnitSort, min_ratings: i64) {
    let key = |u: &UnitFigures| -> (bool, f64, f64) {
        match sort {
            UnitSort::Satisfaction => u.ratings.satisfaction(min_ratings).rank_key(),
            UnitSort::OnTime => u.cases.on_time(min_ratings).rank_key(),
            UnitSort::Received => (true, u.cases.received as f64, 0.0),
            UnitSort::Resolved => (true, u.cases.resolved as f64, 0.0),
            UnitSort::Ratings => (true, u.ratings.total() as f64, 0.0),
        }
    };
    units.sort_by(|a, b| {
        key(b)
            .partial_cmp(&key(a))
            .unwrap_or(std::cmp::Ordering::Equal)
            .then_with(|| a.name.cmp(&b.name))
    });
}

/// Reports about an officer in the month, by category and by where each stands now.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct ScorecardReports {
    pub category: ReportCategory,
    pub total: i64,
    /// Finding of the committee, when one was recorded: founded, partly founded, unfounded.
    pub founded: i64,
    pub partly_founded: i64,
    pub unfounded: i64,
    /// Still open (a deadline clock runs).
    pub open: i64,
}

/// `GET /api/v1/figures/officers/{staff_id}?month=YYYY-MM`: the monthly scorecard used in the
/// A/B/C classification meeting.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct Scorecard {
    pub staff_id: String,
    pub full_name: String,
    pub title: String,
    pub badge_number: String,
    pub unit_name: String,
    pub from: String,
    pub to: String,
    pub min_ratings: i64,
    pub ratings: RatingCounts,
    pub reports: Vec<ScorecardReports>,
    /// Deadlines of the cases assigned to the officer that ended in the month.
    pub assigned_on_time: i64,
    pub assigned_late: i64,
}

/// Figures of one period on the public page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct PublicPeriod {
    pub from: String,
    pub to: String,
    pub satisfaction: Rate,
    pub on_time: Rate,
    pub received: i64,
    pub resolved: i64,
}

/// A unit under the published one, with this month's two rates.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct PublicUnit {
    pub code: String,
    pub name: String,
    pub satisfaction: Rate,
    pub on_time: Rate,
}

/// `GET /api/v1/public/units/{code}` and the page `/cong-khai/{code}`: what a unit publishes,
/// no login needed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct PublicFigures {
    pub unit_id: String,
    pub code: String,
    pub name: String,
    pub reception_weekday: u8,
    pub reception_hours: String,
    pub month: PublicPeriod,
    pub year: PublicPeriod,
    /// The active units directly under this one (with their own subtrees), ranked by this
    /// month's satisfaction rate with the same rule: under the minimum is not a rank.
    pub units: Vec<PublicUnit>,
    /// When these figures were computed (Unix ms): the page is served from a cache.
    pub computed_at: i64,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_period_splits_into_whole_months_and_the_days_around_them() {
        let d = |s: &str| Date::parse(s).unwrap();
        assert_eq!(
            split_by_months(d("2026-03-01"), d("2026-03-31")),
            (Some((d("2026-03-01"), d("2026-03-01"))), vec![])
        );
        assert_eq!(
            split_by_months(d("2026-01-15"), d("2026-04-10")),
            (
                Some((d("2026-02-01"), d("2026-03-01"))),
                vec![
                    (d("2026-01-15"), d("2026-01-31")),
                    (d("2026-04-01"), d("2026-04-10"))
                ]
            )
        );
        assert_eq!(
            split_by_months(d("2026-01-15"), d("2026-02-10")),
            (None, vec![(d("2026-01-15"), d("2026-02-10"))])
        );
        // Every day of many periods is in exactly one part, and the month parts are whole.
        let start = d("2025-12-20");
        for a in 0..80 {
            for len in 0..120 {
                let (from, to) = (start.add_days(a), start.add_days(a + len));
                let (months, days) = split_by_months(from, to);
                let mut covered = Vec::new();
                if let Some((first, last)) = months {
                    let mut m = first;
                    while m <= last {
                        let (f, l) = month_of(m);
                        assert_eq!(f, m);
                        covered.extend(f.to_days()..=l.to_days());
                        m = l.add_days(1);
                    }
                }
                for (f, l) in days {
                    covered.extend(f.to_days()..=l.to_days());
                }
                covered.sort();
                assert_eq!(covered, (from.to_days()..=to.to_days()).collect::<Vec<_>>());
            }
        }
    }

    /// The first and last months a `Date` holds: nothing steps past them (a dashboard of
    /// December 9999 answered 500, "a real month", before).
    #[test]
    fn the_months_at_the_ends_of_the_calendar() {
        let d = |s: &str| Date::parse(s).unwrap();
        assert_eq!(
            month_of(d("9999-12-31")),
            (d("9999-12-01"), d("9999-12-31"))
        );
        assert_eq!(
            month_of(d("9999-12-01")),
            (d("9999-12-01"), d("9999-12-31"))
        );
        assert_eq!(
            month_of(d("1900-01-01")),
            (d("1900-01-01"), d("1900-01-31"))
        );
        assert_eq!(
            month_of(d("2028-02-10")),
            (d("2028-02-01"), d("2028-02-29"))
        );
        for kind in [
            PeriodKind::Week,
            PeriodKind::Month,
            PeriodKind::Quarter,
            PeriodKind::Year,
        ] {
            let (from, to) = kind.around(d("9999-12-31"));
            assert!(from <= to && to == d("9999-12-31"), "{kind:?}");
            let (from, to) = kind.around(d("1900-01-01"));
            assert!(from == d("1900-01-01") && from <= to, "{kind:?}");
        }
        assert_eq!(
            split_by_months(d("9999-12-15"), d("9999-12-31")),
            (None, vec![(d("9999-12-15"), d("9999-12-31"))])
        );
        assert_eq!(
            split_by_months(d("9999-11-15"), d("9999-12-31")),
            (
                Some((d("9999-12-01"), d("9999-12-01"))),
                vec![(d("9999-11-15"), d("9999-11-30"))]
            )
        );
        assert_eq!(
            split_by_months(d("1900-01-01"), d("1900-01-20")),
            (None, vec![(d("1900-01-01"), d("1900-01-20"))])
        );
    }

    #[test]
    fn wilson_matches_published_values() {
        // 8 of 10: Wilson 95% is 0.4902–0.9433 (Newcombe 1998, table I style check).
        let (lo, hi) = wilson(8, 10).unwrap();
        assert!((lo - 0.4902).abs() < 1e-4, "{lo}");
        assert!((hi - 0.9433).abs() < 1e-4, "{hi}");
        let (lo, hi) = wilson(10, 10).unwrap();
        assert!((lo - 0.7225).abs() < 1e-4, "{lo}");
        assert_eq!(hi, 1.0);
        let (lo, _) = wilson(0, 10).unwrap();
        assert_eq!(lo, 0.0);
        assert_eq!(wilson(0, 0), None);
        assert_eq!(wilson(3, 2), None);
    }

    #[test]
    fn a_rate_under_the_minimum_is_not_published() {
        let r = Rate::new(5, 5, 30);
        assert_eq!(r.pct(), None);
        assert_eq!(r.short(), "—");
        assert_eq!(
            r.describe(Lang::Vi, "đánh giá", "ratings"),
            "Chưa đủ đánh giá (5/30)"
        );
        let r = Rate::new(24, 30, 30);
        assert_eq!(r.pct(), Some(80.0));
        assert!(r
            .describe(Lang::Vi, "đánh giá", "ratings")
            .starts_with("80,0% (khoảng tin cậy 95%: "));
    }

    #[test]
    fn few_perfect_ratings_rank_below_many_good_ones() {
        let unit = |name: &str, very, not| UnitFigures {
            unit_id: name.into(),
            name: name.into(),
            ratings: RatingCounts {
                very_satisfied: very,
                not_satisfied: not,
                ..Default::default()
            },
            cases: CaseCounts::default(),
        };
        let mut units = vec![unit("a", 30, 0), unit("b", 900, 100), unit("c", 3, 0)];
        rank_units(&mut units, UnitSort::Satisfaction, 30);
        let order: Vec<_> = units.iter().map(|u| u.name.as_str()).collect();
        // a: 100% of 30 (lower bound 88.6%); b: 90% of 1,000 (lower bound 88.0%); c: too few.
        assert_eq!(order, ["a", "b", "c"]);
        let mut units = vec![unit("a", 31, 1), unit("b", 900, 100)];
        rank_units(&mut units, UnitSort::Satisfaction, 30);
        assert_eq!(units[0].name, "b");
    }

    #[test]
    fn periods_around_a_day() {
        let d = Date::new(2026, 2, 18).unwrap(); // a Wednesday
        let iso = |(a, b): (Date, Date)| (a.iso(), b.iso());
        assert_eq!(
            iso(PeriodKind::Week.around(d)),
            ("2026-02-16".into(), "2026-02-22".into())
        );
        assert_eq!(
            iso(PeriodKind::Month.around(d)),
            ("2026-02-01".into(), "2026-02-28".into())
        );
        assert_eq!(
            iso(PeriodKind::Quarter.around(d)),
            ("2026-01-01".into(), "2026-03-31".into())
        );
        assert_eq!(
            iso(PeriodKind::Year.around(d)),
            ("2026-01-01".into(), "2026-12-31".into())
        );
        let q = FiguresQuery {
            period: Some(PeriodKind::Custom),
            from: Some("10/03/2026".into()),
            to: Some("01/03/2026".into()),
            ..Default::default()
        };
        let err = q.period(d).unwrap_err();
        assert_eq!(err.fields[0].field, "from");
        assert!(err.fields[0].message.vi.contains("Ngày bắt đầu"));
    }
}
