//! Several server processes on one database, as behind a load balancer: limits, the
//! one-rating-per-window rule and idempotency keys hold whichever process a request reaches.
//! (The second process is `TestApp::another_process`; the browser test `scale_out.test.mjs`
//! does the same with real processes behind nginx.)

use diesel::prelude::*;
use serde_json::json;
use server::schema::{rate_limits, ratings, reports};
use shared::report::ReportReceipt;
use shared::ErrorCode;
use tests::{assert_api_error, ok_json, spawn_app_with, PASSWORD};

fn key() -> String {
    uuid::Uuid::new_v4().simple().to_string()
}

/// The base address of each of two processes on one database.
fn both(app: &tests::TestApp, second: u16) -> [String; 2] {
    [app.address.clone(), format!("http://127.0.0.1:{second}")]
}

#[tokio::test]
async fn sign_in_limits_count_the_attempts_of_every_process() {
    // Shared limits on both databases here (on SQLite they default to memory).
    let app = spawn_app_with(|c| {
        c.shared_limits = Some(true);
        c.login_burst_per_account = 4;
    })
    .await;
    let second = app.another_process().await;
    let bases = both(&app, second);
    let w = app.world().await;
    let target = app
        .account(
            "can.bo.mot",
            shared::model::Role::Officer,
            Some(&w.commune_a),
        )
        .await;
    let mut statuses = Vec::new();
    for attempt in 0..8 {
        let resp = app
            .client
            .post(format!("{}/api/v1/auth/login", bases[attempt % 2]))
            .json(&json!({ "username": target.username, "password": "sai-mat-khau-roi-123" }))
            .send()
            .await
            .unwrap();
        statuses.push(resp.status().as_u16());
    }
    // Four wrong passwords in all, not four per process; then both processes refuse.
    assert_eq!(statuses, [401, 401, 401, 401, 429, 429, 429, 429]);
    let resp = app
        .client
        .post(format!("{}/api/v1/auth/login", bases[1]))
        .json(&json!({ "username": target.username, "password": PASSWORD }))
        .send()
        .await
        .unwrap();
    assert_api_error(resp, 429, ErrorCode::RateLimited).await;
    // What is kept: keyed hashes, never the account name or the address.
    let kept: Vec<(String, String)> = app
        .on_db(|conn| {
            server::db_run!(conn, {
                rate_limits::table
                    .select((rate_limits::scope, rate_limits::subject))
                    .load(conn)
            })
            .unwrap()
        })
        .await;
    assert!(kept.iter().any(|(s, _)| s == "login-account"), "{kept:?}");
    assert!(kept.iter().any(|(s, _)| s == "login-address"), "{kept:?}");
    for (_, subject) in &kept {
        assert_eq!(subject.len(), 64, "a keyed SHA-256: {subject}");
        assert!(!subject.contains("127.0.0.1") && !subject.contains("can.bo"));
    }
}

#[tokio::test]
async fn tracking_look_ups_are_limited_across_processes() {
    let app = spawn_app_with(|c| {
        c.shared_limits = Some(true);
        c.track_per_network_per_minute = 3;
    })
    .await;
    let second = app.another_process().await;
    let bases = both(&app, second);
    let mut statuses = Vec::new();
    for attempt in 0..6 {
        let resp = app
            .client
            .post(format!("{}/api/v1/reports/track", bases[attempt % 2]))
            .json(
                &json!({ "tracking_code": "ABCD-EFGH-JKMN-PQRS", "secret": "ABCD-EFGH-JKMN-PQRS" }),
            )
            .send()
            .await
            .unwrap();
        statuses.push(resp.status().as_u16());
    }
    assert_eq!(statuses, [404, 404, 404, 429, 429, 429]);
}

#[tokio::test]
async fn one_phone_gets_one_rating_per_counter_even_through_two_processes_at_once() {
    // The limits in memory here: counting them in the database spaces the requests out, and
    // this is about the one-rating rule when they truly arrive together.
    let app = spawn_app_with(|c| {
        c.shared_limits = Some(false);
        c.citizen_per_device_per_minute = 1000;
    })
    .await;
    let w = app.world().await;
    let second = app.another_process().await;
    let bases = both(&app, second);
    let (phones, tries) = (8, 12);
    let mut sent = Vec::new();
    for phone in 0..phones {
        let device = format!("dien-thoai-{phone}-{}", key());
        for i in 0..tries {
            let (client, url, device) = (
                app.client.clone(),
                format!("{}/api/v1/ratings", bases[i % 2]),
                device.clone(),
            );
            let body = json!({ "counter_token": w.counter_a.qr_token, "overall": "satisfied",
                               "idempotency_key": key() });
            sent.push(tokio::spawn(async move {
                client
                    .post(url)
                    .header("x-device-id", device)
                    .json(&body)
                    .send()
                    .await
                    .unwrap()
                    .status()
                    .as_u16()
            }));
        }
    }
    let mut thanked = 0;
    for s in sent {
        match s.await.unwrap() {
            200 => thanked += 1,
            429 => {}
            other => panic!("status {other}"),
        }
    }
    // One thank-you per phone; the others were told they rated this counter already.
    assert_eq!(thanked, phones);
    let stored: i64 = app
        .on_db(|conn| server::db_run!(conn, ratings::table.count().get_result(conn)).unwrap())
        .await;
    assert_eq!(stored, phones as i64);
}

#[tokio::test]
async fn a_report_sent_to_two_processes_at_once_is_stored_once_and_both_get_its_receipt() {
    let app = spawn_app_with(|_| {}).await;
    let w = app.world().await;
    let second = app.another_process().await;
    let bases = both(&app, second);
    for round in 0..6 {
        let idempotency_key = key();
        let report = json!({
            "kind": "feedback",
            "category": "late_dossier",
            "counter_token": w.counter_a.qr_token,
            "description": format!("Lần {round}: chờ hơn hai tiếng mà chưa được giải quyết hồ sơ."),
            "idempotency_key": idempotency_key,
        });
        let sends = bases.clone().map(|base| {
            let (client, report) = (app.client.clone(), report.to_string());
            tokio::spawn(async move {
                let form = reqwest::multipart::Form::new().text("report", report);
                client
                    .post(format!("{base}/api/v1/reports"))
                    .multipart(form)
                    .send()
                    .await
                    .unwrap()
            })
        });
        let mut receipts = Vec::new();
        for s in sends {
            receipts.push(ok_json::<ReportReceipt>(s.await.unwrap()).await);
        }
        assert_eq!(receipts[0].tracking_code, receipts[1].tracking_code);
        assert_eq!(receipts[0].secret, receipts[1].secret);
    }
    let stored: i64 = app
        .on_db(|conn| server::db_run!(conn, reports::table.count().get_result(conn)).unwrap())
        .await;
    assert_eq!(stored, 6);
}

#[tokio::test]
async fn a_process_stopped_gracefully_hands_its_job_leases_over_at_once() {
    use server::schema::job_leases;
    let app = spawn_app_with(|c| {
        c.lifecycle_interval_secs = 0;
        c.overdue_interval_secs = 0;
        c.reception_digest_interval_secs = 0;
    })
    .await;
    // The second process runs the data lifecycle job every second, so it holds that lease.
    let mut config = app.config.clone();
    config.lifecycle_interval_secs = 1;
    let second = server::startup::Application::build(config).await.unwrap();
    let holder = second.state.db.lease_holder().to_string();
    let stop = second.server_handle();
    let running = tokio::spawn(second.run_until_stopped());
    let lease = || async {
        app.on_db(|conn| {
            server::db_run!(conn, {
                job_leases::table
                    .find("data-lifecycle")
                    .select((job_leases::holder, job_leases::lease_until))
                    .first::<(String, i64)>(conn)
                    .optional()
                    .unwrap()
            })
        })
        .await
    };
    let mut held = None;
    for _ in 0..100 {
        held = lease().await;
        if held.is_some() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    let (by, until) = held.expect("the second process took the lease");
    assert_eq!(by, holder);
    // Held for three intervals: without a hand-over, another process would wait that long
    // (three hours at the default interval).
    assert!(until > server::db::now_ms());

    // SIGTERM's graceful stop: the lease is given up, and another process may take it now.
    stop.stop(true).await;
    running.await.unwrap().unwrap();
    assert_eq!(lease().await, Some((holder, 0)));
    let taken = app
        .on_db(|conn| {
            server::services::jobs::claim_lease(
                conn,
                "data-lifecycle",
                "the-first-process",
                server::db::now_ms(),
                3_000,
            )
            .unwrap()
        })
        .await;
    assert!(taken, "another process takes the released lease at once");
}
