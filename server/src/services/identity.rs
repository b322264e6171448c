//! Revealing an identified reporter. The name, phone and e-mail are stored encrypted
//! (`crypto::DataKey`) and no page or export shows them; a member of a committee over the case
//! may reveal them by writing why. Each reveal is kept (who, when, the reason), appended to the
//! audit log in the same transaction, and listed on the case page for every committee member
//! who can read the case. The member who revealed sees the identity on the case page for
//! [`REVEAL_SHOWN_FOR_MS`]; after that, another reason is needed.

use super::audit;
use super::cases::{load_case, role_on_case, CaseRow};
use crate::auth::Actor as Account;
use crate::crypto::DataKey;
use crate::db::{in_transaction, new_id, now_ms, DbConn};
use crate::db_run;
use crate::error::{AppError, AppResult};
use crate::schema::{accounts, identity_reveals, reports};
use diesel::prelude::*;
use shared::audit::action as audit_action;
use shared::case::{IdentityReveal, RevealRequest, RevealedIdentity, REVEAL_SHOWN_FOR_MS};
use shared::workflow::Actor;
use shared::{ApiError, ErrorCode};

/// The reader may reveal this case's reporter: a committee over it, and someone to reveal.
pub fn may_reveal(role: Actor, case: &CaseRow) -> bool {
    role == Actor::Committee && !case.anonymous
}

/// Reveals the reporter of `case_id` to a committee member who gave `req.reason`.
pub fn reveal(
    conn: &mut DbConn,
    account: &Account,
    key: &DataKey,
    case_id: &str,
    req: &RevealRequest,
) -> AppResult<RevealedIdentity> {
    let case = load_case(conn, case_id)?.ok_or_else(AppError::not_found)?;
    // Whoever may not read the case learns nothing, not even that it exists.
    let role = role_on_case(account, &case).ok_or_else(AppError::not_found)?;
    if role != Actor::Committee {
        return Err(AppError(ApiError::with_message(
            ErrorCode::Forbidden,
            "Chỉ ủy ban kiểm tra phụ trách đơn vị này được xem danh tính người gửi.",
            "Only the committee overseeing this unit may reveal who sent a report.",
        )));
    }
    if case.anonymous {
        return Err(AppError(ApiError::with_message(
            ErrorCode::Conflict,
            "Phản ánh này được gửi ẩn danh: không có danh tính để xem.",
            "This report was sent anonymously: there is no identity to reveal.",
        )));
    }
    let reason = req.validated_reason()?;
    let at = now_ms();
    let reveal_id = new_id();
    in_transaction(conn, |conn| {
        let row = (
            identity_reveals::id.eq(&reveal_id),
            identity_reveals::report_id.eq(case_id),
            identity_reveals::account_id.eq(&account.account_id),
            identity_reveals::reason.eq(&reason),
            identity_reveals::created_at.eq(at),
        );
        db_run!(conn, {
            diesel::insert_into(identity_reveals::table)
                .values(row)
                .execute(conn)
        })?;
        // The reason stays in `identity_reveals` (the committee reads it there): the log's
        // detail never carries free text.
        audit::append(
            conn,
            audit::Entry::by(account, audit_action::IDENTITY_REVEAL, "case", case_id)
                .in_unit(Some(case.unit_path.clone()))
                .with_detail(serde_json::json!({ "reveal_id": reveal_id })),
        )?;
        Ok(())
    })?;
    decrypt_reporter(conn, key, case_id, at + REVEAL_SHOWN_FOR_MS)
}

/// The identity for the case page: only for a committee member who revealed it within the last
/// [`REVEAL_SHOWN_FOR_MS`].
pub fn shown_to(
    conn: &mut DbConn,
    account: &Account,
    key: &DataKey,
    case_id: &str,
) -> AppResult<Option<RevealedIdentity>> {
    let since = now_ms() - REVEAL_SHOWN_FOR_MS;
    let (rid, aid) = (case_id.to_string(), account.account_id.clone());
    let last: Option<i64> = db_run!(conn, {
        identity_reveals::table
            .filter(identity_reveals::report_id.eq(&rid))
            .filter(identity_reveals::account_id.eq(&aid))
            .filter(identity_reveals::created_at.gt(since))
            .select(diesel::dsl::max(identity_reveals::created_at))
            .first::<Option<i64>>(conn)
    })?;
    match last {
        Some(at) => Ok(Some(decrypt_reporter(
            conn,
            key,
            case_id,
            at + REVEAL_SHOWN_FOR_MS,
        )?)),
        None => Ok(None),
    }
}

/// Every reveal of the case's reporter, oldest first, with the member's name.
pub fn reveals_of(conn: &mut DbConn, case_id: &str) -> AppResult<Vec<IdentityReveal>> {
    let rid = case_id.to_string();
    let rows: Vec<(String, i64, String)> = db_run!(conn, {
        identity_reveals::table
            .inner_join(accounts::table)
            .filter(identity_reveals::report_id.eq(&rid))
            .order(identity_reveals::created_at.asc())
            .select((
                accounts::full_name,
                identity_reveals::created_at,
                identity_reveals::reason,
            ))
            .load(conn)
    })?;
    Ok(rows
        .into_iter()
        .map(|(by_name, at, reason)| IdentityReveal {
            by_name,
            at,
            reason,
        })
        .collect())
}

fn decrypt_reporter(
    conn: &mut DbConn,
    key: &DataKey,
    case_id: &str,
    shown_until: i64,
) -> AppResult<RevealedIdentity> {
    let rid = case_id.to_string();
    let (name, phone, email): (Option<String>, Option<String>, Option<String>) = db_run!(conn, {
        reports::table
            .filter(reports::id.eq(&rid))
            .select((
                reports::reporter_name_enc,
                reports::reporter_phone_enc,
                reports::reporter_email_enc,
            ))
            .first(conn)
    })?;
    // A value that does not open with this key is a misconfigured key, not a user's mistake.
    let open = |v: Option<String>| -> AppResult<Option<String>> {
        v.map(|v| {
            key.decrypt(&v)
                .ok_or_else(|| AppError::internal("a reporter field does not decrypt"))
        })
        .transpose()
    };
    Ok(RevealedIdentity {
        full_name: open(name)?.unwrap_or_default(),
        phone: open(phone)?.unwrap_or_default(),
        email: open(email)?,
        shown_until,
    })
}
