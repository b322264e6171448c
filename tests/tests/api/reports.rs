//! Citizens' reports: anonymous and identified, with real camera photos; idempotent retries;
//! tracking with the code (and secret); what is and is not stored about the sender.

use diesel::prelude::*;
use reqwest::multipart::{Form, Part};
use serde_json::{json, Value};
use server::schema::{report_events, report_photos, reports};
use shared::report::{ReportReceipt, ReportView};
use shared::ErrorCode;
use tests::{
    assert_api_error, camera_photo, captured_logs, ok_json, spawn_app, spawn_app_with, TestApp,
};

fn contains(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len()).any(|w| w == needle)
}

fn key() -> String {
    uuid::Uuid::new_v4().simple().to_string()
}

fn anonymous_report(token: &str, key: &str) -> Value {
    json!({
        "kind": "denunciation",
        "category": "asking_money",
        "counter_token": token,
        "description": "Cán bộ ở quầy yêu cầu nộp thêm 500.000 đồng ngoài lệ phí để làm nhanh.",
        "idempotency_key": key,
    })
}

async fn send(app: &TestApp, report: &Value, photos: Vec<Vec<u8>>) -> reqwest::Response {
    let mut form = Form::new().text("report", report.to_string());
    for (i, p) in photos.into_iter().enumerate() {
        form = form.part(
            "photos",
            Part::bytes(p)
                .file_name(format!("anh-{i}.jpg"))
                .mime_str("image/jpeg")
                .unwrap(),
        );
    }
    app.client
        .post(app.url("/api/v1/reports"))
        .header(
            "user-agent",
            "Mozilla/5.0 (Linux; Android 9; Redmi 7A) DauVetThietBi",
        )
        .header("cookie", "mb_device=device-cookie-should-not-be-read-0123")
        .multipart(form)
        .send()
        .await
        .expect("request")
}

async fn track(app: &TestApp, code: &str, secret: Option<&str>) -> reqwest::Response {
    app.client
        .post(app.url("/api/v1/reports/track"))
        .json(&json!({ "tracking_code": code, "secret": secret }))
        .send()
        .await
        .expect("request")
}

type ReportRow = (
    bool,
    Option<String>,
    Option<String>,
    Option<String>,
    String,
    String,
);

async fn stored_reports(app: &TestApp) -> Vec<ReportRow> {
    let db = app.db.clone();
    tokio::task::spawn_blocking(move || {
        let mut conn = db.get().unwrap();
        let conn = &mut conn;
        server::db_run!(conn, {
            reports::table
                .select((
                    reports::anonymous,
                    reports::secret_hash,
                    reports::reporter_name_enc,
                    reports::reporter_phone_enc,
                    reports::idempotency_key,
                    reports::status,
                ))
                .load::<ReportRow>(conn)
        })
        .unwrap()
    })
    .await
    .unwrap()
}

async fn stored_photos(app: &TestApp) -> Vec<(Vec<u8>, Vec<u8>)> {
    let db = app.db.clone();
    tokio::task::spawn_blocking(move || {
        let mut conn = db.get().unwrap();
        let conn = &mut conn;
        server::db_run!(conn, {
            report_photos::table
                .order(report_photos::position.asc())
                .select((report_photos::full_bytes, report_photos::thumb_bytes))
                .load(conn)
        })
        .unwrap()
    })
    .await
    .unwrap()
}

/// Every byte of every table a report touches, as text, to search for what must not be there.
async fn everything_stored(app: &TestApp) -> String {
    let rows = stored_reports(app).await;
    let db = app.db.clone();
    let events: Vec<(String, String)> = tokio::task::spawn_blocking(move || {
        let mut conn = db.get().unwrap();
        let conn = &mut conn;
        server::db_run!(conn, {
            report_events::table
                .select((report_events::kind, report_events::body))
                .load(conn)
        })
        .unwrap()
    })
    .await
    .unwrap();
    format!("{rows:?} {events:?}")
}

#[tokio::test]
async fn an_anonymous_report_with_camera_photos_keeps_no_trace_of_the_sender() {
    let app = spawn_app().await;
    let w = app.world().await;
    let k = key();
    let photos = vec![
        camera_photo("gps_DSCN0010.jpg"),
        camera_photo("tests_45-gps_ifd.jpg"),
    ];
    assert!(
        photos.iter().all(|p| contains(p, b"Exif")),
        "the originals carry EXIF"
    );
    let receipt: ReportReceipt =
        ok_json(send(&app, &anonymous_report(&w.counter_a.qr_token, &k), photos).await).await;
    assert_eq!(receipt.photos, 2);
    let secret = receipt
        .secret
        .clone()
        .expect("an anonymous report gets a secret");
    // 16 + 16 Crockford characters: 160 bits together, far beyond guessing.
    assert_eq!(receipt.tracking_code.replace('-', "").len(), 16);
    assert_eq!(secret.replace('-', "").len(), 16);

    let rows = stored_reports(&app).await;
    assert_eq!(rows.len(), 1);
    let (anonymous, secret_hash, name, phone, idem, status) = &rows[0];
    assert!(*anonymous);
    assert!(secret_hash.as_deref().unwrap().starts_with("$argon2id$"));
    assert_eq!((name, phone), (&None, &None));
    assert_ne!(idem, &k, "the raw idempotency key is not stored");
    assert_eq!(status, "received");
    let all = everything_stored(&app).await;
    for trace in [
        secret.replace('-', ""),
        "127.0.0.1".into(),
        "DauVetThietBi".into(),
        "device-cookie".into(),
    ] {
        assert!(!all.contains(&trace), "{trace} was stored");
    }
    for (full, thumb) in stored_photos(&app).await {
        for blob in [&full, &thumb] {
            assert!(blob.starts_with(&[0xFF, 0xD8]), "a JPEG");
            for marker in [
                &b"Exif"[..],
                b"GPS",
                b"http://ns.adobe.com/xap",
                b"Photoshop 3.0",
            ] {
                assert!(
                    !contains(blob, marker),
                    "{:?} survived",
                    String::from_utf8_lossy(marker)
                );
            }
        }
    }
    let logs = captured_logs();
    assert!(!logs.contains("DauVetThietBi"), "the user agent was logged");
    assert!(
        !logs.contains(&secret.replace('-', "")),
        "the secret was logged"
    );
}

#[tokio::test]
async fn a_retried_report_is_stored_once_with_the_same_code_and_secret() {
    let app = spawn_app().await;
    let w = app.world().await;
    let k = key();
    let body = anonymous_report(&w.counter_a.qr_token, &k);
    let first: ReportReceipt =
        ok_json(send(&app, &body, vec![camera_photo("Canon_40D.jpg")]).await).await;
    let again: ReportReceipt =
        ok_json(send(&app, &body, vec![camera_photo("Canon_40D.jpg")]).await).await;
    assert_eq!(first.tracking_code, again.tracking_code);
    assert_eq!(first.secret, again.secret);
    assert_eq!(again.photos, 1);
    assert_eq!(stored_reports(&app).await.len(), 1);
    assert_eq!(stored_photos(&app).await.len(), 1);
}

/// Runs an SQL update on the stored reports (to age a report, or to make it look like a row
/// stored before fingerprints were kept).
async fn change_stored_reports(
    app: &TestApp,
    change: impl FnOnce(&mut server::db::DbConn) -> QueryResult<usize> + Send + 'static,
) {
    let db = app.db.clone();
    tokio::task::spawn_blocking(move || change(&mut db.get().unwrap()).unwrap())
        .await
        .unwrap();
}

#[tokio::test]
async fn a_key_sent_again_with_another_report_is_refused_and_changes_nothing() {
    let app = spawn_app().await;
    let w = app.world().await;
    let k = key();
    let body = anonymous_report(&w.counter_a.qr_token, &k);
    let photo = || camera_photo("Canon_40D.jpg");
    let first: ReportReceipt = ok_json(send(&app, &body, vec![photo()]).await).await;
    let before = everything_stored(&app).await;

    let mut other_text = body.clone();
    other_text["description"] = json!("Cán bộ yêu cầu nộp 2.000.000 đồng, nếu không sẽ trả hồ sơ.");
    let mut other_unit = body.clone();
    other_unit["counter_token"] = json!(w.counter_b.qr_token);
    let mut named = body.clone();
    named["reporter"] =
        json!({ "full_name": "Nguyễn Văn Công Dân", "phone": "0912 345 678", "consent": true });
    for (report, photos) in [
        (&other_text, vec![photo()]),
        (&other_unit, vec![photo()]),
        (&named, vec![photo()]),
        (&body, vec![camera_photo("gps_DSCN0010.jpg")]),
        (&body, vec![]),
        (&body, vec![photo(), photo()]),
    ] {
        let err =
            assert_api_error(send(&app, report, photos).await, 409, ErrorCode::Conflict).await;
        assert!(
            err.message.vi.contains("nội dung khác"),
            "{}",
            err.message.vi
        );
        assert!(
            err.message.en.contains("different content"),
            "{}",
            err.message.en
        );
    }
    assert_eq!(
        everything_stored(&app).await,
        before,
        "a refused replay changed what is stored"
    );
    assert_eq!(stored_photos(&app).await.len(), 1);

    // The same report again, even typed with other line ends and spaces: the same receipt,
    // secret included.
    let again: ReportReceipt = ok_json(send(&app, &body, vec![photo()]).await).await;
    assert_eq!(again, first);
    assert!(again.secret.is_some());
    let mut spaced = body.clone();
    spaced["description"] = json!(format!("  {}\r\n", body["description"].as_str().unwrap()));
    let again: ReportReceipt = ok_json(send(&app, &spaced, vec![photo()]).await).await;
    assert_eq!(again, first);
    assert_eq!(stored_reports(&app).await.len(), 1);

    // A quarter of an hour later the receipt comes back without the secret.
    change_stored_reports(&app, |conn| {
        server::db_run!(conn, {
            diesel::update(reports::table)
                .set(reports::created_at.eq(reports::created_at - 16 * 60 * 1000))
                .execute(conn)
        })
    })
    .await;
    let late: ReportReceipt = ok_json(send(&app, &body, vec![photo()]).await).await;
    assert_eq!(late.tracking_code, first.tracking_code);
    assert_eq!(late.secret, None);

    // A report stored before fingerprints were kept matches any replay of its key.
    change_stored_reports(&app, |conn| {
        server::db_run!(conn, {
            diesel::update(reports::table)
                .set(reports::request_hash.eq(None::<String>))
                .execute(conn)
        })
    })
    .await;
    let legacy: ReportReceipt = ok_json(send(&app, &other_text, vec![]).await).await;
    assert_eq!(legacy.tracking_code, first.tracking_code);
    assert_eq!(stored_reports(&app).await.len(), 1);
}

#[tokio::test]
async fn the_citizen_pages_are_never_cached() {
    let app = spawn_app().await;
    let w = app.world().await;
    let token = &w.counter_a.qr_token;
    for path in [format!("/q/{token}"), "/report".into(), "/track".into()] {
        let resp = app.get_anonymous(&path).await;
        assert_eq!(resp.status(), 200, "{path}");
        assert_eq!(
            resp.headers()
                .get("cache-control")
                .and_then(|v| v.to_str().ok()),
            Some("no-store"),
            "{path}"
        );
    }
    let rated = app
        .client
        .post(app.url(&format!("/q/{token}/rate")))
        .header("origin", &app.address)
        .form(&[("overall", "satisfied"), ("idempotency_key", &key())])
        .send()
        .await
        .unwrap();
    assert_eq!(rated.status(), 303);
    assert_eq!(rated.headers()["cache-control"], "no-store");
}

/// The UUID versions of every stored report, report photo and report event id.
async fn stored_id_versions(app: &TestApp) -> (Vec<usize>, Vec<usize>, Vec<usize>) {
    let db = app.db.clone();
    let (reports, photos, events): (Vec<String>, Vec<String>, Vec<String>) =
        tokio::task::spawn_blocking(move || {
            let mut conn = db.get().unwrap();
            let conn = &mut conn;
            server::db_run!(conn, {
                (
                    reports::table.select(reports::id).load(conn).unwrap(),
                    report_photos::table
                        .select(report_photos::id)
                        .load(conn)
                        .unwrap(),
                    report_events::table
                        .select(report_events::id)
                        .load(conn)
                        .unwrap(),
                )
            })
        })
        .await
        .unwrap();
    let versions = |ids: Vec<String>| {
        ids.iter()
            .map(|id| uuid::Uuid::parse_str(id).unwrap().get_version_num())
            .collect::<Vec<_>>()
    };
    (versions(reports), versions(photos), versions(events))
}

#[tokio::test]
async fn an_anonymous_report_s_ids_carry_no_time() {
    let app = spawn_app().await;
    let w = app.world().await;
    let mut body = anonymous_report(&w.counter_a.qr_token, &key());
    body["wants_meeting"] = json!(true);
    let receipt: ReportReceipt = ok_json(
        send(
            &app,
            &body,
            vec![
                camera_photo("Canon_40D.jpg"),
                camera_photo("gps_DSCN0010.jpg"),
            ],
        )
        .await,
    )
    .await;
    let (reports, photos, events) = stored_id_versions(&app).await;
    assert_eq!(reports, [4], "the report id is random (UUIDv4)");
    assert_eq!(photos, [4, 4]);
    assert_eq!(events, [4, 4, 4]);
    // Random ids do not shuffle the timeline.
    let view: ReportView =
        ok_json(track(&app, &receipt.tracking_code, receipt.secret.as_deref()).await).await;
    let kinds: Vec<&str> = view.timeline.iter().map(|e| e.kind.as_str()).collect();
    assert_eq!(kinds, ["received", "acknowledged", "meeting_requested"]);
}

#[tokio::test]
async fn tracking_needs_the_code_and_for_an_anonymous_report_the_secret() {
    let app = spawn_app().await;
    let w = app.world().await;
    let receipt: ReportReceipt = ok_json(
        send(
            &app,
            &anonymous_report(&w.counter_a.qr_token, &key()),
            vec![],
        )
        .await,
    )
    .await;
    let secret = receipt.secret.clone().unwrap();
    // Typed carelessly: lower case, spaces, an O for a zero.
    let sloppy = receipt
        .tracking_code
        .to_lowercase()
        .replace('-', " ")
        .replace('0', "o");
    let view: ReportView = ok_json(track(&app, &sloppy, Some(&secret)).await).await;
    assert_eq!(view.tracking_code, receipt.tracking_code);
    assert_eq!(view.unit_name, w.commune_a.name);
    assert_eq!(
        view.counter_name.as_deref(),
        Some(w.counter_a.name.as_str())
    );
    assert!(view.anonymous);
    let kinds: Vec<&str> = view.timeline.iter().map(|e| e.kind.as_str()).collect();
    assert_eq!(kinds, ["received", "acknowledged"]);
    for (code, secret) in [
        (receipt.tracking_code.as_str(), None),
        (receipt.tracking_code.as_str(), Some("AAAA-BBBB-CCCC-DDDD")),
        ("AAAA-BBBB-CCCC-DDDD", Some(secret.as_str())),
    ] {
        let err = assert_api_error(track(&app, code, secret).await, 404, ErrorCode::NotFound).await;
        assert!(err.message.vi.contains("không đúng"));
    }
}

#[tokio::test]
async fn wrong_guesses_are_rate_limited() {
    let app = spawn_app_with(|c| c.track_per_network_per_minute = 3).await;
    for _ in 0..3 {
        assert_eq!(
            track(&app, "AAAA-BBBB-CCCC-DDDD", Some("x")).await.status(),
            404
        );
    }
    assert_api_error(
        track(&app, "AAAA-BBBB-CCCC-DDDD", Some("x")).await,
        429,
        ErrorCode::RateLimited,
    )
    .await;
}

#[tokio::test]
async fn an_identified_report_is_encrypted_at_rest_and_tracked_by_code_alone() {
    let app = spawn_app().await;
    let w = app.world().await;
    let mut body = anonymous_report(&w.counter_a.qr_token, &key());
    body["kind"] = json!("feedback");
    body["category"] = json!("rude");
    body["staff_id"] = json!(w.staff_a.id);
    body["wants_meeting"] = json!(true);
    body["reporter"] =
        json!({ "full_name": "Nguyễn Văn Công Dân", "phone": "0912 345 678", "consent": false });
    let err = assert_api_error(
        send(&app, &body, vec![]).await,
        400,
        ErrorCode::ValidationFailed,
    )
    .await;
    assert_eq!(err.fields[0].field, "reporter.consent");
    body["reporter"]["consent"] = json!(true);
    let receipt: ReportReceipt = ok_json(send(&app, &body, vec![]).await).await;
    assert_eq!(receipt.secret, None);
    let all = everything_stored(&app).await;
    assert!(
        !all.contains("Công Dân") && !all.contains("0912"),
        "identity stored in clear: {all}"
    );
    let (_, secret_hash, name, phone, ..) = &stored_reports(&app).await[0];
    assert!(secret_hash.is_none());
    assert!(
        name.as_deref().unwrap().starts_with("v1:") && phone.as_deref().unwrap().starts_with("v1:")
    );
    let view: ReportView = ok_json(track(&app, &receipt.tracking_code, None).await).await;
    assert!(!view.anonymous && view.wants_meeting);
    let kinds: Vec<&str> = view.timeline.iter().map(|e| e.kind.as_str()).collect();
    assert_eq!(kinds, ["received", "acknowledged", "meeting_requested"]);
    // The citizen sees when to come: the unit's next reception day (Wednesday by default),
    // a working day, within a week and a holiday.
    let slot = view.meeting.clone().expect("the meeting's date and time");
    let day = shared::calendar::Date::parse(&slot.date).unwrap();
    assert_eq!(day.weekday(), 3);
    assert!(shared::calendar::WorkingCalendar::seed().is_working_day(day));
    assert!(slot.describe(shared::Lang::Vi).starts_with("Thứ Tư"));
}

#[tokio::test]
async fn bad_photos_are_refused_and_leave_nothing_behind() {
    let app = spawn_app_with(|c| c.max_photo_bytes = 1024 * 1024).await;
    let w = app.world().await;
    let token = &w.counter_a.qr_token;
    let pdf = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer\n%%EOF".to_vec();
    let resp = send(
        &app,
        &anonymous_report(token, &key()),
        vec![camera_photo("Canon_40D.jpg"), pdf],
    )
    .await;
    let err = assert_api_error(resp, 415, ErrorCode::UnsupportedMediaType).await;
    assert!(err.message.vi.starts_with("Ảnh 2"), "{}", err.message.vi);
    let resp = send(
        &app,
        &anonymous_report(token, &key()),
        vec![camera_photo("corrupted.jpg")],
    )
    .await;
    assert!(resp.status().is_client_error(), "{}", resp.status());
    let big = vec![0xFFu8; 2 * 1024 * 1024];
    let resp = send(&app, &anonymous_report(token, &key()), vec![big]).await;
    assert_api_error(resp, 413, ErrorCode::PayloadTooLarge).await;
    let six = (0..6).map(|_| camera_photo("Canon_40D.jpg")).collect();
    let resp = send(&app, &anonymous_report(token, &key()), six).await;
    assert_api_error(resp, 400, ErrorCode::ValidationFailed).await;
    assert!(stored_reports(&app).await.is_empty());
    assert!(stored_photos(&app).await.is_empty());
}

#[tokio::test]
async fn a_report_without_a_place_or_with_a_short_description_is_refused() {
    let app = spawn_app().await;
    let resp = send(
        &app,
        &json!({ "kind": "feedback", "category": "other", "description": "ngắn", "idempotency_key": key() }),
        vec![],
    )
    .await;
    let err = assert_api_error(resp, 400, ErrorCode::ValidationFailed).await;
    let fields: Vec<&str> = err.fields.iter().map(|f| f.field.as_str()).collect();
    assert_eq!(fields, ["unit_id", "description"]);
    assert!(stored_reports(&app).await.is_empty());
}

#[tokio::test]
async fn a_multipart_body_with_endless_parts_is_refused() {
    let app = spawn_app().await;
    let w = app.world().await;
    let mut form = Form::new().text(
        "report",
        anonymous_report(&w.counter_a.qr_token, &key()).to_string(),
    );
    for i in 0..100 {
        form = form.text(format!("extra{i}"), "x");
    }
    let resp = app
        .client
        .post(app.url("/api/v1/reports"))
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_api_error(resp, 400, ErrorCode::MalformedRequest).await;
    assert!(stored_reports(&app).await.is_empty());
}

async fn add(app: &TestApp, addition: &Value, photos: Vec<Vec<u8>>) -> reqwest::Response {
    let mut form = Form::new().text("addition", addition.to_string());
    for p in photos {
        form = form.part(
            "photos",
            Part::bytes(p)
                .file_name("them.jpg")
                .mime_str("image/jpeg")
                .unwrap(),
        );
    }
    app.client
        .post(app.url("/api/v1/reports/track/add"))
        .multipart(form)
        .send()
        .await
        .expect("request")
}

/// An anonymous report, opened with its code and secret: (the tracking answer, the code).
async fn opened_report(app: &TestApp) -> ReportView {
    let w = app.world().await;
    let receipt: ReportReceipt = ok_json(
        send(
            app,
            &anonymous_report(&w.counter_a.qr_token, &key()),
            vec![],
        )
        .await,
    )
    .await;
    ok_json(track(app, &receipt.tracking_code, receipt.secret.as_deref()).await).await
}

#[tokio::test]
async fn the_citizen_adds_text_and_photos_once_per_key_from_the_tracking_answer() {
    let app = spawn_app().await;
    let view = opened_report(&app).await;
    let access = view
        .access
        .clone()
        .expect("the tracking answer gives access");
    let k = key();
    let addition = json!({
        "access": access,
        "text": "Tôi bổ sung ảnh biên lai thu tiền không có dấu.",
        "idempotency_key": k,
    });
    let after: ReportView =
        ok_json(add(&app, &addition, vec![camera_photo("gps_DSCN0012.jpg")]).await).await;
    let note = after
        .timeline
        .iter()
        .find(|e| e.kind == "citizen_add_info")
        .expect("the addition is on the public timeline");
    assert!(note.text.contains("biên lai"));
    assert_eq!(note.by_role.as_deref(), Some("citizen"));
    assert_eq!(after.photos.len(), 1);
    // A retry of the same addition stores nothing more.
    let again: ReportView =
        ok_json(add(&app, &addition, vec![camera_photo("gps_DSCN0012.jpg")]).await).await;
    assert_eq!(again.photos.len(), 1);
    assert_eq!(
        again
            .timeline
            .iter()
            .filter(|e| e.kind == "citizen_add_info")
            .count(),
        1
    );
    // The added photo went through the same pipeline: no EXIF, no GPS.
    for (full, thumb) in stored_photos(&app).await {
        for blob in [&full, &thumb] {
            assert!(!contains(blob, b"Exif") && !contains(blob, b"GPS"));
        }
    }
    // Photos alone are enough; nothing at all is not.
    let photos_only = json!({ "access": access, "idempotency_key": key() });
    let after: ReportView =
        ok_json(add(&app, &photos_only, vec![camera_photo("Canon_40D.jpg")]).await).await;
    assert_eq!(after.photos.len(), 2);
    assert_api_error(
        add(
            &app,
            &json!({ "access": access, "idempotency_key": key() }),
            vec![],
        )
        .await,
        400,
        ErrorCode::ValidationFailed,
    )
    .await;
}

#[tokio::test]
async fn an_addition_needs_a_genuine_access_and_a_good_photo() {
    let app = spawn_app().await;
    let view = opened_report(&app).await;
    let access = view.access.clone().unwrap();
    let note = |access: &str| json!({ "access": access, "text": "Thêm thông tin về sự việc.", "idempotency_key": key() });
    // A forged or altered access opens nothing.
    let (body, mac) = access.rsplit_once('.').unwrap();
    let (id, expiry) = body.split_once('.').unwrap();
    let later = format!("{id}.{}.{mac}", expiry.parse::<i64>().unwrap() + 86_400_000);
    for bad in [
        "".to_string(),
        "khong-hop-le".to_string(),
        later,
        format!("{body}.{}", "0".repeat(64)),
    ] {
        assert_api_error(
            add(&app, &note(&bad), vec![]).await,
            401,
            ErrorCode::TokenExpired,
        )
        .await;
    }
    // A renamed PDF is refused and nothing of the addition is stored.
    let pdf = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n".repeat(50);
    let refused = add(&app, &note(&access), vec![pdf]).await;
    assert_api_error(refused, 415, ErrorCode::UnsupportedMediaType).await;
    let all = everything_stored(&app).await;
    assert!(
        !all.contains("citizen_add_info"),
        "a refused addition left a trace"
    );
    assert!(stored_photos(&app).await.is_empty());
}
