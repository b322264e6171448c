//! The working-day calendar as data: seeded, edited by a national administrator only, checked,
//! and followed by the deadlines of the open cases.

use serde_json::json;
use shared::calendar::CalendarYear;
use shared::case::CasePage;
use shared::ErrorCode;
use tests::{assert_api_error, ok_json, spawn_app, TestApp};

async fn put_year(
    app: &TestApp,
    token: &str,
    year: i32,
    body: &serde_json::Value,
) -> reqwest::Response {
    app.client
        .put(app.url(&format!("/api/v1/calendar/{year}")))
        .bearer_auth(token)
        .json(body)
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn the_seeded_year_is_edited_by_a_national_administrator_and_moves_open_deadlines() {
    let app = spawn_app().await;
    let w = app.world().await;
    let seeded: CalendarYear =
        ok_json(app.get("/api/v1/calendar/2026", w.head_a.token()).await).await;
    assert!(
        seeded.days_off.iter().any(|d| d.name_vi.contains("Tết")),
        "Tết is seeded"
    );
    // An unknown year is empty, not an error; a silly one is refused.
    let empty: CalendarYear =
        ok_json(app.get("/api/v1/calendar/2031", w.head_a.token()).await).await;
    assert!(empty.days_off.is_empty());
    assert_api_error(
        app.get("/api/v1/calendar/1800", w.head_a.token()).await,
        400,
        ErrorCode::ValidationFailed,
    )
    .await;

    // A feedback report received now: its reply clock.
    let form = reqwest::multipart::Form::new().text(
        "report",
        json!({
            "kind": "feedback",
            "category": "rude",
            "counter_token": w.counter_a.qr_token,
            "description": "Cán bộ trả lời cộc lốc, không hướng dẫn cách bổ sung hồ sơ.",
            "idempotency_key": uuid::Uuid::new_v4().simple().to_string(),
        })
        .to_string(),
    );
    let resp = app
        .client
        .post(app.url("/api/v1/reports"))
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    let due = |page: CasePage| page.items[0].deadline.clone().unwrap().due;
    let before = due(ok_json(app.get("/api/v1/cases", w.head_a.token()).await).await);

    // Only a national administrator edits the calendar.
    let mut edited = serde_json::to_value(&seeded).unwrap();
    let next_days: Vec<serde_json::Value> = (1..=10)
        .map(|i| {
            let d = shared::calendar::Date::parse(&before).unwrap().add_days(-i);
            json!({"date": d.iso(), "name_vi": format!("Nghỉ thử {i}")})
        })
        .filter(|d| {
            !seeded
                .days_off
                .iter()
                .any(|s| s.date.iso() == d["date"].as_str().unwrap())
        })
        .collect();
    edited["days_off"].as_array_mut().unwrap().extend(next_days);
    for token in [w.province_admin.token(), w.head_a.token()] {
        assert_api_error(
            put_year(&app, token, 2026, &edited).await,
            403,
            ErrorCode::Forbidden,
        )
        .await;
    }
    // A day of another year, or a date listed twice, is refused and changes nothing.
    let mut wrong = edited.clone();
    wrong["days_off"]
        .as_array_mut()
        .unwrap()
        .push(json!({"date": "2027-01-01", "name_vi": "Tết Dương lịch"}));
    assert_api_error(
        put_year(&app, &app.admin_token, 2026, &wrong).await,
        400,
        ErrorCode::ValidationFailed,
    )
    .await;
    let unchanged: CalendarYear =
        ok_json(app.get("/api/v1/calendar/2026", w.head_a.token()).await).await;
    assert_eq!(unchanged, seeded);

    let saved: CalendarYear = ok_json(put_year(&app, &app.admin_token, 2026, &edited).await).await;
    assert!(saved.days_off.len() > seeded.days_off.len());
    // The open case's clock moves once the background recomputation has run.
    let mut after = before.clone();
    for _ in 0..100 {
        after = due(ok_json(app.get("/api/v1/cases", w.head_a.token()).await).await);
        if after != before {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert!(
        after > before,
        "the due date {before} did not move ({after})"
    );
}
