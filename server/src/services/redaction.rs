//! Redacting a case's photos (`shared::redaction`): the committee covering a case or the head
//! handling it hides regions of a photo; the server renders the redacted copy from the original
//! (which is never changed) and stores it beside it. From then on every reader but the
//! committee gets the redacted copy only, full size and thumbnail; the committee gets it too
//! unless it asks for the original. Each redaction is written to the audit log in the same
//! transaction as the copy it stores.

use super::audit;
use super::cases::{load_case, role_on_case};
use crate::auth::Actor as Account;
use crate::db::{in_transaction, now_ms, Db, DbConn};
use crate::db_run;
use crate::error::{AppError, AppResult};
use crate::photo_store::{PhotoBody, PhotoBytes, PhotoStore};
use crate::schema::{accounts, photo_redactions, report_photos, reports};
use diesel::prelude::*;
use shared::audit::action as audit_action;
use shared::redaction::{
    may_redact, may_see_original, PhotoRedaction, RedactionRegion, RedactionRequest,
};
use shared::workflow::Actor;
use shared::{ApiError, ErrorCode};

/// Which copy of a photo a reader asks for.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PhotoVariant {
    /// The thumbnail instead of the full-size photo.
    pub thumb: bool,
    /// The original of a redacted photo (the committee only).
    pub original: bool,
}

fn not_allowed() -> AppError {
    AppError(ApiError::with_message(
        ErrorCode::Forbidden,
        "Chỉ ủy ban kiểm tra phụ trách hoặc thủ trưởng đơn vị xử lý phản ánh mới được che ảnh.",
        "Only the committee overseeing the case or the head handling it may redact its photos.",
    ))
}

fn stored_regions(json: &str) -> AppResult<Vec<RedactionRegion>> {
    serde_json::from_str(json).map_err(|e| AppError::internal(format!("stored regions: {e}")))
}

/// The redactions of a case's photos, for its page.
pub fn of_case(conn: &mut DbConn, case_id: &str) -> AppResult<Vec<PhotoRedaction>> {
    let rid = case_id.to_string();
    let rows: Vec<(String, String, i64, Option<String>)> = db_run!(conn, {
        photo_redactions::table
            .left_join(
                accounts::table.on(accounts::id.nullable().eq(photo_redactions::redacted_by)),
            )
            .filter(photo_redactions::report_id.eq(&rid))
            .select((
                photo_redactions::photo_id,
                photo_redactions::regions,
                photo_redactions::redacted_at,
                accounts::full_name.nullable(),
            ))
            .load(conn)
    })?;
    rows.into_iter()
        .map(|(photo_id, regions, redacted_at, by_name)| {
            Ok(PhotoRedaction {
                photo_id,
                regions: stored_regions(&regions)?,
                redacted_at,
                by_name,
            })
        })
        .collect()
}

/// A photo of a case as `role` may see it: the redacted copy when there is one, the original
/// only to the committee when it asks; anything else is "not found", as for a reader without
/// access. Returns (content type, where its bytes are).
pub fn photo_for(
    conn: &mut DbConn,
    role: Actor,
    case_id: &str,
    photo_id: &str,
    variant: PhotoVariant,
) -> AppResult<(String, PhotoBody)> {
    if variant.original {
        if !may_see_original(role) {
            return Err(AppError::not_found());
        }
        return super::reports::photo(conn, case_id, photo_id, variant.thumb);
    }
    let (rid, pid) = (case_id.to_string(), photo_id.to_string());
    let redacted: Option<(Vec<u8>, Vec<u8>, Option<String>)> = db_run!(conn, {
        photo_redactions::table
            .filter(photo_redactions::photo_id.eq(&pid))
            .filter(photo_redactions::report_id.eq(&rid))
            .select((
                photo_redactions::full_bytes,
                photo_redactions::thumb_bytes,
                photo_redactions::object_key,
            ))
            .first(conn)
            .optional()
    })?;
    match redacted {
        Some((full, thumb, key)) => Ok((
            "image/jpeg".to_string(),
            PhotoBody::of_row(key, full, thumb, variant.thumb),
        )),
        None => super::reports::photo(conn, case_id, photo_id, variant.thumb),
    }
}

/// The reader's role on the case if they may redact its photos: "not found" for a reader who
/// may not see the case, "forbidden" for one who sees it but may not redact.
fn redactor_role(conn: &mut DbConn, account: &Account, case_id: &str) -> AppResult<String> {
    let case = load_case(conn, case_id)?.ok_or_else(AppError::not_found)?;
    let role = role_on_case(account, &case).ok_or_else(AppError::not_found)?;
    if !may_redact(role) {
        return Err(not_allowed());
    }
    Ok(case.unit_path)
}

/// Sets (or replaces) the redaction of a case's photo and returns it. The checks and the
/// original are read first; the copy is rendered outside any transaction (it takes a CPU for a
/// moment and must not hold SQLite's write lock); then, in one transaction, the reader's right
/// is checked again, the copy stored and the audit entry appended. Bad regions change nothing.
pub async fn redact(
    db: &Db,
    photos: &PhotoStore,
    account: Account,
    case_id: String,
    photo_id: String,
    request: RedactionRequest,
) -> AppResult<PhotoRedaction> {
    let (account, original, regions) = {
        let (case_id, photo_id) = (case_id.clone(), photo_id.clone());
        db.run(move |conn| {
            redactor_role(conn, &account, &case_id)?;
            let regions = request.validated()?;
            let (full, key): (Vec<u8>, Option<String>) = db_run!(conn, {
                report_photos::table
                    .filter(report_photos::id.eq(&photo_id))
                    .filter(report_photos::report_id.eq(&case_id))
                    .select((report_photos::full_bytes, report_photos::object_key))
                    .first(conn)
                    .optional()
            })?
            .ok_or_else(AppError::not_found)?;
            Ok((
                account,
                PhotoBody::of_row(key, full, Vec::new(), false),
                regions,
            ))
        })
        .await?
    };
    let original = photos.get(original).await?;
    let thumb_side = crate::photo::PhotoLimits::default().thumb_side;
    let (full, thumb) = {
        let regions = regions.clone();
        tokio::task::spawn_blocking(move || {
            crate::photo::redact_jpeg(&original, &regions, thumb_side)
        })
        .await
        .map_err(AppError::internal)??
    };
    let (object_key, PhotoBytes { full, thumb }) = photos.put(PhotoBytes { full, thumb }).await?;
    let (redaction, replaced_key) = db
        .run(move |conn| {
            in_transaction(conn, |conn| {
                let (rid, pid) = (case_id.clone(), photo_id.clone());
                // Two redactions of the case's photos at once (two browser tabs, the head and the
                // committee) are serialised on the case's row, as its actions are: on PostgreSQL a
                // row lock, on SQLite the immediate transaction's write lock already.
                db_run!(conn, {
                    diesel::update(reports::table.find(&rid))
                        .set(reports::updated_at.eq(reports::updated_at))
                        .execute(conn)
                })?;
                let unit_path = redactor_role(conn, &account, &case_id)?;
                let regions_json = serde_json::to_string(&regions).map_err(AppError::internal)?;
                let now = now_ms();
                let by = Some(account.account_id.clone()).filter(|id| !id.is_empty());
                let replaced: Option<(String, Option<String>)> = db_run!(conn, {
                    photo_redactions::table
                        .find(&pid)
                        .select((photo_redactions::regions, photo_redactions::object_key))
                        .first(conn)
                        .optional()
                })?;
                let (replaced, replaced_key) = replaced.unzip();
                // What a redaction sets, whether it is the photo's first or replaces one.
                let copy = (
                    photo_redactions::regions.eq(&regions_json),
                    photo_redactions::full_bytes.eq(full.as_slice()),
                    photo_redactions::thumb_bytes.eq(thumb.as_slice()),
                    photo_redactions::object_key.eq(object_key.clone()),
                    photo_redactions::redacted_by.eq(by.clone()),
                    photo_redactions::redacted_at.eq(now),
                );
                if replaced.is_some() {
                    db_run!(conn, {
                        diesel::update(photo_redactions::table.find(&pid))
                            .set(copy.clone())
                            .execute(conn)
                    })?;
                } else {
                    db_run!(conn, {
                        diesel::insert_into(photo_redactions::table)
                            .values((
                                photo_redactions::photo_id.eq(&pid),
                                photo_redactions::report_id.eq(&rid),
                                copy.clone(),
                            ))
                            .execute(conn)
                    })?;
                }
                let previous = replaced.as_deref().map(stored_regions).transpose()?;
                audit::append(
                    conn,
                    audit::Entry::by(&account, audit_action::PHOTO_REDACT, "photo", &photo_id)
                        .in_unit(Some(unit_path))
                        .with_detail(serde_json::json!({
                            "case": case_id,
                            "regions": regions,
                            "replaced": previous,
                        })),
                )?;
                Ok((
                    PhotoRedaction {
                        photo_id: photo_id.clone(),
                        regions,
                        redacted_at: now,
                        by_name: Some(account.full_name.clone()),
                    },
                    replaced_key.flatten(),
                ))
            })
        })
        .await?;
    // The replaced copy's object, once nothing names it. Failing here leaves an object no row
    // names, never a row without its object, so it is logged and the redaction stands.
    if let Some(key) = replaced_key {
        let photos = photos.clone();
        if let Err(e) = db
            .run(move |conn| photos.delete_unreferenced(conn, &[key], None))
            .await
        {
            tracing::warn!(error = %e.0.message.en, "the replaced redacted copy stays in the object store");
        }
    }
    Ok(redaction)
}
