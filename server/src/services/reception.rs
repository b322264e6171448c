//! The weekly citizen reception: the head opens this week's session of their unit, sees the
//! agenda (citizens who asked to meet, cases due or overdue) and records each meeting in the
//! reception log. A meeting about a case goes onto the case's timeline in the same transaction:
//! as a public reply when the head marks the outcome public (and the case still takes one),
//! otherwise as an internal note.

use crate::auth::Actor as Account;
use crate::crypto::DataKey;
use crate::db::{in_transaction, new_id, now_ms, DbConn};
use crate::db_run;
use crate::error::{AppError, AppResult};
use crate::schema::{reception_entries, reception_sessions, reports, units};
use diesel::prelude::*;
use shared::calendar::Date;
use shared::model::Role;
use shared::reception::{NewReceptionEntry, ReceptionEntry, ReceptionSession};
use shared::workflow::{Action, ActionKind, Actor};
use shared::{ApiError, ErrorCode};

fn heads_only(account: &Account) -> AppResult<()> {
    if account.role == Role::Head {
        Ok(())
    } else {
        Err(AppError(ApiError::with_message(
            ErrorCode::Forbidden,
            "Chỉ thủ trưởng đơn vị mở và ghi phiên tiếp công dân.",
            "Only the head of a unit opens and records a reception session.",
        )))
    }
}

/// Opens this week's session of the head's unit (or of `unit_id`, a unit they cover), or finds
/// it when it is open already; returns its id.
pub fn open_this_week(
    conn: &mut DbConn,
    account: &Account,
    unit_id: Option<&str>,
) -> AppResult<String> {
    heads_only(account)?;
    let unit_id = unit_id
        .map(str::to_string)
        .or_else(|| account.unit_id.clone())
        .ok_or_else(AppError::forbidden)?;
    let unit = super::units::visible(conn, account, &unit_id)?;
    let cal = super::calendar::current(conn)?;
    let today = Date::from_unix_ms_vietnam(now_ms());
    let day =
        shared::reception::this_weeks_reception_day(&cal, unit.reception_weekday as u8, today)
            .iso();
    let row = (
        reception_sessions::id.eq(new_id()),
        reception_sessions::unit_id.eq(unit.id.clone()),
        reception_sessions::session_date.eq(day.clone()),
        reception_sessions::start_time.eq(unit.reception_start.clone()),
        reception_sessions::end_time.eq(unit.reception_end.clone()),
        reception_sessions::opened_by.eq(account.account_id.clone()),
        reception_sessions::opened_at.eq(now_ms()),
    );
    let uid = unit.id.clone();
    let id: String = db_run!(conn, {
        diesel::insert_into(reception_sessions::table)
            .values(row.clone())
            .on_conflict_do_nothing()
            .execute(conn)?;
        reception_sessions::table
            .filter(reception_sessions::unit_id.eq(&uid))
            .filter(reception_sessions::session_date.eq(&day))
            .select(reception_sessions::id)
            .first(conn)
    })?;
    Ok(id)
}

type SessionRow = (String, String, String, String, String, String, i64, String);

/// A session the reader may see (its unit is in their scope), with its unit's path.
fn session_row(conn: &mut DbConn, account: &Account, id: &str) -> AppResult<SessionRow> {
    let sid = id.to_string();
    let row: Option<SessionRow> = db_run!(conn, {
        reception_sessions::table
            .inner_join(units::table)
            .filter(reception_sessions::id.eq(&sid))
            .select((
                reception_sessions::id,
                reception_sessions::unit_id,
                units::name,
                reception_sessions::session_date,
                reception_sessions::start_time,
                reception_sessions::end_time,
                reception_sessions::opened_at,
                units::path,
            ))
            .first(conn)
            .optional()
    })?;
    match row {
        Some(r) if account.covers(&r.7) && account.role != Role::Officer => Ok(r),
        _ => Err(AppError::not_found()),
    }
}

/// The session with its agenda and its log (names and addresses decrypted for the reader).
pub fn session(
    conn: &mut DbConn,
    account: &Account,
    key: &DataKey,
    id: &str,
) -> AppResult<ReceptionSession> {
    let (id, unit_id, unit_name, date, start, end, opened_at, _) = session_row(conn, account, id)?;
    // Up to 200 of each: a longer agenda is not read in one sitting; the inbox has them all.
    let (booked, due) = super::cases::reception_agenda(conn, account, &unit_id, &date, 200)?;
    type EntryRow = (
        String,
        i32,
        Option<String>,
        Option<String>,
        String,
        String,
        (String, String, String, String, String, String),
        bool,
        i64,
    );
    let sid = id.clone();
    let rows: Vec<EntryRow> = db_run!(conn, {
        reception_entries::table
            .left_join(reports::table.on(reports::id.nullable().eq(reception_entries::report_id)))
            .filter(reception_entries::session_id.eq(&sid))
            .order(reception_entries::entry_no.asc())
            .select((
                reception_entries::id,
                reception_entries::entry_no,
                reception_entries::report_id,
                reports::tracking_code.nullable(),
                reception_entries::citizen_name_enc,
                reception_entries::citizen_address_enc,
                (
                    reception_entries::matter,
                    reception_entries::earlier_handling,
                    reception_entries::request,
                    reception_entries::action_taken,
                    reception_entries::outcome,
                    reception_entries::follow_up,
                ),
                reception_entries::public,
                reception_entries::created_at,
            ))
            .load(conn)
    })?;
    let open_text = |enc: &str| key.decrypt(enc).unwrap_or_default();
    let entries = rows
        .into_iter()
        .map(
            |(eid, no, report_id, code, name, address, texts, public, at)| {
                let (matter, earlier_handling, request, action_taken, outcome, follow_up) = texts;
                ReceptionEntry {
                    id: eid,
                    entry_no: no,
                    report_id,
                    tracking_code: code.map(|c| super::reports::grouped(&c)),
                    citizen_name: open_text(&name),
                    citizen_address: open_text(&address),
                    matter,
                    earlier_handling,
                    request,
                    action_taken,
                    outcome,
                    follow_up,
                    public,
                    created_at: at,
                }
            },
        )
        .collect();
    Ok(ReceptionSession {
        id,
        unit_id,
        unit_name,
        date,
        start,
        end,
        opened_at,
        booked,
        due,
        entries,
    })
}

/// Records a meeting: the next entry number of the session's log and, for a meeting about a
/// case, its timeline entry, in one transaction.
pub fn record(
    conn: &mut DbConn,
    account: &Account,
    key: &DataKey,
    session_id: &str,
    input: &NewReceptionEntry,
) -> AppResult<ReceptionSession> {
    heads_only(account)?;
    let input = shared::reception::check_entry(input)?;
    let (sid, _, _, date, ..) = session_row(conn, account, session_id)?;
    in_transaction(conn, |conn| {
        // Serialises the entries of one session (their numbers).
        db_run!(conn, {
            diesel::update(reception_sessions::table.filter(reception_sessions::id.eq(&sid)))
                .set(reception_sessions::opened_at.eq(reception_sessions::opened_at))
                .execute(conn)
        })?;
        let last: Option<i32> = db_run!(conn, {
            reception_entries::table
                .filter(reception_entries::session_id.eq(&sid))
                .select(diesel::dsl::max(reception_entries::entry_no))
                .first(conn)
        })?;
        if let Some(case_id) = &input.report_id {
            let case = super::cases::load_case(conn, case_id)?.ok_or_else(AppError::not_found)?;
            if super::cases::role_on_case(account, &case).is_none() {
                return Err(AppError::not_found());
            }
            let day = Date::parse(&date)
                .map(Date::format_vn)
                .unwrap_or(date.clone());
            let summary = format!(
                "Tiếp công dân ngày {day}. Đã hướng dẫn, xử lý: {}{}",
                input.action_taken,
                if input.outcome.is_empty() {
                    String::new()
                } else {
                    format!("\nKết quả: {}", input.outcome)
                }
            );
            let takes_public_reply = shared::workflow::check(
                case.status,
                ActionKind::ReplyPublic,
                Actor::Head,
                &shared::workflow::CaseFacts::new(case.kind, case.anonymous),
            )
            .is_ok();
            let action = if input.public && takes_public_reply {
                Action::ReplyPublic {
                    text: input.outcome.clone(),
                }
            } else {
                Action::NoteInternal { text: summary }
            };
            super::cases::apply_in_transaction(
                conn,
                case_id,
                super::cases::Who::Staff(account),
                &action,
                None,
            )?;
        }
        let row = (
            reception_entries::id.eq(new_id()),
            reception_entries::session_id.eq(sid.clone()),
            reception_entries::entry_no.eq(last.unwrap_or(0) + 1),
            reception_entries::report_id.eq(input.report_id.clone()),
            reception_entries::citizen_name_enc.eq(key.encrypt(&input.citizen_name)),
            reception_entries::citizen_address_enc.eq(key.encrypt(&input.citizen_address)),
            reception_entries::matter.eq(input.matter.clone()),
            reception_entries::earlier_handling.eq(input.earlier_handling.clone()),
            reception_entries::request.eq(input.request.clone()),
            reception_entries::action_taken.eq(input.action_taken.clone()),
            reception_entries::outcome.eq(input.outcome.clone()),
            reception_entries::follow_up.eq(input.follow_up.clone()),
            reception_entries::public.eq(input.public),
            reception_entries::created_by.eq(account.account_id.clone()),
            reception_entries::created_at.eq(now_ms()),
        );
        db_run!(conn, {
            diesel::insert_into(reception_entries::table)
                .values(row.clone())
                .execute(conn)
        })?;
        Ok(())
    })?;
    session(conn, account, key, &sid)
}

/// Records in the audit log that the session's log left the platform as a file (it names the
/// citizens met): who, which session, how many entries.
pub fn record_export(
    conn: &mut DbConn,
    account: &Account,
    session: &ReceptionSession,
) -> AppResult<()> {
    let unit = super::audit::unit_path(conn, Some(&session.unit_id))?;
    super::audit::record(
        conn,
        super::audit::Entry::by(
            account,
            shared::audit::action::RECEPTION_EXPORT,
            "reception_session",
            &session.id,
        )
        .in_unit(unit)
        .with_detail(serde_json::json!({
            "date": session.date,
            "entries": session.entries.len(),
        })),
    )?;
    Ok(())
}

/// The session's reception log as an .xlsx workbook (A4 landscape), the columns of the
/// reception log book.
pub fn log_xlsx(session: &ReceptionSession) -> AppResult<Vec<u8>> {
    use rust_xlsxwriter::{Format, FormatBorder, Workbook};
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    let xerr = |e: rust_xlsxwriter::XlsxError| AppError::internal(e);
    sheet.set_name("So tiep cong dan").map_err(xerr)?;
    sheet.set_landscape();
    sheet.set_paper_size(9); // A4
    let day = Date::parse(&session.date)
        .map(Date::format_vn)
        .unwrap_or(session.date.clone());
    let bold = Format::new().set_bold();
    let head = Format::new()
        .set_bold()
        .set_text_wrap()
        .set_border(FormatBorder::Thin);
    let cell = Format::new().set_text_wrap().set_border(FormatBorder::Thin);
    sheet
        .write_with_format(
            0,
            0,
            format!(
                "SỔ TIẾP CÔNG DÂN — {} — ngày {day}, {}–{}",
                session.unit_name, session.start, session.end
            ),
            &bold,
        )
        .map_err(xerr)?;
    let columns = [
        ("STT", 6.0),
        ("Ngày tiếp", 11.0),
        ("Họ tên, địa chỉ", 28.0),
        ("Nội dung vụ việc", 36.0),
        ("Đã được giải quyết", 24.0),
        ("Đề nghị của công dân", 28.0),
        ("Hướng dẫn, xử lý", 32.0),
        ("Kết quả", 28.0),
        ("Theo dõi", 20.0),
        ("Mã phản ánh", 22.0),
    ];
    for (i, (title, width)) in columns.iter().enumerate() {
        let col = i as u16;
        sheet.set_column_width(col, *width).map_err(xerr)?;
        sheet
            .write_with_format(2, col, *title, &head)
            .map_err(xerr)?;
    }
    for (r, e) in session.entries.iter().enumerate() {
        let row = 3 + r as u32;
        let who = if e.citizen_address.is_empty() {
            e.citizen_name.clone()
        } else {
            format!("{}, {}", e.citizen_name, e.citizen_address)
        };
        let values = [
            e.entry_no.to_string(),
            day.clone(),
            who,
            e.matter.clone(),
            e.earlier_handling.clone(),
            e.request.clone(),
            e.action_taken.clone(),
            e.outcome.clone(),
            e.follow_up.clone(),
            e.tracking_code.clone().unwrap_or_default(),
        ];
        for (c, v) in values.iter().enumerate() {
            sheet
                .write_with_format(row, c as u16, v.as_str(), &cell)
                .map_err(xerr)?;
        }
    }
    book.save_to_buffer().map_err(xerr)
}
