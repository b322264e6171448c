use serde_json::json;
use shared::model::*;
use shared::{ErrorCode, FieldCode};
use tests::*;

#[tokio::test]
async fn an_administrator_opens_renames_and_reads_back_a_counter() {
    let app = spawn_app().await;
    let w = app.world().await;
    let created: Counter = ok_json(
        app.post_json(
            "/api/v1/counters",
            w.admin_a.token(),
            &NewCounter {
                unit_id: w.commune_a.id.clone(),
                name: " Quầy Tư pháp - Hộ tịch ".into(),
            },
        )
        .await,
    )
    .await;
    assert_eq!(created.name, "Quầy Tư pháp - Hộ tịch");
    assert_eq!(created.unit_id, w.commune_a.id);
    assert!(created.active);
    // The QR token: 128 random bits, URL-safe, unlike any other counter's.
    assert_eq!(created.qr_token.len(), 22);
    assert!(created
        .qr_token
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_'));
    assert_ne!(created.qr_token, w.counter_a.qr_token);

    let path = format!("/api/v1/counters/{}", created.id);
    let renamed: Counter = ok_json(
        app.patch_json(&path, w.admin_a.token(), &json!({ "name": "Quầy số 2" }))
            .await,
    )
    .await;
    assert_eq!(renamed.name, "Quầy số 2");
    assert_eq!(renamed.qr_token, created.qr_token);
    assert_eq!(
        ok_json::<Counter>(app.get(&path, w.head_a.token()).await).await,
        renamed
    );

    let listed: Page<Counter> = ok_json(
        app.get(
            &format!("/api/v1/counters?unit_id={}", w.commune_a.id),
            w.head_a.token(),
        )
        .await,
    )
    .await;
    let names: Vec<&str> = listed.items.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(names, ["Quầy số 1", "Quầy số 2"]);
}

#[tokio::test]
async fn rotating_the_qr_token_retires_the_old_one() {
    let app = spawn_app().await;
    let w = app.world().await;
    let path = format!("/api/v1/counters/{}/rotate-token", w.counter_a.id);
    let rotated: Counter = ok_json(app.post_json(&path, w.admin_a.token(), &json!({})).await).await;
    assert_ne!(rotated.qr_token, w.counter_a.qr_token);
    assert_eq!(rotated.qr_token.len(), 22);
    let fetched: Counter = ok_json(
        app.get(
            &format!("/api/v1/counters/{}", w.counter_a.id),
            &app.admin_token,
        )
        .await,
    )
    .await;
    assert_eq!(fetched.qr_token, rotated.qr_token);
}

#[tokio::test]
async fn closing_a_counter_leaves_its_officers_serving_no_counter() {
    let app = spawn_app().await;
    let w = app.world().await;
    assert_eq!(
        w.staff_a.counter_id.as_deref(),
        Some(w.counter_a.id.as_str())
    );
    let closed: Counter = ok_json(
        app.patch_json(
            &format!("/api/v1/counters/{}", w.counter_a.id),
            &app.admin_token,
            &json!({ "active": false }),
        )
        .await,
    )
    .await;
    assert!(!closed.active);
    let staff: Staff = ok_json(
        app.get(&format!("/api/v1/staff/{}", w.staff_a.id), &app.admin_token)
            .await,
    )
    .await;
    assert_eq!(staff.counter_id, None);
    // Closed counters leave the default list and cannot be given to anyone.
    let open: Page<Counter> = ok_json(app.get("/api/v1/counters", &app.admin_token).await).await;
    assert_eq!(open.total, 1);
    let err = assert_api_error(
        app.patch_json(
            &format!("/api/v1/staff/{}", w.staff_a.id),
            &app.admin_token,
            &json!({ "counter_id": w.counter_a.id }),
        )
        .await,
        400,
        ErrorCode::ValidationFailed,
    )
    .await;
    assert_eq!(err.fields[0].field, "counter_id");
}

#[tokio::test]
async fn counters_of_another_unit_are_out_of_reach() {
    let app = spawn_app().await;
    let w = app.world().await;
    let before = app.all_counters().await;
    // Reading: lists hold only one's own subtree; another unit's counter is not found.
    for who in [&w.head_a, &w.officer_a, &w.admin_a] {
        let listed: Page<Counter> = ok_json(app.get("/api/v1/counters", who.token()).await).await;
        let ids: Vec<&str> = listed.items.iter().map(|c| c.id.as_str()).collect();
        assert_eq!(ids, [w.counter_a.id.as_str()], "{}", who.username);
        assert_api_error(
            app.get(&format!("/api/v1/counters/{}", w.counter_b.id), who.token())
                .await,
            404,
            ErrorCode::NotFound,
        )
        .await;
        assert_api_error(
            app.get(
                &format!("/api/v1/counters?unit_id={}", w.commune_b.id),
                who.token(),
            )
            .await,
            404,
            ErrorCode::NotFound,
        )
        .await;
    }
    // Writing, as the commune's administrator: not found, or forbidden for a new one.
    let token = w.admin_a.token();
    assert_api_error(
        app.patch_json(
            &format!("/api/v1/counters/{}", w.counter_b.id),
            token,
            &json!({ "name": "Đổi tên trái phép" }),
        )
        .await,
        404,
        ErrorCode::NotFound,
    )
    .await;
    assert_api_error(
        app.post_json(
            &format!("/api/v1/counters/{}/rotate-token", w.counter_b.id),
            token,
            &json!({}),
        )
        .await,
        404,
        ErrorCode::NotFound,
    )
    .await;
    assert_api_error(
        app.post_json(
            "/api/v1/counters",
            token,
            &NewCounter {
                unit_id: w.commune_b.id.clone(),
                name: "Quầy lạ".into(),
            },
        )
        .await,
        403,
        ErrorCode::Forbidden,
    )
    .await;
    assert_eq!(app.all_counters().await, before);
}

#[tokio::test]
async fn only_administrators_open_change_or_rotate_counters() {
    let app = spawn_app().await;
    let w = app.world().await;
    let before = app.all_counters().await;
    for who in [&w.head_a, &w.officer_a, &w.committee] {
        assert_api_error(
            app.post_json(
                "/api/v1/counters",
                who.token(),
                &NewCounter {
                    unit_id: w.commune_a.id.clone(),
                    name: "Quầy số 9".into(),
                },
            )
            .await,
            403,
            ErrorCode::Forbidden,
        )
        .await;
        assert_api_error(
            app.patch_json(
                &format!("/api/v1/counters/{}", w.counter_a.id),
                who.token(),
                &json!({ "active": false }),
            )
            .await,
            403,
            ErrorCode::Forbidden,
        )
        .await;
        assert_api_error(
            app.post_json(
                &format!("/api/v1/counters/{}/rotate-token", w.counter_a.id),
                who.token(),
                &json!({}),
            )
            .await,
            403,
            ErrorCode::Forbidden,
        )
        .await;
    }
    assert_eq!(app.all_counters().await, before);
}

#[tokio::test]
async fn a_counter_needs_an_existing_unit_and_a_name() {
    let app = spawn_app().await;
    let w = app.world().await;
    let err = assert_api_error(
        app.post_json(
            "/api/v1/counters",
            &app.admin_token,
            &NewCounter {
                unit_id: "0190a0b0-0000-7000-8000-00000000dead".into(),
                name: "Quầy".into(),
            },
        )
        .await,
        400,
        ErrorCode::ValidationFailed,
    )
    .await;
    assert_eq!(
        (err.fields[0].field.as_str(), err.fields[0].code),
        ("unit_id", FieldCode::NotFound)
    );
    let err = assert_api_error(
        app.post_json(
            "/api/v1/counters",
            &app.admin_token,
            &NewCounter {
                unit_id: w.commune_a.id.clone(),
                name: "   ".into(),
            },
        )
        .await,
        400,
        ErrorCode::ValidationFailed,
    )
    .await;
    assert_eq!(
        (err.fields[0].field.as_str(), err.fields[0].code),
        ("name", FieldCode::Required)
    );
    assert_eq!(app.all_counters().await.total, 2);
}

/// The QR code of a counter, as SVG and PNG, for those who may see the counter; and the
/// printable posters.
#[tokio::test]
async fn qr_codes_and_posters_carry_the_counter_page_address() {
    let app =
        tests::spawn_app_with(|c| c.public_url = Some("https://minhbach.ninhbinh.gov.vn/".into()))
            .await;
    let w = app.world().await;
    let svg = app
        .get(
            &format!("/api/v1/counters/{}/qr.svg", w.counter_a.id),
            &app.admin_token,
        )
        .await;
    assert_eq!(svg.status(), 200);
    assert_eq!(svg.headers()["content-type"], "image/svg+xml");
    assert!(svg.text().await.unwrap().contains("<svg"));
    let png = app
        .get(
            &format!("/api/v1/counters/{}/qr.png", w.counter_a.id),
            &app.admin_token,
        )
        .await;
    assert_eq!(png.status(), 200);
    let bytes = png.bytes().await.unwrap();
    assert!(bytes.starts_with(b"\x89PNG"));
    // Another commune's head cannot print this commune's codes.
    let denied = app
        .get(
            &format!("/api/v1/counters/{}/qr.svg", w.counter_b.id),
            w.head_a.token(),
        )
        .await;
    tests::assert_api_error(denied, 404, shared::ErrorCode::NotFound).await;
    let poster = app
        .get(
            &format!("/admin/counters/{}/poster?size=a5", w.counter_a.id),
            &app.admin_token,
        )
        .await;
    assert_eq!(poster.status(), 200);
    let html = poster.text().await.unwrap();
    let url = format!(
        "https://minhbach.ninhbinh.gov.vn/q/{}",
        w.counter_a.qr_token
    );
    assert!(html.contains(&url), "{html}");
    assert!(html.contains("size: A5") && html.contains(&w.commune_a.name));
    assert!(html.contains("Quét mã QR để đánh giá mức độ hài lòng"));
    let sheet = app
        .get(
            &format!("/admin/units/{}/qr-sheet", w.commune_a.id),
            &app.admin_token,
        )
        .await;
    let html = sheet.text().await.unwrap();
    assert_eq!(html.matches("class=\"poster a4\"").count(), 1);
    assert!(!html.contains(&w.counter_b.qr_token));
}
