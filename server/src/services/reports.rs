//! Citizens' reports: stored once per idempotency key, with their photos, in one transaction,
//! and acknowledged at once; followed with a tracking code (plus a secret when anonymous).

use crate::db::{in_transaction, new_id, new_random_id, now_ms, DbConn};
use crate::db_run;
use crate::error::{AppError, AppResult};
use crate::photo_store::PhotoBody;
use crate::schema::{accounts, counters, report_events, report_photos, reports, staff, units};
use diesel::prelude::*;
use rand::Rng;
use sha2::{Digest, Sha256};
use shared::model::Role;
use shared::report::{
    NewReport, PublicEvent, ReportCategory, ReportKind, ReportReceipt, ReportView,
};
use shared::workflow::{ActionKind, Actor, TransitionRecord};
use shared::{ApiError, ErrorCode, FieldCode};

/// Crockford's base32: no I, L, O or U, so a code read aloud or typed is not misread.
const CROCKFORD: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";
/// 16 characters of 5 bits: 80 bits, the tracking code alone.
pub const CODE_LEN: usize = 16;

pub fn random_code() -> String {
    let mut rng = rand::rngs::OsRng;
    (0..CODE_LEN)
        .map(|_| CROCKFORD[rng.gen_range(0..32)] as char)
        .collect()
}

/// The same 16 characters in groups of four, as shown to people.
pub fn grouped(code: &str) -> String {
    code.as_bytes()
        .chunks(4)
        .map(|c| String::from_utf8_lossy(c).into_owned())
        .collect::<Vec<_>>()
        .join("-")
}

/// 80 bits from a keyed hash as Crockford base32.
pub fn code_from_digest(digest: &[u8]) -> String {
    let mut bits: u128 = 0;
    for b in digest.iter().take(10) {
        bits = (bits << 8) | u128::from(*b);
    }
    (0..CODE_LEN)
        .rev()
        .map(|i| CROCKFORD[((bits >> (i * 5)) & 31) as usize] as char)
        .collect()
}

/// A photo already re-encoded without metadata, its bytes either here (for the database) or
/// already in the object store under `object_key`.
pub struct StoredPhoto {
    pub content_type: String,
    pub full: Vec<u8>,
    pub thumb: Vec<u8>,
    pub object_key: Option<String>,
    pub width: u32,
    pub height: u32,
}

/// Everything the handler prepared outside the transaction (slow hashing, encryption).
pub struct PreparedReport {
    pub input: NewReport,
    /// SHA-256 of the client's idempotency key: the raw key never reaches the database.
    pub idempotency_hash: String,
    /// [`request_hash`] of what was sent, so that a replay of the key must send the same.
    pub request_hash: String,
    pub tracking_code: String,
    /// argon2id of the secret, for an anonymous report.
    pub secret_hash: Option<String>,
    pub name_enc: Option<String>,
    pub phone_enc: Option<String>,
    pub email_enc: Option<String>,
    pub photos: Vec<StoredPhoto>,
}

/// The unit, counter and officer a report is about.
fn resolve_place(conn: &mut DbConn, input: &NewReport) -> AppResult<(String, Option<String>)> {
    let (unit_id, counter_id) = match &input.counter_token {
        Some(token) => {
            let t = token.clone();
            let found: Option<(String, String)> = db_run!(conn, {
                counters::table
                    .inner_join(units::table)
                    .filter(counters::qr_token.eq(t))
                    .filter(counters::active.eq(true))
                    .filter(units::active.eq(true))
                    .select((counters::unit_id, counters::id))
                    .first(conn)
                    .optional()
            })?;
            let (u, c) = found.ok_or_else(|| {
                AppError(ApiError::field(
                    "counter_token",
                    FieldCode::NotFound,
                    "Không tìm thấy quầy này. Vui lòng quét lại mã QR tại quầy.",
                    "This counter was not found. Please scan the QR code at the counter again.",
                ))
            })?;
            (u, Some(c))
        }
        None => {
            let id = input.unit_id.clone().unwrap_or_default();
            let found: i64 = db_run!(conn, {
                units::table
                    .filter(units::id.eq(&id))
                    .filter(units::active.eq(true))
                    .count()
                    .get_result(conn)
            })?;
            if found == 0 {
                return Err(AppError(ApiError::field(
                    "unit_id",
                    FieldCode::NotFound,
                    "Không tìm thấy đơn vị này.",
                    "This unit was not found.",
                )));
            }
            (id, None)
        }
    };
    if let Some(sid) = input.staff_id.clone() {
        let u = unit_id.clone();
        let n: i64 = db_run!(conn, {
            staff::table
                .filter(staff::id.eq(sid))
                .filter(staff::unit_id.eq(u))
                .count()
                .get_result(conn)
        })?;
        if n == 0 {
            return Err(AppError(ApiError::field(
                "staff_id",
                FieldCode::NotFound,
                "Không tìm thấy cán bộ này ở đơn vị.",
                "This officer was not found at this unit.",
            )));
        }
    }
    Ok((unit_id, counter_id))
}

/// Whether the officer a report names is the person behind a head's account: the report is
/// then about the unit's head (or a deputy) and withheld from the whole unit.
fn names_a_head(conn: &mut DbConn, staff_id: &str) -> AppResult<bool> {
    let sid = staff_id.to_string();
    let heads: i64 = db_run!(conn, {
        accounts::table
            .filter(accounts::staff_id.eq(sid))
            .filter(accounts::role.eq(Role::Head.as_str()))
            .count()
            .get_result(conn)
    })?;
    Ok(heads > 0)
}

/// How the rows of a report get their ids: [`new_random_id`] for an anonymous report.
type IdMaker = fn() -> String;

#[allow(clippy::too_many_arguments)]
fn insert_event(
    conn: &mut DbConn,
    make_id: IdMaker,
    report_id: &str,
    kind: &str,
    public: bool,
    by_role: Option<&str>,
    body: &str,
    at: i64,
) -> AppResult<()> {
    let row = (
        report_events::id.eq(make_id()),
        report_events::report_id.eq(report_id.to_string()),
        report_events::kind.eq(kind.to_string()),
        report_events::public.eq(public),
        report_events::by_role.eq(by_role.map(str::to_string)),
        report_events::body.eq(body.to_string()),
        report_events::created_at.eq(at),
    );
    db_run!(conn, {
        diesel::insert_into(report_events::table)
            .values(row.clone())
            .execute(conn)
    })?;
    Ok(())
}

/// Stores photos of a report, numbered on from `first_position`; `event_id` names the
/// citizen's addition they came with (none for the report's own photos).
fn insert_photos(
    conn: &mut DbConn,
    make_id: IdMaker,
    report_id: &str,
    event_id: Option<&str>,
    first_position: usize,
    photos: &[StoredPhoto],
    now: i64,
) -> AppResult<()> {
    for (i, photo) in photos.iter().enumerate() {
        let row = (
            report_photos::id.eq(make_id()),
            report_photos::report_id.eq(report_id.to_string()),
            report_photos::event_id.eq(event_id.map(str::to_string)),
            report_photos::position.eq((first_position + i) as i32),
            report_photos::content_type.eq(photo.content_type.clone()),
            report_photos::full_bytes.eq(photo.full.clone()),
            report_photos::thumb_bytes.eq(photo.thumb.clone()),
            report_photos::object_key.eq(photo.object_key.clone()),
            report_photos::width.eq(photo.width as i32),
            report_photos::height.eq(photo.height as i32),
            report_photos::created_at.eq(now),
        );
        db_run!(conn, {
            diesel::insert_into(report_photos::table)
                .values(row.clone())
                .execute(conn)
        })?;
    }
    Ok(())
}

/// A report keeps at most this many photos, its own and those added later.
pub const MAX_REPORT_PHOTOS: usize = 20;

/// Adds what the citizen sent from the tracking page (text, photos) as a public timeline
/// entry, in one transaction, once per idempotency hash: a retry changes nothing.
pub fn add_citizen_info(
    conn: &mut DbConn,
    report_id: &str,
    text: &str,
    idempotency_hash: &str,
    photos: &[StoredPhoto],
) -> AppResult<()> {
    in_transaction(conn, |conn| {
        if super::cases::event_recorded(conn, idempotency_hash)? {
            return Ok(());
        }
        let h = idempotency_hash.to_string();
        let rid = report_id.to_string();
        // The state machine decides whether the citizen may still add to this report.
        let status = super::cases::check_citizen_addition(conn, &rid)?;
        let stored: i64 = db_run!(conn, {
            report_photos::table
                .filter(report_photos::report_id.eq(&rid))
                .count()
                .get_result(conn)
        })?;
        if stored as usize + photos.len() > MAX_REPORT_PHOTOS {
            return Err(AppError(ApiError::field(
                "photos",
                FieldCode::TooLong,
                &format!("Một phản ánh có tối đa {MAX_REPORT_PHOTOS} ảnh; đã có {stored} ảnh."),
                &format!("A report holds at most {MAX_REPORT_PHOTOS} photos; it has {stored}."),
            )));
        }
        let now = now_ms();
        let record = TransitionRecord {
            action: ActionKind::CitizenAddInfo,
            from: status,
            to: status,
            actor: Actor::Citizen,
            actor_account_id: None,
            at: now,
            public: true,
            reason: None,
            text: None,
        };
        let event_id = super::cases::insert_record(conn, &rid, &record, text, Some(&h))?;
        insert_photos(
            conn,
            new_id,
            &rid,
            Some(&event_id),
            stored as usize,
            photos,
            now,
        )?;
        db_run!(conn, {
            diesel::update(reports::table.filter(reports::id.eq(&rid)))
                .set(reports::updated_at.eq(now))
                .execute(conn)
        })?;
        Ok(())
    })
}

/// SHA-256 of a submission in canonical form: the validated report as JSON, then the SHA-256
/// of each photo's bytes as uploaded, in order. Two sends of one report (a retry, a draft sent
/// again) have the same fingerprint; a different report under the same key does not.
pub fn request_hash(input: &NewReport, photos: &[Vec<u8>]) -> AppResult<String> {
    let json = serde_json::to_vec(input).map_err(AppError::internal)?;
    let mut h = Sha256::new();
    h.update(b"report:");
    h.update(&json);
    for photo in photos {
        h.update(Sha256::digest(photo));
    }
    Ok(hex::encode(h.finalize()))
}

/// A key sent again with another report: refused, and the stored report is left as it is.
pub fn replayed_differently() -> AppError {
    AppError(ApiError::with_message(
        ErrorCode::Conflict,
        "Biểu mẫu này đã được gửi trước đó với nội dung khác. Phản ánh đã gửi không bị thay đổi. Để gửi một phản ánh mới, vui lòng tải lại trang rồi gửi lại.",
        "This form was already sent with different content. The report already sent has not been changed. To send a new report, please reload the page and send it again.",
    ))
}

/// The receipt of the report stored under this idempotency hash, if any (without the secret,
/// which only the caller can derive again). A stored report whose fingerprint differs from
/// `request_hash` is a conflict; one stored before fingerprints were kept (NULL) matches.
pub fn receipt_by_idempotency(
    conn: &mut DbConn,
    idempotency_hash: &str,
    request_hash: &str,
) -> AppResult<Option<ReportReceipt>> {
    let h = idempotency_hash.to_string();
    let found: Option<(String, String, i64, Option<String>)> = db_run!(conn, {
        reports::table
            .filter(reports::idempotency_key.eq(h))
            .select((
                reports::id,
                reports::tracking_code,
                reports::created_at,
                reports::request_hash,
            ))
            .first(conn)
            .optional()
    })?;
    let Some((id, code, at, stored_hash)) = found else {
        return Ok(None);
    };
    if stored_hash.is_some_and(|stored| stored != request_hash) {
        return Err(replayed_differently());
    }
    let photos: i64 = db_run!(conn, {
        report_photos::table
            .filter(report_photos::report_id.eq(id))
            .count()
            .get_result(conn)
    })?;
    Ok(Some(ReportReceipt {
        tracking_code: grouped(&code),
        secret: None,
        created_at: at,
        photos: photos as u32,
    }))
}

/// Stores the report, its photos and its first timeline entries in one transaction; the
/// citizen is told "received" only once that transaction has committed. A retry (same
/// idempotency key and the same request) finds the stored report and gets its receipt; the
/// caller derives the same secret again. The same key with another request is a conflict.
pub fn submit(conn: &mut DbConn, p: &PreparedReport) -> AppResult<ReportReceipt> {
    in_transaction(conn, |conn| {
        // Inside the transaction: two retries racing each other store one report.
        if let Some(receipt) = receipt_by_idempotency(conn, &p.idempotency_hash, &p.request_hash)? {
            return Ok(receipt);
        }
        let (unit_id, counter_id) = resolve_place(conn, &p.input)?;
        let input = &p.input;
        let about_head = input.about_head
            || match &input.staff_id {
                Some(sid) => names_a_head(conn, sid)?,
                None => false,
            };
        let withheld = shared::routing::withheld_from_unit(input.kind, input.category, about_head);
        let ids: IdMaker = if input.reporter.is_none() {
            new_random_id
        } else {
            new_id
        };
        let id = ids();
        let now = now_ms();
        let row = (
            reports::id.eq(id.clone()),
            reports::tracking_code.eq(p.tracking_code.clone()),
            reports::secret_hash.eq(p.secret_hash.clone()),
            reports::kind.eq(input.kind.as_str()),
            reports::category.eq(input.category.as_str()),
            reports::unit_id.eq(unit_id),
            reports::counter_id.eq(counter_id),
            reports::staff_id.eq(input.staff_id.clone()),
            reports::occurred_at.eq(input.occurred_at),
            reports::description.eq(input.description.clone()),
            reports::anonymous.eq(input.reporter.is_none()),
            reports::reporter_name_enc.eq(p.name_enc.clone()),
            reports::reporter_phone_enc.eq(p.phone_enc.clone()),
            reports::reporter_email_enc.eq(p.email_enc.clone()),
            reports::consent_at.eq(input.reporter.as_ref().map(|_| now)),
            reports::wants_meeting.eq(input.wants_meeting),
            reports::about_head.eq(about_head),
            reports::withheld_from_unit.eq(withheld),
            reports::status.eq("received"),
            reports::idempotency_key.eq(p.idempotency_hash.clone()),
            reports::request_hash.eq(Some(p.request_hash.clone())),
            reports::created_at.eq(now),
            reports::updated_at.eq(now),
        );
        db_run!(conn, {
            diesel::insert_into(reports::table)
                .values(row.clone())
                .execute(conn)
        })?;
        insert_photos(conn, ids, &id, None, 0, &p.photos, now)?;
        // One millisecond apart: timelines are ordered by (created_at, id), and random ids
        // would otherwise shuffle entries of the same instant.
        insert_event(conn, ids, &id, "received", true, None, "", now)?;
        // Acknowledged by the system at once (the law's reply on acceptance comes later).
        insert_event(
            conn,
            ids,
            &id,
            "acknowledged",
            true,
            Some("system"),
            "",
            now + 1,
        )?;
        if input.wants_meeting {
            insert_event(conn, ids, &id, "meeting_requested", true, None, "", now + 2)?;
        }
        super::cases::store_deadline(conn, &id)?;
        // With the report: a denunciation's alert exists exactly when the report does.
        super::notifications::enqueue_new_report_alerts(conn, &id)?;
        Ok(ReportReceipt {
            tracking_code: grouped(&p.tracking_code),
            secret: None,
            created_at: now,
            photos: p.photos.len() as u32,
        })
    })
}

/// The stored row a tracking code names: (id, secret hash).
pub fn find_by_code(conn: &mut DbConn, code: &str) -> AppResult<Option<(String, Option<String>)>> {
    let c = code.to_string();
    Ok(db_run!(conn, {
        reports::table
            .filter(reports::tracking_code.eq(c))
            .select((reports::id, reports::secret_hash))
            .first(conn)
            .optional()
    })?)
}

type PublicEventRow = (
    i64,
    String,
    Option<String>,
    String,
    Option<String>,
    Option<String>,
);

type ViewRow = (
    String,
    String,
    String,
    String,
    String,
    Option<String>,
    bool,
    String,
    i64,
    bool,
);

/// What the citizen sees of a report: only public events, no identity, no internal notes.
pub fn public_view(conn: &mut DbConn, report_id: &str) -> AppResult<ReportView> {
    let rid = report_id.to_string();
    let row: ViewRow = db_run!(conn, {
        reports::table
            .inner_join(units::table)
            .left_join(counters::table.on(counters::id.nullable().eq(reports::counter_id)))
            .filter(reports::id.eq(&rid))
            .select((
                reports::tracking_code,
                reports::kind,
                reports::category,
                units::name,
                reports::status,
                counters::name.nullable(),
                reports::anonymous,
                reports::description,
                reports::created_at,
                reports::wants_meeting,
            ))
            .first(conn)
    })?;
    let events: Vec<PublicEventRow> = db_run!(conn, {
        report_events::table
            .filter(report_events::report_id.eq(&rid))
            .filter(report_events::public.eq(true))
            .order((report_events::created_at.asc(), report_events::id.asc()))
            .select((
                report_events::created_at,
                report_events::kind,
                report_events::by_role,
                report_events::body,
                report_events::reason,
                report_events::to_status,
            ))
            .load(conn)
    })?;
    let photos = photo_ids(conn, report_id)?;
    let erasure: (Option<i64>, Option<i64>) = db_run!(conn, {
        reports::table
            .filter(reports::id.eq(&rid))
            .select((
                reports::erasure_requested_at,
                reports::personal_data_erased_at,
            ))
            .first(conn)
    })?;
    let (code, kind, category, unit_name, status, counter_name, anonymous, description, at, meet) =
        row;
    let (deadline, citizen_actions) = super::cases::citizen_outlook(conn, report_id)?;
    let meeting =
        if meet && shared::workflow::ReportStatus::parse(&status).is_some_and(|s| s.is_open()) {
            let rid = report_id.to_string();
            let (weekday, start, end, address): (i32, String, String, String) = db_run!(conn, {
                reports::table
                    .inner_join(units::table)
                    .filter(reports::id.eq(&rid))
                    .select((
                        units::reception_weekday,
                        units::reception_start,
                        units::reception_end,
                        units::address,
                    ))
                    .first(conn)
            })?;
            let cal = super::calendar::current(conn)?;
            let today = shared::calendar::Date::from_unix_ms_vietnam(now_ms());
            let day = shared::case::next_reception_day(&cal, weekday as u8, today);
            Some(shared::case::MeetingSlot {
                date: day.iso(),
                start,
                end,
                address,
            })
        } else {
            None
        };
    Ok(ReportView {
        tracking_code: grouped(&code),
        kind: ReportKind::parse(&kind).ok_or_else(|| AppError::internal("stored report kind"))?,
        category: ReportCategory::parse(&category)
            .ok_or_else(|| AppError::internal("stored report category"))?,
        unit_name,
        counter_name,
        status,
        anonymous,
        description,
        created_at: at,
        photos,
        wants_meeting: meet,
        timeline: events
            .into_iter()
            .map(|(at, kind, by_role, text, reason, to_status)| PublicEvent {
                at,
                kind,
                by_role,
                text,
                reason,
                to_status,
            })
            .collect(),
        access: None,
        deadline,
        meeting,
        citizen_actions,
        erasure_requested_at: erasure.0,
        personal_data_erased_at: erasure.1,
    })
}

/// The ids of a report's photos, in order (its own first, then those added later).
pub fn photo_ids(conn: &mut DbConn, report_id: &str) -> AppResult<Vec<String>> {
    let rid = report_id.to_string();
    Ok(db_run!(conn, {
        report_photos::table
            .filter(report_photos::report_id.eq(&rid))
            .order(report_photos::position.asc())
            .select(report_photos::id)
            .load(conn)
    })?)
}

/// A photo of a report, if it belongs to that report: (content type, where its bytes are).
pub fn photo(
    conn: &mut DbConn,
    report_id: &str,
    photo_id: &str,
    thumb: bool,
) -> AppResult<(String, PhotoBody)> {
    let (rid, pid) = (report_id.to_string(), photo_id.to_string());
    // (content type, full bytes, thumbnail bytes, object key)
    type PhotoRow = (String, Vec<u8>, Vec<u8>, Option<String>);
    let found: Option<PhotoRow> = db_run!(conn, {
        report_photos::table
            .filter(report_photos::id.eq(pid))
            .filter(report_photos::report_id.eq(rid))
            .select((
                report_photos::content_type,
                report_photos::full_bytes,
                report_photos::thumb_bytes,
                report_photos::object_key,
            ))
            .first(conn)
            .optional()
    })?;
    let (ct, full, small, key) = found.ok_or_else(AppError::not_found)?;
    Ok((ct, PhotoBody::of_row(key, full, small, thumb)))
}

pub fn wrong_code() -> AppError {
    AppError(ApiError::with_message(
        ErrorCode::NotFound,
        "Mã tra cứu hoặc mã bí mật không đúng. Vui lòng kiểm tra lại.",
        "The tracking code or the secret is wrong. Please check them.",
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_crockford_base32_of_80_bits() {
        let c = random_code();
        assert_eq!(c.len(), CODE_LEN);
        assert!(c.bytes().all(|b| CROCKFORD.contains(&b)));
        assert_ne!(c, random_code());
        assert_eq!(grouped("ABCDEFGHJKMNPQRS"), "ABCD-EFGH-JKMN-PQRS");
        assert_eq!(code_from_digest(&[0u8; 32]), "0".repeat(16));
        assert_eq!(code_from_digest(&[0xff; 32]), "Z".repeat(16));
    }
}
