//! Satisfaction ratings from a counter's QR page: no account, so abuse is held back by keyed
//! hashes of the device and the network (one rating per device per counter per window, bursts
//! flagged), and a retried submission is recognised by its idempotency key. Flagged ratings
//! wait for an administrator or head of unit to review them; [`publishable`] says which
//! ratings the published figures may count.

use super::subtree_range;
use crate::auth::Actor;
use crate::db::{in_transaction, new_id, now_ms, DbConn};
use crate::db_run;
use crate::error::{AppError, AppResult};
use crate::schema::{counters, ratings, staff, units};
use diesel::prelude::*;
use sha2::{Digest, Sha256};
use shared::citizen::{
    NewRating, PublicCounter, PublicOfficer, RatingDetail, RatingReceipt, Satisfaction, SipasScores,
};
use shared::model::{Page, Role};
use shared::review::{FlaggedQuery, FlaggedRating, ReviewReceipt, ReviewRequest};
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
    request_hash: Option<String>,
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

/// SHA-256 of a validated rating as JSON: a retry sends the same, another rating does not.
fn request_hash(input: &NewRating) -> AppResult<String> {
    let json = serde_json::to_vec(input).map_err(AppError::internal)?;
    let mut h = Sha256::new();
    h.update(b"rating:");
    h.update(&json);
    Ok(hex::encode(h.finalize()))
}

/// A key sent again with another rating: refused, and the stored rating is left as it is.
fn replayed_differently() -> AppError {
    AppError(ApiError::with_message(
        ErrorCode::Conflict,
        "Đánh giá này đã được gửi trước đó với nội dung khác. Đánh giá đã gửi không bị thay đổi. Để đánh giá lại, vui lòng tải lại trang.",
        "This rating was already sent with different content. The rating already sent has not been changed. To rate again, please reload the page.",
    ))
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
/// idempotency key and the same rating gets the first receipt back (the same key with another
/// rating is a conflict); a second rating of the same counter from the same device within the
/// window is refused politely; a burst is stored but flagged.
pub fn submit_one(
    conn: &mut DbConn,
    input: &NewRating,
    source: &RatingSource,
    rules: &RatingRules,
) -> AppResult<RatingReceipt> {
    let request_hash = request_hash(input)?;
    if let Some(existing) = find_by_key(conn, &input.idempotency_key)? {
        // Rows stored before fingerprints were kept (NULL) match any rating.
        if existing
            .request_hash
            .as_deref()
            .is_some_and(|stored| stored != request_hash)
        {
            return Err(replayed_differently());
        }
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
        ratings::request_hash.eq(Some(request_hash)),
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

// ---------------------------------------------------------------------------------------------
// What may be published, and the review of flagged ratings

/// The outcome a review stores for a rating that goes back into the figures.
const COUNTED: &str = "counted";

/// The SQL type of [`publishable`], for code that must name it (a boxed query, a helper).
pub type Publishable = diesel::dsl::Or<
    diesel::dsl::not<ratings::flagged>,
    diesel::dsl::Eq<ratings::review_outcome, &'static str>,
>;

/// **The one definition of a rating that may be published** (in the satisfaction rate and every
/// other published figure): a rating that was never flagged, or a flagged one that a reviewer
/// decided to count. A flagged rating awaiting review, or rejected, is kept but never counted.
///
/// In SQL: `NOT ratings.flagged OR ratings.review_outcome = 'counted'`. Use it as a filter on
/// any query over `ratings`, e.g. `ratings::table.filter(publishable())`; for a flagged rating
/// not yet reviewed the second term is NULL and the row is left out, as it must be.
pub fn publishable() -> Publishable {
    diesel::dsl::not(ratings::flagged).or(ratings::review_outcome.eq(COUNTED))
}

/// Only administrators and heads of units review flagged ratings, each within their subtree.
fn require_reviewer(actor: &Actor) -> AppResult<()> {
    match actor.role {
        Role::Admin | Role::Head => Ok(()),
        Role::Officer | Role::Committee => Err(AppError(ApiError::with_message(
            ErrorCode::Forbidden,
            "Chỉ quản trị viên hoặc thủ trưởng đơn vị được xem xét các đánh giá bị gắn cờ.",
            "Only administrators and heads of units may review flagged ratings.",
        ))),
    }
}

#[derive(Queryable)]
struct FlaggedRow {
    id: String,
    unit_id: String,
    unit_name: String,
    counter_id: String,
    counter_name: String,
    staff_id: Option<String>,
    staff_name: Option<String>,
    overall: String,
    access: Option<i32>,
    procedure: Option<i32>,
    attitude: Option<i32>,
    timeliness: Option<i32>,
    feedback_handling: Option<i32>,
    comment: String,
    dossier_code: String,
    flag_reason: Option<String>,
    created_at: i64,
}

impl FlaggedRow {
    fn into_api(self) -> FlaggedRating {
        let level = |v: Option<i32>| v.and_then(|v| u8::try_from(v).ok());
        FlaggedRating {
            id: self.id,
            unit_id: self.unit_id,
            unit_name: self.unit_name,
            counter_id: self.counter_id,
            counter_name: self.counter_name,
            staff_id: self.staff_id,
            staff_name: self.staff_name,
            overall: Satisfaction::parse(&self.overall).unwrap_or(Satisfaction::Satisfied),
            sipas: SipasScores {
                access: level(self.access),
                procedure: level(self.procedure),
                attitude: level(self.attitude),
                timeliness: level(self.timeliness),
                feedback_handling: level(self.feedback_handling),
            },
            comment: self.comment,
            dossier_code: self.dossier_code,
            flag_reason: self.flag_reason.unwrap_or_default(),
            created_at: self.created_at,
        }
    }
}

/// The flagged ratings awaiting review in the actor's units (or in one unit and the units below
/// it), newest first. The filter repeats the partial index `ratings_awaiting_review` word for
/// word (`flagged AND review_outcome IS NULL`), so only the ratings awaiting review are read.
pub fn awaiting_review(
    conn: &mut DbConn,
    actor: &Actor,
    q: &FlaggedQuery,
) -> AppResult<Page<FlaggedRating>> {
    require_reviewer(actor)?;
    let root = match q.unit_id.as_deref().filter(|id| !id.is_empty()) {
        Some(id) => super::units::visible(conn, actor, id)?.path,
        None => actor.scope_path.clone(),
    };
    let range = subtree_range(&root);
    let (page, per_page) = (q.page(), q.per_page());
    let (limit, skip) = (per_page as i64, (page as i64 - 1) * per_page as i64);
    let (rows, total) = db_run!(conn, {
        let build = || {
            let mut query = ratings::table
                .inner_join(units::table.on(units::id.eq(ratings::unit_id)))
                .inner_join(counters::table)
                .left_join(staff::table.on(staff::id.nullable().eq(ratings::staff_id)))
                .filter(ratings::flagged.and(ratings::review_outcome.is_null()))
                .into_boxed();
            if let Some((lo, hi)) = &range {
                query = query
                    .filter(units::path.ge(lo.clone()))
                    .filter(units::path.lt(hi.clone()));
            }
            query
        };
        let total: i64 = build().count().get_result(conn)?;
        let rows: Vec<FlaggedRow> = build()
            .order((ratings::created_at.desc(), ratings::id.desc()))
            .limit(limit)
            .offset(skip)
            .select((
                ratings::id,
                ratings::unit_id,
                units::name,
                ratings::counter_id,
                counters::name,
                ratings::staff_id,
                staff::full_name.nullable(),
                ratings::overall,
                ratings::sipas_access,
                ratings::sipas_procedure,
                ratings::sipas_attitude,
                ratings::sipas_timeliness,
                ratings::sipas_feedback_handling,
                ratings::comment,
                ratings::dossier_code,
                ratings::flag_reason,
                ratings::created_at,
            ))
            .load(conn)?;
        Ok::<_, diesel::result::Error>((rows, total))
    })?;
    Ok(Page {
        items: rows.into_iter().map(FlaggedRow::into_api).collect(),
        total,
        page,
        per_page,
    })
}

/// The ids of a refusal, for its message: a few, then "…".
fn listed(ids: &[String]) -> String {
    let mut s = ids.iter().take(5).cloned().collect::<Vec<_>>().join(", ");
    if ids.len() > 5 {
        s.push_str(", …");
    }
    s
}

fn not_in_your_units(ids: &[String]) -> AppError {
    AppError(ApiError::with_message(
        ErrorCode::NotFound,
        format!(
            "Không tìm thấy đánh giá trong các đơn vị bạn phụ trách: {}. Chưa có đánh giá nào được thay đổi.",
            listed(ids)
        ),
        format!(
            "These ratings were not found among the ratings of your units: {}. No rating was changed.",
            listed(ids)
        ),
    ))
}

fn already_reviewed(ids: &[String]) -> AppError {
    AppError(ApiError::with_message(
        ErrorCode::Conflict,
        format!(
            "Đánh giá đã được xem xét rồi, không thể xem xét lại: {}. Chưa có đánh giá nào được thay đổi.",
            listed(ids)
        ),
        format!(
            "These ratings have already been reviewed and cannot be reviewed again: {}. No rating was changed.",
            listed(ids)
        ),
    ))
}

fn not_flagged(ids: &[String]) -> AppError {
    AppError(ApiError::with_message(
        ErrorCode::Conflict,
        format!(
            "Đánh giá không bị gắn cờ nên không cần xem xét: {}. Chưa có đánh giá nào được thay đổi.",
            listed(ids)
        ),
        format!(
            "These ratings are not flagged, so there is nothing to review: {}. No rating was changed.",
            listed(ids)
        ),
    ))
}

/// Reviews flagged ratings: all of them with the same outcome, or none of them. A rating
/// outside the actor's units is "not found" (as everywhere, ids outside one's subtree cannot
/// be probed); one already reviewed, or never flagged, is a conflict. Two reviewers deciding at
/// once cannot both win: the update only touches ratings still awaiting review and is undone
/// unless it touched every one.
pub fn review(conn: &mut DbConn, actor: &Actor, input: &ReviewRequest) -> AppResult<ReviewReceipt> {
    require_reviewer(actor)?;
    let input = shared::review::review_request(input)?;
    let ids = input.rating_ids.clone();
    let now = now_ms();
    in_transaction(conn, |conn| {
        let wanted = ids.clone();
        let found: Vec<(String, bool, Option<String>, String)> = db_run!(conn, {
            ratings::table
                .inner_join(units::table.on(units::id.eq(ratings::unit_id)))
                .filter(ratings::id.eq_any(wanted))
                .select((
                    ratings::id,
                    ratings::flagged,
                    ratings::review_outcome,
                    units::path,
                ))
                .load(conn)
        })?;
        let find = |id: &String| found.iter().find(|r| &r.0 == id);
        let outside: Vec<String> = ids
            .iter()
            .filter(|id| find(id).is_none_or(|r| !actor.covers(&r.3)))
            .cloned()
            .collect();
        if !outside.is_empty() {
            return Err(not_in_your_units(&outside));
        }
        let done: Vec<String> = found
            .iter()
            .filter(|r| r.2.is_some())
            .map(|r| r.0.clone())
            .collect();
        if !done.is_empty() {
            return Err(already_reviewed(&done));
        }
        let unflagged: Vec<String> = found.iter().filter(|r| !r.1).map(|r| r.0.clone()).collect();
        if !unflagged.is_empty() {
            return Err(not_flagged(&unflagged));
        }
        let (wanted, outcome, by, note) = (
            ids.clone(),
            input.outcome.as_str(),
            actor.account_id.clone(),
            input.note.clone(),
        );
        let changed = db_run!(conn, {
            diesel::update(
                ratings::table
                    .filter(ratings::id.eq_any(wanted))
                    .filter(ratings::flagged.and(ratings::review_outcome.is_null())),
            )
            .set((
                ratings::review_outcome.eq(outcome),
                ratings::reviewed_by.eq(by),
                ratings::reviewed_at.eq(now),
                ratings::review_note.eq(note),
                ratings::updated_at.eq(now),
            ))
            .execute(conn)
        })?;
        if changed != ids.len() {
            // Someone else reviewed some of them in the meantime: undo ours.
            return Err(already_reviewed(&ids));
        }
        Ok(())
    })?;
    tracing::info!(
        reviewer = %actor.account_id,
        outcome = input.outcome.as_str(),
        ratings = ids.len(),
        "flagged ratings reviewed"
    );
    Ok(ReviewReceipt {
        rating_ids: ids,
        outcome: input.outcome,
        reviewed_at: now,
    })
}
