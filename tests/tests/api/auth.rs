use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use jsonwebtoken::{EncodingKey, Header};
use serde_json::{json, Value};
use shared::model::*;
use shared::ErrorCode;
use tests::*;

/// The claims of a JWT, read without checking it.
fn claims_of(token: &str) -> Value {
    let payload = token.split('.').nth(1).expect("a JWT has three parts");
    serde_json::from_slice(&URL_SAFE_NO_PAD.decode(payload).expect("base64url")).expect("json")
}

/// Signs claims with HS256 and the given key.
fn sign(claims: &Value, key: &str) -> String {
    jsonwebtoken::encode(
        &Header::default(),
        claims,
        &EncodingKey::from_secret(key.as_bytes()),
    )
    .expect("sign")
}

fn now_secs() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
}

async fn me(app: &TestApp, token: &str) -> reqwest::Response {
    app.get("/api/v1/auth/me", token).await
}

#[tokio::test]
async fn login_returns_a_token_pair_and_me_says_who_is_signed_in() {
    let app = spawn_app().await;
    let w = app.world().await;
    // Usernames are not case-sensitive.
    let tokens = app.login_as("ChuTich.GiaVien", PASSWORD).await;
    assert_eq!(tokens.token_type, "Bearer");
    assert_eq!(tokens.expires_in, 900);
    assert_eq!(tokens.account.username, "chutich.giavien");
    assert_eq!(tokens.account.role, Role::Head);
    assert_ne!(tokens.access_token, tokens.refresh_token);
    let claims = claims_of(&tokens.access_token);
    assert_eq!(claims["sub"], w.head_a.account.id);
    assert_eq!(claims["iss"], "minhbach");

    let me: Me = ok_json(me(&app, &tokens.access_token).await).await;
    assert_eq!(me.account.id, w.head_a.account.id);
    assert_eq!(me.unit_name.as_deref(), Some("UBND xã Gia Viễn"));

    let admin: Me = ok_json(self::me(&app, &app.admin_token).await).await;
    assert_eq!(admin.account.username, ADMIN_USERNAME);
    assert_eq!(admin.account.unit_id, None);
    assert_eq!(admin.unit_name, None);
}

#[tokio::test]
async fn a_wrong_password_and_an_unknown_user_get_the_same_refusal() {
    let app = spawn_app().await;
    let wrong_password = assert_api_error(
        app.login(ADMIN_USERNAME, "mat-khau-sai-roi-123").await,
        401,
        ErrorCode::InvalidCredentials,
    )
    .await;
    let unknown_user = assert_api_error(
        app.login("khong.co.ai", PASSWORD).await,
        401,
        ErrorCode::InvalidCredentials,
    )
    .await;
    assert_eq!(wrong_password, unknown_user);
}

#[tokio::test]
async fn login_with_empty_or_oversized_fields_is_a_validation_error() {
    let app = spawn_app().await;
    let err = assert_api_error(app.login("  ", "").await, 400, ErrorCode::ValidationFailed).await;
    let fields: Vec<&str> = err.fields.iter().map(|f| f.field.as_str()).collect();
    assert_eq!(fields, ["username", "password"]);
    let err = assert_api_error(
        app.login(ADMIN_USERNAME, &"x".repeat(129)).await,
        400,
        ErrorCode::ValidationFailed,
    )
    .await;
    assert_eq!(err.fields[0].field, "password");
}

#[tokio::test]
async fn requests_without_a_usable_credential_are_refused() {
    let app = spawn_app().await;
    assert_api_error(
        app.get_anonymous("/api/v1/units").await,
        401,
        ErrorCode::Unauthenticated,
    )
    .await;
    for header in [
        "Basic cXVhbnRyaTpwYXNz",
        "Bearer",
        "Bearer not.a.jwt",
        "Token abc",
    ] {
        let resp = app
            .client
            .get(app.url("/api/v1/units"))
            .header("Authorization", header)
            .send()
            .await
            .unwrap();
        assert_api_error(resp, 401, ErrorCode::TokenInvalid).await;
    }
}

#[tokio::test]
async fn an_expired_token_is_refused_as_expired() {
    let app = spawn_app().await;
    let mut claims = claims_of(&app.admin_token);
    // The real session, correctly signed, but an hour past its expiry.
    claims["iat"] = json!(now_secs() - 7200);
    claims["exp"] = json!(now_secs() - 3600);
    let expired = sign(&claims, JWT_SECRET);
    assert_api_error(me(&app, &expired).await, 401, ErrorCode::TokenExpired).await;
    // The same claims with a future expiry do work: expiry alone was the reason.
    claims["exp"] = json!(now_secs() + 600);
    assert_eq!(me(&app, &sign(&claims, JWT_SECRET)).await.status(), 200);
}

#[tokio::test]
async fn a_token_with_a_flipped_signature_byte_is_refused() {
    let app = spawn_app().await;
    let token = app.admin_token.clone();
    let (head, sig) = token.rsplit_once('.').unwrap();
    let mut sig = URL_SAFE_NO_PAD.decode(sig).unwrap();
    sig[0] ^= 0x01;
    let tampered = format!("{head}.{}", URL_SAFE_NO_PAD.encode(&sig));
    assert_api_error(me(&app, &tampered).await, 401, ErrorCode::TokenInvalid).await;
    assert_api_error(
        app.get("/api/v1/units", &tampered).await,
        401,
        ErrorCode::TokenInvalid,
    )
    .await;
}

#[tokio::test]
async fn a_token_with_edited_claims_and_the_old_signature_is_refused() {
    let app = spawn_app().await;
    let w = app.world().await;
    let token = w.officer_a.token();
    let parts: Vec<&str> = token.split('.').collect();
    let mut claims = claims_of(token);
    claims["role"] = json!("admin");
    let edited = format!(
        "{}.{}.{}",
        parts[0],
        URL_SAFE_NO_PAD.encode(serde_json::to_vec(&claims).unwrap()),
        parts[2]
    );
    assert_api_error(
        app.get("/api/v1/accounts", &edited).await,
        401,
        ErrorCode::TokenInvalid,
    )
    .await;
}

#[tokio::test]
async fn an_alg_none_token_is_refused() {
    let app = spawn_app().await;
    let header = URL_SAFE_NO_PAD.encode(br#"{"alg":"none","typ":"JWT"}"#);
    let claims = URL_SAFE_NO_PAD.encode(serde_json::to_vec(&claims_of(&app.admin_token)).unwrap());
    for unsigned in [format!("{header}.{claims}."), format!("{header}.{claims}")] {
        assert_api_error(me(&app, &unsigned).await, 401, ErrorCode::TokenInvalid).await;
    }
}

#[tokio::test]
async fn a_token_signed_with_another_key_is_refused() {
    let app = spawn_app().await;
    let forged = sign(
        &claims_of(&app.admin_token),
        "mot-khoa-khac-hoan-toan-dai-hon-32-ky-tu",
    );
    assert_api_error(me(&app, &forged).await, 401, ErrorCode::TokenInvalid).await;
}

#[tokio::test]
async fn a_correctly_signed_token_for_a_session_that_does_not_exist_is_refused() {
    let app = spawn_app().await;
    let mut claims = claims_of(&app.admin_token);
    claims["sid"] = json!(uuid::Uuid::now_v7().to_string());
    assert_api_error(
        me(&app, &sign(&claims, JWT_SECRET)).await,
        401,
        ErrorCode::TokenInvalid,
    )
    .await;
}

#[tokio::test]
async fn the_role_written_in_a_token_is_not_what_grants_rights() {
    let app = spawn_app().await;
    let w = app.world().await;
    // Even a token signed with the real key that claims "admin" for an officer's session only
    // carries the officer's rights: roles are read from the account on every request.
    let mut claims = claims_of(w.officer_a.token());
    claims["role"] = json!("admin");
    claims["unit"] = Value::Null;
    let claiming_admin = sign(&claims, JWT_SECRET);
    let resp = app
        .post_json(
            "/api/v1/counters",
            &claiming_admin,
            &NewCounter {
                unit_id: w.commune_a.id.clone(),
                name: "Quầy giả".into(),
            },
        )
        .await;
    assert_api_error(resp, 403, ErrorCode::Forbidden).await;
    assert_eq!(app.all_counters().await.total, 2);
}

#[tokio::test]
async fn a_refresh_token_is_traded_once_for_a_new_pair() {
    let app = spawn_app().await;
    let first = app.login_as(ADMIN_USERNAME, PASSWORD).await;
    let second: TokenResponse = ok_json(app.refresh(&first.refresh_token).await).await;
    assert_ne!(second.refresh_token, first.refresh_token);
    assert_eq!(second.account.username, ADMIN_USERNAME);
    assert_eq!(
        claims_of(&second.access_token)["sid"],
        claims_of(&first.access_token)["sid"]
    );
    assert_eq!(me(&app, &second.access_token).await.status(), 200);
    // The new refresh token works in its turn.
    let third: TokenResponse = ok_json(app.refresh(&second.refresh_token).await).await;
    assert_eq!(me(&app, &third.access_token).await.status(), 200);
}

#[tokio::test]
async fn reusing_a_traded_refresh_token_ends_the_whole_session() {
    let app = spawn_app().await;
    let first = app.login_as(ADMIN_USERNAME, PASSWORD).await;
    let second: TokenResponse = ok_json(app.refresh(&first.refresh_token).await).await;
    // Someone replays the old token: refused, and the session is ended for everyone holding it.
    assert_api_error(
        app.refresh(&first.refresh_token).await,
        401,
        ErrorCode::TokenInvalid,
    )
    .await;
    assert_api_error(
        app.refresh(&second.refresh_token).await,
        401,
        ErrorCode::TokenInvalid,
    )
    .await;
    assert_api_error(
        me(&app, &second.access_token).await,
        401,
        ErrorCode::TokenInvalid,
    )
    .await;
    // Other sessions of the same account are untouched.
    assert_eq!(me(&app, &app.admin_token).await.status(), 200);
}

#[tokio::test]
async fn unknown_empty_or_oversized_refresh_tokens_are_refused() {
    let app = spawn_app().await;
    for token in ["", "khong-phai-token", &"a".repeat(300)] {
        assert_api_error(app.refresh(token).await, 401, ErrorCode::TokenInvalid).await;
    }
    // An access token is not a refresh token.
    assert_api_error(
        app.refresh(&app.admin_token).await,
        401,
        ErrorCode::TokenInvalid,
    )
    .await;
}

#[tokio::test]
async fn logout_ends_the_session_at_once() {
    let app = spawn_app().await;
    let session = app.login_as(ADMIN_USERNAME, PASSWORD).await;
    assert_eq!(me(&app, &session.access_token).await.status(), 200);
    let resp = app
        .client
        .post(app.url("/api/v1/auth/logout"))
        .bearer_auth(&session.access_token)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 204);
    assert_api_error(
        me(&app, &session.access_token).await,
        401,
        ErrorCode::TokenInvalid,
    )
    .await;
    assert_api_error(
        app.refresh(&session.refresh_token).await,
        401,
        ErrorCode::TokenInvalid,
    )
    .await;
    // Only that session: the administrator's other sign-in still works.
    assert_eq!(me(&app, &app.admin_token).await.status(), 200);
    // Logging out needs a session.
    let resp = app
        .client
        .post(app.url("/api/v1/auth/logout"))
        .send()
        .await
        .unwrap();
    assert_api_error(resp, 401, ErrorCode::Unauthenticated).await;
}

#[tokio::test]
async fn a_role_change_takes_effect_at_once() {
    let app = spawn_app().await;
    let w = app.world().await;
    let officer = &w.officer_a;
    assert_eq!(me(&app, officer.token()).await.status(), 200);
    let updated: Account = ok_json(
        app.patch_json(
            &format!("/api/v1/accounts/{}", officer.account.id),
            &app.admin_token,
            &json!({ "role": "head" }),
        )
        .await,
    )
    .await;
    assert_eq!(updated.role, Role::Head);
    // Tokens minted before the change no longer work, not even to refresh.
    assert_api_error(
        me(&app, officer.token()).await,
        401,
        ErrorCode::TokenInvalid,
    )
    .await;
    assert_api_error(
        app.refresh(&officer.refresh_token).await,
        401,
        ErrorCode::TokenInvalid,
    )
    .await;
    let again = app.login_as(&officer.username, PASSWORD).await;
    assert_eq!(again.account.role, Role::Head);
    assert_eq!(claims_of(&again.access_token)["role"], "head");
}

#[tokio::test]
async fn a_unit_change_takes_effect_at_once() {
    let app = spawn_app().await;
    let w = app.world().await;
    ok_json::<Account>(
        app.patch_json(
            &format!("/api/v1/accounts/{}", w.head_a.account.id),
            &app.admin_token,
            &json!({ "unit_id": w.commune_b.id }),
        )
        .await,
    )
    .await;
    assert_api_error(
        me(&app, w.head_a.token()).await,
        401,
        ErrorCode::TokenInvalid,
    )
    .await;
    let again = app.login_as(&w.head_a.username, PASSWORD).await;
    let units: Page<Unit> = ok_json(app.get("/api/v1/units", &again.access_token).await).await;
    let ids: Vec<&str> = units.items.iter().map(|u| u.id.as_str()).collect();
    assert_eq!(ids, [w.commune_b.id.as_str()]);
}

#[tokio::test]
async fn a_new_password_ends_every_session_and_replaces_the_old_one() {
    let app = spawn_app().await;
    let w = app.world().await;
    let new_password = "mat-khau-moi-rat-dai-456";
    ok_json::<Account>(
        app.patch_json(
            &format!("/api/v1/accounts/{}", w.officer_a.account.id),
            &app.admin_token,
            &json!({ "password": new_password }),
        )
        .await,
    )
    .await;
    assert_api_error(
        me(&app, w.officer_a.token()).await,
        401,
        ErrorCode::TokenInvalid,
    )
    .await;
    assert_api_error(
        app.login(&w.officer_a.username, PASSWORD).await,
        401,
        ErrorCode::InvalidCredentials,
    )
    .await;
    app.login_as(&w.officer_a.username, new_password).await;
}

#[tokio::test]
async fn a_deactivated_account_cannot_sign_in_and_its_tokens_stop_working() {
    let app = spawn_app().await;
    let w = app.world().await;
    let head = &w.head_a;
    ok_json::<Account>(
        app.patch_json(
            &format!("/api/v1/accounts/{}", head.account.id),
            &app.admin_token,
            &json!({ "active": false }),
        )
        .await,
    )
    .await;
    assert_api_error(me(&app, head.token()).await, 401, ErrorCode::TokenInvalid).await;
    assert_api_error(
        app.refresh(&head.refresh_token).await,
        401,
        ErrorCode::TokenInvalid,
    )
    .await;
    // The right password says the account is disabled; a wrong one reveals nothing.
    assert_api_error(
        app.login(&head.username, PASSWORD).await,
        403,
        ErrorCode::AccountDisabled,
    )
    .await;
    assert_api_error(
        app.login(&head.username, "mat-khau-sai-roi-123").await,
        401,
        ErrorCode::InvalidCredentials,
    )
    .await;
    // Reactivated, it signs in again.
    ok_json::<Account>(
        app.patch_json(
            &format!("/api/v1/accounts/{}", head.account.id),
            &app.admin_token,
            &json!({ "active": true }),
        )
        .await,
    )
    .await;
    app.login_as(&head.username, PASSWORD).await;
}

#[tokio::test]
async fn sign_in_attempts_are_limited_per_account() {
    let app = spawn_app_with(|c| {
        c.login_burst_per_account = 3;
        c.login_burst_per_address = 1000;
    })
    .await;
    let target = app.account("canbo.bi.do", Role::Admin, None).await;
    for _ in 0..3 {
        assert_api_error(
            app.login(&target.username, "doan-mat-khau-123").await,
            401,
            ErrorCode::InvalidCredentials,
        )
        .await;
    }
    let resp = app.login(&target.username, "doan-mat-khau-456").await;
    assert_eq!(resp.headers()["retry-after"], "60");
    assert_api_error(resp, 429, ErrorCode::RateLimited).await;
    // Even the right password waits now: the limit is not an oracle for it.
    assert_api_error(
        app.login(&target.username, PASSWORD).await,
        429,
        ErrorCode::RateLimited,
    )
    .await;
    // Another account from the same address is not affected.
    app.login_as(ADMIN_USERNAME, PASSWORD).await;
}

#[tokio::test]
async fn sign_in_attempts_are_limited_per_address() {
    const BURST: u32 = 4;
    let app = spawn_app_with(|c| {
        c.login_burst_per_account = 1000;
        c.login_burst_per_address = BURST;
    })
    .await;
    // spawn_app signed the administrator in once from this address already. Every attempt
    // uses another username, so only the address limit can stop them; one attempt comes back
    // every 2 s, so a slow machine may get a few more than the burst, never fewer.
    let mut refused_after = None;
    for attempt in 1..=BURST + 20 {
        let resp = app.login(&format!("nguoi.la.{attempt}"), PASSWORD).await;
        if resp.status() == 429 {
            assert_api_error(resp, 429, ErrorCode::RateLimited).await;
            refused_after = Some(attempt);
            break;
        }
        assert_api_error(resp, 401, ErrorCode::InvalidCredentials).await;
    }
    let refused_after = refused_after.expect("the address limit never refused");
    assert!(refused_after >= BURST, "refused at attempt {refused_after}");
}
