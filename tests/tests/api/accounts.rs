use serde_json::json;
use shared::model::*;
use shared::{ErrorCode, FieldCode};
use tests::*;

fn usernames(page: &Page<Account>) -> Vec<&str> {
    page.items.iter().map(|a| a.username.as_str()).collect()
}

#[tokio::test]
async fn an_administrator_creates_accounts_of_every_role_and_each_can_sign_in() {
    let app = spawn_app().await;
    let province = app.province("NB", "Tỉnh Ninh Bình").await;
    let commune = app
        .unit_under(&province, UnitKind::Commune, "NB-GV", "UBND xã Gia Viễn")
        .await;
    for (username, role, unit) in [
        ("quantri.tinh", Role::Admin, &province),
        ("chutich.xa", Role::Head, &commune),
        ("canbo.xa", Role::Officer, &commune),
        ("ubkt.tinh", Role::Committee, &province),
    ] {
        let resp = app
            .post_json(
                "/api/v1/accounts",
                &app.admin_token,
                &NewAccount {
                    username: username.to_uppercase(),
                    password: PASSWORD.into(),
                    full_name: "Nguyễn Văn An".into(),
                    role,
                    unit_id: Some(unit.id.clone()),
                    phone: None,
                    email: None,
                    staff_id: None,
                },
            )
            .await;
        let body = resp.text().await.unwrap();
        // Neither the password nor its hash ever comes back.
        assert!(
            !body.contains(PASSWORD) && !body.contains("argon2") && !body.contains("password"),
            "{body}"
        );
        let account: Account = serde_json::from_str(&body).unwrap();
        assert_eq!(
            account.username, username,
            "usernames are stored in lower case"
        );
        assert_eq!(account.role, role);
        assert_eq!(account.unit_id.as_deref(), Some(unit.id.as_str()));
        assert!(account.active);
        let fetched: Account = ok_json(
            app.get(
                &format!("/api/v1/accounts/{}", account.id),
                &app.admin_token,
            )
            .await,
        )
        .await;
        assert_eq!(fetched, account);
        let signed_in = app.login_as(username, PASSWORD).await;
        assert_eq!(signed_in.account, account);
    }
    let all = app.all_accounts().await;
    assert_eq!(
        usernames(&all),
        [
            "canbo.xa",
            "chutich.xa",
            "quantri",
            "quantri.tinh",
            "ubkt.tinh"
        ]
    );
}

#[tokio::test]
async fn an_administrator_sees_and_manages_only_the_accounts_of_their_subtree() {
    let app = spawn_app().await;
    let w = app.world().await;
    let head_b = app
        .account("chutich.hoalu", Role::Head, Some(&w.commune_b))
        .await;
    let listed: Page<Account> = ok_json(app.get("/api/v1/accounts", w.admin_a.token()).await).await;
    assert_eq!(
        usernames(&listed),
        ["canbo.giavien", "chutich.giavien", "quantri.giavien"]
    );
    // The province administrator sees the province's accounts, not the national one.
    let listed: Page<Account> =
        ok_json(app.get("/api/v1/accounts", w.province_admin.token()).await).await;
    assert!(!usernames(&listed).contains(&ADMIN_USERNAME));
    assert_eq!(listed.total, 7);
    let national_id = app
        .all_accounts()
        .await
        .items
        .into_iter()
        .find(|a| a.username == ADMIN_USERNAME)
        .unwrap()
        .id;
    for (who, id) in [
        (&w.admin_a, head_b.id.as_str()),
        (&w.admin_a, w.committee.account.id.as_str()),
        (&w.province_admin, national_id.as_str()),
    ] {
        let path = format!("/api/v1/accounts/{id}");
        assert_api_error(app.get(&path, who.token()).await, 404, ErrorCode::NotFound).await;
        assert_api_error(
            app.patch_json(&path, who.token(), &json!({ "active": false }))
                .await,
            404,
            ErrorCode::NotFound,
        )
        .await;
    }
    assert_api_error(
        app.get(
            &format!("/api/v1/accounts?unit_id={}", w.commune_b.id),
            w.admin_a.token(),
        )
        .await,
        404,
        ErrorCode::NotFound,
    )
    .await;
    // The accounts they could not reach still work.
    app.login_as("chutich.hoalu", PASSWORD).await;
    assert_eq!(
        app.get("/api/v1/auth/me", &app.admin_token).await.status(),
        200
    );
}

#[tokio::test]
async fn a_scoped_administrator_cannot_give_rights_beyond_their_subtree() {
    let app = spawn_app().await;
    let w = app.world().await;
    let before = app.all_accounts().await;
    let token = w.admin_a.token();
    let new = |role: Role, unit: Option<&Unit>| NewAccount {
        username: "nguoi.moi".into(),
        password: PASSWORD.into(),
        full_name: "Người Mới".into(),
        role,
        unit_id: unit.map(|u| u.id.clone()),
        phone: None,
        email: None,
        staff_id: None,
    };
    // A national administrator, or any account in another unit.
    for body in [
        new(Role::Admin, None),
        new(Role::Head, Some(&w.commune_b)),
        new(Role::Committee, Some(&w.province)),
    ] {
        assert_api_error(
            app.post_json("/api/v1/accounts", token, &body).await,
            403,
            ErrorCode::Forbidden,
        )
        .await;
    }
    // Nor move an account of theirs out, or make it national.
    assert_api_error(
        app.patch_json(
            &format!("/api/v1/accounts/{}", w.officer_a.account.id),
            token,
            &json!({ "unit_id": w.commune_b.id }),
        )
        .await,
        403,
        ErrorCode::Forbidden,
    )
    .await;
    assert_eq!(app.all_accounts().await, before);
    // Their officer still signs in with the same rights.
    assert_eq!(
        app.get("/api/v1/auth/me", w.officer_a.token())
            .await
            .status(),
        200
    );
    // Within the commune, they may name a new head.
    let head: Account = ok_json(
        app.post_json(
            "/api/v1/accounts",
            token,
            &new(Role::Head, Some(&w.commune_a)),
        )
        .await,
    )
    .await;
    assert_eq!(head.role, Role::Head);
}

#[tokio::test]
async fn heads_officers_and_committee_members_cannot_see_or_manage_accounts() {
    let app = spawn_app().await;
    let w = app.world().await;
    let before = app.all_accounts().await;
    for who in [&w.head_a, &w.officer_a, &w.committee] {
        assert_api_error(
            app.get("/api/v1/accounts", who.token()).await,
            403,
            ErrorCode::Forbidden,
        )
        .await;
        assert_api_error(
            app.get(&format!("/api/v1/accounts/{}", who.account.id), who.token())
                .await,
            403,
            ErrorCode::Forbidden,
        )
        .await;
        assert_api_error(
            app.post_json(
                "/api/v1/accounts",
                who.token(),
                &NewAccount {
                    username: "ke.gian".into(),
                    password: PASSWORD.into(),
                    full_name: "Kẻ Gian".into(),
                    role: Role::Admin,
                    unit_id: Some(w.commune_a.id.clone()),
                    phone: None,
                    email: None,
                    staff_id: None,
                },
            )
            .await,
            403,
            ErrorCode::Forbidden,
        )
        .await;
        // Not even to promote themselves.
        assert_api_error(
            app.patch_json(
                &format!("/api/v1/accounts/{}", who.account.id),
                who.token(),
                &json!({ "role": "admin" }),
            )
            .await,
            403,
            ErrorCode::Forbidden,
        )
        .await;
    }
    assert_eq!(app.all_accounts().await, before);
}

#[tokio::test]
async fn an_administrator_cannot_disable_demote_or_move_themselves() {
    let app = spawn_app().await;
    let w = app.world().await;
    let me = &w.province_admin;
    let path = format!("/api/v1/accounts/{}", me.account.id);
    for patch in [
        json!({ "active": false }),
        json!({ "role": "officer" }),
        json!({ "unit_id": w.commune_a.id }),
    ] {
        assert_api_error(
            app.patch_json(&path, me.token(), &patch).await,
            403,
            ErrorCode::Forbidden,
        )
        .await;
    }
    // A new display name is fine, and keeps the session (it is not a change of rights).
    let renamed: Account = ok_json(
        app.patch_json(&path, me.token(), &json!({ "full_name": "Trần Quản Trị" }))
            .await,
    )
    .await;
    assert_eq!(renamed.full_name, "Trần Quản Trị");
    assert_eq!(renamed.role, Role::Admin);
    assert_eq!(app.get("/api/v1/auth/me", me.token()).await.status(), 200);
}

#[tokio::test]
async fn account_details_are_validated() {
    let app = spawn_app().await;
    let w = app.world().await;
    let before = app.all_accounts().await;
    let attempt = |username: &str, password: &str, role: Role, unit: Option<&str>| NewAccount {
        username: username.into(),
        password: password.into(),
        full_name: "Nguyễn Văn An".into(),
        role,
        unit_id: unit.map(str::to_string),
        phone: None,
        email: None,
        staff_id: None,
    };
    for (body, field, code) in [
        (
            attempt(
                &w.head_a.username,
                PASSWORD,
                Role::Head,
                Some(&w.commune_a.id),
            ),
            "username",
            FieldCode::Duplicate,
        ),
        (
            attempt("ngắn", PASSWORD, Role::Head, Some(&w.commune_a.id)),
            "username",
            FieldCode::InvalidFormat,
        ),
        (
            attempt("ab", PASSWORD, Role::Head, Some(&w.commune_a.id)),
            "username",
            FieldCode::TooShort,
        ),
        (
            attempt("hop.le", "ngan", Role::Head, Some(&w.commune_a.id)),
            "password",
            FieldCode::TooShort,
        ),
        (
            attempt(
                "hop.le",
                &"x".repeat(129),
                Role::Head,
                Some(&w.commune_a.id),
            ),
            "password",
            FieldCode::TooLong,
        ),
        (
            attempt("hop.le", PASSWORD, Role::Officer, None),
            "unit_id",
            FieldCode::Required,
        ),
        (
            attempt(
                "hop.le",
                PASSWORD,
                Role::Officer,
                Some("0190a0b0-0000-7000-8000-00000000dead"),
            ),
            "unit_id",
            FieldCode::NotFound,
        ),
    ] {
        let err = assert_api_error(
            app.post_json("/api/v1/accounts", &app.admin_token, &body)
                .await,
            400,
            ErrorCode::ValidationFailed,
        )
        .await;
        assert_eq!(
            (err.fields[0].field.as_str(), err.fields[0].code),
            (field, code),
            "{body:?}"
        );
    }
    let err = assert_api_error(
        app.patch_json(
            &format!("/api/v1/accounts/{}", w.officer_a.account.id),
            &app.admin_token,
            &json!({ "password": "ngan" }),
        )
        .await,
        400,
        ErrorCode::ValidationFailed,
    )
    .await;
    assert_eq!(err.fields[0].field, "password");
    assert_eq!(app.all_accounts().await, before);
    // The officer's password was not changed by the refused edit.
    app.login_as(&w.officer_a.username, PASSWORD).await;
}
