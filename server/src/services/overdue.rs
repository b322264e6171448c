//! The overdue job: every few minutes, one server process (whichever holds the job's lease)
//! escalates the open cases past their due date to the superior unit (the state machine's
//! `escalate`, by the system, public to the citizen) and drafts the apology with a new date
//! (phiếu xin lỗi và hẹn lại ngày trả kết quả) for the head to send. Everything it needs is in
//! the database (the stored due dates), so a restart loses nothing, and each step is safe to
//! repeat: a case escalated once is not escalated again, an apology is drafted once per missed
//! due date.

use crate::db::{new_id, now_ms, DbConn};
use crate::db_run;
use crate::error::AppResult;
use crate::schema::{case_apologies, reports, units};
use diesel::prelude::*;
use shared::calendar::{Date, WorkingCalendar};
use shared::workflow::{Action, ReportStatus};

pub const JOB: &str = "overdue";

/// Working days from today to the new date an apology promises when the case's own clock
/// gives none later than today.
pub const APOLOGY_NEW_DATE_WORKING_DAYS: u32 = 5;

pub use super::jobs::claim_lease;

/// What one run did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct OverdueRun {
    pub escalated: usize,
    pub apologies: usize,
}

/// One pass over the overdue cases (at most `batch` of them).
pub fn run_once(conn: &mut DbConn, cal: &WorkingCalendar, batch: i64) -> AppResult<OverdueRun> {
    let today = Date::from_unix_ms_vietnam(now_ms());
    let open = super::cases::open_status_codes();
    let today_iso = today.iso();
    let due: Vec<(String, String, String, String, String)> = db_run!(conn, {
        reports::table
            .inner_join(units::table)
            .filter(reports::status.eq_any(open.clone()))
            .filter(reports::due_on.lt(&today_iso))
            .order(reports::due_on.asc())
            .limit(batch)
            .select((
                reports::id,
                reports::status,
                reports::due_on.assume_not_null(),
                reports::tracking_code,
                units::name,
            ))
            .load(conn)
    })?;
    let mut run = OverdueRun::default();
    for (id, status, missed, code, unit_name) in due {
        let missed_date = Date::parse(&missed);
        let missed_vn = missed_date.map(Date::format_vn).unwrap_or(missed.clone());
        if status != ReportStatus::Escalated.as_str() {
            let reason = format!(
                "Quá hạn giải quyết (hạn {missed_vn}): hệ thống tự động chuyển lên thủ trưởng đơn vị cấp trên."
            );
            // A head acting at the same moment may have answered it: then nothing to do.
            if super::cases::apply(
                conn,
                &id,
                super::cases::Who::System,
                &Action::Escalate { reason },
                None,
            )
            .is_ok()
            {
                run.escalated += 1;
            }
        }
        if draft_apology(conn, cal, today, &id, &missed, &code, &unit_name)? {
            run.apologies += 1;
        }
    }
    Ok(run)
}

/// Drafts the apology for a missed due date once; `true` when a new draft was written.
fn draft_apology(
    conn: &mut DbConn,
    cal: &WorkingCalendar,
    today: Date,
    report_id: &str,
    missed: &str,
    tracking_code: &str,
    unit_name: &str,
) -> AppResult<bool> {
    let rid = report_id.to_string();
    // The case's new clock (escalation restarts it) if it runs past today; otherwise a few
    // working days from today.
    let stored: Option<String> = db_run!(conn, {
        reports::table
            .filter(reports::id.eq(&rid))
            .select(reports::due_on)
            .first(conn)
    })?;
    let new_due = stored
        .as_deref()
        .and_then(Date::parse)
        .filter(|d| *d > today)
        .unwrap_or_else(|| cal.add_working_days(today, APOLOGY_NEW_DATE_WORKING_DAYS));
    let missed_vn = Date::parse(missed)
        .map(Date::format_vn)
        .unwrap_or_else(|| missed.to_string());
    let code = super::reports::grouped(tracking_code);
    let body = format!(
        "PHIẾU XIN LỖI VÀ HẸN LẠI NGÀY TRẢ KẾT QUẢ\n\n\
         {unit_name} xin lỗi ông/bà vì phản ánh mã {code} chưa được giải quyết, trả lời đúng hạn \
         ({missed_vn}).\n\
         Lý do chậm: ………… (thủ trưởng đơn vị ghi rõ trước khi gửi).\n\
         Đơn vị hẹn trả kết quả vào ngày {}.\n\
         Mong ông/bà thông cảm.",
        new_due.format_vn()
    );
    let row = (
        case_apologies::id.eq(new_id()),
        case_apologies::report_id.eq(rid.clone()),
        case_apologies::missed_due_on.eq(missed.to_string()),
        case_apologies::new_due_on.eq(new_due.iso()),
        case_apologies::body.eq(body),
        case_apologies::created_at.eq(now_ms()),
    );
    let inserted = db_run!(conn, {
        diesel::insert_into(case_apologies::table)
            .values(row.clone())
            .on_conflict_do_nothing()
            .execute(conn)
    })?;
    Ok(inserted == 1)
}

/// Runs the job every `interval` in this process whenever it holds the job's lease.
pub fn spawn(db: crate::db::Db, interval: std::time::Duration) {
    super::jobs::spawn_leased(db, JOB, interval, |conn| {
        let cal = super::calendar::current(conn)?;
        let run = run_once(conn, &cal, 500)?;
        if run != OverdueRun::default() {
            tracing::info!(
                escalated = run.escalated,
                apologies = run.apologies,
                "overdue cases handled"
            );
        }
        Ok(())
    });
}
