//! `/metrics`: requests and latencies per route, the pool, the outbox, job runs, refused
//! uploads and stored submissions, in the OpenMetrics text format Prometheus scrapes. The
//! registry is per process and tests share the process, so counters are read as increases.

use serde_json::json;
use tests::{spawn_app_with, TestApp};

async fn scrape(app: &TestApp) -> String {
    let resp = app.client.get(app.url("/metrics")).send().await.unwrap();
    assert_eq!(resp.status(), 200);
    assert!(resp.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("application/openmetrics-text"));
    let body = resp.text().await.unwrap();
    assert!(body.ends_with("# EOF\n"), "{body}");
    body
}

/// The value of the series whose name and labels are exactly `series`, 0 if absent.
fn value(body: &str, series: &str) -> f64 {
    body.lines()
        .find_map(|l| l.strip_prefix(series)?.strip_prefix(' '))
        .map_or(0.0, |v| v.trim().parse().unwrap())
}

#[tokio::test]
async fn metrics_count_requests_uploads_submissions_jobs_and_the_outbox() {
    let app = spawn_app_with(|c| {
        c.db_pool_size = 6;
        c.overdue_interval_secs = 1;
    })
    .await;
    let w = app.world().await;
    let before = scrape(&app).await;

    for _ in 0..3 {
        assert_eq!(
            app.client
                .get(app.url("/healthz"))
                .send()
                .await
                .unwrap()
                .status(),
            200
        );
    }
    // A report with a PDF for a photo (refused), then a stored one, and a rating.
    let pdf = b"%PDF-1.4\n%%EOF".to_vec();
    let report = |key: &str| {
        json!({
            "kind": "feedback", "category": "late_dossier", "counter_token": w.counter_a.qr_token,
            "description": "Hồ sơ trễ hẹn hai tuần, không ai báo trước.", "idempotency_key": key,
            "reporter": { "full_name": "Trần Văn Bình", "phone": "0987654321", "consent": true },
        })
    };
    let resp = app
        .send_report(
            &report(&uuid::Uuid::new_v4().simple().to_string()),
            vec![pdf],
        )
        .await;
    assert_eq!(resp.status(), 415);
    app.submit_report(&report(&uuid::Uuid::new_v4().simple().to_string()))
        .await;
    let rated = app
        .rate_as_new_phone(&w.counter_a.qr_token, json!({ "overall": "satisfied" }))
        .await;
    assert_eq!(rated.status(), 200);
    // An id in the path is counted under its route's pattern, not as a path of its own.
    let _ = app
        .client
        .get(app.url("/api/v1/public/counters/khong-co-quay-nay"))
        .send()
        .await
        .unwrap();
    // Two messages waiting (no gateway in tests), the older one queued a minute ago.
    let now = server::db::now_ms();
    app.on_db(move |conn| {
        use diesel::prelude::*;
        use server::schema::outbox;
        for (id, age_ms) in [("cho-1", 60_000), ("cho-2", 1_000)] {
            server::db_run!(conn, {
                diesel::insert_into(outbox::table)
                    .values((
                        outbox::id.eq(id),
                        outbox::channel.eq("sms"),
                        outbox::recipient_enc.eq("sealed"),
                        outbox::body.eq("Minh Bạch: thử"),
                        outbox::created_at.eq(now - age_ms),
                        outbox::next_attempt_at.eq(now),
                        outbox::kind.eq("status_change"),
                    ))
                    .execute(conn)
            })
            .unwrap();
        }
    })
    .await;
    tokio::time::sleep(std::time::Duration::from_millis(2500)).await;

    let after = scrape(&app).await;
    let grew = |series: &str| value(&after, series) - value(&before, series);
    assert!(
        grew(r#"minhbach_http_requests_total{method="GET",route="/healthz",status="200"}"#) >= 3.0,
        "{after}"
    );
    assert!(
        grew(r#"minhbach_http_request_duration_seconds_count{method="GET",route="/healthz"}"#)
            >= 3.0
    );
    assert!(
        grew(
            r#"minhbach_http_requests_total{method="GET",route="/api/v1/public/counters/{token}",status="404"}"#
        ) >= 1.0,
        "{after}"
    );
    assert!(
        !after.contains("khong-co-quay-nay"),
        "a raw path became a label"
    );
    assert!(
        grew(r#"minhbach_rejected_uploads_total{reason="unsupported_media_type"}"#) >= 1.0,
        "{after}"
    );
    assert!(grew(r#"minhbach_stored_submissions_total{kind="report"}"#) >= 1.0);
    assert!(grew(r#"minhbach_stored_submissions_total{kind="rating"}"#) >= 1.0);
    assert!(
        grew(r#"minhbach_job_runs_total{job="overdue",outcome="ran"}"#) >= 1.0,
        "{after}"
    );
    // This server's own database: its pool and its outbox.
    assert_eq!(value(&after, "minhbach_db_pool_max_connections"), 6.0);
    assert!(value(&after, "minhbach_db_pool_connections") >= 1.0);
    assert_eq!(value(&after, "minhbach_outbox_pending_messages"), 2.0);
    let oldest = value(&after, "minhbach_outbox_oldest_pending_seconds");
    assert!((60.0..70.0).contains(&oldest), "{oldest}");
    assert!(value(&after, "minhbach_db_calls_total") > value(&before, "minhbach_db_calls_total"));
}
