//! The working-day calendar as data: one row per year, edited by a national administrator,
//! seeded for the years `shared::calendar` knows. Each process keeps the parsed calendar in
//! memory with the version it was read at (the number of stored years and the latest edit);
//! one small query per use tells whether another process has edited it since. After an edit,
//! the stored due dates of the open cases are computed again.

use crate::auth::Actor;
use crate::db::{now_ms, DbConn};
use crate::db_run;
use crate::error::{AppError, AppResult};
use crate::schema::calendar_years;
use diesel::dsl::{count_star, max};
use diesel::prelude::*;
use shared::calendar::{CalendarYear, WorkingCalendar, SEEDED_YEARS};
use shared::{ApiError, ErrorCode, FieldCode};
use std::sync::{Arc, Mutex};

/// (stored years, latest edit): changes with every save.
type Version = (i64, Option<i64>);

static CACHE: Mutex<Option<(Version, Arc<WorkingCalendar>)>> = Mutex::new(None);

/// The calendar deadlines are counted on, parsed again only when it has changed.
pub fn current(conn: &mut DbConn) -> AppResult<Arc<WorkingCalendar>> {
    let version: Version = db_run!(conn, {
        calendar_years::table
            .select((count_star(), max(calendar_years::updated_at)))
            .first(conn)
    })?;
    if let Some((v, cal)) = CACHE.lock().map_err(AppError::internal)?.as_ref() {
        if *v == version {
            return Ok(cal.clone());
        }
    }
    let cal = Arc::new(load(conn)?);
    *CACHE.lock().map_err(AppError::internal)? = Some((version, cal.clone()));
    Ok(cal)
}

/// Every stored year; a seeded year not stored yet counts with its seed data.
fn load(conn: &mut DbConn) -> AppResult<WorkingCalendar> {
    let rows: Vec<String> = db_run!(conn, {
        calendar_years::table
            .order(calendar_years::year.asc())
            .select(calendar_years::data)
            .load(conn)
    })?;
    let mut years: Vec<CalendarYear> = rows
        .iter()
        .map(|d| serde_json::from_str(d).map_err(AppError::internal))
        .collect::<AppResult<_>>()?;
    for y in SEEDED_YEARS {
        if !years.iter().any(|s| s.year == y) {
            years.extend(CalendarYear::seed(y));
        }
    }
    years.sort_by_key(|y| y.year);
    Ok(WorkingCalendar {
        years,
        ..WorkingCalendar::default()
    })
}

/// Writes the seed data of the seeded years that are not stored yet (first start).
pub fn seed(conn: &mut DbConn) -> AppResult<usize> {
    let mut written = 0;
    for y in SEEDED_YEARS {
        let Some(year) = CalendarYear::seed(y) else {
            continue;
        };
        let data = serde_json::to_string(&year).map_err(AppError::internal)?;
        written += db_run!(conn, {
            diesel::insert_into(calendar_years::table)
                .values((
                    calendar_years::year.eq(y),
                    calendar_years::data.eq(&data),
                    calendar_years::updated_at.eq(now_ms()),
                    calendar_years::updated_by.eq(None::<String>),
                ))
                .on_conflict_do_nothing()
                .execute(conn)
        })?;
    }
    Ok(written)
}

/// The calendar is national: only an administrator without a unit edits it.
fn require_national_admin(actor: &Actor) -> AppResult<()> {
    if actor.is_national_admin() {
        Ok(())
    } else {
        Err(AppError(ApiError::with_message(
            ErrorCode::Forbidden,
            "Chỉ quản trị viên cấp quốc gia được sửa lịch ngày nghỉ.",
            "Only a national administrator may edit the calendar of days off.",
        )))
    }
}

fn check_year(year: i32) -> AppResult<()> {
    if (2000..=2100).contains(&year) {
        Ok(())
    } else {
        Err(AppError(ApiError::field(
            "year",
            FieldCode::InvalidValue,
            "Năm phải từ 2000 đến 2100.",
            "The year must be between 2000 and 2100.",
        )))
    }
}

/// One year as stored (or seeded, or empty when nobody has entered it yet). Any signed-in
/// account may read it: deadlines depend on it.
pub fn year(conn: &mut DbConn, _actor: &Actor, year: i32) -> AppResult<CalendarYear> {
    check_year(year)?;
    Ok(current(conn)?
        .years
        .iter()
        .find(|y| y.year == year)
        .cloned()
        .unwrap_or(CalendarYear {
            year,
            days_off: Vec::new(),
            make_up_days: Vec::new(),
            source: String::new(),
            provisional: true,
        }))
}

/// Replaces one year after checking it; the caller then recomputes the open cases' clocks.
pub fn save_year(
    conn: &mut DbConn,
    actor: &Actor,
    input: &CalendarYear,
) -> AppResult<CalendarYear> {
    require_national_admin(actor)?;
    check_year(input.year)?;
    WorkingCalendar {
        years: vec![input.clone()],
        ..WorkingCalendar::default()
    }
    .validate()?;
    let data = serde_json::to_string(input).map_err(AppError::internal)?;
    let (y, who, now) = (input.year, actor.account_id.clone(), now_ms());
    crate::db::in_transaction(conn, |conn| {
        db_run!(conn, {
            diesel::delete(calendar_years::table.filter(calendar_years::year.eq(y)))
                .execute(conn)?;
            diesel::insert_into(calendar_years::table)
                .values((
                    calendar_years::year.eq(y),
                    calendar_years::data.eq(&data),
                    calendar_years::updated_at.eq(now),
                    calendar_years::updated_by.eq(Some(&who)),
                ))
                .execute(conn)
        })?;
        super::audit::append(
            conn,
            super::audit::Entry::by(
                actor,
                shared::audit::action::CALENDAR_SAVE,
                "settings",
                &format!("calendar/{y}"),
            )
            .with_detail(serde_json::json!({
                "year": y,
                "days_off": input.days_off.len(),
                "make_up_days": input.make_up_days.len(),
            })),
        )?;
        Ok(())
    })?;
    Ok(input.clone())
}
