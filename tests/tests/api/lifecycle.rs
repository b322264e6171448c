//! The end of personal data: a citizen's erasure request from the tracking page, done by the
//! lifecycle job within 72 hours; retention per report kind and for ratings. The report's
//! facts, its timeline and the figures stay.

use diesel::prelude::*;
use serde_json::json;
use server::photo_store::PhotoStore;
use server::schema::{outbox, ratings, report_events, report_photos, reports};
use server::services::lifecycle::{run_once, LifecycleRun, Retention};
use shared::report::{ReportReceipt, ReportView, ERASURE_WITHIN_MS};
use tests::{camera_photo, ok_json, spawn_app_with, TestApp};

const DAY_MS: i64 = 24 * 3600 * 1000;

fn key() -> String {
    uuid::Uuid::new_v4().simple().to_string()
}

fn keep_all() -> Retention {
    Retention {
        feedback_days: 0,
        suggestion_days: 0,
        complaint_days: 0,
        denunciation_days: 0,
        rating_days: 0,
    }
}

/// A named report with a photo; its receipt.
async fn named_report(app: &TestApp, token: &str, kind: &str) -> ReportReceipt {
    let report = json!({
        "kind": kind, "category": "late_dossier", "counter_token": token,
        "description": "Hồ sơ chuyển nhượng đất trễ hẹn hai tuần, không có phiếu hẹn lại.",
        "idempotency_key": key(),
        "reporter": { "full_name": "Lê Thị Hoa", "phone": "0912345678", "email": "hoa@example.vn", "consent": true },
    });
    ok_json(
        app.send_report(&report, vec![camera_photo("Canon_40D.jpg")])
            .await,
    )
    .await
}

async fn opened(app: &TestApp, receipt: &ReportReceipt) -> ReportView {
    app.track(receipt).await
}

/// (name, phone, e-mail, erased at, photos, events) of the report with this tracking code.
type Stored = (
    Option<String>,
    Option<String>,
    Option<String>,
    Option<i64>,
    i64,
    i64,
);

async fn stored(app: &TestApp, code: &str) -> Stored {
    let code = code.replace('-', "");
    app.on_db(move |conn| {
        server::db_run!(conn, {
            let (id, name, phone, email, erased): (
                String,
                Option<String>,
                Option<String>,
                Option<String>,
                Option<i64>,
            ) = reports::table
                .filter(reports::tracking_code.eq(&code))
                .select((
                    reports::id,
                    reports::reporter_name_enc,
                    reports::reporter_phone_enc,
                    reports::reporter_email_enc,
                    reports::personal_data_erased_at,
                ))
                .first(conn)
                .unwrap();
            let photos: i64 = report_photos::table
                .filter(report_photos::report_id.eq(&id))
                .count()
                .get_result(conn)
                .unwrap();
            let events: i64 = report_events::table
                .filter(report_events::report_id.eq(&id))
                .count()
                .get_result(conn)
                .unwrap();
            (name, phone, email, erased, photos, events)
        })
    })
    .await
}

/// Messages to the reporter of this case in the outbox (staff alerts name an account).
async fn waiting_for_reporter(app: &TestApp, case_id: &str) -> i64 {
    let id = case_id.to_string();
    app.on_db(move |conn| {
        server::db_run!(conn, {
            outbox::table
                .filter(outbox::report_id.eq(&id))
                .filter(outbox::account_id.is_null())
                .count()
                .get_result(conn)
                .unwrap()
        })
    })
    .await
}

async fn ask_erasure(app: &TestApp, access: &str) -> reqwest::Response {
    app.client
        .post(app.url("/api/v1/reports/track/erase"))
        .json(&json!({ "access": access }))
        .send()
        .await
        .unwrap()
}

async fn run_job(app: &TestApp, retention: Retention, now: i64) -> LifecycleRun {
    let photos = PhotoStore::from_config(&app.config).unwrap();
    app.on_db(move |conn| run_once(conn, &photos, &retention, now, 500).unwrap())
        .await
}

#[tokio::test]
async fn a_citizen_asks_to_erase_their_data_and_it_is_gone_within_72_hours_facts_intact() {
    let app = spawn_app_with(|c| c.lifecycle_interval_secs = 0).await;
    let w = app.world().await;
    let receipt = named_report(&app, &w.counter_a.qr_token, "feedback").await;
    let before = opened(&app, &receipt).await;
    assert_eq!(before.photos.len(), 1);
    assert_eq!(
        (before.erasure_requested_at, before.personal_data_erased_at),
        (None, None)
    );
    // A message to the reporter waits in the outbox (no gateway here): a status change.
    let case_id = app.case_id(w.head_a.token(), &receipt.tracking_code).await;
    let accepted = app
        .post_json(
            &format!("/api/v1/cases/{case_id}/actions"),
            w.head_a.token(),
            &json!({ "action": "accept" }),
        )
        .await;
    assert_eq!(accepted.status(), 200, "{}", accepted.text().await.unwrap());
    assert!(waiting_for_reporter(&app, &case_id).await >= 1);
    let (name, phone, _, _, photos, events) = stored(&app, &receipt.tracking_code).await;
    assert!(name.is_some() && phone.is_some());
    assert_eq!(photos, 1);

    // The request, from the tracking page's access.
    let access = before.access.clone().unwrap();
    let asked: ReportView = ok_json(ask_erasure(&app, &access).await).await;
    let requested_at = asked.erasure_requested_at.expect("the request is recorded");
    assert_eq!(asked.personal_data_erased_at, None);
    // Asking again changes nothing.
    let again: ReportView = ok_json(ask_erasure(&app, &access).await).await;
    assert_eq!(again.erasure_requested_at, Some(requested_at));
    // A forged access is refused and records nothing.
    assert_eq!(ask_erasure(&app, "khong.phai.ma").await.status(), 401);

    // The job's next run, an hour later: done well within 72 hours.
    let now = requested_at + 3600 * 1000;
    let run = run_job(&app, keep_all(), now).await;
    assert_eq!(run.erased_on_request, 1);
    let (name, phone, email, erased, photos, events_after) =
        stored(&app, &receipt.tracking_code).await;
    assert_eq!((name, phone, email), (None, None, None));
    assert_eq!(photos, 0);
    assert_eq!(events_after, events, "no event of the timeline removed");
    assert_eq!(erased, Some(now));
    assert!(now - requested_at < ERASURE_WITHIN_MS);
    assert_eq!(
        waiting_for_reporter(&app, &case_id).await,
        0,
        "unsent messages to the reporter"
    );
    // The facts stay: the citizen and the head still see the report.
    let after = opened(&app, &receipt).await;
    assert_eq!(after.personal_data_erased_at, Some(now));
    assert_eq!(after.description, before.description);
    assert_eq!((after.kind, after.category), (before.kind, before.category));
    assert!(after.photos.is_empty());
    assert_eq!(after.status, "accepted");
    let case = app
        .get(&format!("/api/v1/cases/{case_id}"), w.head_a.token())
        .await;
    assert_eq!(case.status(), 200);
    // Nothing more to do on the next run.
    assert_eq!(
        run_job(&app, keep_all(), now + 1000).await,
        LifecycleRun::default()
    );
}

#[tokio::test]
async fn the_tracking_page_offers_erasure_without_javascript() {
    let app = spawn_app_with(|c| c.lifecycle_interval_secs = 0).await;
    let w = app.world().await;
    let receipt = named_report(&app, &w.counter_a.qr_token, "feedback").await;
    let view = opened(&app, &receipt).await;
    let page = app
        .client
        .post(app.url("/track"))
        .form(&[
            ("tracking_code", receipt.tracking_code.as_str()),
            ("secret", ""),
        ])
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("Xoá dữ liệu cá nhân của tôi"), "{page}");
    assert!(page.contains(r#"action="/track/erase""#));
    let answered = app
        .client
        .post(app.url("/track/erase"))
        .form(&[("access", view.access.as_deref().unwrap())])
        .send()
        .await
        .unwrap();
    assert_eq!(answered.status(), 200);
    let page = answered.text().await.unwrap();
    assert!(
        page.contains("Đã nhận yêu cầu xoá dữ liệu cá nhân"),
        "{page}"
    );
    assert!(page.contains("Việc xoá hoàn tất trước"), "{page}");
    assert!(!page.contains(r#"action="/track/erase""#), "offered twice");
}

#[tokio::test]
async fn retention_erases_final_reports_of_each_kind_and_old_ratings_pseudonyms() {
    let app = spawn_app_with(|c| c.lifecycle_interval_secs = 0).await;
    let w = app.world().await;
    let token = &w.counter_a.qr_token;
    let withdrawn = named_report(&app, token, "feedback").await;
    let open = named_report(&app, token, "feedback").await;
    let denunciation = named_report(&app, token, "denunciation").await;
    // The first is withdrawn by its citizen (final); the denunciation is declined (final).
    let view = opened(&app, &withdrawn).await;
    let resp = app
        .client
        .post(app.url("/api/v1/reports/track/action"))
        .json(&json!({ "access": view.access, "action": { "action": "withdraw" } }))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200, "{}", resp.text().await.unwrap());
    let rated = app
        .rate_as_new_phone(token, json!({ "overall": "satisfied" }))
        .await;
    assert_eq!(rated.status(), 200);

    // 40 days later for the reports, 800 for the rating.
    let now = server::db::now_ms() + 40 * DAY_MS;
    let rules = Retention {
        feedback_days: 30,
        suggestion_days: 30,
        complaint_days: 30,
        denunciation_days: 365,
        rating_days: 790,
    };
    let run = run_job(&app, rules.clone(), now).await;
    assert_eq!(
        run.erased_by_retention, 1,
        "only the final feedback: {run:?}"
    );
    assert_eq!(run.ratings_cleared, 0);
    assert_eq!(stored(&app, &withdrawn.tracking_code).await.0, None);
    assert!(
        stored(&app, &open.tracking_code).await.0.is_some(),
        "still open"
    );
    assert!(
        stored(&app, &denunciation.tracking_code).await.0.is_some(),
        "a denunciation is kept longer"
    );

    let later = server::db::now_ms() + 800 * DAY_MS;
    let run = run_job(&app, rules, later).await;
    assert_eq!(run.ratings_cleared, 1);
    let (device, network): (String, String) = app
        .on_db(|conn| {
            server::db_run!(conn, {
                ratings::table
                    .select((ratings::device_hash, ratings::network_hash))
                    .first(conn)
                    .unwrap()
            })
        })
        .await;
    assert_eq!((device.as_str(), network.as_str()), ("", ""));
    // The open report is not erased however old; the figures still count the rating.
    assert!(stored(&app, &open.tracking_code).await.0.is_some());
}

#[tokio::test]
async fn sqlite_overwrites_what_it_deletes() {
    let app = spawn_app_with(|_| {}).await;
    let secure: Option<i64> = app
        .on_db(|conn| match conn {
            server::db::DbConn::Sqlite(c) => {
                #[derive(QueryableByName)]
                struct Pragma {
                    #[diesel(sql_type = diesel::sql_types::BigInt)]
                    secure_delete: i64,
                }
                let rows: Vec<Pragma> = diesel::sql_query("PRAGMA secure_delete")
                    .load(&mut **c)
                    .unwrap();
                Some(rows[0].secure_delete)
            }
            server::db::DbConn::Postgres(_) => None,
        })
        .await;
    // PostgreSQL has no such setting (its deleted rows go when VACUUM reclaims the pages).
    if app.is_postgres() {
        assert_eq!(secure, None);
    } else {
        assert_eq!(secure, Some(1));
    }
}
