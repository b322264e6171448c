//! Messages to identified reporters through a real local HTTP gateway that hangs, fails, then
//! recovers: the head's actions never wait for it, and every message arrives in the end.

use serde_json::json;
use shared::case::{CaseDetail, CasePage};
use std::time::{Duration, Instant};
use tests::{ok_json, spawn_app_with, GatewayAnswer, TestGateway};

#[tokio::test]
async fn a_hanging_then_failing_gateway_delays_messages_but_loses_none() {
    let gateway = TestGateway::start(
        vec![
            GatewayAnswer::Hang,
            GatewayAnswer::Fail,
            GatewayAnswer::Fail,
        ],
        Some("Bearer khoa-cong"),
    )
    .await;
    let app = spawn_app_with(|c| {
        c.notify_url = Some(gateway.url.clone());
        c.notify_auth = Some("Authorization: Bearer khoa-cong".into());
        c.notify_interval_ms = 50;
        c.notify_timeout_ms = 500;
        c.notify_retry_ms = 100;
    })
    .await;
    let w = app.world().await;
    let report = json!({
        "kind": "feedback",
        "category": "rude",
        "counter_token": w.counter_a.qr_token,
        "description": "Cán bộ quát tháo người dân khi được hỏi về lệ phí chứng thực.",
        "idempotency_key": uuid::Uuid::new_v4().simple().to_string(),
        "reporter": {"full_name": "Lê Thị Hoa", "phone": "0987654321", "email": "hoa@example.vn", "consent": true},
    });
    let resp = app.send_report(&report, Vec::new()).await;
    assert_eq!(resp.status(), 200);
    let head = w.head_a.token();
    let cases: CasePage = ok_json(app.get("/api/v1/cases", head).await).await;
    let case = &cases.items[0];
    // The head's two steps answer at once, whatever the gateway does.
    for action in [
        json!({"action": "accept"}),
        json!({"action": "answer", "text": "Đơn vị đã nhắc nhở cán bộ và xin lỗi bà."}),
    ] {
        let started = Instant::now();
        let _: CaseDetail = ok_json(
            app.post_json(&format!("/api/v1/cases/{}/actions", case.id), head, &action)
                .await,
        )
        .await;
        assert!(
            started.elapsed() < Duration::from_millis(1500),
            "an action waited for the gateway"
        );
    }
    // Two changes of status, each to the phone and to the e-mail address: four messages,
    // delivered in the end despite a hang and two failures.
    let got = gateway.wait_for(4, Duration::from_secs(20)).await;
    assert_eq!(got.len(), 4, "delivered: {got:?}");
    assert!(gateway.requests() >= 7, "the failures were retried");
    let mut tos: Vec<_> = got
        .iter()
        .map(|m| m["to"].as_str().unwrap().to_string())
        .collect();
    tos.sort();
    tos.dedup();
    assert_eq!(tos, ["0987654321", "hoa@example.vn"]);
    assert!(got
        .iter()
        .any(|m| m["text"].as_str().unwrap().contains("Đã thụ lý")));
    assert!(got
        .iter()
        .any(|m| m["text"].as_str().unwrap().contains("Đã trả lời")));
    assert!(got
        .iter()
        .all(|m| m["text"].as_str().unwrap().contains(&case.tracking_code)));
    // The stored rows: all sent, and the recipient never in clear.
    let rid = case.id.clone();
    let db = app.db.clone();
    let rows = tokio::task::spawn_blocking(move || {
        server::services::outbox::of_report(&mut db.get().unwrap(), &rid).unwrap()
    })
    .await
    .unwrap();
    assert_eq!(rows.len(), 4);
    assert!(rows.iter().all(|(_, _, sent)| *sent));
    let everything = {
        let db = app.db.clone();
        tokio::task::spawn_blocking(move || {
            use diesel::prelude::*;
            use server::schema::outbox;
            let mut conn = db.get().unwrap();
            let conn = &mut conn;
            server::db_run!(conn, {
                outbox::table
                    .select(outbox::recipient_enc)
                    .load::<String>(conn)
            })
            .unwrap()
            .join(" ")
        })
        .await
        .unwrap()
    };
    assert!(!everything.contains("0987654321") && !everything.contains("hoa@example"));
}

#[tokio::test]
async fn an_anonymous_reporter_gets_no_message_and_nothing_waits_without_a_gateway() {
    let app = spawn_app_with(|c| c.notify_url = None).await;
    let w = app.world().await;
    let report = json!({
        "kind": "feedback",
        "category": "rude",
        "counter_token": w.counter_a.qr_token,
        "description": "Cán bộ quát tháo người dân khi được hỏi về lệ phí chứng thực.",
        "idempotency_key": uuid::Uuid::new_v4().simple().to_string(),
    });
    let resp = app.send_report(&report, Vec::new()).await;
    assert_eq!(resp.status(), 200);
    let head = w.head_a.token();
    let cases: CasePage = ok_json(app.get("/api/v1/cases", head).await).await;
    let id = cases.items[0].id.clone();
    let _: CaseDetail = ok_json(
        app.post_json(
            &format!("/api/v1/cases/{id}/actions"),
            head,
            &json!({"action": "accept"}),
        )
        .await,
    )
    .await;
    let db = app.db.clone();
    let rows = tokio::task::spawn_blocking(move || {
        server::services::outbox::of_report(&mut db.get().unwrap(), &id).unwrap()
    })
    .await
    .unwrap();
    assert!(
        rows.is_empty(),
        "an anonymous reporter has nobody to write to"
    );
}

/// An outage costs one attempt per pass, not one per queued message: after a batch in which
/// nothing got through, the sender tries a single message until one does, and the messages it
/// did not try keep no backoff to wait out once the gateway is back.
#[tokio::test]
async fn a_gateway_that_looks_down_is_probed_with_one_message() {
    use server::services::outbox::{deliver_due, Gateway, Pass};
    let gateway = TestGateway::start(vec![GatewayAnswer::Fail; 4], None).await;
    // No sender in the app: the test runs the passes itself.
    let app = spawn_app_with(|c| {
        c.notify_url = None;
        c.reception_digest_interval_secs = 0;
    })
    .await;
    let mut config = app.config.clone();
    config.notify_url = Some(gateway.url.clone());
    config.notify_timeout_ms = 500;
    // A failed message is not due again during the test.
    config.notify_retry_ms = 600_000;
    let sender = Gateway::from_config(&config).unwrap().unwrap();
    let w = app.world().await;
    let _: shared::model::Account = ok_json(
        app.patch_json(
            &format!("/api/v1/accounts/{}", w.head_province.account.id),
            &app.admin_token,
            &json!({"phone": "0912345678"}),
        )
        .await,
    )
    .await;
    // Each denunciation queues one message to the phone of the province's head (the
    // commune's superior).
    let denounce = |n: usize| {
        let form = reqwest::multipart::Form::new().text(
            "report",
            json!({
                "kind": "denunciation", "category": "asking_money", "unit_id": w.commune_a.id,
                "description": format!("Cán bộ đòi tiền ngoài lệ phí, lần thứ {n}."),
                "idempotency_key": uuid::Uuid::new_v4().simple().to_string(),
            })
            .to_string(),
        );
        app.client
            .post(app.url("/api/v1/reports"))
            .multipart(form)
            .send()
    };
    for n in 0..3 {
        assert_eq!(denounce(n).await.unwrap().status(), 200);
    }
    let pass = |down| deliver_due(&app.db, &sender, &app.data_key, down);
    // The first batch: all three tried, none through.
    assert_eq!(
        pass(false).await.unwrap(),
        Pass {
            sent: 0,
            gateway_down: true
        }
    );
    assert_eq!(gateway.requests(), 3);
    for n in 3..6 {
        assert_eq!(denounce(n).await.unwrap().status(), 200);
    }
    // Still down: one of the three new messages is tried.
    assert_eq!(
        pass(true).await.unwrap(),
        Pass {
            sent: 0,
            gateway_down: true
        }
    );
    assert_eq!(gateway.requests(), 4);
    // Back: the probe gets through and the two untried messages follow at once.
    assert_eq!(
        pass(true).await.unwrap(),
        Pass {
            sent: 2,
            gateway_down: false
        }
    );
    assert_eq!(gateway.requests(), 6);
    assert_eq!(gateway.accepted().len(), 2);
}
