//! Satisfaction ratings from a counter's QR page: no account, so abuse is held back by keyed
//! hashes of the device and the network (one rating per device per counter per window, bursts
//! flagged), and a retried submission is recognised by its idempotency key.

use crate::db::{new_id, now_ms, DbConn};
use crate::db_run;
use crate::error::{AppError, AppResult};
use crate::schema::{counters, ratings, staff, units};
use diesel::prelude::*;
use shared::citizen::{
    NewRating, PublicCounter, PublicOfficer, RatingDetail, RatingReceipt, Satisfaction, SipasScores,
};
use shared::{ApiError, ErrorCode};

/// The rules against ballot stuffing, from the settings.
#[derive(Debug, Clone)]
pub struct RatingRules {
    /// One rating per device per counter within this many seconds.
    pub device_window_secs: i64,
    /// More ratings than this at one counter within a minute are flagged as a burst.
    pub counter_burst_per_minute: i64,
    /// More ratings than this from one network within ten minutes are flagged.
    pub network_burst_per_10_minutes: i64,
    /// A citizen may add detail to their rating for this long after giving it.
    pub detail_window_secs: i64,
}

/// Who sent a rating, as far as the platform keeps it: keyed hashes, never the raw values.
#[derive(Debug, Clone)]
pub struct RatingSource {
    pub device_hash: String,
    pub network_hash: String,
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = ratings)]
struct ReceiptRow {
    id: String,
    counter_id: String,
    overall: String,
    staff_id: Option<String>,
    created_at: i64,
}

fn unknown_counter() -> AppError {
    AppError(ApiError::with_message(
        ErrorCode::NotFound,
        "Không tìm thấy quầy này. Mã QR có thể đã được thay; vui lòng quét mã đang dán tại quầy.",
        "This counter was not found. The QR code may have been replaced; please scan the code posted at the counter.",
    ))
}

/// The counter behind a QR token, if it and its unit are active: (counter id, unit id).
fn counter_of_token(conn: &mut DbConn, token: &str) -> AppResult<(String, String, String)> {
    let token = token.to_string();
    let found: Option<(String, String, String)> = db_run!(conn, {
        counters::table
            .inner_join(units::table)
            .filter(counters::qr_token.eq(token))
            .filter(counters::active.eq(true))
            .filter(units::active.eq(true))
            .select((counters::id, counters::unit_id, counters::qr_token))
            .first(conn)
            .optional()
    })?;
    found.ok_or_else(unknown_counter)
}

/// What the counter page shows: the unit, the counter and the officers serving there.
pub fn public_counter(conn: &mut DbConn, token: &str) -> AppResult<PublicCounter> {
    let t = token.to_string();
    let found: Option<(String, String, String, String)> = db_run!(conn, {
        counters::table
            .inner_join(units::table)
            .filter(counters::qr_token.eq(t))
            .filter(counters::active.eq(true))
            .filter(units::active.eq(true))
            .select((counters::id, counters::name, units::name, units::address))
            .first(conn)
            .optional()
    })?;
    let (counter_id, counter_name, unit_name, unit_address) = found.ok_or_else(unknown_counter)?;
    let officers: Vec<(String, String, String, String, bool, i64)> = db_run!(conn, {
        staff::table
            .filter(staff::counter_id.eq(&counter_id))
            .filter(staff::active.eq(true))
            .order(staff::full_name.asc())
            .select((
                staff::id,
                staff::full_name,
                staff::title,
                staff::badge_number,
                staff::has_photo,
                staff::updated_at,
            ))
            .load(conn)
    })?;
    Ok(PublicCounter {
        token: token.to_string(),
        counter_name,
        unit_name,
        unit_address,
        officers: officers
            .into_iter()
            .map(
                |(id, full_name, title, badge_number, has_photo, v)| PublicOfficer {
                    id,
                    full_name,
                    title,
                    badge_number,
                    has_photo,
                    photo_version: v,
                },
            )
            .collect(),
    })
}

fn receipt(row: ReceiptRow, token: &str) -> RatingReceipt {
    RatingReceipt {
        id: row.id,
        counter_token: token.to_string(),
        overall: Satisfaction::parse(&row.overall).unwrap_or(Satisfaction::Satisfied),
        staff_id: row.staff_id,
        created_at: row.created_at,
    }
}

fn find_by_key(conn: &mut DbConn, key: &str) -> AppResult<Option<ReceiptRow>> {
    let key = key.to_string();
    Ok(db_run!(conn, {
        ratings::table
            .filter(ratings::idempotency_key.eq(key))
            .select(ReceiptRow::as_select())
            .first(conn)
            .optional()
    })?)
}

/// The officer, if one was chosen, must serve in the counter's unit.
fn check_officer(conn: &mut DbConn, staff_id: &Option<String>, unit_id: &str) -> AppResult<()> {
    let Some(sid) = staff_id.clone() else {
        return Ok(());
    };
    let unit = unit_id.to_string();
    let n: i64 = db_run!(conn, {
        staff::table
            .filter(staff::id.eq(sid))
            .filter(staff::unit_id.eq(unit))
            .filter(staff::active.eq(true))
            .count()
            .get_result(conn)
    })?;
    if n == 0 {
        return Err(AppError(ApiError::field(
            "staff_id",
            shared::FieldCode::NotFound,
            "Không tìm thấy cán bộ này ở đơn vị.",
            "This officer was not found at this unit.",
        )));
    }
    Ok(())
}

fn score(v: Option<u8>) -> Option<i32> {
    v.map(i32::from)
}

/// Stores a validated rating, once, inside a transaction the caller holds (the batch writer
/// puts many ratings in one transaction, each in a savepoint). A retry with the same
/// idempotency key gets the first receipt back; a second rating of the same counter from the
/// same device within the window is refused politely; a burst is stored but flagged.
pub fn submit_one(
    conn: &mut DbConn,
    input: &NewRating,
    source: &RatingSource,
    rules: &RatingRules,
) -> AppResult<RatingReceipt> {
    if let Some(existing) = find_by_key(conn, &input.idempotency_key)? {
        let (counter_id, _, token) = counter_of_token(conn, &input.counter_token)?;
        if existing.counter_id != counter_id {
            return Err(AppError::code(ErrorCode::Conflict));
        }
        return Ok(receipt(existing, &token));
    }
    let (counter_id, unit_id, token) = counter_of_token(conn, &input.counter_token)?;
    check_officer(conn, &input.staff_id, &unit_id)?;
    let now = now_ms();
    let since_window = now - rules.device_window_secs * 1000;
    let (dev, cid) = (source.device_hash.clone(), counter_id.clone());
    let earlier: Option<i64> = db_run!(conn, {
        ratings::table
            .filter(ratings::device_hash.eq(dev))
            .filter(ratings::counter_id.eq(cid))
            .filter(ratings::created_at.gt(since_window))
            .select(ratings::created_at)
            .order(ratings::created_at.desc())
            .first(conn)
            .optional()
    })?;
    if earlier.is_some() {
        return Err(AppError(ApiError::with_message(
            ErrorCode::RateLimited,
            "Cảm ơn bạn! Bạn đã đánh giá quầy này rồi. Mỗi điện thoại đánh giá một quầy một lần trong một khoảng thời gian.",
            "Thank you! You have already rated this counter. Each phone can rate a counter once in a while.",
        )));
    }
    // Whether a threshold is reached needs at most that many rows, not a count of every
    // rating in the window: a busy counter must not make each new rating slower.
    let (cid, net) = (counter_id.clone(), source.network_hash.clone());
    let (counter_cap, network_cap) = (
        rules.counter_burst_per_minute.max(0),
        rules.network_burst_per_10_minutes.max(0),
    );
    let (at_counter, from_network): (usize, usize) = db_run!(conn, {
        let at_counter: Vec<String> = ratings::table
            .filter(ratings::counter_id.eq(cid))
            .filter(ratings::created_at.gt(now - 60_000))
            .select(ratings::id)
            .limit(counter_cap)
            .load(conn)?;
        let from_network: Vec<String> = ratings::table
            .filter(ratings::network_hash.eq(net))
            .filter(ratings::created_at.gt(now - 600_000))
            .select(ratings::id)
            .limit(network_cap)
            .load(conn)?;
        Ok::<_, diesel::result::Error>((at_counter.len(), from_network.len()))
    })?;
    let flag_reason = if at_counter as i64 >= counter_cap {
        Some("counter_burst")
    } else if from_network as i64 >= network_cap {
        Some("network_burst")
    } else {
        None
    };
    let id = new_id();
    let row = (
        ratings::id.eq(id.clone()),
        ratings::counter_id.eq(counter_id),
        ratings::unit_id.eq(unit_id),
        ratings::staff_id.eq(input.staff_id.clone()),
        ratings::overall.eq(input.overall.as_str()),
        ratings::sipas_access.eq(score(input.sipas.access)),
        ratings::sipas_procedure.eq(score(input.sipas.procedure)),
        ratings::sipas_attitude.eq(score(input.sipas.attitude)),
        ratings::sipas_timeliness.eq(score(input.sipas.timeliness)),
        ratings::sipas_feedback_handling.eq(score(input.sipas.feedback_handling)),
        ratings::comment.eq(input.comment.clone().unwrap_or_default()),
        ratings::dossier_code.eq(input.dossier_code.clone().unwrap_or_default()),
        ratings::device_hash.eq(source.device_hash.clone()),
        ratings::network_hash.eq(source.network_hash.clone()),
        ratings::flagged.eq(flag_reason.is_some()),
        ratings::flag_reason.eq(flag_reason),
        ratings::idempotency_key.eq(input.idempotency_key.clone()),
        ratings::created_at.eq(now),
        ratings::updated_at.eq(now),
    );
    db_run!(conn, {
        diesel::insert_into(ratings::table)
            .values(row.clone())
            .execute(conn)
    })?;
    if let Some(reason) = flag_reason {
        tracing::warn!(rating = %id, reason, "rating flagged for review");
    }
    Ok(RatingReceipt {
        id,
        counter_token: token,
        overall: input.overall,
        staff_id: input.staff_id.clone(),
        created_at: now,
    })
}

/// Adds the optional detail (SIPAS scores, comment, dossier code, officer) to a rating, from
/// the same device and shortly after it was given.
pub fn add_detail(
    conn: &mut DbConn,
    rating_id: &str,
    detail: &RatingDetail,
    source: &RatingSource,
    rules: &RatingRules,
) -> AppResult<RatingReceipt> {
    let rid = rating_id.to_string();
    let dev = source.device_hash.clone();
    let found: Option<(ReceiptRow, String, String)> = db_run!(conn, {
        ratings::table
            .inner_join(counters::table)
            .filter(ratings::id.eq(rid))
            .filter(ratings::device_hash.eq(dev))
            .select((
                ReceiptRow::as_select(),
                ratings::unit_id,
                counters::qr_token,
            ))
            .first(conn)
            .optional()
    })?;
    let not_yours = || {
        AppError(ApiError::with_message(
            ErrorCode::NotFound,
            "Không tìm thấy đánh giá này trên điện thoại của bạn.",
            "This rating was not found on your phone.",
        ))
    };
    let (row, unit_id, token) = found.ok_or_else(not_yours)?;
    if now_ms() - row.created_at > rules.detail_window_secs * 1000 {
        return Err(AppError(ApiError::with_message(
            ErrorCode::Forbidden,
            "Đã quá thời gian bổ sung chi tiết cho đánh giá này.",
            "It is too late to add detail to this rating.",
        )));
    }
    check_officer(conn, &detail.staff_id, &unit_id)?;
    let SipasScores {
        access,
        procedure,
        attitude,
        timeliness,
        feedback_handling,
    } = detail.sipas.clone();
    let staff_id = detail.staff_id.clone().or(row.staff_id.clone());
    let (rid, now) = (row.id.clone(), now_ms());
    let changes = (
        ratings::staff_id.eq(staff_id.clone()),
        ratings::sipas_access.eq(score(access)),
        ratings::sipas_procedure.eq(score(procedure)),
        ratings::sipas_attitude.eq(score(attitude)),
        ratings::sipas_timeliness.eq(score(timeliness)),
        ratings::sipas_feedback_handling.eq(score(feedback_handling)),
        ratings::comment.eq(detail.comment.clone().unwrap_or_default()),
        ratings::dossier_code.eq(detail.dossier_code.clone().unwrap_or_default()),
        ratings::updated_at.eq(now),
    );
    db_run!(conn, {
        diesel::update(ratings::table.find(rid))
            .set(changes.clone())
            .execute(conn)
    })?;
    Ok(RatingReceipt {
        staff_id,
        ..receipt(row, &token)
    })
}
