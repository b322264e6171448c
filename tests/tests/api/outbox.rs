//! Messages to identified reporters through a real local HTTP gateway that hangs, fails, then
//! recovers: the head's actions never wait for it, and every message arrives in the end.

use serde_json::{json, Value};
use shared::case::{CaseDetail, CasePage};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tests::{ok_json, spawn_app_with};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// How the gateway answers its n-th request.
#[derive(Clone, Copy)]
enum Answer {
    Hang,
    Fail,
    Accept,
}

/// A minimal HTTP gateway on loopback: answers by `script` (then accepts), records what it
/// accepted (the JSON bodies) and every Authorization header.
async fn gateway(script: Vec<Answer>) -> (String, Arc<Mutex<Vec<Value>>>, Arc<Mutex<usize>>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/send", listener.local_addr().unwrap());
    let accepted = Arc::new(Mutex::new(Vec::new()));
    let requests = Arc::new(Mutex::new(0usize));
    let (acc, reqs) = (accepted.clone(), requests.clone());
    tokio::spawn(async move {
        loop {
            let (mut sock, _) = listener.accept().await.unwrap();
            let n = {
                let mut r = reqs.lock().unwrap();
                *r += 1;
                *r - 1
            };
            let answer = script.get(n).copied().unwrap_or(Answer::Accept);
            let acc = acc.clone();
            tokio::spawn(async move {
                let mut buf = Vec::new();
                let mut chunk = [0u8; 4096];
                // Read the head, then the body by its Content-Length.
                let body = loop {
                    let k = sock.read(&mut chunk).await.unwrap_or(0);
                    if k == 0 {
                        return;
                    }
                    buf.extend_from_slice(&chunk[..k]);
                    let text = String::from_utf8_lossy(&buf).to_string();
                    if let Some(end) = text.find("\r\n\r\n") {
                        let len = text[..end]
                            .lines()
                            .find_map(|l| {
                                l.to_ascii_lowercase()
                                    .strip_prefix("content-length:")
                                    .map(|v| v.trim().parse::<usize>().unwrap_or(0))
                            })
                            .unwrap_or(0);
                        if buf.len() >= end + 4 + len {
                            assert!(
                                text[..end].contains("authorization: Bearer khoa-cong")
                                    || text[..end].contains("Authorization: Bearer khoa-cong"),
                                "the gateway's auth header is missing: {}",
                                &text[..end]
                            );
                            break buf[end + 4..end + 4 + len].to_vec();
                        }
                    }
                };
                let status = match answer {
                    Answer::Hang => {
                        tokio::time::sleep(Duration::from_secs(5)).await;
                        "500 Internal Server Error"
                    }
                    Answer::Fail => "503 Service Unavailable",
                    Answer::Accept => {
                        acc.lock()
                            .unwrap()
                            .push(serde_json::from_slice(&body).unwrap());
                        "200 OK"
                    }
                };
                let _ = sock
                    .write_all(
                        format!(
                            "HTTP/1.1 {status}\r\ncontent-length: 0\r\nconnection: close\r\n\r\n"
                        )
                        .as_bytes(),
                    )
                    .await;
            });
        }
    });
    (url, accepted, requests)
}

#[tokio::test]
async fn a_hanging_then_failing_gateway_delays_messages_but_loses_none() {
    let (url, accepted, requests) = gateway(vec![Answer::Hang, Answer::Fail, Answer::Fail]).await;
    let app = spawn_app_with(|c| {
        c.notify_url = Some(url);
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
    let deadline = Instant::now() + Duration::from_secs(20);
    while accepted.lock().unwrap().len() < 4 && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let got = accepted.lock().unwrap().clone();
    assert_eq!(got.len(), 4, "delivered: {got:?}");
    assert!(*requests.lock().unwrap() >= 7, "the failures were retried");
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
