//! The committee's patterns (`shared::oversight`): over a period, the officers and counters of
//! its subtree with repeated reports or a low satisfaction rate, and the units whose
//! satisfaction fell or whose overdue rate rose from the period before. Each figure is one
//! grouped query over the period's rows (reports by `created_at`, ratings by `created_at`,
//! publishable ratings only), walked within the committee's subtree.

use super::subtree_range;
use crate::auth::Actor as Account;
use crate::db::{now_ms, DbConn};
use crate::db_run;
use crate::error::{AppError, AppResult};
use crate::schema::{case_apologies, counters, ratings, reports, staff, units};
use diesel::dsl::{count_star, sql};
use diesel::prelude::*;
use diesel::sql_types::BigInt;
use shared::calendar::Date;
use shared::model::Role;
use shared::oversight::{
    PatternQuery, Patterns, RatingTally, SubjectPattern, UnitTrend, DEFAULT_PERIOD_DAYS,
};
use shared::{ApiError, FieldCode};
use std::collections::HashMap;

/// The most officers, counters and units listed: the worst first.
const LISTED_MAX: usize = 100;
/// The longest period asked for at once.
const PERIOD_MAX_DAYS: i64 = 366;

/// SUM of satisfied ratings, as a BIGINT on both backends.
const SATISFIED_SUM: &str = "CAST(COALESCE(SUM(CASE WHEN ratings.overall IN ('very_satisfied', 'satisfied') THEN 1 ELSE 0 END), 0) AS BIGINT)";

/// A half-open range of milliseconds: [from, to).
#[derive(Clone, Copy)]
struct Span {
    from: i64,
    to: i64,
}

impl Span {
    fn of(from: Date, to: Date) -> Span {
        Span {
            from: from.start_unix_ms_vietnam(),
            to: to.add_days(1).start_unix_ms_vietnam(),
        }
    }
}

fn bad_date(field: &str) -> AppError {
    AppError(ApiError::field(
        field,
        FieldCode::InvalidFormat,
        "Ngày không hợp lệ (định dạng YYYY-MM-DD).",
        "Not a valid date (YYYY-MM-DD).",
    ))
}

/// The period asked for, checked; by default the 30 days up to today.
fn period(q: &PatternQuery) -> AppResult<(Date, Date)> {
    let parse = |field: &str, v: &Option<String>| -> AppResult<Option<Date>> {
        match v.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
            None => Ok(None),
            Some(s) => Date::parse(s).map(Some).ok_or_else(|| bad_date(field)),
        }
    };
    let to = parse("to", &q.to)?.unwrap_or_else(|| Date::from_unix_ms_vietnam(now_ms()));
    let from = parse("from", &q.from)?.unwrap_or_else(|| to.add_days(1 - DEFAULT_PERIOD_DAYS));
    if from > to {
        return Err(AppError(ApiError::field(
            "from",
            FieldCode::InvalidValue,
            "Ngày bắt đầu phải trước ngày kết thúc.",
            "The start date must come before the end date.",
        )));
    }
    if to.to_days() - from.to_days() >= PERIOD_MAX_DAYS {
        return Err(AppError(ApiError::field(
            "from",
            FieldCode::InvalidValue,
            "Mỗi lần xem tối đa 366 ngày.",
            "At most 366 days at a time.",
        )));
    }
    Ok((from, to))
}

/// The subtree's half-open range of unit paths.
type PathRange = (String, String);

/// Report counts in `span` within `range`, grouped by `$key` (a column of reports).
macro_rules! report_counts {
    ($conn:ident, $range:expr, $span:expr, $key:expr) => {{
        let ((lo, hi), span): (&(String, String), Span) = ($range, $span);
        let rows: Vec<(Option<String>, i64)> = db_run!($conn, {
            reports::table
                .inner_join(units::table)
                .filter(units::path.ge(lo.clone()).and(units::path.lt(hi.clone())))
                .filter(reports::created_at.ge(span.from))
                .filter(reports::created_at.lt(span.to))
                .filter($key.nullable().is_not_null())
                .group_by($key)
                .select(($key.nullable(), count_star()))
                .load($conn)
        })?;
        rows.into_iter()
            .filter_map(|(k, n)| k.map(|k| (k, n)))
            .collect::<HashMap<String, i64>>()
    }};
}

/// Publishable rating tallies in `span` within `range`, grouped by `$key` (a column of ratings).
macro_rules! rating_tallies {
    ($conn:ident, $range:expr, $span:expr, $key:expr) => {{
        let ((lo, hi), span): (&(String, String), Span) = ($range, $span);
        let rows: Vec<(Option<String>, i64, i64)> = db_run!($conn, {
            ratings::table
                .inner_join(units::table.on(units::id.eq(ratings::unit_id)))
                .filter(units::path.ge(lo.clone()).and(units::path.lt(hi.clone())))
                .filter(super::ratings::publishable())
                .filter(ratings::created_at.ge(span.from))
                .filter(ratings::created_at.lt(span.to))
                .group_by($key)
                .select(($key.nullable(), count_star(), sql::<BigInt>(SATISFIED_SUM)))
                .load($conn)
        })?;
        rows.into_iter()
            .filter_map(|(k, ratings, satisfied)| {
                k.map(|k| (k, RatingTally { ratings, satisfied }))
            })
            .collect::<HashMap<String, RatingTally>>()
    }};
}

/// The cases of `span` per unit that missed a deadline: an apology was drafted for them (the
/// overdue job does so for every missed deadline), or they are still open past their date.
fn overdue_counts(
    conn: &mut DbConn,
    (lo, hi): &PathRange,
    span: Span,
    today: Date,
) -> AppResult<HashMap<String, i64>> {
    let open = super::cases::open_status_codes();
    let today = today.iso();
    let rows: Vec<(String, i64)> = db_run!(conn, {
        reports::table
            .inner_join(units::table)
            .filter(units::path.ge(lo.clone()).and(units::path.lt(hi.clone())))
            .filter(reports::created_at.ge(span.from))
            .filter(reports::created_at.lt(span.to))
            .filter(
                reports::id
                    .eq_any(case_apologies::table.select(case_apologies::report_id))
                    .or(reports::status
                        .eq_any(open.clone())
                        .and(reports::due_on.lt(today.clone()))),
            )
            .group_by(reports::unit_id)
            .select((reports::unit_id, count_star()))
            .load(conn)
    })?;
    Ok(rows.into_iter().collect())
}

/// Names (and units) of staff records or counters, by id.
fn names_of(
    conn: &mut DbConn,
    officers: bool,
    ids: Vec<String>,
) -> AppResult<HashMap<String, (String, String, String)>> {
    let rows: Vec<(String, String, String, String)> = if officers {
        db_run!(conn, {
            staff::table
                .inner_join(units::table)
                .filter(staff::id.eq_any(ids))
                .select((staff::id, staff::full_name, units::id, units::name))
                .load(conn)
        })?
    } else {
        db_run!(conn, {
            counters::table
                .inner_join(units::table)
                .filter(counters::id.eq_any(ids))
                .select((counters::id, counters::name, units::id, units::name))
                .load(conn)
        })?
    };
    Ok(rows
        .into_iter()
        .map(|(id, name, unit_id, unit_name)| (id, (name, unit_id, unit_name)))
        .collect())
}

/// Officers or counters that stand out: repeated reports or a low rate, most reports first.
fn standing_out(
    conn: &mut DbConn,
    officers: bool,
    reports: HashMap<String, i64>,
    tallies: HashMap<String, RatingTally>,
) -> AppResult<Vec<SubjectPattern>> {
    let mut ids: Vec<String> = reports.keys().chain(tallies.keys()).cloned().collect();
    ids.sort();
    ids.dedup();
    let mut listed: Vec<SubjectPattern> = ids
        .into_iter()
        .map(|id| SubjectPattern {
            reports: reports.get(&id).copied().unwrap_or(0),
            ratings: tallies.get(&id).copied().unwrap_or_default(),
            id,
            name: String::new(),
            unit_id: String::new(),
            unit_name: String::new(),
        })
        .filter(|p| p.repeated_reports() || p.ratings.is_low())
        .collect();
    listed.sort_by(|a, b| {
        b.reports.cmp(&a.reports).then(
            a.ratings
                .rate_pct()
                .unwrap_or(100.0)
                .total_cmp(&b.ratings.rate_pct().unwrap_or(100.0)),
        )
    });
    listed.truncate(LISTED_MAX);
    let names = names_of(
        conn,
        officers,
        listed.iter().map(|p| p.id.clone()).collect(),
    )?;
    for p in &mut listed {
        if let Some((name, unit_id, unit_name)) = names.get(&p.id) {
            (p.name, p.unit_id, p.unit_name) = (name.clone(), unit_id.clone(), unit_name.clone());
        }
    }
    Ok(listed)
}

/// The committee's patterns over a period. Committee members only: a head would see counts
/// of reports withheld from them.
pub fn patterns(conn: &mut DbConn, account: &Account, q: &PatternQuery) -> AppResult<Patterns> {
    if account.role != Role::Committee {
        return Err(AppError::forbidden());
    }
    let root = match q.unit_id.as_deref().filter(|s| !s.is_empty()) {
        Some(id) => super::units::visible(conn, account, id)?.path,
        None => account.scope_path.clone(),
    };
    // Every path starts with "/": a national scope is the range of all of them.
    let range: PathRange = subtree_range(&root).unwrap_or_else(|| ("/".into(), "0".into()));
    let (from, to) = period(q)?;
    let length = to.to_days() - from.to_days() + 1;
    let (before_from, before_to) = (from.add_days(-length), from.add_days(-1));
    let (now, before) = (Span::of(from, to), Span::of(before_from, before_to));
    let today = Date::from_unix_ms_vietnam(now_ms());

    let officer_reports = report_counts!(conn, &range, now, reports::staff_id);
    let officer_tallies = rating_tallies!(conn, &range, now, ratings::staff_id);
    let officers = standing_out(conn, true, officer_reports, officer_tallies)?;
    let counter_reports = report_counts!(conn, &range, now, reports::counter_id);
    let counter_tallies = rating_tallies!(conn, &range, now, ratings::counter_id);
    let counters = standing_out(conn, false, counter_reports, counter_tallies)?;

    let cases_now = report_counts!(conn, &range, now, reports::unit_id);
    let cases_before = report_counts!(conn, &range, before, reports::unit_id);
    let overdue_now = overdue_counts(conn, &range, now, today)?;
    let overdue_before = overdue_counts(conn, &range, before, today)?;
    let ratings_now = rating_tallies!(conn, &range, now, ratings::unit_id);
    let ratings_before = rating_tallies!(conn, &range, before, ratings::unit_id);
    let mut unit_ids: Vec<String> = cases_now
        .keys()
        .chain(ratings_now.keys())
        .cloned()
        .collect();
    unit_ids.sort();
    unit_ids.dedup();
    let count = |m: &HashMap<String, i64>, id: &str| m.get(id).copied().unwrap_or(0);
    let tally = |m: &HashMap<String, RatingTally>, id: &str| m.get(id).copied().unwrap_or_default();
    let mut units: Vec<UnitTrend> = unit_ids
        .into_iter()
        .map(|id| UnitTrend {
            ratings_now: tally(&ratings_now, &id),
            ratings_before: tally(&ratings_before, &id),
            cases_now: count(&cases_now, &id),
            overdue_now: count(&overdue_now, &id),
            cases_before: count(&cases_before, &id),
            overdue_before: count(&overdue_before, &id),
            unit_id: id,
            unit_name: String::new(),
        })
        .filter(UnitTrend::stands_out)
        .collect();
    let change = |u: &UnitTrend| {
        u.satisfaction_fall()
            .unwrap_or(0.0)
            .max(u.overdue_rise().unwrap_or(0.0))
    };
    units.sort_by(|a, b| change(b).total_cmp(&change(a)));
    units.truncate(LISTED_MAX);
    let ids: Vec<String> = units.iter().map(|u| u.unit_id.clone()).collect();
    let names: HashMap<String, String> = db_run!(conn, {
        units::table
            .filter(units::id.eq_any(ids))
            .select((units::id, units::name))
            .load::<(String, String)>(conn)
    })?
    .into_iter()
    .collect();
    for u in &mut units {
        u.unit_name = names.get(&u.unit_id).cloned().unwrap_or_default();
    }
    Ok(Patterns {
        from,
        to,
        before_from,
        before_to,
        officers,
        counters,
        units,
    })
}
