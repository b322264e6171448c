//! Figures (`shared::figures`) read from the roll-up tables the database keeps by trigger
//! (migrations `2026-11-23-000020_figures` and `2026-11-24-000021_figures_months`): a dashboard
//! over a province and a year adds up month rows per unit (day rows only for the part of a
//! period that is not whole months, and for the weekly trend), whatever the number of ratings
//! and reports behind them. Only the deadlines still running past their due date are counted from `reports` itself (a present
//! fact no roll-up can hold), through the inbox's index on (unit, due date).
//!
//! Who may read them: heads, committee members and administrators, over the units their
//! account covers. Counts are aggregates (the public page publishes the same totals); the
//! officer scorecard leaves out, for a head, the reports withheld from their unit.

use crate::auth::Actor as Account;
use crate::db::{now_ms, DbConn};
use crate::db_run;
use crate::error::{AppError, AppResult};
use crate::schema::{
    accounts, case_counts, case_days, case_deadline_days, case_deadline_months, case_months,
    case_stage_ends, case_unit_days, counters, findings, rating_staff_days, rating_unit_days,
    rating_unit_months, reports, staff, units,
};
use diesel::dsl::sql;
use diesel::prelude::*;
use diesel::sql_types::BigInt;
use shared::calendar::{Date, Stage};
use shared::figures::{
    month_of, rank_units, split_by_months, CaseCounts, Dashboard, DeadlineCounts, FiguresQuery,
    PeriodKind, PublicFigures, PublicPeriod, PublicUnit, RatingCounts, Scorecard, ScorecardReports,
    SubjectFigures, TrendPoint, UnitFigures, UnitSort,
};
use shared::finding::Conclusion;
use shared::model::Role;
use shared::report::{ReportCategory, ReportKind};
use shared::workflow::ReportStatus;
use shared::{ApiError, FieldCode};
use std::collections::HashMap;

/// The thirteen sums of a rating roll-up, in the order of [`counts_of`], as BIGINT on both
/// backends (PostgreSQL's SUM of a BIGINT is a NUMERIC), zero over no rows (SUM is NULL).
const RATING_SUMS: &str = "CAST(COALESCE(SUM(very_satisfied), 0) AS BIGINT), \
    CAST(COALESCE(SUM(satisfied), 0) AS BIGINT), \
    CAST(COALESCE(SUM(not_satisfied), 0) AS BIGINT), \
    CAST(COALESCE(SUM(access_n), 0) AS BIGINT), \
    CAST(COALESCE(SUM(access_good), 0) AS BIGINT), \
    CAST(COALESCE(SUM(procedure_n), 0) AS BIGINT), \
    CAST(COALESCE(SUM(procedure_good), 0) AS BIGINT), \
    CAST(COALESCE(SUM(attitude_n), 0) AS BIGINT), \
    CAST(COALESCE(SUM(attitude_good), 0) AS BIGINT), \
    CAST(COALESCE(SUM(timeliness_n), 0) AS BIGINT), \
    CAST(COALESCE(SUM(timeliness_good), 0) AS BIGINT), \
    CAST(COALESCE(SUM(feedback_n), 0) AS BIGINT), \
    CAST(COALESCE(SUM(feedback_good), 0) AS BIGINT)";

type RatingSums = (
    BigInt,
    BigInt,
    BigInt,
    BigInt,
    BigInt,
    BigInt,
    BigInt,
    BigInt,
    BigInt,
    BigInt,
    BigInt,
    BigInt,
    BigInt,
);
type Sums = (
    i64,
    i64,
    i64,
    i64,
    i64,
    i64,
    i64,
    i64,
    i64,
    i64,
    i64,
    i64,
    i64,
);

fn counts_of(s: Sums) -> RatingCounts {
    RatingCounts {
        very_satisfied: s.0,
        satisfied: s.1,
        not_satisfied: s.2,
        criteria: [
            (s.3, s.4),
            (s.5, s.6),
            (s.7, s.8),
            (s.9, s.10),
            (s.11, s.12),
        ],
    }
}

fn big_sum(column: &str) -> BigSum {
    sql::<BigInt>(&format!("CAST(COALESCE(SUM({column}), 0) AS BIGINT)"))
}

type BigSum = diesel::expression::SqlLiteral<BigInt>;

/// The six flow sums of `case_days` and `case_months` (the same columns in both).
fn flow_sums() -> (BigSum, BigSum, BigSum, BigSum, BigSum, BigSum) {
    (
        big_sum("received"),
        big_sum("accepted"),
        big_sum("accept_ms"),
        big_sum("answered"),
        big_sum("answer_ms"),
        big_sum("resolved"),
    )
}

/// The rows of a period, read the way the roll-ups allow: its whole months through `months`
/// (given the day numbers of the first days of the first and the last month), the days before
/// and after them through `days` (given the first and the last day number). A key may come in
/// up to three rows; the caller adds them up.
fn by_months_and_days<T>(
    conn: &mut DbConn,
    from: Date,
    to: Date,
    months: impl Fn(&mut DbConn, i64, i64) -> AppResult<Vec<T>>,
    days: impl Fn(&mut DbConn, i64, i64) -> AppResult<Vec<T>>,
) -> AppResult<Vec<T>> {
    let (whole, around) = split_by_months(from, to);
    let mut rows = Vec::new();
    if let Some((first, last)) = whole {
        rows.extend(months(conn, first.to_days(), last.to_days())?);
    }
    for (first, last) in around {
        rows.extend(days(conn, first.to_days(), last.to_days())?);
    }
    Ok(rows)
}

/// The Vietnam date today.
pub fn today() -> Date {
    Date::from_unix_ms_vietnam(now_ms())
}

fn require_reader(account: &Account) -> AppResult<()> {
    match account.role {
        Role::Head | Role::Committee | Role::Admin => Ok(()),
        Role::Officer => Err(AppError(ApiError::with_message(
            shared::ErrorCode::Forbidden,
            "Chỉ thủ trưởng, ủy ban kiểm tra và quản trị viên xem được số liệu thống kê.",
            "Only heads, committees and administrators may read the figures.",
        ))),
    }
}

/// A unit of the scope: its id, name, path and code.
#[derive(Clone)]
struct ScopeUnit {
    id: String,
    name: String,
    path: String,
    parent_id: Option<String>,
}

/// The root of a dashboard and every unit of its subtree.
struct Scope {
    root_id: Option<String>,
    root_name: String,
    units: Vec<ScopeUnit>,
}

impl Scope {
    fn ids(&self) -> Vec<String> {
        self.units.iter().map(|u| u.id.clone()).collect()
    }

    /// The units directly under the root (the top-level units for a national scope).
    fn children(&self) -> Vec<&ScopeUnit> {
        self.units
            .iter()
            .filter(|u| u.parent_id == self.root_id)
            .collect()
    }

    /// For each unit of the subtree, the child of the root it belongs to (itself included).
    fn child_of(&self) -> HashMap<String, String> {
        let children = self.children();
        self.units
            .iter()
            .filter_map(|u| {
                children
                    .iter()
                    .find(|c| u.path.starts_with(&c.path))
                    .map(|c| (u.id.clone(), c.id.clone()))
            })
            .collect()
    }
}

fn scope(conn: &mut DbConn, account: &Account, unit_id: Option<&str>) -> AppResult<Scope> {
    let root = match unit_id
        .filter(|s| !s.is_empty())
        .or(account.unit_id.as_deref())
    {
        Some(id) => Some(super::units::visible(conn, account, id)?),
        None => None,
    };
    let prefix = root.as_ref().map(|u| u.path.clone()).unwrap_or_default();
    let range = super::subtree_range(&prefix);
    let units: Vec<(String, String, String, Option<String>)> = db_run!(conn, {
        let mut q = units::table
            .select((units::id, units::name, units::path, units::parent_id))
            .into_boxed();
        if let Some((lo, hi)) = range.clone() {
            q = q.filter(units::path.ge(lo)).filter(units::path.lt(hi));
        }
        q.order(units::path).load(conn)
    })?;
    Ok(Scope {
        root_id: root.as_ref().map(|u| u.id.clone()),
        root_name: root
            .map(|u| u.name)
            .unwrap_or_else(|| "Toàn quốc".to_string()),
        units: units
            .into_iter()
            .map(|(id, name, path, parent_id)| ScopeUnit {
                id,
                name,
                path,
                parent_id,
            })
            .collect(),
    })
}

/// Published ratings per unit over days [from, to]: the whole months from
/// `rating_unit_months`, the days around them from `rating_unit_days`.
fn ratings_by_unit(
    conn: &mut DbConn,
    ids: &[String],
    from: Date,
    to: Date,
) -> AppResult<HashMap<String, RatingCounts>> {
    let ids = ids.to_vec();
    let rows: Vec<(String, Sums)> = by_months_and_days(
        conn,
        from,
        to,
        |conn, a, b| {
            Ok(db_run!(conn, {
                rating_unit_months::table
                    .filter(rating_unit_months::unit_id.eq_any(ids.clone()))
                    .filter(rating_unit_months::month.between(a, b))
                    .group_by(rating_unit_months::unit_id)
                    .select((rating_unit_months::unit_id, sql::<RatingSums>(RATING_SUMS)))
                    .load(conn)
            })?)
        },
        |conn, a, b| {
            Ok(db_run!(conn, {
                rating_unit_days::table
                    .filter(rating_unit_days::unit_id.eq_any(ids.clone()))
                    .filter(rating_unit_days::day.between(a, b))
                    .group_by(rating_unit_days::unit_id)
                    .select((rating_unit_days::unit_id, sql::<RatingSums>(RATING_SUMS)))
                    .load(conn)
            })?)
        },
    )?;
    let mut by_unit: HashMap<String, RatingCounts> = HashMap::new();
    for (id, sums) in rows {
        by_unit.entry(id).or_default().add(&counts_of(sums));
    }
    Ok(by_unit)
}

/// Published ratings per day over [from, to], summed over the units.
fn ratings_by_day(
    conn: &mut DbConn,
    ids: &[String],
    from: Date,
    to: Date,
) -> AppResult<Vec<(i64, RatingCounts)>> {
    let (a, b) = (from.to_days(), to.to_days());
    let ids = ids.to_vec();
    let rows: Vec<(i64, Sums)> = db_run!(conn, {
        rating_unit_days::table
            .filter(rating_unit_days::unit_id.eq_any(ids.clone()))
            .filter(rating_unit_days::day.between(a, b))
            .group_by(rating_unit_days::day)
            .select((rating_unit_days::day, sql::<RatingSums>(RATING_SUMS)))
            .load(conn)
    })?;
    Ok(rows.into_iter().map(|(d, s)| (d, counts_of(s))).collect())
}

/// Published ratings per month (keyed by the month's first day) over the months whose first
/// days are in [first, last], summed over the units.
fn ratings_by_month(
    conn: &mut DbConn,
    ids: &[String],
    first: Date,
    last: Date,
) -> AppResult<Vec<(i64, RatingCounts)>> {
    let (a, b) = (first.to_days(), last.to_days());
    let ids = ids.to_vec();
    let rows: Vec<(i64, Sums)> = db_run!(conn, {
        rating_unit_months::table
            .filter(rating_unit_months::unit_id.eq_any(ids.clone()))
            .filter(rating_unit_months::month.between(a, b))
            .group_by(rating_unit_months::month)
            .select((rating_unit_months::month, sql::<RatingSums>(RATING_SUMS)))
            .load(conn)
    })?;
    Ok(rows.into_iter().map(|(m, s)| (m, counts_of(s))).collect())
}

/// Per counter or per officer of one unit over [from, to].
fn ratings_by_subject(
    conn: &mut DbConn,
    unit_id: &str,
    from: Date,
    to: Date,
    by_officer: bool,
) -> AppResult<HashMap<String, RatingCounts>> {
    let (a, b) = (from.to_days(), to.to_days());
    let unit_id = unit_id.to_string();
    let rows: Vec<(String, Sums)> = db_run!(conn, {
        let base = rating_staff_days::table
            .filter(rating_staff_days::unit_id.eq(unit_id.clone()))
            .filter(rating_staff_days::day.between(a, b));
        if by_officer {
            base.filter(rating_staff_days::staff_id.ne(""))
                .group_by(rating_staff_days::staff_id)
                .select((rating_staff_days::staff_id, sql::<RatingSums>(RATING_SUMS)))
                .load(conn)
        } else {
            base.group_by(rating_staff_days::counter_id)
                .select((
                    rating_staff_days::counter_id,
                    sql::<RatingSums>(RATING_SUMS),
                ))
                .load(conn)
        }
    })?;
    Ok(rows.into_iter().map(|(id, s)| (id, counts_of(s))).collect())
}

/// Case flows summed per (unit, kind, category): (received, accepted, accept ms, answered,
/// answer ms, resolved). A unit may come in up to three rows (the whole months, the days
/// before and after them); the caller adds them up.
type CaseRow = (String, String, String, (i64, i64, i64, i64, i64, i64));

fn case_flows(conn: &mut DbConn, ids: &[String], from: Date, to: Date) -> AppResult<Vec<CaseRow>> {
    let ids = ids.to_vec();
    by_months_and_days(
        conn,
        from,
        to,
        |conn, a, b| {
            Ok(db_run!(conn, {
                case_months::table
                    .filter(case_months::unit_id.eq_any(ids.clone()))
                    .filter(case_months::month.between(a, b))
                    .group_by((
                        case_months::unit_id,
                        case_months::kind,
                        case_months::category,
                    ))
                    .select((
                        case_months::unit_id,
                        case_months::kind,
                        case_months::category,
                        flow_sums(),
                    ))
                    .load(conn)
            })?)
        },
        |conn, a, b| {
            Ok(db_run!(conn, {
                case_days::table
                    .filter(case_days::unit_id.eq_any(ids.clone()))
                    .filter(case_days::day.between(a, b))
                    .group_by((case_days::unit_id, case_days::kind, case_days::category))
                    .select((
                        case_days::unit_id,
                        case_days::kind,
                        case_days::category,
                        flow_sums(),
                    ))
                    .load(conn)
            })?)
        },
    )
}

/// Deadline clocks that ended in [from, to], per unit and stage: (on time, late), a unit and
/// stage possibly in several rows as in [`case_flows`].
fn deadline_ends(
    conn: &mut DbConn,
    ids: &[String],
    from: Date,
    to: Date,
) -> AppResult<Vec<(String, String, i64, i64)>> {
    let ids = ids.to_vec();
    by_months_and_days(
        conn,
        from,
        to,
        |conn, a, b| {
            Ok(db_run!(conn, {
                case_deadline_months::table
                    .filter(case_deadline_months::unit_id.eq_any(ids.clone()))
                    .filter(case_deadline_months::month.between(a, b))
                    .group_by((case_deadline_months::unit_id, case_deadline_months::stage))
                    .select((
                        case_deadline_months::unit_id,
                        case_deadline_months::stage,
                        big_sum("on_time"),
                        big_sum("late"),
                    ))
                    .load(conn)
            })?)
        },
        |conn, a, b| {
            Ok(db_run!(conn, {
                case_deadline_days::table
                    .filter(case_deadline_days::unit_id.eq_any(ids.clone()))
                    .filter(case_deadline_days::day.between(a, b))
                    .group_by((case_deadline_days::unit_id, case_deadline_days::stage))
                    .select((
                        case_deadline_days::unit_id,
                        case_deadline_days::stage,
                        big_sum("on_time"),
                        big_sum("late"),
                    ))
                    .load(conn)
            })?)
        },
    )
}

/// Clocks still running past a due date that fell in [from, to] (and before today), per unit
/// and stage: late already, though not ended.
fn overdue_open(
    conn: &mut DbConn,
    ids: &[String],
    from: Date,
    to: Date,
    today: Date,
) -> AppResult<Vec<(String, String, i64)>> {
    let last = to.min(today.add_days(-1));
    if last < from {
        return Ok(Vec::new());
    }
    let (a, b) = (from.iso(), last.iso());
    let ids = ids.to_vec();
    let open = super::cases::open_status_codes();
    let rows: Vec<(String, Option<String>, i64)> = db_run!(conn, {
        reports::table
            .filter(reports::unit_id.eq_any(ids.clone()))
            .filter(reports::due_on.between(a.clone(), b.clone()))
            .filter(reports::status.eq_any(open.clone()))
            .group_by((reports::unit_id, reports::deadline_stage))
            .select((
                reports::unit_id,
                reports::deadline_stage,
                sql::<BigInt>("CAST(COUNT(*) AS BIGINT)"),
            ))
            .load(conn)
    })?;
    Ok(rows
        .into_iter()
        .filter_map(|(u, s, n)| s.map(|s| (u, s, n)))
        .collect())
}

fn deadline_slot<'a>(
    deadlines: &'a mut Vec<DeadlineCounts>,
    stage: &str,
) -> Option<&'a mut DeadlineCounts> {
    let stage = Stage::parse(stage)?;
    if !deadlines.iter().any(|d| d.stage == stage) {
        deadlines.push(DeadlineCounts::new(stage));
        deadlines.sort_by_key(|d| Stage::ALL.iter().position(|s| *s == d.stage));
    }
    deadlines.iter_mut().find(|d| d.stage == stage)
}

fn bump<K: PartialEq + Copy>(list: &mut Vec<(K, i64)>, key: K, n: i64) {
    match list.iter_mut().find(|(k, _)| *k == key) {
        Some((_, total)) => *total += n,
        None => list.push((key, n)),
    }
}

/// Case figures per unit over [from, to] (without the statuses, a present fact).
fn cases_by_unit(
    conn: &mut DbConn,
    ids: &[String],
    from: Date,
    to: Date,
    today: Date,
) -> AppResult<HashMap<String, CaseCounts>> {
    let mut by_unit: HashMap<String, CaseCounts> = HashMap::new();
    for (unit, kind, category, f) in case_flows(conn, ids, from, to)? {
        let c = by_unit.entry(unit).or_default();
        c.received += f.0;
        c.accepted += f.1;
        c.accept_ms += f.2;
        c.answered += f.3;
        c.answer_ms += f.4;
        c.resolved += f.5;
        if f.0 > 0 {
            if let Some(k) = ReportKind::parse(&kind) {
                bump(&mut c.by_kind, k, f.0);
            }
            if let Some(cat) = ReportCategory::parse(&category) {
                bump(&mut c.by_category, cat, f.0);
            }
        }
    }
    for (unit, stage, on_time, late) in deadline_ends(conn, ids, from, to)? {
        let c = by_unit.entry(unit).or_default();
        if let Some(d) = deadline_slot(&mut c.deadlines, &stage) {
            d.on_time += on_time;
            d.late += late;
        }
    }
    for (unit, stage, n) in overdue_open(conn, ids, from, to, today)? {
        let c = by_unit.entry(unit).or_default();
        if let Some(d) = deadline_slot(&mut c.deadlines, &stage) {
            d.overdue_open += n;
        }
    }
    Ok(by_unit)
}

/// Adds `other` into `into` (totals of several units).
fn add_cases(into: &mut CaseCounts, other: &CaseCounts) {
    into.received += other.received;
    into.accepted += other.accepted;
    into.accept_ms += other.accept_ms;
    into.answered += other.answered;
    into.answer_ms += other.answer_ms;
    into.resolved += other.resolved;
    for (k, n) in &other.by_kind {
        bump(&mut into.by_kind, *k, *n);
    }
    for (k, n) in &other.by_category {
        bump(&mut into.by_category, *k, *n);
    }
    for (s, n) in &other.by_status_now {
        bump(&mut into.by_status_now, *s, *n);
    }
    for d in &other.deadlines {
        if let Some(mine) = deadline_slot(&mut into.deadlines, d.stage.as_str()) {
            mine.on_time += d.on_time;
            mine.late += d.late;
            mine.overdue_open += d.overdue_open;
        }
    }
}

fn sort_breakdowns(c: &mut CaseCounts) {
    c.by_kind
        .sort_by_key(|(k, _)| ReportKind::ALL.iter().position(|x| x == k));
    c.by_category
        .sort_by_key(|(k, _)| ReportCategory::ALL.iter().position(|x| x == k));
    c.by_status_now
        .sort_by_key(|(k, _)| ReportStatus::ALL.iter().position(|x| x == k));
}

/// Where the cases of these units stand now.
fn statuses_now(conn: &mut DbConn, ids: &[String]) -> AppResult<Vec<(ReportStatus, i64)>> {
    let ids = ids.to_vec();
    let rows: Vec<(String, i64)> = db_run!(conn, {
        case_counts::table
            .filter(case_counts::unit_id.eq_any(ids.clone()))
            .group_by(case_counts::status)
            .select((case_counts::status, big_sum("n")))
            .load(conn)
    })?;
    Ok(rows
        .into_iter()
        .filter(|(_, n)| *n > 0)
        .filter_map(|(s, n)| ReportStatus::parse(&s).map(|s| (s, n)))
        .collect())
}

/// Received reports and deadline ends (on time, late) per day over [from, to], summed over
/// the units, from their per-unit day totals.
fn cases_by_day(
    conn: &mut DbConn,
    ids: &[String],
    from: Date,
    to: Date,
) -> AppResult<HashMap<i64, (i64, i64, i64)>> {
    let (a, b) = (from.to_days(), to.to_days());
    let ids = ids.to_vec();
    let rows: Vec<(i64, i64, i64, i64)> = db_run!(conn, {
        case_unit_days::table
            .filter(case_unit_days::unit_id.eq_any(ids.clone()))
            .filter(case_unit_days::day.between(a, b))
            .group_by(case_unit_days::day)
            .select((
                case_unit_days::day,
                big_sum("received"),
                big_sum("on_time"),
                big_sum("late"),
            ))
            .load(conn)
    })?;
    Ok(rows
        .into_iter()
        .map(|(d, received, on_time, late)| (d, (received, on_time, late)))
        .collect())
}

/// Received reports and deadline ends (on time, late) per month (keyed by its first day) over
/// the months whose first days are in [first, last], summed over the units.
fn cases_by_month(
    conn: &mut DbConn,
    ids: &[String],
    first: Date,
    last: Date,
) -> AppResult<HashMap<i64, (i64, i64, i64)>> {
    let (a, b) = (first.to_days(), last.to_days());
    let ids = ids.to_vec();
    let received: Vec<(i64, i64)> = db_run!(conn, {
        case_months::table
            .filter(case_months::unit_id.eq_any(ids.clone()))
            .filter(case_months::month.between(a, b))
            .group_by(case_months::month)
            .select((case_months::month, big_sum("received")))
            .load(conn)
    })?;
    let ends: Vec<(i64, i64, i64)> = db_run!(conn, {
        case_deadline_months::table
            .filter(case_deadline_months::unit_id.eq_any(ids.clone()))
            .filter(case_deadline_months::month.between(a, b))
            .group_by(case_deadline_months::month)
            .select((
                case_deadline_months::month,
                big_sum("on_time"),
                big_sum("late"),
            ))
            .load(conn)
    })?;
    let mut by_month: HashMap<i64, (i64, i64, i64)> = HashMap::new();
    for (m, n) in received {
        by_month.entry(m).or_default().0 += n;
    }
    for (m, on_time, late) in ends {
        let e = by_month.entry(m).or_default();
        e.1 += on_time;
        e.2 += late;
    }
    Ok(by_month)
}

/// Adds up the rows whose key (a day, or a month's first day) falls in [from, to].
fn trend_point(
    (from, to): (Date, Date),
    ratings: &[(i64, RatingCounts)],
    cases: &HashMap<i64, (i64, i64, i64)>,
) -> TrendPoint {
    let (a, b) = (from.to_days(), to.to_days());
    let mut p = TrendPoint {
        from: from.iso(),
        to: to.iso(),
        ratings: RatingCounts::default(),
        on_time: 0,
        late: 0,
        received: 0,
    };
    for (d, c) in ratings {
        if (a..=b).contains(d) {
            p.ratings.add(c);
        }
    }
    for (d, (received, on_time, late)) in cases {
        if (a..=b).contains(d) {
            p.received += received;
            p.on_time += on_time;
            p.late += late;
        }
    }
    p
}

/// The 12 months ending with the month of `to` (from the month roll-ups) and the 13 weeks
/// ending with its week (from the day roll-ups: 91 days).
fn trends(
    conn: &mut DbConn,
    ids: &[String],
    to: Date,
) -> AppResult<(Vec<TrendPoint>, Vec<TrendPoint>)> {
    let mut months: Vec<(Date, Date)> = Vec::new();
    let mut end = month_of(to).1;
    for _ in 0..12 {
        let (first, last) = month_of(end);
        months.push((first, last));
        end = first.add_days(-1);
    }
    months.reverse();
    let sunday = PeriodKind::Week.around(to).1;
    let weeks: Vec<(Date, Date)> = (0..13)
        .rev()
        .map(|i| {
            let last = sunday.add_days(-7 * i);
            (last.add_days(-6), last)
        })
        .collect();
    let (first_month, last_month) = (months[0].0, months[11].0);
    let month_ratings = ratings_by_month(conn, ids, first_month, last_month)?;
    let month_cases = cases_by_month(conn, ids, first_month, last_month)?;
    let (first_day, last_day) = (weeks[0].0, weeks[12].1);
    let day_ratings = ratings_by_day(conn, ids, first_day, last_day)?;
    let day_cases = cases_by_day(conn, ids, first_day, last_day)?;
    Ok((
        months
            .into_iter()
            .map(|m| trend_point(m, &month_ratings, &month_cases))
            .collect(),
        weeks
            .into_iter()
            .map(|w| trend_point(w, &day_ratings, &day_cases))
            .collect(),
    ))
}

/// `GET /api/v1/figures`: the dashboard of a unit (the reader's own by default) for a period.
pub fn dashboard(
    conn: &mut DbConn,
    account: &Account,
    q: &FiguresQuery,
    min_ratings: i64,
) -> AppResult<Dashboard> {
    require_reader(account)?;
    let today = today();
    let (period, from, to) = q.period(today).map_err(AppError)?;
    let scope = scope(conn, account, q.unit_id.as_deref())?;
    let ids = scope.ids();
    let ratings = ratings_by_unit(conn, &ids, from, to)?;
    let cases = cases_by_unit(conn, &ids, from, to, today)?;
    let child_of = scope.child_of();
    let mut units: Vec<UnitFigures> = scope
        .children()
        .into_iter()
        .map(|c| UnitFigures {
            unit_id: c.id.clone(),
            name: c.name.clone(),
            ratings: RatingCounts::default(),
            cases: CaseCounts::default(),
        })
        .collect();
    let mut total_ratings = RatingCounts::default();
    let mut total_cases = CaseCounts::default();
    for (unit, r) in &ratings {
        total_ratings.add(r);
        if let Some(u) = child_of
            .get(unit)
            .and_then(|c| units.iter_mut().find(|u| &u.unit_id == c))
        {
            u.ratings.add(r);
        }
    }
    for (unit, c) in &cases {
        add_cases(&mut total_cases, c);
        if let Some(u) = child_of
            .get(unit)
            .and_then(|ch| units.iter_mut().find(|u| &u.unit_id == ch))
        {
            add_cases(&mut u.cases, c);
        }
    }
    total_cases.by_status_now = statuses_now(conn, &ids)?;
    sort_breakdowns(&mut total_cases);
    rank_units(
        &mut units,
        q.sort.unwrap_or(UnitSort::Satisfaction),
        min_ratings,
    );
    let (months, weeks) = trends(conn, &ids, to)?;
    let (counters, officers) = match &scope.root_id {
        Some(root) => subjects(conn, root, from, to)?,
        None => (Vec::new(), Vec::new()),
    };
    Ok(Dashboard {
        unit_id: scope.root_id.clone().unwrap_or_default(),
        unit_name: scope.root_name.clone(),
        period,
        from: from.iso(),
        to: to.iso(),
        min_ratings,
        ratings: total_ratings,
        cases: total_cases,
        months,
        weeks,
        units,
        counters,
        officers,
    })
}

/// The unit's own counters and officers with their ratings in the period (those with none
/// too: a counter nobody rated is a figure as well).
fn subjects(
    conn: &mut DbConn,
    unit_id: &str,
    from: Date,
    to: Date,
) -> AppResult<(Vec<SubjectFigures>, Vec<SubjectFigures>)> {
    let by_counter = ratings_by_subject(conn, unit_id, from, to, false)?;
    let by_officer = ratings_by_subject(conn, unit_id, from, to, true)?;
    let uid = unit_id.to_string();
    let counter_rows: Vec<(String, String)> = db_run!(conn, {
        counters::table
            .filter(counters::unit_id.eq(uid.clone()))
            .order(counters::name)
            .select((counters::id, counters::name))
            .load(conn)
    })?;
    let staff_rows: Vec<(String, String, String)> = db_run!(conn, {
        staff::table
            .filter(staff::unit_id.eq(uid.clone()))
            .order(staff::full_name)
            .select((staff::id, staff::full_name, staff::badge_number))
            .load(conn)
    })?;
    let counters = counter_rows
        .into_iter()
        .map(|(id, name)| SubjectFigures {
            ratings: by_counter.get(&id).copied().unwrap_or_default(),
            id,
            name,
            detail: String::new(),
        })
        .collect();
    let officers = staff_rows
        .into_iter()
        .map(|(id, name, badge)| SubjectFigures {
            ratings: by_officer.get(&id).copied().unwrap_or_default(),
            id,
            name,
            detail: badge,
        })
        .collect();
    Ok((counters, officers))
}

fn bad_month() -> AppError {
    AppError(ApiError::field(
        "month",
        FieldCode::InvalidFormat,
        "Tháng không hợp lệ: hãy nhập dạng mm/yyyy.",
        "Invalid month: use mm/yyyy.",
    ))
}

/// "2026-03" or "03/2026" → the first and last day of that month; the current month if empty.
pub fn parse_month(month: Option<&str>) -> AppResult<(Date, Date)> {
    let s = month.map(str::trim).unwrap_or("");
    if s.is_empty() {
        return Ok(month_of(today()));
    }
    let (y, m) = if let Some((y, m)) = s.split_once('-') {
        (y, m)
    } else if let Some((m, y)) = s.split_once('/') {
        (y, m)
    } else {
        return Err(bad_month());
    };
    let (y, m): (i32, u32) = match (y.parse(), m.parse()) {
        (Ok(y), Ok(m)) => (y, m),
        _ => return Err(bad_month()),
    };
    Date::new(y, m, 1).map(month_of).ok_or_else(bad_month)
}

/// `GET /api/v1/figures/officers/{staff_id}?month=`: the officer's monthly scorecard.
pub fn scorecard(
    conn: &mut DbConn,
    account: &Account,
    staff_id: &str,
    month: Option<&str>,
    min_ratings: i64,
) -> AppResult<Scorecard> {
    require_reader(account)?;
    let (from, to) = parse_month(month)?;
    let sid = staff_id.to_string();
    let found: Option<(String, String, String, String, String, String)> = db_run!(conn, {
        staff::table
            .inner_join(units::table)
            .filter(staff::id.eq(sid.clone()))
            .select((
                staff::full_name,
                staff::title,
                staff::badge_number,
                units::id,
                units::name,
                units::path,
            ))
            .first(conn)
            .optional()
    })?;
    let Some((full_name, title, badge_number, _unit_id, unit_name, path)) = found else {
        return Err(AppError::not_found());
    };
    if !account.covers(&path) {
        return Err(AppError::not_found());
    }
    let (a, b) = (from.to_days(), to.to_days());
    let sums: Vec<Sums> = db_run!(conn, {
        rating_staff_days::table
            .filter(rating_staff_days::staff_id.eq(sid.clone()))
            .filter(rating_staff_days::day.between(a, b))
            .select(sql::<RatingSums>(RATING_SUMS))
            .load(conn)
    })?;
    let ratings = sums.into_iter().next().map(counts_of).unwrap_or_default();
    let (start_ms, end_ms) = (
        from.start_unix_ms_vietnam(),
        to.add_days(1).start_unix_ms_vietnam(),
    );
    let hide_withheld = account.role == Role::Head;
    let about: Vec<(String, String, String)> = db_run!(conn, {
        let mut q = reports::table
            .filter(reports::staff_id.eq(sid.clone()))
            .filter(reports::created_at.ge(start_ms))
            .filter(reports::created_at.lt(end_ms))
            .select((reports::id, reports::category, reports::status))
            .into_boxed();
        if hide_withheld {
            q = q.filter(reports::withheld_from_unit.eq(false));
        }
        q.load(conn)
    })?;
    let report_ids: Vec<String> = about.iter().map(|r| r.0.clone()).collect();
    // The standing finding of each report: the newest, which revisions replace.
    let conclusions: HashMap<String, String> = db_run!(conn, {
        findings::table
            .filter(findings::report_id.eq_any(report_ids.clone()))
            .order(findings::recorded_at.asc())
            .select((findings::report_id, findings::conclusion))
            .load::<(String, String)>(conn)
    })?
    .into_iter()
    .collect();
    let mut reports_by: Vec<ScorecardReports> = Vec::new();
    for (id, category, status) in about {
        let Some(category) = ReportCategory::parse(&category) else {
            continue;
        };
        let row = match reports_by.iter_mut().position(|r| r.category == category) {
            Some(i) => &mut reports_by[i],
            None => {
                reports_by.push(ScorecardReports {
                    category,
                    total: 0,
                    founded: 0,
                    partly_founded: 0,
                    unfounded: 0,
                    open: 0,
                });
                reports_by.last_mut().expect("just pushed")
            }
        };
        row.total += 1;
        match conclusions.get(&id).and_then(|c| Conclusion::parse(c)) {
            Some(Conclusion::Founded) => row.founded += 1,
            Some(Conclusion::PartlyFounded) => row.partly_founded += 1,
            Some(Conclusion::Unfounded) => row.unfounded += 1,
            None => {}
        }
        if ReportStatus::parse(&status).is_some_and(ReportStatus::is_open) {
            row.open += 1;
        }
    }
    reports_by.sort_by_key(|r| ReportCategory::ALL.iter().position(|c| *c == r.category));
    let ends: Vec<bool> = db_run!(conn, {
        case_stage_ends::table
            .inner_join(
                accounts::table.on(accounts::id
                    .nullable()
                    .eq(case_stage_ends::assigned_account_id)),
            )
            .filter(accounts::staff_id.eq(sid.clone()))
            .filter(case_stage_ends::ended_day.between(a, b))
            .select(case_stage_ends::on_time)
            .load(conn)
    })?;
    Ok(Scorecard {
        staff_id: staff_id.to_string(),
        full_name,
        title,
        badge_number,
        unit_name,
        from: from.iso(),
        to: to.iso(),
        min_ratings,
        ratings,
        reports: reports_by,
        assigned_on_time: ends.iter().filter(|x| **x).count() as i64,
        assigned_late: ends.iter().filter(|x| !**x).count() as i64,
    })
}

/// What a unit publishes (no login): this month and this year so far, and its units ranked.
/// `None` when no active unit has this code.
pub fn public(conn: &mut DbConn, code: &str, min_ratings: i64) -> AppResult<Option<PublicFigures>> {
    let code = code.trim().to_string();
    let found: Option<(String, String, String, i32, String, String)> = db_run!(conn, {
        units::table
            .filter(units::code.eq(code.clone()))
            .filter(units::active.eq(true))
            .select((
                units::id,
                units::name,
                units::path,
                units::reception_weekday,
                units::reception_start,
                units::reception_end,
            ))
            .first(conn)
            .optional()
    })?;
    let Some((id, name, path, weekday, start, end)) = found else {
        return Ok(None);
    };
    let (lo, hi) = super::subtree_range(&path).unwrap_or_else(|| ("/".into(), "0".into()));
    let subtree: Vec<(String, String, String, String, Option<String>, bool)> = db_run!(conn, {
        units::table
            .filter(units::path.ge(lo.clone()))
            .filter(units::path.lt(hi.clone()))
            .select((
                units::id,
                units::code,
                units::name,
                units::path,
                units::parent_id,
                units::active,
            ))
            .load(conn)
    })?;
    let ids: Vec<String> = subtree.iter().map(|u| u.0.clone()).collect();
    let today = today();
    let month = month_of(today);
    let year = (Date::new(today.year(), 1, 1).expect("1 January"), today);
    let period = |conn: &mut DbConn,
                  (from, to): (Date, Date)|
     -> AppResult<(HashMap<String, RatingCounts>, HashMap<String, CaseCounts>)> {
        Ok((
            ratings_by_unit(conn, &ids, from, to)?,
            cases_by_unit(conn, &ids, from, to, today)?,
        ))
    };
    let (month_ratings, month_cases) = period(conn, month)?;
    let (year_ratings, year_cases) = period(conn, year)?;
    let published =
        |(from, to): (Date, Date), ratings: &RatingCounts, cases: &CaseCounts| PublicPeriod {
            from: from.iso(),
            to: to.iso(),
            satisfaction: ratings.satisfaction(min_ratings),
            on_time: cases.on_time(min_ratings),
            received: cases.received,
            resolved: cases.resolved,
        };
    let total = |r: &HashMap<String, RatingCounts>,
                 c: &HashMap<String, CaseCounts>,
                 only: Option<&[String]>| {
        let mut ratings = RatingCounts::default();
        let mut cases = CaseCounts::default();
        for (u, x) in r {
            if only.is_none_or(|o| o.contains(u)) {
                ratings.add(x);
            }
        }
        for (u, x) in c {
            if only.is_none_or(|o| o.contains(u)) {
                add_cases(&mut cases, x);
            }
        }
        (ratings, cases)
    };
    let (mr, mc) = total(&month_ratings, &month_cases, None);
    let (yr, yc) = total(&year_ratings, &year_cases, None);
    // The active units directly under this one, each with its own subtree, ranked by this
    // month's satisfaction with the same rule: a rate under the minimum is not a rank.
    let mut children: Vec<PublicUnit> = Vec::new();
    for (_, ccode, cname, cpath, _, _) in subtree
        .iter()
        .filter(|u| u.4.as_deref() == Some(id.as_str()) && u.5)
    {
        let members: Vec<String> = subtree
            .iter()
            .filter(|u| u.3.starts_with(cpath.as_str()))
            .map(|u| u.0.clone())
            .collect();
        let (r, c) = total(&month_ratings, &month_cases, Some(&members));
        children.push(PublicUnit {
            code: ccode.clone(),
            name: cname.clone(),
            satisfaction: r.satisfaction(min_ratings),
            on_time: c.on_time(min_ratings),
        });
    }
    children.sort_by(|a, b| {
        b.satisfaction
            .rank_key()
            .partial_cmp(&a.satisfaction.rank_key())
            .unwrap_or(std::cmp::Ordering::Equal)
            .then_with(|| a.name.cmp(&b.name))
    });
    Ok(Some(PublicFigures {
        unit_id: id,
        code,
        name,
        reception_weekday: weekday.clamp(1, 7) as u8,
        reception_hours: format!("{start}–{end}"),
        month: published(month, &mr, &mc),
        year: published(year, &yr, &yc),
        units: children,
        computed_at: now_ms(),
    }))
}
