//! The citizen's rating: the public counter API, one-tap ratings with idempotency keys, the
//! limits that hold back ballot stuffing, burst flags, and the optional detail.

use diesel::prelude::*;
use serde_json::json;
use server::schema::ratings;
use shared::citizen::{PublicCounter, RatingReceipt, Satisfaction};
use shared::ErrorCode;
use tests::{assert_api_error, ok_json, spawn_app, spawn_app_with, TestApp};

fn key() -> String {
    uuid::Uuid::new_v4().simple().to_string()
}

fn device() -> String {
    // 32 URL-safe characters, as a browser cookie or an app's own id would be.
    uuid::Uuid::new_v4().simple().to_string()
}

async fn rate(app: &TestApp, device_id: &str, body: serde_json::Value) -> reqwest::Response {
    app.client
        .post(app.url("/api/v1/ratings"))
        .header("x-device-id", device_id)
        .json(&body)
        .send()
        .await
        .expect("request")
}

fn rating(token: &str, overall: &str) -> serde_json::Value {
    json!({ "counter_token": token, "overall": overall, "idempotency_key": key() })
}

/// Every stored rating: (overall, flagged, flag reason, device hash, network hash).
type StoredRating = (String, bool, Option<String>, String, String);

async fn stored(app: &TestApp) -> Vec<StoredRating> {
    let db = app.db.clone();
    tokio::task::spawn_blocking(move || {
        let mut conn = db.get().expect("connection");
        let conn = &mut conn;
        server::db_run!(conn, {
            ratings::table
                .order(ratings::created_at.asc())
                .select((
                    ratings::overall,
                    ratings::flagged,
                    ratings::flag_reason,
                    ratings::device_hash,
                    ratings::network_hash,
                ))
                .load::<StoredRating>(conn)
        })
        .expect("read ratings")
    })
    .await
    .expect("join")
}

#[tokio::test]
async fn the_counter_page_shows_the_unit_counter_and_its_officers() {
    let app = spawn_app().await;
    let w = app.world().await;
    let away = app.staff(&w.commune_a, "Đỗ Văn Nghỉ", "GV-009", None).await;
    let resp = app
        .get_anonymous(&format!("/api/v1/public/counters/{}", w.counter_a.qr_token))
        .await;
    let page: PublicCounter = ok_json(resp).await;
    assert_eq!(page.unit_name, w.commune_a.name);
    assert_eq!(page.counter_name, w.counter_a.name);
    let names: Vec<&str> = page.officers.iter().map(|o| o.full_name.as_str()).collect();
    assert_eq!(names, [w.staff_a.full_name.as_str()]);
    assert_eq!(page.officers[0].badge_number, "GV-001");
    assert!(!names.contains(&away.full_name.as_str()));
}

#[tokio::test]
async fn an_unknown_or_rotated_token_is_not_found_with_a_clear_message() {
    let app = spawn_app().await;
    let w = app.world().await;
    let old = w.counter_a.qr_token.clone();
    let resp = app
        .post_json(
            &format!("/api/v1/counters/{}/rotate-token", w.counter_a.id),
            &app.admin_token,
            &json!({}),
        )
        .await;
    assert_eq!(resp.status(), 200);
    for token in [old.as_str(), "khong-co-quay-nay"] {
        let resp = app
            .get_anonymous(&format!("/api/v1/public/counters/{token}"))
            .await;
        let err = assert_api_error(resp, 404, ErrorCode::NotFound).await;
        assert!(err.message.vi.contains("Mã QR"), "{}", err.message.vi);
        let resp = rate(&app, &device(), rating(token, "satisfied")).await;
        assert_api_error(resp, 404, ErrorCode::NotFound).await;
    }
    assert!(stored(&app).await.is_empty());
}

#[tokio::test]
async fn a_retried_rating_is_stored_once_with_the_same_receipt() {
    let app = spawn_app().await;
    let w = app.world().await;
    let body = json!({
        "counter_token": w.counter_a.qr_token,
        "overall": "very_satisfied",
        "staff_id": w.staff_a.id,
        "sipas": { "attitude": 5, "timeliness": 4 },
        "comment": "  Cán bộ hướng dẫn tận tình  ",
        "idempotency_key": key(),
    });
    let dev = device();
    let first: RatingReceipt = ok_json(rate(&app, &dev, body.clone()).await).await;
    let again: RatingReceipt = ok_json(rate(&app, &dev, body).await).await;
    assert_eq!(first, again);
    assert_eq!(first.overall, Satisfaction::VerySatisfied);
    assert_eq!(first.staff_id.as_deref(), Some(w.staff_a.id.as_str()));
    assert_eq!(stored(&app).await.len(), 1);
}

#[tokio::test]
async fn a_key_sent_again_with_another_rating_is_refused_and_changes_nothing() {
    let app = spawn_app().await;
    let w = app.world().await;
    let body = json!({
        "counter_token": w.counter_a.qr_token,
        "overall": "satisfied",
        "idempotency_key": key(),
    });
    let dev = device();
    let first: RatingReceipt = ok_json(rate(&app, &dev, body.clone()).await).await;
    for (field, value) in [
        ("overall", json!("not_satisfied")),
        ("staff_id", json!(w.staff_a.id)),
        ("comment", json!("Chờ quá lâu")),
        ("sipas", json!({ "attitude": 1 })),
        ("counter_token", json!(w.counter_b.qr_token)),
    ] {
        let mut other = body.clone();
        other[field] = value;
        let err = assert_api_error(rate(&app, &dev, other).await, 409, ErrorCode::Conflict).await;
        assert!(
            err.message.vi.contains("nội dung khác"),
            "{}",
            err.message.vi
        );
    }
    let rows = stored(&app).await;
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].0, "satisfied");
    // The same rating again: the same receipt.
    let again: RatingReceipt = ok_json(rate(&app, &dev, body.clone()).await).await;
    assert_eq!(again, first);
    // A rating stored before fingerprints were kept matches any replay of its key at its counter.
    let db = app.db.clone();
    tokio::task::spawn_blocking(move || {
        let mut conn = db.get().expect("connection");
        let conn = &mut conn;
        server::db_run!(conn, {
            diesel::update(ratings::table)
                .set(ratings::request_hash.eq(None::<String>))
                .execute(conn)
        })
        .expect("update")
    })
    .await
    .expect("join");
    let mut other = body.clone();
    other["overall"] = json!("very_satisfied");
    let legacy: RatingReceipt = ok_json(rate(&app, &dev, other).await).await;
    assert_eq!(legacy, first);
    assert_eq!(stored(&app).await.len(), 1);
}

#[tokio::test]
async fn one_rating_per_device_per_counter_within_the_window() {
    let app = spawn_app().await;
    let w = app.world().await;
    let dev = device();
    ok_json::<RatingReceipt>(rate(&app, &dev, rating(&w.counter_a.qr_token, "satisfied")).await)
        .await;
    let refused = rate(&app, &dev, rating(&w.counter_a.qr_token, "not_satisfied")).await;
    let err = assert_api_error(refused, 429, ErrorCode::RateLimited).await;
    assert!(err.message.vi.contains("Cảm ơn"), "{}", err.message.vi);
    // Another phone at the same counter, and the same phone at another counter, are fine.
    ok_json::<RatingReceipt>(
        rate(&app, &device(), rating(&w.counter_a.qr_token, "satisfied")).await,
    )
    .await;
    ok_json::<RatingReceipt>(rate(&app, &dev, rating(&w.counter_b.qr_token, "satisfied")).await)
        .await;
    assert_eq!(stored(&app).await.len(), 3);
}

#[tokio::test]
async fn the_window_is_a_setting() {
    let app = spawn_app_with(|c| c.rating_window_secs = 0).await;
    let w = app.world().await;
    let dev = device();
    for overall in ["satisfied", "not_satisfied"] {
        ok_json::<RatingReceipt>(rate(&app, &dev, rating(&w.counter_a.qr_token, overall)).await)
            .await;
    }
    assert_eq!(stored(&app).await.len(), 2);
}

#[tokio::test]
async fn a_burst_at_one_counter_is_stored_but_flagged() {
    let app = spawn_app_with(|c| c.rating_counter_burst_per_minute = 3).await;
    let w = app.world().await;
    for _ in 0..5 {
        ok_json::<RatingReceipt>(
            rate(
                &app,
                &device(),
                rating(&w.counter_a.qr_token, "very_satisfied"),
            )
            .await,
        )
        .await;
    }
    let rows = stored(&app).await;
    let flags: Vec<bool> = rows.iter().map(|r| r.1).collect();
    assert_eq!(flags, [false, false, false, true, true]);
    assert_eq!(rows[3].2.as_deref(), Some("counter_burst"));
}

#[tokio::test]
async fn too_many_submissions_from_one_network_are_refused() {
    let app = spawn_app_with(|c| c.citizen_per_network_per_minute = 2).await;
    let w = app.world().await;
    for _ in 0..2 {
        ok_json::<RatingReceipt>(
            rate(&app, &device(), rating(&w.counter_a.qr_token, "satisfied")).await,
        )
        .await;
    }
    let resp = rate(&app, &device(), rating(&w.counter_a.qr_token, "satisfied")).await;
    assert_api_error(resp, 429, ErrorCode::RateLimited).await;
    assert_eq!(stored(&app).await.len(), 2);
}

#[tokio::test]
async fn bad_ratings_are_refused_field_by_field_and_store_nothing() {
    let app = spawn_app().await;
    let w = app.world().await;
    let t = &w.counter_a.qr_token;
    let resp = rate(
        &app,
        &device(),
        json!({ "counter_token": t, "overall": "tuyet_voi", "idempotency_key": key() }),
    )
    .await;
    assert_api_error(resp, 400, ErrorCode::MalformedRequest).await;
    let resp = rate(
        &app,
        &device(),
        json!({
            "counter_token": t,
            "overall": "satisfied",
            "sipas": { "attitude": 9 },
            "comment": "x".repeat(2001),
            "idempotency_key": "ngan",
        }),
    )
    .await;
    let err = assert_api_error(resp, 400, ErrorCode::ValidationFailed).await;
    let fields: Vec<&str> = err.fields.iter().map(|f| f.field.as_str()).collect();
    assert_eq!(fields, ["idempotency_key", "sipas.attitude", "comment"]);
    // An officer of another commune cannot be named at this counter.
    let mut other = rating(t, "not_satisfied");
    other["staff_id"] = json!(w.staff_b.id);
    let err = assert_api_error(
        rate(&app, &device(), other).await,
        400,
        ErrorCode::ValidationFailed,
    )
    .await;
    assert_eq!(err.fields[0].field, "staff_id");
    assert!(stored(&app).await.is_empty());
}

#[tokio::test]
async fn detail_is_added_only_from_the_same_phone() {
    let app = spawn_app().await;
    let w = app.world().await;
    let dev = device();
    let receipt: RatingReceipt =
        ok_json(rate(&app, &dev, rating(&w.counter_a.qr_token, "not_satisfied")).await).await;
    let detail =
        json!({ "sipas": { "attitude": 2 }, "comment": "Phải chờ lâu", "staff_id": w.staff_a.id });
    let path = format!("/api/v1/ratings/{}/detail", receipt.id);
    let stranger = app
        .client
        .post(app.url(&path))
        .header("x-device-id", device())
        .json(&detail)
        .send()
        .await
        .unwrap();
    assert_api_error(stranger, 404, ErrorCode::NotFound).await;
    let mine = app
        .client
        .post(app.url(&path))
        .header("x-device-id", &dev)
        .json(&detail)
        .send()
        .await
        .unwrap();
    let updated: RatingReceipt = ok_json(mine).await;
    assert_eq!(updated.staff_id.as_deref(), Some(w.staff_a.id.as_str()));
    let db = app.db.clone();
    let (attitude, comment): (Option<i32>, String) = tokio::task::spawn_blocking(move || {
        let mut conn = db.get().unwrap();
        let conn = &mut conn;
        server::db_run!(conn, {
            ratings::table
                .select((ratings::sipas_attitude, ratings::comment))
                .first(conn)
        })
        .unwrap()
    })
    .await
    .unwrap();
    assert_eq!((attitude, comment.as_str()), (Some(2), "Phải chờ lâu"));
}

#[tokio::test]
async fn a_browser_gets_an_http_only_device_cookie_and_nothing_raw_is_stored() {
    let app = spawn_app().await;
    let w = app.world().await;
    let resp = app
        .client
        .post(app.url("/api/v1/ratings"))
        .json(&rating(&w.counter_a.qr_token, "satisfied"))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    let cookie = resp
        .headers()
        .get_all(reqwest::header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|c| c.starts_with("mb_device="))
        .expect("a device cookie")
        .to_string();
    assert!(cookie.contains("HttpOnly"), "{cookie}");
    let device_id = cookie
        .trim_start_matches("mb_device=")
        .split(';')
        .next()
        .unwrap()
        .to_string();
    let rows = stored(&app).await;
    let (_, _, _, device_hash, network_hash) = &rows[0];
    assert_eq!(device_hash.len(), 64);
    assert_ne!(device_hash, &device_id);
    assert!(!network_hash.contains("127.0.0.1"));
    // The same cookie is the same phone: a second rating is refused.
    let again = app
        .client
        .post(app.url("/api/v1/ratings"))
        .header(reqwest::header::COOKIE, format!("mb_device={device_id}"))
        .json(&rating(&w.counter_a.qr_token, "satisfied"))
        .send()
        .await
        .unwrap();
    assert_api_error(again, 429, ErrorCode::RateLimited).await;
}

#[tokio::test]
async fn the_plain_html_form_rates_and_redirects_to_the_thanks_page() {
    let app = spawn_app().await;
    let w = app.world().await;
    let token = &w.counter_a.qr_token;
    let form = [
        ("overall", "satisfied"),
        ("staff_id", w.staff_a.id.as_str()),
        ("idempotency_key", "0123456789abcdef0123456789abcdef"),
    ];
    let post = || {
        app.client
            .post(app.url(&format!("/q/{token}/rate")))
            .header("origin", &app.address)
            .header("x-device-id", "phone-0123456789abcdefghij")
            .form(&form)
            .send()
    };
    let first = post().await.unwrap();
    assert_eq!(first.status(), 303);
    let location = first.headers()["location"].to_str().unwrap().to_string();
    assert!(
        location.starts_with(&format!("/q/{token}/thanks/")),
        "{location}"
    );
    // The browser resends the same form (same key): the same receipt, one row.
    let second = post().await.unwrap();
    assert_eq!(second.headers()["location"].to_str().unwrap(), location);
    assert_eq!(stored(&app).await.len(), 1);
    // The thanks page renders on the server.
    let page = app.get_anonymous(&location).await;
    assert_eq!(page.status(), 200);
    let html = page.text().await.unwrap();
    assert!(html.contains("Cảm ơn bạn đã đánh giá"), "{html}");
}

/// Ratings sent together share commits (the batch writer); every acknowledged one is stored,
/// and a refused one in the same batch undoes none of the others.
#[tokio::test]
async fn a_burst_of_concurrent_ratings_is_stored_whole() {
    let app = spawn_app().await;
    let w = app.world().await;
    let repeat = device();
    let mut sends = Vec::new();
    for i in 0..60 {
        let dev = if i % 6 == 0 { repeat.clone() } else { device() };
        let body = rating(&w.counter_a.qr_token, "satisfied");
        let app = &app;
        sends.push(async move { rate(app, &dev, body).await.status().as_u16() });
    }
    let statuses = futures_util::future::join_all(sends).await;
    let ok = statuses.iter().filter(|s| **s == 200).count();
    let refused = statuses.iter().filter(|s| **s == 429).count();
    // Fifty phones once each, and one phone ten times: only its first rating counts.
    assert_eq!((ok, refused), (51, 9), "{statuses:?}");
    assert_eq!(stored(&app).await.len(), 51);
}
