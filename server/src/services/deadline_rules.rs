//! The deadline settings as data: one row, written when a national administrator saves them;
//! until then the law's values (`DeadlineRules::default()`). Each process keeps the parsed
//! settings in memory with the version it read them at (a new random id at every save, so
//! that two databases never share one); one small query per use tells whether another process
//! has saved since. After a save, the stored due dates of the open cases are computed again
//! (`api::save_deadline_rules`).

use crate::auth::Actor;
use crate::db::{new_id, now_ms, DbConn};
use crate::db_run;
use crate::error::{AppError, AppResult};
use crate::schema::deadline_settings;
use diesel::prelude::*;
use diesel::upsert::excluded;
use shared::calendar::DeadlineRules;
use shared::{ApiError, ErrorCode};
use std::sync::{Arc, Mutex};

/// The one row's key.
const ROW: i32 = 1;

/// `None`: nothing saved yet, the law's values apply.
type Version = Option<String>;

static CACHE: Mutex<Option<(Version, Arc<DeadlineRules>)>> = Mutex::new(None);

/// The settings every deadline is computed with, parsed again only when they have changed.
pub fn current(conn: &mut DbConn) -> AppResult<Arc<DeadlineRules>> {
    let version: Version = db_run!(conn, {
        deadline_settings::table
            .find(ROW)
            .select(deadline_settings::version)
            .first(conn)
            .optional()
    })?;
    if let Some((v, rules)) = CACHE.lock().map_err(AppError::internal)?.as_ref() {
        if *v == version {
            return Ok(rules.clone());
        }
    }
    let stored: Option<(String, String)> = db_run!(conn, {
        deadline_settings::table
            .find(ROW)
            .select((deadline_settings::version, deadline_settings::data))
            .first(conn)
            .optional()
    })?;
    let (version, rules) = match stored {
        Some((v, data)) => (
            Some(v),
            serde_json::from_str::<DeadlineRules>(&data).map_err(AppError::internal)?,
        ),
        None => (None, DeadlineRules::default()),
    };
    let rules = Arc::new(rules);
    *CACHE.lock().map_err(AppError::internal)? = Some((version, rules.clone()));
    Ok(rules)
}

/// The settings as they apply now. Any signed-in account may read them: every deadline
/// depends on them.
pub fn get(conn: &mut DbConn, _actor: &Actor) -> AppResult<DeadlineRules> {
    Ok(current(conn)?.as_ref().clone())
}

/// The settings hold for every unit of the deployment: only a national administrator edits
/// them (as the calendar). A unit's own administrator must not lengthen its own deadlines.
fn require_national_admin(actor: &Actor) -> AppResult<()> {
    if actor.is_national_admin() {
        Ok(())
    } else {
        Err(AppError(ApiError::with_message(
            ErrorCode::Forbidden,
            "Chỉ quản trị viên cấp quốc gia được sửa thời hạn giải quyết.",
            "Only a national administrator may change the deadline settings.",
        )))
    }
}

/// Replaces the settings after checking them against the law; refused settings change
/// nothing. The caller then recomputes the open cases' clocks.
pub fn save(conn: &mut DbConn, actor: &Actor, input: &DeadlineRules) -> AppResult<DeadlineRules> {
    require_national_admin(actor)?;
    input.validate()?;
    let data = serde_json::to_string(input).map_err(AppError::internal)?;
    let row = (
        deadline_settings::id.eq(ROW),
        deadline_settings::data.eq(data),
        deadline_settings::version.eq(new_id()),
        deadline_settings::updated_at.eq(now_ms()),
        deadline_settings::updated_by.eq(Some(actor.account_id.clone())),
    );
    // The settings themselves go into the entry: they are few, public law, and what an
    // inspector needs to see changed.
    let entry = super::audit::Entry::by(
        actor,
        shared::audit::action::DEADLINES_SAVE,
        "settings",
        "deadline_rules",
    )
    .with_detail(serde_json::to_value(input).map_err(AppError::internal)?);
    crate::db::in_transaction(conn, |conn| {
        db_run!(conn, {
            diesel::insert_into(deadline_settings::table)
                .values(row.clone())
                .on_conflict(deadline_settings::id)
                .do_update()
                .set((
                    deadline_settings::data.eq(excluded(deadline_settings::data)),
                    deadline_settings::version.eq(excluded(deadline_settings::version)),
                    deadline_settings::updated_at.eq(excluded(deadline_settings::updated_at)),
                    deadline_settings::updated_by.eq(excluded(deadline_settings::updated_by)),
                ))
                .execute(conn)
        })?;
        super::audit::append(conn, entry)?;
        Ok(())
    })?;
    Ok(input.clone())
}
