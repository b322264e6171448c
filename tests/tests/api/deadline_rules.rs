//! The deadline settings as data: the law's values until a national administrator changes them
//! within the law, followed by new and open cases; a complaint declared complex and a unit in
//! a remote area get the longer periods of the Law on Complaints 2011, art. 28.

use serde_json::{json, Value};
use shared::calendar::{Date, DeadlineRules, Period, WorkingCalendar};
use shared::case::{CaseDetail, CaseSummary};
use shared::report::ReportReceipt;
use shared::ErrorCode;
use tests::{assert_api_error, ok_json, spawn_app, spawn_app_with, TestApp, World};

const RULES: &str = "/api/v1/deadline-rules";

async fn put_rules(app: &TestApp, token: &str, body: &Value) -> reqwest::Response {
    app.client
        .put(app.url(RULES))
        .bearer_auth(token)
        .json(body)
        .send()
        .await
        .unwrap()
}

async fn rules(app: &TestApp, token: &str) -> DeadlineRules {
    ok_json(app.get(RULES, token).await).await
}

/// A report of this kind from commune A's counter, by a named citizen.
async fn report(app: &TestApp, w: &World, kind: &str) -> ReportReceipt {
    let body = json!({
        "kind": kind,
        "category": "late_dossier",
        "counter_token": w.counter_a.qr_token,
        "description": "Hồ sơ đất đai nộp từ tháng trước vẫn chưa có kết quả, cán bộ không giải thích lý do.",
        "idempotency_key": uuid::Uuid::new_v4().simple().to_string(),
        "reporter": {"full_name": "Lê Thị Mai", "phone": "0987654321", "consent": true},
    });
    app.submit_report(&body).await
}

/// The inbox's lines (whatever else its page carries).
#[derive(serde::Deserialize)]
struct InboxLines {
    items: Vec<CaseSummary>,
}

async fn inbox_line(app: &TestApp, token: &str, code: &str) -> CaseSummary {
    let lines: InboxLines = ok_json(app.get("/api/v1/cases?status=all", token).await).await;
    lines
        .items
        .into_iter()
        .find(|c| c.tracking_code == code)
        .expect("the case is in the inbox")
}

async fn act(app: &TestApp, token: &str, id: &str, action: Value) -> reqwest::Response {
    app.post_json(&format!("/api/v1/cases/{id}/actions"), token, &action)
        .await
}

async fn case(app: &TestApp, token: &str, id: &str) -> CaseDetail {
    ok_json(app.get(&format!("/api/v1/cases/{id}"), token).await).await
}

/// Sends a report and has the head accept it: its id and the day it was accepted.
async fn accepted_case(app: &TestApp, w: &World, kind: &str) -> (ReportReceipt, String, Date) {
    let receipt = report(app, w, kind).await;
    // A denunciation is withheld from the commune: the province's head handles it.
    let head = match kind {
        "denunciation" => w.head_province.token(),
        _ => w.head_a.token(),
    };
    let id = inbox_line(app, head, &receipt.tracking_code).await.id;
    let detail: CaseDetail = ok_json(act(app, head, &id, json!({"action": "accept"})).await).await;
    let accepted = detail
        .timeline
        .iter()
        .find(|e| e.kind == "accept")
        .expect("the acceptance is on the timeline");
    (receipt, id, Date::from_unix_ms_vietnam(accepted.at))
}

fn due_of(detail: &CaseDetail) -> String {
    detail.summary.deadline.clone().expect("a clock runs").due
}

#[tokio::test]
async fn the_law_s_values_apply_until_the_feedback_period_is_changed_then_cases_follow() {
    let app = spawn_app().await;
    let w = app.world().await;
    let cal = WorkingCalendar::seed();
    // Every signed-in account reads the law's values.
    assert_eq!(
        rules(&app, &app.admin_token).await,
        DeadlineRules::default()
    );
    assert_eq!(
        rules(&app, w.head_a.token()).await,
        DeadlineRules::default()
    );

    // An accepted feedback: 15 working days from acceptance.
    let (_, open_id, accepted) = accepted_case(&app, &w, "feedback").await;
    let before = due_of(&case(&app, w.head_a.token(), &open_id).await);
    assert_eq!(before, Period::working(15).due(&cal, accepted).iso());

    // The national administrator gives feedback 45 calendar days.
    let mut changed = serde_json::to_value(DeadlineRules::default()).unwrap();
    changed["feedback_resolve"] = json!({"days": 45, "count": "calendar"});
    let saved: DeadlineRules = ok_json(put_rules(&app, &app.admin_token, &changed).await).await;
    assert_eq!(saved.feedback_resolve, Period::calendar(45));
    assert_eq!(rules(&app, w.head_a.token()).await, saved);

    // The open case's stored clock moves once the background recomputation has run.
    let expected = Period::calendar(45).due(&cal, accepted).iso();
    assert_ne!(before, expected);
    let mut after = before.clone();
    for _ in 0..100 {
        after = due_of(&case(&app, w.head_a.token(), &open_id).await);
        if after != before {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert_eq!(
        after, expected,
        "the open case's due date was not recomputed"
    );

    // A new feedback case follows the new period from the start.
    let (receipt, new_id, accepted) = accepted_case(&app, &w, "feedback").await;
    assert_eq!(
        due_of(&case(&app, w.head_a.token(), &new_id).await),
        Period::calendar(45).due(&cal, accepted).iso()
    );
    // The citizen's tracking page shows the same date.
    assert_eq!(
        app.track(&receipt).await.deadline.unwrap().due,
        Period::calendar(45).due(&cal, accepted).iso()
    );
}

#[tokio::test]
async fn a_setting_beyond_the_law_or_out_of_range_is_refused_in_both_languages_and_changes_nothing()
{
    let app = spawn_app().await;
    let admin = app.admin_token.clone();
    let law = serde_json::to_value(DeadlineRules::default()).unwrap();

    // A denunciation's intake decision cannot take longer than the 7 working days of the law.
    let mut longer = law.clone();
    longer["denunciation_intake"] = json!({"days": 8, "count": "working"});
    let e = assert_api_error(
        put_rules(&app, &admin, &longer).await,
        400,
        ErrorCode::ValidationFailed,
    )
    .await;
    assert_eq!(e.fields.len(), 1);
    assert_eq!(e.fields[0].field, "denunciation_intake");
    assert!(e.fields[0].message.vi.contains("7 ngày làm việc"), "{e:?}");
    assert!(e.fields[0].message.en.contains("7 working days"), "{e:?}");

    // A complaint's 30 days cannot become 30 working days (longer than the law).
    let mut working = law.clone();
    working["complaint_resolve"] = json!({"days": 30, "count": "working"});
    // Zero days, too many extensions, an unknown setting: each named.
    let mut silly = law.clone();
    silly["feedback_resolve"] = json!({"days": 0, "count": "working"});
    silly["feedback_max_extensions"] = json!(9);
    let mut unknown = law.clone();
    unknown["feedback_resolv"] = json!({"days": 20, "count": "working"});
    for (body, field) in [
        (working, "complaint_resolve"),
        (silly, "feedback_resolve"),
        (unknown, "feedback_resolv"),
    ] {
        let e = assert_api_error(
            put_rules(&app, &admin, &body).await,
            400,
            ErrorCode::ValidationFailed,
        )
        .await;
        assert_eq!(e.fields[0].field, field, "{e:?}");
    }
    // Not numbers at all.
    let mut garbage = law.clone();
    garbage["feedback_resolve"] = json!({"days": "mười", "count": "working"});
    assert_api_error(
        put_rules(&app, &admin, &garbage).await,
        400,
        ErrorCode::MalformedRequest,
    )
    .await;

    assert_eq!(rules(&app, &admin).await, DeadlineRules::default());
}

#[tokio::test]
async fn only_a_national_administrator_changes_the_settings() {
    let app = spawn_app().await;
    let w = app.world().await;
    let mut shorter = serde_json::to_value(DeadlineRules::default()).unwrap();
    shorter["feedback_resolve"] = json!({"days": 10, "count": "working"});
    // A head, a commune's administrator, a province's administrator: not national.
    for token in [
        w.head_a.token(),
        w.admin_a.token(),
        w.province_admin.token(),
    ] {
        assert_api_error(
            put_rules(&app, token, &shorter).await,
            403,
            ErrorCode::Forbidden,
        )
        .await;
    }
    assert_eq!(
        rules(&app, &app.admin_token).await,
        DeadlineRules::default()
    );
    assert_api_error(
        app.get_anonymous(RULES).await,
        401,
        ErrorCode::Unauthenticated,
    )
    .await;
}

/// 09:00 in Vietnam on that day, in Unix milliseconds.
fn vietnam_morning(d: Date) -> i64 {
    d.to_days() * 86_400_000 + 2 * 3_600_000
}

/// Moves a case back in time, as if received on `received` and accepted on `accepted`, and
/// stores its clock again (as a second server process would).
async fn backdate(app: &TestApp, id: &str, received: Date, accepted: Date) {
    let (rid, at_received, at_accepted) = (
        id.to_string(),
        vietnam_morning(received),
        vietnam_morning(accepted),
    );
    let db = app.db.clone();
    tokio::task::spawn_blocking(move || {
        use diesel::prelude::*;
        use server::schema::{report_events, reports};
        let conn = &mut db.get().unwrap();
        server::db_run!(conn, {
            diesel::update(reports::table.filter(reports::id.eq(&rid)))
                .set(reports::created_at.eq(at_received))
                .execute(conn)
        })
        .unwrap();
        server::db_run!(conn, {
            diesel::update(
                report_events::table
                    .filter(report_events::report_id.eq(&rid))
                    .filter(report_events::kind.eq("accept")),
            )
            .set(report_events::created_at.eq(at_accepted))
            .execute(conn)
        })
        .unwrap();
        server::services::cases::store_deadline(conn, &rid).unwrap();
    })
    .await
    .unwrap();
}

fn d(y: i32, m: u32, day: u32) -> Date {
    Date::new(y, m, day).unwrap()
}

/// A complaint accepted on Thursday 24/12/2026: 30 days end on Saturday 23/1/2027, so Monday
/// 25/1; 45 days (complex, or a remote area) end on Sunday 7/2/2027, mùng 2 Tết, and the Tết
/// break (5–11/2) moves them to Friday 12/2; 60 days (complex in a remote area) end on Monday
/// 22/2.
#[tokio::test]
async fn a_complex_complaint_and_a_remote_unit_get_the_longer_periods_across_tet_2027() {
    // No overdue job: the dates are fixed, whatever today is.
    let app = spawn_app_with(|c| c.overdue_interval_secs = 0).await;
    let w = app.world().await;
    let head = w.head_a.token();
    let (received, accepted) = (d(2026, 12, 21), d(2026, 12, 24));

    let (complaint, id, _) = accepted_case(&app, &w, "complaint").await;
    backdate(&app, &id, received, accepted).await;
    let plain = case(&app, head, &id).await;
    assert_eq!(due_of(&plain), "2027-01-25");
    assert!(plain
        .allowed_actions
        .contains(&shared::workflow::ActionKind::DeclareComplex));

    // The head declares it complex, with a reason: 45 days, on the case page, in the inbox and
    // on the citizen's tracking page, with the decision on the citizen's timeline.
    let reason = "Nhiều hộ dân liên quan, phải xác minh hồ sơ tại ba thôn";
    let complex: CaseDetail = ok_json(
        act(
            &app,
            head,
            &id,
            json!({"action": "declare_complex", "reason": reason, "decision_no": "15/QĐ-UBND"}),
        )
        .await,
    )
    .await;
    assert_eq!(due_of(&complex), "2027-02-12");
    assert!(!complex
        .allowed_actions
        .contains(&shared::workflow::ActionKind::DeclareComplex));
    assert_eq!(
        inbox_line(&app, head, &complaint.tracking_code)
            .await
            .deadline
            .unwrap()
            .due,
        "2027-02-12"
    );
    let seen = app.track(&complaint).await;
    assert_eq!(seen.deadline.unwrap().due, "2027-02-12");
    let decision = seen
        .timeline
        .iter()
        .find(|e| e.kind == "declare_complex")
        .expect("the citizen sees the decision");
    assert_eq!(decision.reason.as_deref(), Some(reason));
    assert_eq!(decision.by_role.as_deref(), Some("head"));
    assert!(decision.text.contains("15/QĐ-UBND"));

    // Once only.
    assert_api_error(
        act(
            &app,
            head,
            &id,
            json!({"action": "declare_complex", "reason": reason}),
        )
        .await,
        409,
        ErrorCode::Conflict,
    )
    .await;

    // Commune A is in a remote and difficult area. Its own administrator may not say so (a
    // longer deadline for itself); the province's administrator does, and the open cases of
    // the unit follow at once.
    let remote = json!({"remote_area": true});
    let unit = format!("/api/v1/units/{}", w.commune_a.id);
    assert_api_error(
        app.patch_json(&unit, w.admin_a.token(), &remote).await,
        403,
        ErrorCode::Forbidden,
    )
    .await;
    let marked: shared::model::Unit = ok_json(
        app.patch_json(&unit, w.province_admin.token(), &remote)
            .await,
    )
    .await;
    assert!(marked.remote_area);
    // Complex in a remote area: 60 days.
    assert_eq!(due_of(&case(&app, head, &id).await), "2027-02-22");
    assert_eq!(
        app.track(&complaint).await.deadline.unwrap().due,
        "2027-02-22"
    );

    // A plain complaint of the remote unit: 45 days.
    let (_, other, _) = accepted_case(&app, &w, "complaint").await;
    backdate(&app, &other, received, accepted).await;
    assert_eq!(due_of(&case(&app, head, &other).await), "2027-02-12");

    // A denunciation is never "complex" in that sense: it is extended instead.
    let (_, denunciation, _) = accepted_case(&app, &w, "denunciation").await;
    let refused = assert_api_error(
        act(
            &app,
            w.head_province.token(),
            &denunciation,
            json!({"action": "declare_complex", "reason": reason}),
        )
        .await,
        409,
        ErrorCode::Conflict,
    )
    .await;
    assert!(refused.message.vi.contains("Tố cáo"), "{refused:?}");
}
