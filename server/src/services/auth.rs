//! Signing in and out, and refreshing tokens.

use super::accounts::{self, AccountRow};
use super::audit;
use crate::auth::{
    create_session, dummy_hash, revoke_session, token_hash, verify_password, Actor, Claims, ISSUER,
};
use crate::db::{in_transaction, now_ms, DbConn};
use crate::db_run;
use crate::error::{AppError, AppResult};
use crate::schema::sessions;
use crate::state::AppState;
use diesel::prelude::*;
use shared::audit::action as audit_action;
use shared::model::{LoginRequest, Me, Role, TokenResponse};
use shared::ErrorCode;

/// Checks a username and password. Runs argon2 even for unknown users so timing reveals
/// nothing. Deactivated accounts are refused after the password check, for the same reason.
pub fn check_password(conn: &mut DbConn, input: &LoginRequest) -> AppResult<AccountRow> {
    let account = accounts::by_username(conn, &input.username)?;
    let hash = account
        .as_ref()
        .map(|a| a.password_hash.as_str())
        .unwrap_or(dummy_hash());
    let ok = verify_password(&input.password, hash);
    match account {
        Some(a) if ok && a.active => Ok(a),
        Some(a) if ok && !a.active => Err(AppError::code(ErrorCode::AccountDisabled)),
        _ => Err(AppError::code(ErrorCode::InvalidCredentials)),
    }
}

pub fn access_token(state: &AppState, account: &AccountRow, session_id: &str) -> AppResult<String> {
    let now = now_ms() / 1000;
    state.jwt.encode(&Claims {
        sub: account.id.clone(),
        sid: session_id.to_string(),
        role: Role::parse(&account.role).unwrap_or(Role::Officer),
        unit: account.unit_id.clone(),
        ver: account.auth_version,
        iat: now,
        exp: now + state.config.access_ttl_secs,
        iss: ISSUER.to_string(),
    })
}

/// Checks the password and records the attempt in the audit log: a failure in a transaction of
/// its own (the request fails, the entry stays), a success together with the session it opens
/// (`start`), so that no session exists without its entry.
fn sign_in<T>(
    conn: &mut DbConn,
    input: &LoginRequest,
    from: &str,
    start: impl FnOnce(&mut DbConn, &AccountRow) -> AppResult<T>,
) -> AppResult<(AccountRow, T)> {
    let account = match check_password(conn, input) {
        Ok(a) => a,
        Err(e)
            if matches!(
                e.0.code,
                ErrorCode::InvalidCredentials | ErrorCode::AccountDisabled
            ) =>
        {
            let known = accounts::by_username(conn, &input.username)?;
            let unit = audit::unit_path(conn, known.as_ref().and_then(|a| a.unit_id.as_deref()))?;
            let entry = audit::Entry {
                actor_account_id: known.as_ref().map(|a| a.id.clone()),
                actor_role: known.map(|a| a.role).unwrap_or_default(),
                // What was typed, so that guessing at many names shows.
                actor_username: input.username.chars().take(100).collect(),
                action: audit_action::LOGIN_FAILED.into(),
                object_kind: "account".into(),
                object_id: String::new(),
                unit_path: None,
                from_address: Some(from.to_string()),
                detail: serde_json::json!({ "reason": e.0.code.as_str() }).to_string(),
            }
            .in_unit(unit);
            audit::record(conn, entry)?;
            return Err(e);
        }
        Err(e) => return Err(e),
    };
    let unit = audit::unit_path(conn, account.unit_id.as_deref())?;
    let started = in_transaction(conn, |conn| {
        let started = start(conn, &account)?;
        audit::append(
            conn,
            audit::Entry {
                actor_account_id: Some(account.id.clone()),
                actor_role: account.role.clone(),
                actor_username: account.username.clone(),
                action: audit_action::LOGIN.into(),
                object_kind: "account".into(),
                object_id: account.id.clone(),
                unit_path: None,
                from_address: Some(from.to_string()),
                detail: "{}".into(),
            }
            .in_unit(unit),
        )?;
        Ok(started)
    })?;
    Ok((account, started))
}

pub fn api_login(
    state: &AppState,
    conn: &mut DbConn,
    input: &LoginRequest,
    from: &str,
) -> AppResult<TokenResponse> {
    let (account, (sid, refresh)) = sign_in(conn, input, from, |conn, account| {
        create_session(
            conn,
            &account.id,
            "api",
            account.auth_version,
            state.config.refresh_ttl_secs * 1000,
        )
    })?;
    Ok(TokenResponse {
        access_token: access_token(state, &account, &sid)?,
        token_type: "Bearer".into(),
        expires_in: state.config.access_ttl_secs,
        refresh_token: refresh,
        account: account.into_api(&state.data_key),
    })
}

/// Trades a refresh token for a new pair. A refresh token works once: presenting one that was
/// already traded means it was copied, so the whole session is ended.
pub fn refresh(
    state: &AppState,
    conn: &mut DbConn,
    refresh_token: &str,
) -> AppResult<TokenResponse> {
    let hash = token_hash(refresh_token);
    let now = now_ms();
    type Row = (String, String, String, i32, i64, Option<i64>);
    let h = hash.clone();
    let current: Option<Row> = db_run!(conn, {
        sessions::table
            .filter(sessions::token_hash.eq(h))
            .filter(sessions::kind.eq("api"))
            .select((
                sessions::id,
                sessions::account_id,
                sessions::kind,
                sessions::auth_version,
                sessions::expires_at,
                sessions::revoked_at,
            ))
            .first(conn)
            .optional()
    })?;
    let Some((sid, account_id, _, version, expires_at, revoked_at)) = current else {
        let h = hash.clone();
        let reused: Option<String> = db_run!(conn, {
            sessions::table
                .filter(sessions::previous_token_hash.eq(h))
                .select(sessions::id)
                .first(conn)
                .optional()
        })?;
        if let Some(sid) = reused {
            tracing::warn!(session = %sid, "refresh token reused; session revoked");
            revoke_session(conn, &sid)?;
        }
        return Err(AppError::code(ErrorCode::TokenInvalid));
    };
    if revoked_at.is_some() {
        return Err(AppError::code(ErrorCode::TokenInvalid));
    }
    if expires_at <= now {
        return Err(AppError::code(ErrorCode::TokenExpired));
    }
    let account = accounts::get(conn, &account_id)?;
    if !account.active {
        return Err(AppError::code(ErrorCode::AccountDisabled));
    }
    if account.auth_version != version {
        return Err(AppError::code(ErrorCode::TokenInvalid));
    }
    let new_token = crate::auth::random_token();
    let new_hash = token_hash(&new_token);
    let s = sid.clone();
    // Swap only if the token is still the current one, so two racing refreshes cannot both win.
    let swapped = db_run!(conn, {
        diesel::update(
            sessions::table
                .find(s)
                .filter(sessions::token_hash.eq(hash.clone()))
                .filter(sessions::revoked_at.is_null()),
        )
        .set((
            sessions::token_hash.eq(new_hash),
            sessions::previous_token_hash.eq(Some(hash)),
            sessions::last_used_at.eq(now),
        ))
        .execute(conn)
    })?;
    if swapped != 1 {
        return Err(AppError::code(ErrorCode::TokenInvalid));
    }
    Ok(TokenResponse {
        access_token: access_token(state, &account, &sid)?,
        token_type: "Bearer".into(),
        expires_in: state.config.access_ttl_secs,
        refresh_token: new_token,
        account: account.into_api(&state.data_key),
    })
}

pub fn web_login(
    state: &AppState,
    conn: &mut DbConn,
    input: &LoginRequest,
    from: &str,
) -> AppResult<(AccountRow, String)> {
    let (account, (_, token)) = sign_in(conn, input, from, |conn, account| {
        create_session(
            conn,
            &account.id,
            "web",
            account.auth_version,
            state.config.web_idle_ttl_secs * 1000,
        )
    })?;
    Ok((account, token))
}

pub fn logout(conn: &mut DbConn, actor: &Actor) -> AppResult<()> {
    let unit = audit::unit_path(conn, actor.unit_id.as_deref())?;
    in_transaction(conn, |conn| {
        revoke_session(conn, &actor.session_id)?;
        audit::append(
            conn,
            audit::Entry::by(actor, audit_action::LOGOUT, "account", &actor.account_id)
                .in_unit(unit),
        )?;
        Ok(())
    })
}

pub fn me(conn: &mut DbConn, actor: &Actor, key: &crate::crypto::DataKey) -> AppResult<Me> {
    let account = accounts::get(conn, &actor.account_id)?.into_api(key);
    let unit_name = match &account.unit_id {
        Some(u) => super::units::find(conn, u)?.map(|u| u.name),
        None => None,
    };
    Ok(Me { account, unit_name })
}
