//! What the platform tells staff, through the outbox ([`super::outbox`]): the heads of the
//! superior unit and the committees overseeing a unit hear of each denunciation it receives
//! (never the unit's own heads), in the transaction that stores the report, and the
//! day before each reception session they get its digest (citizens booked, cases due and
//! overdue) from a background job. Messages to staff never say who reported: no name, no
//! contact, no description (it may name the reporter); the tracking code, the unit, the kind,
//! the category and the deadline only.

use super::outbox::{enqueue, MessageKind, Recipient};
use crate::db::{in_transaction, now_ms, DbConn};
use crate::db_run;
use crate::error::{AppError, AppResult};
use crate::schema::{accounts, reception_digests, reports, units};
use diesel::dsl::count_star;
use diesel::prelude::*;
use shared::calendar::{Date, Stage, WorkingCalendar};
use shared::case::MeetingSlot;
use shared::model::Role;
use shared::reception::{digest_due, vietnam_minute_of_day};
use shared::report::{ReportCategory, ReportKind};
use shared::Lang;
use std::collections::HashSet;

/// The lease of the reception digest job.
pub const DIGEST_JOB: &str = "reception_digest";

/// The digest counts the cases due within this many working days: a week of work, until the
/// next weekly session.
pub const DIGEST_DUE_WORKING_DAYS: u32 = 5;

/// Where the heads of a unit read this week's session and its agenda.
pub const RECEPTION_PATH: &str = "/admin/reception";

/// An account that can be reached: (id, its unit's path, sealed phone, sealed e-mail).
type Reachable = (String, String, Option<String>, Option<String>);

/// The active accounts of a role that gave a phone or an e-mail address, with their unit's
/// path; only those of one unit when `unit_id` is given.
fn reachable(conn: &mut DbConn, role: Role, unit_id: Option<&str>) -> AppResult<Vec<Reachable>> {
    let unit_id = unit_id.map(str::to_string);
    Ok(db_run!(conn, {
        let mut query = accounts::table
            .inner_join(units::table)
            .filter(accounts::role.eq(role.as_str()))
            .filter(accounts::active.eq(true))
            .filter(
                accounts::phone_enc
                    .is_not_null()
                    .or(accounts::email_enc.is_not_null()),
            )
            .into_boxed();
        if let Some(uid) = &unit_id {
            query = query.filter(accounts::unit_id.eq(uid.clone()));
        }
        query
            .order(accounts::username.asc())
            .select((
                accounts::id,
                units::path,
                accounts::phone_enc,
                accounts::email_enc,
            ))
            .load(conn)
    })?)
}

/// The active heads of a unit who gave a phone or an e-mail address, each as the recipients of
/// one message (a phone and an e-mail address are two).
pub fn unit_heads(conn: &mut DbConn, unit_id: &str) -> AppResult<Vec<Recipient>> {
    Ok(reachable(conn, Role::Head, Some(unit_id))?
        .into_iter()
        .flat_map(|(id, _, phone, email)| Recipient::of_contact(phone, email, Some(&id)))
        .collect())
}

/// Who hears of a new denunciation (always withheld from its own unit, `shared::routing`):
/// the heads of the superior unit and the members of every committee overseeing the unit,
/// never the unit's own heads.
pub fn denunciation_alert_recipients(
    conn: &mut DbConn,
    unit_id: &str,
) -> AppResult<Vec<Recipient>> {
    let uid = unit_id.to_string();
    let (parent, path): (Option<String>, String) = db_run!(conn, {
        units::table
            .filter(units::id.eq(&uid))
            .select((units::parent_id, units::path))
            .first(conn)
    })?;
    let mut recipients = match parent {
        Some(parent) => unit_heads(conn, &parent)?,
        None => Vec::new(),
    };
    // Committees are few: their members with a contact are read, and those whose subtree
    // holds the unit kept.
    let members = reachable(conn, Role::Committee, None)?;
    recipients.extend(
        members
            .into_iter()
            .filter(|(_, scope, _, _)| path.starts_with(scope.as_str()))
            .flat_map(|(id, _, phone, email)| Recipient::of_contact(phone, email, Some(&id))),
    );
    Ok(recipients)
}

/// Tells whoever must know of a report just stored, in the transaction that stores it (after
/// its deadline is stored): a denunciation, identified or anonymous, alerts
/// [`denunciation_alert_recipients`]. Returns how many messages were queued.
pub fn enqueue_new_report_alerts(conn: &mut DbConn, report_id: &str) -> AppResult<usize> {
    let rid = report_id.to_string();
    type Row = (
        String,
        String,
        String,
        Option<String>,
        Option<String>,
        String,
        String,
    );
    let (kind, category, code, stage, due_on, unit_id, unit_name): Row = db_run!(conn, {
        reports::table
            .inner_join(units::table)
            .filter(reports::id.eq(&rid))
            .select((
                reports::kind,
                reports::category,
                reports::tracking_code,
                reports::deadline_stage,
                reports::due_on,
                reports::unit_id,
                units::name,
            ))
            .first(conn)
    })?;
    if ReportKind::parse(&kind) != Some(ReportKind::Denunciation) {
        return Ok(0);
    }
    let recipients = denunciation_alert_recipients(conn, &unit_id)?;
    if recipients.is_empty() {
        return Ok(0);
    }
    let category = ReportCategory::parse(&category)
        .ok_or_else(|| AppError::internal("stored report category"))?;
    let deadline = match (stage.as_deref().and_then(Stage::parse), due_on.as_deref()) {
        (Some(stage), Some(due)) => format!(
            " Hạn {}: {}.",
            lowercase_first(stage.label(Lang::Vi)),
            Date::parse(due).map(Date::format_vn).unwrap_or(due.into())
        ),
        _ => String::new(),
    };
    let body = format!(
        "Minh Bạch: {unit_name} vừa nhận một tố cáo ({}), mã {}.{deadline} Xem tại /admin/cases/{report_id}",
        category.label(Lang::Vi),
        super::reports::grouped(&code),
    );
    enqueue(
        conn,
        MessageKind::DenunciationAlert,
        Some(report_id),
        &recipients,
        &body,
    )
}

fn lowercase_first(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(first) => first.to_lowercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// What one run of the digest job did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct DigestRun {
    /// Sessions whose digest was made in this run (once per unit and session date, ever).
    pub sessions: usize,
    /// Messages queued for them.
    pub messages: usize,
}

/// One run of the digest job at `now`: each active unit whose digest is due
/// ([`digest_due`]: its next session is tomorrow and it is `digest_hour` o'clock or later, or
/// the session is today and not over) and not made yet gets it, one transaction per unit. The
/// digest's row (unit, session date) is written with its messages and its key makes it once:
/// another process, a second run or a restart finds it and skips the unit.
pub fn send_digests(conn: &mut DbConn, now: i64, digest_hour: u32) -> AppResult<DigestRun> {
    let cal = super::calendar::current(conn)?;
    let today = Date::from_unix_ms_vietnam(now);
    let minute = vietnam_minute_of_day(now);
    type UnitRow = (String, String, i32, String, String);
    let active: Vec<UnitRow> = db_run!(conn, {
        units::table
            .filter(units::active.eq(true))
            .select((
                units::id,
                units::name,
                units::reception_weekday,
                units::reception_start,
                units::reception_end,
            ))
            .load(conn)
    })?;
    // The sessions of today and tomorrow are the only ones a digest can be due for.
    let days = [today.iso(), today.add_days(1).iso()];
    let made: HashSet<(String, String)> = db_run!(conn, {
        reception_digests::table
            .filter(reception_digests::session_date.eq_any(&days))
            .select((reception_digests::unit_id, reception_digests::session_date))
            .load::<(String, String)>(conn)
    })?
    .into_iter()
    .collect();
    let mut run = DigestRun::default();
    for (unit_id, name, weekday, start, end) in active {
        let weekday = u8::try_from(weekday).unwrap_or(0);
        let Some(session) = digest_due(&cal, weekday, &end, today, minute, digest_hour) else {
            continue;
        };
        if made.contains(&(unit_id.clone(), session.iso())) {
            continue;
        }
        let slot = MeetingSlot {
            date: session.iso(),
            start,
            end,
            address: String::new(),
        };
        let queued = in_transaction(conn, |conn| {
            send_digest(conn, &cal, today, &unit_id, &name, &slot)
        })?;
        if let Some(messages) = queued {
            run.sessions += 1;
            run.messages += messages;
        }
    }
    Ok(run)
}

/// The digest of one session, in the caller's transaction; `None` when it was made already
/// (by another process since the run began) or when no head can be reached.
fn send_digest(
    conn: &mut DbConn,
    cal: &WorkingCalendar,
    today: Date,
    unit_id: &str,
    unit_name: &str,
    slot: &MeetingSlot,
) -> AppResult<Option<usize>> {
    let recipients = unit_heads(conn, unit_id)?;
    // Nobody to tell yet (no head with a phone or e-mail): the digest is not made, so a head
    // who adds a contact later that day still gets it on the next run.
    if recipients.is_empty() {
        return Ok(None);
    }
    // The key first: a second process making the same digest waits here for this one's
    // commit and then finds the row.
    let row = (
        reception_digests::unit_id.eq(unit_id),
        reception_digests::session_date.eq(&slot.date),
        reception_digests::messages.eq(recipients.len() as i32),
        reception_digests::created_at.eq(now_ms()),
    );
    let inserted = db_run!(conn, {
        diesel::insert_into(reception_digests::table)
            .values(row)
            .on_conflict_do_nothing()
            .execute(conn)
    })?;
    if inserted == 0 {
        return Ok(None);
    }
    let agenda = agenda_counts(conn, cal, today, unit_id)?;
    let body = format!(
        "Minh Bạch: phiên tiếp công dân {} — {unit_name}. Công dân đăng ký gặp: {}. \
         Vụ việc đến hạn trong {DIGEST_DUE_WORKING_DAYS} ngày làm việc tới: {}. \
         Vụ việc quá hạn: {}. Chương trình tiếp: {RECEPTION_PATH}",
        slot.describe(Lang::Vi),
        agenda.booked,
        agenda.due_soon,
        agenda.overdue,
    );
    enqueue(conn, MessageKind::ReceptionDigest, None, &recipients, &body).map(Some)
}

/// The figures of a digest, over the unit's open cases.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
struct AgendaCounts {
    /// The citizen asked to meet the head.
    booked: i64,
    /// Due from today to [`DIGEST_DUE_WORKING_DAYS`] working days from today.
    due_soon: i64,
    /// Due before today.
    overdue: i64,
}

fn agenda_counts(
    conn: &mut DbConn,
    cal: &WorkingCalendar,
    today: Date,
    unit_id: &str,
) -> AppResult<AgendaCounts> {
    let open = super::cases::open_status_codes();
    let (uid, today_iso) = (unit_id.to_string(), today.iso());
    let horizon = cal.add_working_days(today, DIGEST_DUE_WORKING_DAYS).iso();
    let (booked, due_soon, overdue) = db_run!(conn, {
        let unit_open = || {
            reports::table
                .filter(reports::unit_id.eq(&uid))
                // The unit's heads never hear of the cases withheld from them.
                .filter(reports::withheld_from_unit.eq(false))
                .filter(reports::status.eq_any(&open))
        };
        let booked: i64 = unit_open()
            .filter(reports::wants_meeting.eq(true))
            .select(count_star())
            .first(conn)?;
        let due_soon: i64 = unit_open()
            .filter(reports::due_on.ge(&today_iso))
            .filter(reports::due_on.le(&horizon))
            .select(count_star())
            .first(conn)?;
        let overdue: i64 = unit_open()
            .filter(reports::due_on.lt(&today_iso))
            .select(count_star())
            .first(conn)?;
        Ok::<_, diesel::result::Error>((booked, due_soon, overdue))
    })?;
    Ok(AgendaCounts {
        booked,
        due_soon,
        overdue,
    })
}

/// Runs the digest job every `interval` in this process whenever it holds the job's lease.
pub fn spawn_digests(db: crate::db::Db, interval: std::time::Duration, digest_hour: u32) {
    super::jobs::spawn_leased(db, DIGEST_JOB, interval, move |conn| {
        let run = send_digests(conn, now_ms(), digest_hour)?;
        if run != DigestRun::default() {
            tracing::info!(
                sessions = run.sessions,
                messages = run.messages,
                "reception digests queued"
            );
        }
        Ok(())
    });
}
