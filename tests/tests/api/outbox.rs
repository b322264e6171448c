//! Messages to identified reporters through a real local HTTP gateway that hangs, fails, then
//! recovers: the head's actions never wait for it, and every message arrives in the end.

use serde_json::json;
use shared::case::{CaseDetail, CasePage};
use std::time::{Duration, Instant};
use tests::{ok_json, spawn_app_with, GatewayAnswer, TestGateway};

#[tokio::test]
async fn a_hanging_then_failing_gateway_delays_messages_but_loses_none() {
    let gateway = TestGateway::start(
        vec![GatewayAnswer::Hang, GatewayAnswer::Fail, GatewayAnswer::Fail],
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
    let resp = app
        .client
        .post(app.url("/api/v1/reports"))
        .multipart(reqwest::multipart::Form::new().text("report", report.to_string()))
        .send()
        .await
        .unwrap();
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
    let resp = app
        .client
        .post(app.url("/api/v1/reports"))
        .multipart(reqwest::multipart::Form::new().text("report", report.to_string()))
        .send()
        .await
        .unwrap();
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
