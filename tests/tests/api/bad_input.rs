//! Bad input anywhere gets a 4xx with the API's JSON error shape and changes nothing.

use serde_json::json;
use shared::model::*;
use shared::{ErrorCode, FieldCode};
use tests::*;

/// Everything the API can list, read as the national administrator.
async fn snapshot(app: &TestApp) -> (Page<Unit>, Page<Counter>, Page<Staff>, Page<Account>) {
    (
        app.all_units().await,
        app.all_counters().await,
        app.all_staff().await,
        app.all_accounts().await,
    )
}

async fn send_json_bytes(
    app: &TestApp,
    method: reqwest::Method,
    path: &str,
    body: impl Into<Vec<u8>>,
) -> reqwest::Response {
    app.send_raw(
        method,
        path,
        Some(&app.admin_token),
        "application/json",
        body.into(),
    )
    .await
}

/// A POST to each creating endpoint and a PATCH to each editing one.
fn write_endpoints(w: &World) -> Vec<(reqwest::Method, String)> {
    use reqwest::Method;
    vec![
        (Method::POST, "/api/v1/units".into()),
        (Method::PATCH, format!("/api/v1/units/{}", w.commune_a.id)),
        (Method::POST, "/api/v1/counters".into()),
        (
            Method::PATCH,
            format!("/api/v1/counters/{}", w.counter_a.id),
        ),
        (Method::POST, "/api/v1/staff".into()),
        (Method::PATCH, format!("/api/v1/staff/{}", w.staff_a.id)),
        (Method::POST, "/api/v1/accounts".into()),
        (
            Method::PATCH,
            format!("/api/v1/accounts/{}", w.officer_a.account.id),
        ),
    ]
}

#[tokio::test]
async fn malformed_json_is_refused_everywhere_and_changes_nothing() {
    let app = spawn_app().await;
    let w = app.world().await;
    let before = snapshot(&app).await;
    for (method, path) in write_endpoints(&w) {
        for body in [
            &br#"{"name": "UBND x"#[..],
            b"name=UBND",
            b"",
            b"[]",
            b"null",
            b"{\"name\": \"a\"} trailing",
        ] {
            let resp = send_json_bytes(&app, method.clone(), &path, body).await;
            assert_api_error(resp, 400, ErrorCode::MalformedRequest).await;
        }
    }
    for body in [&b"{\"username\": "[..], b"", b"{}"] {
        let resp = app
            .send_raw(
                reqwest::Method::POST,
                "/api/v1/auth/login",
                None,
                "application/json",
                body.to_vec(),
            )
            .await;
        assert_api_error(resp, 400, ErrorCode::MalformedRequest).await;
    }
    assert_eq!(snapshot(&app).await, before);
}

#[tokio::test]
async fn invalid_utf8_inside_a_json_body_is_refused() {
    let app = spawn_app().await;
    let w = app.world().await;
    let before = snapshot(&app).await;
    // "Tỉnh" with its 3-byte "ỉ" cut to a lone lead byte.
    let mut unit = br#"{"kind":"province","code":"XX","name":"T"#.to_vec();
    unit.extend_from_slice(b"\xE1\xBBnh\"}");
    let resp = send_json_bytes(&app, reqwest::Method::POST, "/api/v1/units", unit).await;
    assert_api_error(resp, 400, ErrorCode::MalformedRequest).await;
    let mut patch = br#"{"full_name":"Nguy"#.to_vec();
    patch.extend_from_slice(b"\xC3\x28n\"}");
    let resp = send_json_bytes(
        &app,
        reqwest::Method::PATCH,
        &format!("/api/v1/staff/{}", w.staff_a.id),
        patch,
    )
    .await;
    assert_api_error(resp, 400, ErrorCode::MalformedRequest).await;
    let mut login = br#"{"username":"quantri","password":"mat"#.to_vec();
    login.extend_from_slice(b"\xFF\xFE\"}");
    let resp = app
        .send_raw(
            reqwest::Method::POST,
            "/api/v1/auth/login",
            None,
            "application/json",
            login,
        )
        .await;
    assert_api_error(resp, 400, ErrorCode::MalformedRequest).await;
    assert_eq!(snapshot(&app).await, before);
}

#[tokio::test]
async fn wrong_types_and_unknown_values_are_refused() {
    let app = spawn_app().await;
    let w = app.world().await;
    let before = snapshot(&app).await;
    let cases = [
        (
            "/api/v1/units",
            reqwest::Method::POST,
            json!({ "kind": "province", "code": 123, "name": "Tỉnh" }),
        ),
        (
            "/api/v1/units",
            reqwest::Method::POST,
            json!({ "kind": "village", "code": "XX", "name": "Làng" }),
        ),
        (
            "/api/v1/units",
            reqwest::Method::POST,
            json!({ "kind": "province", "code": "XX", "name": "Tỉnh", "reception_weekday": 300 }),
        ),
        (
            "/api/v1/units",
            reqwest::Method::POST,
            json!({ "kind": "province", "code": "XX", "name": "Tỉnh", "reception_weekday": "3" }),
        ),
        (
            "/api/v1/units",
            reqwest::Method::POST,
            json!({ "kind": "province", "code": "XX", "name": ["Tỉnh"] }),
        ),
        (
            "/api/v1/counters",
            reqwest::Method::POST,
            json!({ "unit_id": w.commune_a.id, "name": null }),
        ),
        (
            "/api/v1/staff",
            reqwest::Method::POST,
            json!({ "unit_id": w.commune_a.id, "full_name": "Lê Văn A", "title": "Công chức", "badge_number": 42 }),
        ),
        (
            "/api/v1/accounts",
            reqwest::Method::POST,
            json!({ "username": "moi", "password": PASSWORD, "full_name": "Người Mới", "role": "superuser", "unit_id": w.commune_a.id }),
        ),
    ];
    for (path, method, body) in cases {
        let resp = send_json_bytes(&app, method, path, serde_json::to_vec(&body).unwrap()).await;
        let err = assert_api_error(resp, 400, ErrorCode::MalformedRequest).await;
        // The reason is spelt out (serde's words) in both languages.
        assert!(
            err.message.en.starts_with("The JSON body is not valid"),
            "{}",
            err.message.en
        );
    }
    let patches = [
        (
            format!("/api/v1/units/{}", w.commune_a.id),
            json!({ "active": "no" }),
        ),
        (
            format!("/api/v1/counters/{}", w.counter_a.id),
            json!({ "active": 0 }),
        ),
        (
            format!("/api/v1/staff/{}", w.staff_a.id),
            json!({ "counter_id": 7 }),
        ),
        (
            format!("/api/v1/accounts/{}", w.officer_a.account.id),
            json!({ "role": "admin ", "active": true }),
        ),
    ];
    for (path, body) in patches {
        let resp = send_json_bytes(
            &app,
            reqwest::Method::PATCH,
            &path,
            serde_json::to_vec(&body).unwrap(),
        )
        .await;
        assert_api_error(resp, 400, ErrorCode::MalformedRequest).await;
    }
    assert_eq!(snapshot(&app).await, before);
}

#[tokio::test]
async fn missing_fields_are_named() {
    let app = spawn_app().await;
    let w = app.world().await;
    let before = snapshot(&app).await;
    for (path, body, missing) in [
        (
            "/api/v1/units",
            json!({ "kind": "province", "name": "Tỉnh" }),
            "code",
        ),
        (
            "/api/v1/counters",
            json!({ "unit_id": w.commune_a.id }),
            "name",
        ),
        (
            "/api/v1/staff",
            json!({ "unit_id": w.commune_a.id, "full_name": "Lê Văn A", "title": "Công chức" }),
            "badge_number",
        ),
        (
            "/api/v1/accounts",
            json!({ "username": "moi", "full_name": "Người Mới", "role": "officer", "unit_id": w.commune_a.id }),
            "password",
        ),
        ("/api/v1/auth/refresh", json!({}), "refresh_token"),
    ] {
        let resp = app.post_json(path, &app.admin_token, &body).await;
        let err = assert_api_error(resp, 400, ErrorCode::MalformedRequest).await;
        assert!(
            err.message
                .en
                .contains(&format!("missing field `{missing}`")),
            "{}",
            err.message.en
        );
        assert!(err.message.vi.contains(missing), "{}", err.message.vi);
    }
    assert_eq!(snapshot(&app).await, before);
}

#[tokio::test]
async fn unknown_fields_are_refused_rather_than_ignored() {
    let app = spawn_app().await;
    let w = app.world().await;
    let before = snapshot(&app).await;
    for (method, path) in write_endpoints(&w) {
        // A valid body for each endpoint, plus one field the API does not know.
        let mut body = match path.as_str() {
            "/api/v1/units" => json!({ "kind": "province", "code": "XX", "name": "Tỉnh Mới" }),
            "/api/v1/counters" => json!({ "unit_id": w.commune_a.id, "name": "Quầy số 5" }),
            "/api/v1/staff" => {
                json!({ "unit_id": w.commune_a.id, "full_name": "Lê Văn A", "title": "Công chức", "badge_number": "GV-555" })
            }
            "/api/v1/accounts" => {
                json!({ "username": "moi", "password": PASSWORD, "full_name": "Người Mới", "role": "officer", "unit_id": w.commune_a.id })
            }
            _ => json!({}),
        };
        body["auth_version"] = json!(99);
        let resp = send_json_bytes(&app, method, &path, serde_json::to_vec(&body).unwrap()).await;
        let err = assert_api_error(resp, 400, ErrorCode::MalformedRequest).await;
        assert!(
            err.message.en.contains("unknown field `auth_version`"),
            "{}",
            err.message.en
        );
    }
    let resp = app
        .send_raw(
            reqwest::Method::POST,
            "/api/v1/auth/login",
            None,
            "application/json",
            serde_json::to_vec(
                &json!({ "username": ADMIN_USERNAME, "password": PASSWORD, "remember": true }),
            )
            .unwrap(),
        )
        .await;
    assert_api_error(resp, 400, ErrorCode::MalformedRequest).await;
    assert_eq!(snapshot(&app).await, before);
}

#[tokio::test]
async fn over_long_text_is_refused_field_by_field() {
    let app = spawn_app().await;
    let w = app.world().await;
    let before = snapshot(&app).await;
    let long = |n: usize| "ạ".repeat(n);
    let cases = [
        (
            "/api/v1/units",
            json!({ "kind": "province", "code": "XX", "name": long(201), "address": long(301) }),
            vec!["name", "address"],
        ),
        (
            "/api/v1/units",
            json!({ "kind": "province", "code": "X".repeat(33), "name": "Tỉnh Mới" }),
            vec!["code"],
        ),
        (
            "/api/v1/counters",
            json!({ "unit_id": w.commune_a.id, "name": long(201) }),
            vec!["name"],
        ),
        (
            "/api/v1/staff",
            json!({ "unit_id": w.commune_a.id, "full_name": long(121), "title": long(121), "badge_number": "9".repeat(33) }),
            vec!["full_name", "title", "badge_number"],
        ),
        (
            "/api/v1/accounts",
            json!({ "username": "a".repeat(65), "password": PASSWORD, "full_name": long(121), "role": "officer", "unit_id": w.commune_a.id }),
            vec!["username", "full_name"],
        ),
    ];
    for (path, body, fields) in cases {
        let err = assert_api_error(
            app.post_json(path, &app.admin_token, &body).await,
            400,
            ErrorCode::ValidationFailed,
        )
        .await;
        let got: Vec<(&str, FieldCode)> = err
            .fields
            .iter()
            .map(|f| (f.field.as_str(), f.code))
            .collect();
        let want: Vec<(&str, FieldCode)> =
            fields.iter().map(|f| (*f, FieldCode::TooLong)).collect();
        assert_eq!(got, want, "{path}");
    }
    // Exactly at the limit is fine (counted in characters, not bytes).
    let counter: Counter = ok_json(
        app.post_json(
            "/api/v1/counters",
            &app.admin_token,
            &json!({ "unit_id": w.commune_a.id, "name": long(200) }),
        )
        .await,
    )
    .await;
    assert_eq!(counter.name.chars().count(), 200);
    let err = assert_api_error(
        app.patch_json(
            &format!("/api/v1/staff/{}", w.staff_a.id),
            &app.admin_token,
            &json!({ "full_name": long(121) }),
        )
        .await,
        400,
        ErrorCode::ValidationFailed,
    )
    .await;
    assert_eq!(err.fields[0].code, FieldCode::TooLong);
    let (units, mut counters, staff, accounts) = snapshot(&app).await;
    counters.items.retain(|c| c.id != counter.id);
    counters.total -= 1;
    assert_eq!((units, counters, staff, accounts), before);
}

#[tokio::test]
async fn control_characters_are_refused() {
    let app = spawn_app().await;
    let w = app.world().await;
    let before = snapshot(&app).await;
    let err = assert_api_error(
        app.patch_json(
            &format!("/api/v1/staff/{}", w.staff_a.id),
            &app.admin_token,
            &json!({ "full_name": "Nguyễn\u{0000}Thị Lan", "title": "Công\u{001b}[31m chức" }),
        )
        .await,
        400,
        ErrorCode::ValidationFailed,
    )
    .await;
    let got: Vec<(&str, FieldCode)> = err
        .fields
        .iter()
        .map(|f| (f.field.as_str(), f.code))
        .collect();
    assert_eq!(
        got,
        [
            ("full_name", FieldCode::InvalidFormat),
            ("title", FieldCode::InvalidFormat)
        ]
    );
    assert_eq!(snapshot(&app).await, before);
}

#[tokio::test]
async fn a_body_that_is_not_declared_as_json_is_refused() {
    let app = spawn_app().await;
    let before = snapshot(&app).await;
    let body = serde_json::to_vec(&json!({ "kind": "province", "code": "XX", "name": "Tỉnh Mới" }))
        .unwrap();
    for content_type in [
        "text/plain",
        "application/x-www-form-urlencoded",
        "text/csv",
    ] {
        let resp = app
            .send_raw(
                reqwest::Method::POST,
                "/api/v1/units",
                Some(&app.admin_token),
                content_type,
                body.clone(),
            )
            .await;
        assert_api_error(resp, 415, ErrorCode::UnsupportedMediaType).await;
    }
    let resp = app
        .client
        .post(app.url("/api/v1/units"))
        .bearer_auth(&app.admin_token)
        .body(body)
        .send()
        .await
        .unwrap();
    assert_api_error(resp, 415, ErrorCode::UnsupportedMediaType).await;
    assert_eq!(snapshot(&app).await, before);
}

#[tokio::test]
async fn a_json_body_over_64_kib_is_refused_as_too_large() {
    let app = spawn_app().await;
    let before = snapshot(&app).await;
    let body = json!({ "kind": "province", "code": "XX", "name": "Tỉnh", "address": "x".repeat(70 * 1024) });
    let resp = app
        .post_json("/api/v1/units", &app.admin_token, &body)
        .await;
    assert_api_error(resp, 413, ErrorCode::PayloadTooLarge).await;
    assert_eq!(snapshot(&app).await, before);
}

#[tokio::test]
async fn bad_query_parameters_are_refused_and_page_sizes_are_capped() {
    let app = spawn_app().await;
    for path in [
        "/api/v1/units?per_page=abc",
        "/api/v1/staff?page=-1",
        "/api/v1/counters?include_inactive=maybe",
        "/api/v1/accounts?per_page=99999999999",
    ] {
        assert_api_error(
            app.get(path, &app.admin_token).await,
            400,
            ErrorCode::MalformedRequest,
        )
        .await;
    }
    let page: Page<Unit> = ok_json(
        app.get("/api/v1/units?per_page=100000&page=0", &app.admin_token)
            .await,
    )
    .await;
    assert_eq!((page.page, page.per_page), (1, 500));
}

#[tokio::test]
async fn a_json_array_is_not_read_as_an_object_field_by_field() {
    let app = spawn_app().await;
    let w = app.world().await;
    let before = snapshot(&app).await;
    // serde would read `CounterPatch { name, active }` from a two-element array.
    let resp = send_json_bytes(
        &app,
        reqwest::Method::PATCH,
        &format!("/api/v1/counters/{}", w.counter_a.id),
        serde_json::to_vec(&json!(["Quầy bị đổi", false])).unwrap(),
    )
    .await;
    assert_api_error(resp, 400, ErrorCode::MalformedRequest).await;
    let resp = send_json_bytes(
        &app,
        reqwest::Method::POST,
        "/api/v1/auth/login",
        serde_json::to_vec(&json!([ADMIN_USERNAME, PASSWORD])).unwrap(),
    )
    .await;
    assert_api_error(resp, 400, ErrorCode::MalformedRequest).await;
    assert_eq!(snapshot(&app).await, before);
}

/// A search term with a control character (schemathesis sent `q=%00`, which PostgreSQL refuses
/// outright and which had answered 500) is refused with a field error on every list.
#[tokio::test]
async fn a_search_term_with_a_control_character_is_refused_on_every_list() {
    let app = spawn_app().await;
    for list in ["units", "counters", "staff", "accounts"] {
        for term in ["%00", "ab%00c", "x%07"] {
            let resp = app
                .get(&format!("/api/v1/{list}?q={term}"), &app.admin_token)
                .await;
            let error = assert_api_error(resp, 400, ErrorCode::ValidationFailed).await;
            assert_eq!(error.fields[0].field, "q", "{list}");
            assert_eq!(error.fields[0].code, FieldCode::InvalidFormat, "{list}");
        }
        // An ordinary term still searches.
        let resp = app
            .get(
                &format!("/api/v1/{list}?q=Gia%20Vi%E1%BB%85n"),
                &app.admin_token,
            )
            .await;
        assert_eq!(resp.status(), 200, "{list}");
    }
}
