//! What staff are told, through the outbox and a real local gateway: the administrator gives
//! an account a phone and an e-mail address (checked, sealed at rest); the heads of a unit hear
//! of each new denunciation, never of who made it; the day before each reception session they
//! get its digest, once per session whichever process runs the job, on the day a day off
//! moved it to.

use serde_json::{json, Value};
use server::config::Config;
use server::services::jobs::run_leased;
use server::services::notifications::{send_digests, DigestRun, DIGEST_JOB};
use server::services::outbox::{of_kind, MessageKind, Queued};
use shared::calendar::{CalendarYear, Date, WorkingCalendar};
use shared::case::CasePage;
use shared::model::{Account, Role, Unit};
use shared::reception::vietnam_instant_ms;
use shared::report::ReportReceipt;
use shared::ErrorCode;
use std::time::Duration;
use tests::{
    assert_api_error, ok_json, spawn_app_with, GatewayAnswer, TestApp, TestGateway, PASSWORD,
};

/// The gateway is tried every 50 ms, given 500 ms, and retried after 100 ms; the digest job
/// stays off (tests run it by hand, at the instants they choose).
fn fast_gateway(c: &mut Config, url: Option<&str>) {
    c.notify_url = url.map(str::to_string);
    c.notify_interval_ms = 50;
    c.notify_timeout_ms = 500;
    c.notify_retry_ms = 100;
    c.reception_digest_interval_secs = 0;
}

async fn set_contact(app: &TestApp, account_id: &str, contact: Value) -> Account {
    ok_json(
        app.patch_json(
            &format!("/api/v1/accounts/{account_id}"),
            &app.admin_token,
            &contact,
        )
        .await,
    )
    .await
}

async fn set_unit(app: &TestApp, unit: &Unit, patch: Value) -> Unit {
    ok_json(
        app.patch_json(
            &format!("/api/v1/units/{}", unit.id),
            &app.admin_token,
            &patch,
        )
        .await,
    )
    .await
}

async fn submit(app: &TestApp, report: Value) -> ReportReceipt {
    let mut report = report;
    report["idempotency_key"] = json!(uuid::Uuid::new_v4().simple().to_string());
    app.submit_report(&report).await
}

async fn queued(app: &TestApp, kind: MessageKind) -> Vec<Queued> {
    let db = app.db.clone();
    tokio::task::spawn_blocking(move || of_kind(&mut db.get().unwrap(), kind).unwrap())
        .await
        .unwrap()
}

/// One run of the digest job, as a process would run it at `now`.
async fn digests_at(app: &TestApp, now: i64) -> DigestRun {
    let db = app.db.clone();
    tokio::task::spawn_blocking(move || send_digests(&mut db.get().unwrap(), now, 15).unwrap())
        .await
        .unwrap()
}

/// The session dates a unit's digests were made for (other units of the world, with no head
/// to tell, get theirs too).
async fn digest_dates(app: &TestApp, unit: &Unit) -> Vec<String> {
    let (db, unit_id) = (app.db.clone(), unit.id.clone());
    tokio::task::spawn_blocking(move || {
        use diesel::prelude::*;
        use server::schema::reception_digests as d;
        let mut conn = db.get().unwrap();
        let conn = &mut conn;
        server::db_run!(conn, {
            d::table
                .filter(d::unit_id.eq(&unit_id))
                .order(d::session_date.asc())
                .select(d::session_date)
                .load::<String>(conn)
        })
        .unwrap()
    })
    .await
    .unwrap()
}

/// The national administrator reads a year of the calendar, changes it and saves it.
async fn edit_calendar(app: &TestApp, year: i32, edit: impl FnOnce(&mut CalendarYear)) {
    let path = format!("/api/v1/calendar/{year}");
    let mut days: CalendarYear = ok_json(app.get(&path, &app.admin_token).await).await;
    edit(&mut days);
    let saved = app
        .client
        .put(app.url(&path))
        .bearer_auth(&app.admin_token)
        .json(&days)
        .send()
        .await
        .unwrap();
    let _: CalendarYear = ok_json(saved).await;
}

fn at(day: Date, hour: u32, minute: u32) -> i64 {
    vietnam_instant_ms(day, hour * 60 + minute)
}

#[tokio::test]
async fn a_staff_contact_is_checked_shown_to_administrators_and_sealed_at_rest() {
    let app = spawn_app_with(|c| fast_gateway(c, None)).await;
    let w = app.world().await;
    let new_head = |username: &str, phone: &str, email: &str| {
        json!({
            "username": username, "password": PASSWORD, "full_name": "Phạm Thị Thu",
            "role": "head", "unit_id": w.commune_b.id, "phone": phone, "email": email,
        })
    };
    // Refused, each bad field named in both languages, and nothing created.
    let err = assert_api_error(
        app.post_json(
            "/api/v1/accounts",
            &app.admin_token,
            &new_head("chutich.sai", "12345", "không phải thư"),
        )
        .await,
        400,
        ErrorCode::ValidationFailed,
    )
    .await;
    let fields: Vec<_> = err.fields.iter().map(|f| f.field.as_str()).collect();
    assert_eq!(fields, ["phone", "email"]);
    assert!(err.fields[0].message.vi.contains("Số điện thoại"));
    assert!(err.fields[1].message.en.contains("e-mail"));
    assert!(!app
        .all_accounts()
        .await
        .items
        .iter()
        .any(|a| a.username == "chutich.sai"));

    let head: Account = ok_json(
        app.post_json(
            "/api/v1/accounts",
            &app.admin_token,
            &new_head("chutich.hoalu", "+84 912 345 678", " chutich@hoalu.gov.vn "),
        )
        .await,
    )
    .await;
    assert_eq!(head.phone.as_deref(), Some("0912345678"));
    assert_eq!(head.email.as_deref(), Some("chutich@hoalu.gov.vn"));
    // A bad edit changes nothing; a good one replaces the phone and removes the e-mail.
    let path = format!("/api/v1/accounts/{}", head.id);
    assert_api_error(
        app.patch_json(&path, &app.admin_token, &json!({"phone": "09abc"}))
            .await,
        400,
        ErrorCode::ValidationFailed,
    )
    .await;
    let same: Account = ok_json(app.get(&path, &app.admin_token).await).await;
    assert_eq!(same.phone.as_deref(), Some("0912345678"));
    let edited = set_contact(
        &app,
        &head.id,
        json!({"phone": "0987 000 111", "email": null}),
    )
    .await;
    assert_eq!(edited.phone.as_deref(), Some("0987000111"));
    assert_eq!(edited.email, None);
    let listed = app.all_accounts().await;
    let row = listed.items.iter().find(|a| a.id == head.id).unwrap();
    assert_eq!(row.phone.as_deref(), Some("0987000111"));
    // Only an administrator edits it.
    assert_api_error(
        app.patch_json(&path, w.head_a.token(), &json!({"phone": "0911111111"}))
            .await,
        403,
        ErrorCode::Forbidden,
    )
    .await;
    // At rest it is sealed.
    let db = app.db.clone();
    let id = head.id.clone();
    let (phone_enc, email_enc) = tokio::task::spawn_blocking(move || {
        use diesel::prelude::*;
        use server::schema::accounts;
        let mut conn = db.get().unwrap();
        let conn = &mut conn;
        server::db_run!(conn, {
            accounts::table
                .filter(accounts::id.eq(&id))
                .select((accounts::phone_enc, accounts::email_enc))
                .first::<(Option<String>, Option<String>)>(conn)
        })
        .unwrap()
    })
    .await
    .unwrap();
    let phone_enc = phone_enc.expect("a sealed phone");
    assert!(phone_enc.starts_with("v1:") && !phone_enc.contains("0987000111"));
    assert_eq!(
        app.data_key.decrypt(&phone_enc).as_deref(),
        Some("0987000111")
    );
    assert_eq!(email_enc, None);
}

#[tokio::test]
async fn a_new_denunciation_reaches_the_superior_head_and_the_committee_never_the_units_own() {
    let gateway = TestGateway::start(Vec::new(), None).await;
    let app = spawn_app_with(|c| fast_gateway(c, Some(&gateway.url))).await;
    let w = app.world().await;
    // The commune's superior: the province's head, and the committee overseeing the province.
    let head = &w.head_province.account;
    set_contact(
        &app,
        &head.id,
        json!({"phone": "0912 345 678", "email": "chutich@ninhbinh.gov.vn"}),
    )
    .await;
    set_contact(
        &app,
        &w.committee.account.id,
        json!({"phone": "0944444444"}),
    )
    .await;
    // People with a contact who must not hear of it: the commune's own head (the report may be
    // about them), the head of another unit, a former head of the province (disabled), a
    // counter officer of the commune.
    set_contact(&app, &w.head_a.account.id, json!({"phone": "0955555555"})).await;
    let head_b = app
        .account("chutich.hoalu", Role::Head, Some(&w.commune_b))
        .await;
    set_contact(&app, &head_b.id, json!({"phone": "0911111111"})).await;
    let former = app
        .account("nguyen.chutich", Role::Head, Some(&w.province))
        .await;
    set_contact(
        &app,
        &former.id,
        json!({"phone": "0922222222", "active": false}),
    )
    .await;
    set_contact(
        &app,
        &w.officer_a.account.id,
        json!({"phone": "0933333333"}),
    )
    .await;

    let reporter = json!({
        "full_name": "Lê Thị Hoa", "phone": "0987654321", "email": "hoa@example.vn", "consent": true,
    });
    let feedback = submit(
        &app,
        json!({
            "kind": "feedback", "category": "rude", "counter_token": w.counter_a.qr_token,
            "description": "Cán bộ quát tháo khi tôi hỏi về lệ phí chứng thực bản sao.",
            "reporter": reporter,
        }),
    )
    .await;
    let secret_detail = "Ông Lưu ở quầy 1 đòi 500 nghìn đồng để làm nhanh sổ đỏ cho tôi.";
    let named = submit(
        &app,
        json!({
            "kind": "denunciation", "category": "asking_money", "counter_token": w.counter_a.qr_token,
            "description": secret_detail, "reporter": reporter,
        }),
    )
    .await;
    let anonymous = submit(
        &app,
        json!({
            "kind": "denunciation", "category": "harassment", "unit_id": w.commune_a.id,
            "description": "Cán bộ địa chính hẹn đi hẹn lại, gợi ý phải có quà mới xong.",
        }),
    )
    .await;

    // Queued with each denunciation, in its transaction: to the phone and the e-mail address of
    // the province's head and the committee member's phone, and to nobody else; nothing for
    // the feedback.
    let cases: CasePage = ok_json(
        app.get("/api/v1/cases?status=all", w.head_province.token())
            .await,
    )
    .await;
    let id_of = |code: &str| {
        cases
            .items
            .iter()
            .find(|c| c.tracking_code == code)
            .map(|c| c.id.clone())
            .unwrap()
    };
    let alerts = queued(&app, MessageKind::DenunciationAlert).await;
    assert_eq!(alerts.len(), 6, "{alerts:?}");
    let committee = w.committee.account.id.as_str();
    assert!(alerts
        .iter()
        .all(|m| [head.id.as_str(), committee].contains(&m.account_id.as_deref().unwrap())));
    for receipt in [&named, &anonymous] {
        let id = id_of(&receipt.tracking_code);
        let mut channels: Vec<_> = alerts
            .iter()
            .filter(|m| m.report_id.as_deref() == Some(id.as_str()))
            .map(|m| m.channel.as_str())
            .collect();
        channels.sort();
        assert_eq!(channels, ["email", "sms", "sms"]);
    }
    let feedback_id = id_of(&feedback.tracking_code);
    assert!(!alerts
        .iter()
        .any(|m| m.report_id.as_deref() == Some(feedback_id.as_str())));
    assert!(queued(&app, MessageKind::StatusChange).await.is_empty());

    // Delivered, each once, with what the head needs and nothing about the reporter.
    let got = gateway.wait_for(6, Duration::from_secs(20)).await;
    assert_eq!(got.len(), 6, "delivered: {got:?}");
    let mut ids: Vec<_> = got.iter().map(|m| m["id"].as_str().unwrap()).collect();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), 6, "each message once");
    let mut tos: Vec<_> = got.iter().map(|m| m["to"].as_str().unwrap()).collect();
    tos.sort();
    tos.dedup();
    assert_eq!(tos, ["0912345678", "0944444444", "chutich@ninhbinh.gov.vn"]);
    for (receipt, category) in [
        (&named, "Đòi tiền, quà"),
        (&anonymous, "Nhũng nhiễu, gây phiền hà"),
    ] {
        let texts: Vec<&str> = got
            .iter()
            .map(|m| m["text"].as_str().unwrap())
            .filter(|t| t.contains(&receipt.tracking_code))
            .collect();
        assert_eq!(texts.len(), 3, "{got:?}");
        for text in texts {
            assert!(text.contains("tố cáo") && text.contains(category), "{text}");
            assert!(text.contains(&w.commune_a.name), "{text}");
            assert!(text.contains("Hạn "), "the deadline: {text}");
            assert!(
                text.contains(&format!("/admin/cases/{}", id_of(&receipt.tracking_code))),
                "{text}"
            );
        }
    }
    let everything = serde_json::to_string(&got).unwrap();
    for identifying in [
        "Lê Thị Hoa",
        "0987654321",
        "hoa@example",
        "500 nghìn",
        "Lưu",
    ] {
        assert!(
            !everything.contains(identifying),
            "{identifying:?} reached the head: {everything}"
        );
    }
}

#[tokio::test]
async fn an_alert_waits_out_a_failing_gateway_and_is_delivered() {
    let gateway = TestGateway::start(
        vec![
            GatewayAnswer::Fail,
            GatewayAnswer::Hang,
            GatewayAnswer::Fail,
            GatewayAnswer::Fail,
        ],
        None,
    )
    .await;
    let app = spawn_app_with(|c| fast_gateway(c, Some(&gateway.url))).await;
    let w = app.world().await;
    set_contact(
        &app,
        &w.head_province.account.id,
        json!({"phone": "0912345678"}),
    )
    .await;
    let receipt = submit(
        &app,
        json!({
            "kind": "denunciation", "category": "asking_money", "unit_id": w.commune_a.id,
            "description": "Cán bộ thu thêm tiền ngoài lệ phí khi nhận hồ sơ đất đai.",
        }),
    )
    .await;
    let got = gateway.wait_for(1, Duration::from_secs(30)).await;
    assert_eq!(got.len(), 1, "delivered: {got:?}");
    assert!(gateway.requests() >= 5, "four failures, then the delivery");
    assert!(got[0]["text"]
        .as_str()
        .unwrap()
        .contains(&receipt.tracking_code));
    let rows = queued(&app, MessageKind::DenunciationAlert).await;
    assert_eq!(rows.len(), 1);
    assert_eq!(got[0]["id"].as_str(), Some(rows[0].id.as_str()));
    // Recorded as sent once the gateway took it (the sender records after the answer).
    for _ in 0..100 {
        if queued(&app, MessageKind::DenunciationAlert).await[0].sent {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(queued(&app, MessageKind::DenunciationAlert).await[0].sent);
}

#[tokio::test]
async fn the_digest_of_a_session_is_queued_once_whoever_runs_the_job() {
    let app = spawn_app_with(|c| fast_gateway(c, None)).await;
    let w = app.world().await;
    let head = w.head_a.account.id.clone();
    set_contact(
        &app,
        &head,
        json!({"phone": "0912345678", "email": "chutich@giavien.gov.vn"}),
    )
    .await;
    // Ward B receives on Sundays, never a working day: it has no reception day, and its head
    // no digest.
    set_unit(&app, &w.commune_b, json!({"reception_weekday": 7})).await;
    let head_b = app
        .account("chutich.hoalu", Role::Head, Some(&w.commune_b))
        .await;
    set_contact(&app, &head_b.id, json!({"phone": "0911111111"})).await;
    // Two open cases of commune A received together (so due the same day), one citizen asking
    // to meet the head.
    for wants_meeting in [true, false] {
        submit(
            &app,
            json!({
                "kind": "feedback", "category": "late_dossier", "counter_token": w.counter_a.qr_token,
                "description": "Hồ sơ cấp đổi giấy phép lái xe trễ hẹn đã hai tuần.",
                "wants_meeting": wants_meeting,
            }),
        )
        .await;
    }
    let cases: CasePage = ok_json(app.get("/api/v1/cases", w.head_a.token()).await).await;
    let dues: Vec<String> = cases
        .items
        .iter()
        .map(|c| c.deadline.clone().unwrap().due)
        .collect();
    assert_eq!(dues.len(), 2);
    assert_eq!(dues[0], dues[1], "received together, due together");
    // Commune A receives on the weekday of that due date: its session that day has both cases
    // due within the week, none overdue.
    let due = Date::parse(&dues[0]).unwrap();
    set_unit(
        &app,
        &w.commune_a,
        json!({"reception_weekday": due.weekday()}),
    )
    .await;
    let eve = due.add_days(-1);

    assert_eq!(digests_at(&app, at(eve, 14, 59)).await.messages, 0);
    assert!(digest_dates(&app, &w.commune_a).await.is_empty());
    // Two processes at the same instant, without the lease: the digest's key lets one make it.
    let (first, second) = tokio::join!(
        digests_at(&app, at(eve, 15, 0)),
        digests_at(&app, at(eve, 15, 0))
    );
    assert_eq!(first.messages + second.messages, 2, "{first:?} {second:?}");
    assert_eq!(digest_dates(&app, &w.commune_a).await, [due.iso()]);
    // Later runs, that evening and on the session's morning (a restart), make nothing more.
    for now in [at(eve, 18, 0), at(due, 7, 0)] {
        assert_eq!(digests_at(&app, now).await.messages, 0);
    }
    // With the lease, as the background job runs: one process holds it, the other waits.
    let db = app.db.clone();
    let now = at(eve, 18, 5);
    let (a, b) = tokio::task::spawn_blocking(move || {
        let mut conn = db.get().unwrap();
        let mut run = |holder: &str| {
            run_leased(&mut conn, DIGEST_JOB, holder, now, 60_000, |c| {
                send_digests(c, now, 15)
            })
            .unwrap()
        };
        (run("process-a"), run("process-b"))
    })
    .await
    .unwrap();
    assert_eq!(a.map(|run| run.messages), Some(0));
    assert_eq!(b, None);

    let sent = queued(&app, MessageKind::ReceptionDigest).await;
    assert_eq!(sent.len(), 2, "{sent:?}");
    assert!(sent
        .iter()
        .all(|m| m.account_id.as_deref() == Some(head.as_str())));
    let body = &sent[0].body;
    for expected in [
        due.format_vn(),
        w.commune_a.name.clone(),
        "Công dân đăng ký gặp: 1.".to_string(),
        "đến hạn trong 5 ngày làm việc tới: 2.".to_string(),
        "quá hạn: 0.".to_string(),
        "/admin/reception".to_string(),
    ] {
        assert!(body.contains(&expected), "{expected:?} in {body}");
    }
    assert_eq!(digest_dates(&app, &w.commune_a).await, [due.iso()]);

    // Six weeks on, both cases are overdue.
    let cal = WorkingCalendar::seed();
    let later = shared::case::next_reception_day(&cal, due.weekday(), due.add_days(42));
    assert_eq!(
        digests_at(&app, at(later.add_days(-1), 16, 0))
            .await
            .messages,
        2
    );
    let later_body = queued(&app, MessageKind::ReceptionDigest).await[2]
        .body
        .clone();
    assert!(
        later_body.contains(&later.format_vn())
            && later_body.contains("đến hạn trong 5 ngày làm việc tới: 0.")
            && later_body.contains("quá hạn: 2."),
        "{later_body}"
    );
    // Ward B's Sundays: nothing, not even the Saturday before one.
    let saturday = later.add_days((6 - i64::from(later.weekday())).rem_euclid(7));
    assert_eq!(saturday.weekday(), 6);
    digests_at(&app, at(saturday, 16, 0)).await;
    assert!(digest_dates(&app, &w.commune_b).await.is_empty());
    assert!(!queued(&app, MessageKind::ReceptionDigest)
        .await
        .iter()
        .any(|m| m.account_id.as_deref() == Some(head_b.id.as_str())));
}

#[tokio::test]
async fn a_reception_day_moved_by_a_day_off_moves_its_digest() {
    let app = spawn_app_with(|c| fast_gateway(c, None)).await;
    let w = app.world().await;
    set_contact(&app, &w.head_a.account.id, json!({"phone": "0912345678"})).await;
    // Commune A receives on Wednesdays (the default). A Wednesday a few weeks ahead that is a
    // working day, and so is the one after it.
    let cal = WorkingCalendar::seed();
    let today = Date::from_unix_ms_vietnam(server::db::now_ms());
    let wednesday = (14..60)
        .map(|n| today.add_days(n))
        .find(|d| d.weekday() == 3 && cal.is_working_day(*d) && cal.is_working_day(d.add_days(7)))
        .unwrap();
    let next = wednesday.add_days(7);
    // The national administrator gives that Wednesday off.
    edit_calendar(&app, wednesday.year(), |year| {
        assert!(!year.days_off.iter().any(|d| d.date == wednesday));
        year.days_off.push(shared::calendar::DayOff {
            date: wednesday,
            name_vi: "Nghỉ bù thử".into(),
            name_en: String::new(),
        });
    })
    .await;

    // No digest the day before the day off, nor on it, nor too early the week after.
    for now in [
        at(wednesday.add_days(-1), 16, 0),
        at(wednesday, 8, 0),
        at(next.add_days(-1), 14, 0),
    ] {
        assert_eq!(digests_at(&app, now).await.messages, 0);
    }
    assert!(digest_dates(&app, &w.commune_a).await.is_empty());
    // The day before the next Wednesday, the digest of that session.
    assert_eq!(
        digests_at(&app, at(next.add_days(-1), 16, 0))
            .await
            .messages,
        1
    );
    assert_eq!(digest_dates(&app, &w.commune_a).await, [next.iso()]);
    let body = queued(&app, MessageKind::ReceptionDigest).await[0]
        .body
        .clone();
    assert!(body.contains(&next.format_vn()), "{body}");
    assert!(!body.contains(&wednesday.format_vn()), "{body}");
}

#[tokio::test]
async fn the_background_job_of_two_processes_sends_the_digest_once() {
    let gateway = TestGateway::start(Vec::new(), None).await;
    let app = spawn_app_with(|c| {
        fast_gateway(c, Some(&gateway.url));
        // Every second, from midnight: due as soon as tomorrow is the session.
        c.reception_digest_interval_secs = 1;
        c.reception_digest_hour = 0;
    })
    .await;
    let w = app.world().await;
    set_contact(
        &app,
        &w.head_a.account.id,
        json!({"phone": "0912345678", "email": "chutich@giavien.gov.vn"}),
    )
    .await;
    // Tomorrow is made a working day (a make-up day if it is a weekend, no day off), and
    // commune A's reception day.
    let tomorrow = Date::from_unix_ms_vietnam(server::db::now_ms()).add_days(1);
    edit_calendar(&app, tomorrow.year(), |year| {
        year.days_off.retain(|d| d.date != tomorrow);
        if tomorrow.weekday() >= 6 {
            year.make_up_days.push(shared::calendar::MakeUpDay {
                date: tomorrow,
                note_vi: "Làm bù thử".into(),
                note_en: String::new(),
            });
        }
    })
    .await;
    app.another_process().await;
    set_unit(
        &app,
        &w.commune_a,
        json!({"reception_weekday": tomorrow.weekday()}),
    )
    .await;

    let got = gateway.wait_for(2, Duration::from_secs(30)).await;
    assert_eq!(got.len(), 2, "delivered: {got:?}");
    // A few more runs of both processes' jobs and senders: nothing more.
    tokio::time::sleep(Duration::from_secs(3)).await;
    let got = gateway.accepted();
    assert_eq!(got.len(), 2, "sent again: {got:?}");
    assert!(got
        .iter()
        .all(|m| m["text"].as_str().unwrap().contains(&tomorrow.format_vn())));
    assert_eq!(digest_dates(&app, &w.commune_a).await, [tomorrow.iso()]);
}
