//! Who is asking: passwords (argon2id), access tokens (JWT, HS256 only), refresh and web
//! session tokens (random, stored as SHA-256 hashes), and the `Actor` every handler receives.
//!
//! Every authenticated request checks its session row, so a logout, a deactivation or a role
//! change takes effect at once rather than when a token expires.

use crate::db::{now_ms, DbConn};
use crate::error::{AppError, AppResult};
use crate::schema::{accounts, sessions, units};
use crate::state::AppState;
use actix_web::{dev::Payload, web, FromRequest, HttpRequest};
use argon2::password_hash::{
    rand_core::OsRng, PasswordHash, PasswordHasher, PasswordVerifier, SaltString,
};
use argon2::Argon2;
use base64::Engine;
use diesel::prelude::*;
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use rand::RngCore;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use shared::model::Role;
use shared::ErrorCode;
use std::future::Future;
use std::pin::Pin;

pub const SESSION_COOKIE: &str = "mb_session";
pub const ISSUER: &str = "minhbach";

pub fn hash_password(password: &str) -> AppResult<String> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(AppError::internal)
}

pub fn verify_password(password: &str, hash: &str) -> bool {
    match PasswordHash::new(hash) {
        Ok(parsed) => Argon2::default()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok(),
        Err(_) => false,
    }
}

/// A hash of nothing in particular, verified against when the username is unknown so that a
/// wrong username costs the same time as a wrong password.
pub fn dummy_hash() -> &'static str {
    static DUMMY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DUMMY.get_or_init(|| hash_password("minhbach-no-such-user").unwrap_or_default())
}

/// 256 random bits, URL-safe.
pub fn random_token() -> String {
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

pub fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Claims {
    pub sub: String,
    pub sid: String,
    pub role: Role,
    pub unit: Option<String>,
    pub ver: i32,
    pub iat: i64,
    pub exp: i64,
    pub iss: String,
}

#[derive(Clone)]
pub struct JwtKeys {
    encoding: EncodingKey,
    decoding: DecodingKey,
}

impl JwtKeys {
    pub fn new(secret: &[u8]) -> JwtKeys {
        JwtKeys {
            encoding: EncodingKey::from_secret(secret),
            decoding: DecodingKey::from_secret(secret),
        }
    }

    pub fn encode(&self, claims: &Claims) -> AppResult<String> {
        jsonwebtoken::encode(&Header::new(Algorithm::HS256), claims, &self.encoding)
            .map_err(AppError::internal)
    }

    /// Only HS256 is accepted: a token claiming `none` or any other algorithm is refused.
    pub fn decode(&self, token: &str) -> Result<Claims, ErrorCode> {
        let mut validation = Validation::new(Algorithm::HS256);
        validation.set_required_spec_claims(&["exp", "iat", "sub", "iss"]);
        validation.set_issuer(&[ISSUER]);
        validation.leeway = 5;
        jsonwebtoken::decode::<Claims>(token, &self.decoding, &validation)
            .map(|d| d.claims)
            .map_err(|e| match e.kind() {
                jsonwebtoken::errors::ErrorKind::ExpiredSignature => ErrorCode::TokenExpired,
                _ => ErrorCode::TokenInvalid,
            })
    }
}

/// The signed-in account behind a request, with the subtree its role covers.
#[derive(Debug, Clone)]
pub struct Actor {
    pub account_id: String,
    pub username: String,
    pub full_name: String,
    pub role: Role,
    pub unit_id: Option<String>,
    /// Materialised path of the account's unit ("" for a national administrator: everything).
    pub scope_path: String,
    pub session_id: String,
    /// The staff record of the person behind the account, if linked: reports naming them are
    /// never shown to them.
    pub staff_id: Option<String>,
    /// The network address the request came from (see [`client_address`]), for the audit log;
    /// `None` when the account acts other than through a request (the command line).
    pub from: Option<String>,
}

impl Actor {
    /// Does this account's subtree contain the unit with this path?
    pub fn covers(&self, unit_path: &str) -> bool {
        unit_path.starts_with(&self.scope_path)
    }

    pub fn is_admin(&self) -> bool {
        self.role == Role::Admin
    }

    /// An administrator without a unit: the only one who edits what holds everywhere (the
    /// calendar of days off, the deadline settings).
    pub fn is_national_admin(&self) -> bool {
        self.role == Role::Admin && self.scope_path.is_empty()
    }

    pub fn require_admin(&self) -> AppResult<()> {
        if self.is_admin() {
            Ok(())
        } else {
            Err(AppError::forbidden())
        }
    }
}

#[derive(Queryable)]
struct SessionRow {
    session_id: String,
    kind: String,
    expires_at: i64,
    revoked_at: Option<i64>,
    session_version: i32,
    account_id: String,
    username: String,
    full_name: String,
    role: String,
    unit_id: Option<String>,
    active: bool,
    auth_version: i32,
    scope_path: Option<String>,
    staff_id: Option<String>,
}

pub enum Credential {
    /// A JWT from the `Authorization: Bearer` header.
    Access(Claims),
    /// The web session cookie.
    WebSession(String),
}

/// Loads and checks the session behind a credential; slides a web session's idle expiry.
pub fn load_actor(conn: &mut DbConn, cred: &Credential, web_idle_ttl_ms: i64) -> AppResult<Actor> {
    let now = now_ms();
    let row: Option<SessionRow> = crate::db_run!(conn, {
        let query = sessions::table
            .inner_join(accounts::table)
            .left_join(units::table.on(accounts::unit_id.eq(units::id.nullable())))
            .select((
                sessions::id,
                sessions::kind,
                sessions::expires_at,
                sessions::revoked_at,
                sessions::auth_version,
                accounts::id,
                accounts::username,
                accounts::full_name,
                accounts::role,
                accounts::unit_id,
                accounts::active,
                accounts::auth_version,
                units::path.nullable(),
                accounts::staff_id,
            ))
            .into_boxed();
        let query = match cred {
            Credential::Access(claims) => query.filter(sessions::id.eq(claims.sid.clone())),
            Credential::WebSession(token) => {
                query.filter(sessions::token_hash.eq(token_hash(token)))
            }
        };
        query.first::<SessionRow>(conn).optional()
    })?;
    let row = row.ok_or_else(|| AppError::code(ErrorCode::TokenInvalid))?;
    let kind_ok = match cred {
        Credential::Access(c) => {
            row.kind == "api" && c.sub == row.account_id && c.ver == row.auth_version
        }
        Credential::WebSession(_) => row.kind == "web",
    };
    if !kind_ok || row.revoked_at.is_some() || row.session_version != row.auth_version {
        return Err(AppError::code(ErrorCode::TokenInvalid));
    }
    if !row.active {
        return Err(AppError::code(ErrorCode::AccountDisabled));
    }
    if matches!(cred, Credential::WebSession(_)) {
        if row.expires_at <= now {
            return Err(AppError::code(ErrorCode::TokenExpired));
        }
        // Slide the idle timeout, at most once a minute to spare the database writes.
        let new_expiry = now + web_idle_ttl_ms;
        if new_expiry - row.expires_at > 60_000 {
            let sid = row.session_id.clone();
            crate::db_run!(conn, {
                diesel::update(sessions::table.find(sid))
                    .set((
                        sessions::expires_at.eq(new_expiry),
                        sessions::last_used_at.eq(now),
                    ))
                    .execute(conn)
            })?;
        }
    }
    let role =
        Role::parse(&row.role).ok_or_else(|| AppError::internal("unknown role in database"))?;
    Ok(Actor {
        account_id: row.account_id,
        username: row.username,
        full_name: row.full_name,
        role,
        unit_id: row.unit_id,
        scope_path: row.scope_path.unwrap_or_default(),
        session_id: row.session_id,
        staff_id: row.staff_id,
        from: None,
    })
}

/// An account as a reader, by username, without a session: for the command line's benchmarks.
pub fn actor_by_username(conn: &mut DbConn, username: &str) -> AppResult<Actor> {
    let name = username.to_string();
    let row: (
        String,
        String,
        String,
        String,
        Option<String>,
        Option<String>,
        Option<String>,
    ) = crate::db_run!(conn, {
        accounts::table
            .left_join(units::table.on(accounts::unit_id.eq(units::id.nullable())))
            .filter(accounts::username.eq(&name))
            .select((
                accounts::id,
                accounts::username,
                accounts::full_name,
                accounts::role,
                accounts::unit_id,
                units::path.nullable(),
                accounts::staff_id,
            ))
            .first(conn)
    })?;
    let (account_id, username, full_name, role, unit_id, scope_path, staff_id) = row;
    Ok(Actor {
        account_id,
        username,
        full_name,
        role: Role::parse(&role).ok_or_else(|| AppError::internal("unknown role in database"))?,
        unit_id,
        scope_path: scope_path.unwrap_or_default(),
        session_id: String::new(),
        staff_id,
        from: None,
    })
}

/// Reads the credential a request carries: a bearer token wins over the cookie.
pub fn credential_of(req: &HttpRequest, keys: &JwtKeys) -> AppResult<Option<Credential>> {
    if let Some(h) = req.headers().get(actix_web::http::header::AUTHORIZATION) {
        let value = h
            .to_str()
            .map_err(|_| AppError::code(ErrorCode::TokenInvalid))?;
        let token = value
            .strip_prefix("Bearer ")
            .or_else(|| value.strip_prefix("bearer "))
            .ok_or_else(|| AppError::code(ErrorCode::TokenInvalid))?;
        let claims = keys.decode(token.trim()).map_err(AppError::code)?;
        return Ok(Some(Credential::Access(claims)));
    }
    if let Some(c) = req.cookie(SESSION_COOKIE) {
        if !c.value().is_empty() {
            return Ok(Some(Credential::WebSession(c.value().to_string())));
        }
    }
    Ok(None)
}

pub async fn authenticate(req: &HttpRequest, state: &AppState) -> AppResult<Option<Actor>> {
    let Some(cred) = credential_of(req, &state.jwt)? else {
        return Ok(None);
    };
    let idle = state.config.web_idle_ttl_secs * 1000;
    let mut actor = state
        .db
        .run(move |conn| load_actor(conn, &cred, idle))
        .await?;
    actor.from = Some(client_address(req, state.config.trust_proxy));
    Ok(Some(actor))
}

impl FromRequest for Actor {
    type Error = AppError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, Self::Error>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let req = req.clone();
        Box::pin(async move {
            let state = req
                .app_data::<web::Data<AppState>>()
                .ok_or_else(|| AppError::internal("app state missing"))?
                .clone();
            authenticate(&req, &state)
                .await?
                .ok_or_else(|| AppError::code(ErrorCode::Unauthenticated))
        })
    }
}

/// Starts a session for an account; returns the raw token (shown once, stored hashed).
pub fn create_session(
    conn: &mut DbConn,
    account_id: &str,
    kind: &str,
    auth_version: i32,
    ttl_ms: i64,
) -> AppResult<(String, String)> {
    let now = now_ms();
    let sid = crate::db::new_id();
    let token = random_token();
    let hash = token_hash(&token);
    let account_id = account_id.to_string();
    let kind = kind.to_string();
    crate::db_run!(conn, {
        diesel::insert_into(sessions::table)
            .values((
                sessions::id.eq(&sid),
                sessions::account_id.eq(&account_id),
                sessions::kind.eq(&kind),
                sessions::token_hash.eq(&hash),
                sessions::auth_version.eq(auth_version),
                sessions::created_at.eq(now),
                sessions::last_used_at.eq(now),
                sessions::expires_at.eq(now + ttl_ms),
            ))
            .execute(conn)
    })?;
    Ok((sid, token))
}

pub fn revoke_session(conn: &mut DbConn, session_id: &str) -> AppResult<()> {
    let now = now_ms();
    let sid = session_id.to_string();
    crate::db_run!(conn, {
        diesel::update(
            sessions::table
                .find(sid)
                .filter(sessions::revoked_at.is_null()),
        )
        .set(sessions::revoked_at.eq(now))
        .execute(conn)
    })?;
    Ok(())
}

/// Ends every session of an account (role change, deactivation, new password).
pub fn revoke_all_sessions(conn: &mut DbConn, account_id: &str) -> AppResult<()> {
    let now = now_ms();
    let id = account_id.to_string();
    crate::db_run!(conn, {
        diesel::update(
            sessions::table
                .filter(sessions::account_id.eq(id))
                .filter(sessions::revoked_at.is_null()),
        )
        .set(sessions::revoked_at.eq(now))
        .execute(conn)
    })?;
    Ok(())
}

/// The address a request came from, for per-address rate limits, and for the audit log of what
/// staff do (a citizen's address is never stored).
///
/// Behind a trusted proxy it is the rightmost `X-Forwarded-For` entry: the address the proxy
/// itself saw and appended. Entries to its left come from the client, who can write anything
/// there to dodge the per-network limits, so they are never read (nor is `Forwarded`).
pub fn client_address(req: &HttpRequest, trust_proxy: bool) -> String {
    if trust_proxy {
        let forwarded = req
            .headers()
            .get_all("x-forwarded-for")
            .filter_map(|v| v.to_str().ok());
        if let Some(ip) = rightmost_forwarded(forwarded) {
            return ip.to_string();
        }
    }
    req.peer_addr()
        .map(|a| a.ip().to_string())
        .unwrap_or_else(|| "unknown".into())
}

/// The last address of a list of `X-Forwarded-For` values (a proxy appends to the last one or
/// adds a header of its own), if it is an address (a port, if any, is dropped).
fn rightmost_forwarded<'a>(values: impl Iterator<Item = &'a str>) -> Option<std::net::IpAddr> {
    let last = values
        .flat_map(|v| v.split(','))
        .map(str::trim)
        .filter(|e| !e.is_empty())
        .last()?;
    last.parse::<std::net::IpAddr>()
        .ok()
        .or_else(|| last.parse::<std::net::SocketAddr>().ok().map(|a| a.ip()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use actix_web::test::TestRequest;

    fn address(headers: &[&str], trust_proxy: bool) -> String {
        let mut req = TestRequest::default().peer_addr("192.0.2.10:40000".parse().unwrap());
        for h in headers {
            req = req.append_header(("X-Forwarded-For", *h));
        }
        client_address(&req.to_http_request(), trust_proxy)
    }

    #[test]
    fn the_proxy_s_own_entry_is_the_client_not_what_the_client_wrote() {
        // The client forged "1.2.3.4"; the proxy appended the address it saw.
        assert_eq!(address(&["1.2.3.4, 203.0.113.7"], true), "203.0.113.7");
        assert_eq!(address(&["1.2.3.4", "203.0.113.7"], true), "203.0.113.7");
        assert_eq!(address(&["203.0.113.7"], true), "203.0.113.7");
        assert_eq!(address(&["1.2.3.4, 2001:db8::1"], true), "2001:db8::1");
        assert_eq!(address(&["1.2.3.4, 203.0.113.7:5555"], true), "203.0.113.7");
        assert_eq!(address(&["1.2.3.4,  203.0.113.7 , "], true), "203.0.113.7");
    }

    #[test]
    fn the_peer_address_without_a_usable_header_or_without_a_trusted_proxy() {
        assert_eq!(address(&[], true), "192.0.2.10");
        assert_eq!(
            address(&["1.2.3.4, khong-phai-dia-chi"], true),
            "192.0.2.10"
        );
        assert_eq!(address(&["1.2.3.4, 203.0.113.7"], false), "192.0.2.10");
    }
}
