//! Handling a case: the inbox, the first reading the citizen sees (by role, never by name),
//! the state machine refusing illegal steps on the server, and the citizen's answer to the
//! reply (satisfied or not, reopen once) from the tracking page.

use serde_json::{json, Value};
use shared::calendar::Stage;
use shared::case::{CaseDetail, CasePage, CaseSummary};
use shared::model::Role;
use shared::report::{ReportReceipt, ReportView};
use shared::workflow::{ActionKind, ReportStatus};
use shared::ErrorCode;
use tests::{assert_api_error, ok_json, spawn_app, TestApp, World};

fn key() -> String {
    uuid::Uuid::new_v4().simple().to_string()
}

/// A report from the counter of commune A, anonymous or not: its receipt and tracking answer.
async fn report(
    app: &TestApp,
    w: &World,
    kind: &str,
    anonymous: bool,
) -> (ReportReceipt, ReportView) {
    report_at(app, &w.counter_a.qr_token, kind, anonymous).await
}

/// A report from the counter with this QR token.
async fn report_at(
    app: &TestApp,
    counter_token: &str,
    kind: &str,
    anonymous: bool,
) -> (ReportReceipt, ReportView) {
    let mut report = json!({
        "kind": kind,
        // Not misconduct: a feedback or complaint stays with the unit's head (`routing`).
        "category": "late_dossier",
        "counter_token": counter_token,
        "description": "Cán bộ hẹn lần thứ ba mà hồ sơ vẫn chưa được giải quyết, không nêu lý do.",
        "idempotency_key": key(),
    });
    if !anonymous {
        report["reporter"] = json!({
            "full_name": "Phạm Văn Hùng",
            "phone": "0912345678",
            "consent": true,
        });
    }
    let receipt = app.submit_report(&report).await;
    let view = app.track(&receipt).await;
    (receipt, view)
}

/// The citizen's side again, through the access token of an earlier answer.
async fn citizen_act(app: &TestApp, access: &str, action: Value) -> reqwest::Response {
    app.client
        .post(app.url("/api/v1/reports/track/action"))
        .json(&json!({ "access": access, "action": action }))
        .send()
        .await
        .unwrap()
}

async fn inbox(app: &TestApp, token: &str, query: &str) -> CasePage {
    ok_json(app.get(&format!("/api/v1/cases{query}"), token).await).await
}

async fn act(app: &TestApp, token: &str, id: &str, action: Value) -> reqwest::Response {
    app.post_json(&format!("/api/v1/cases/{id}/actions"), token, &action)
        .await
}

#[tokio::test]
async fn the_first_reading_shows_on_the_citizens_timeline_by_role_and_never_by_name() {
    let app = spawn_app().await;
    let w = app.world().await;
    let (receipt, view) = report(&app, &w, "denunciation", true).await;
    // A denunciation is withheld from commune A: its head never sees it, the province's does.
    assert!(inbox(&app, w.head_a.token(), "?status=all")
        .await
        .items
        .is_empty());
    assert_eq!(view.deadline.as_ref().map(|d| d.stage), Some(Stage::Intake));

    // The head's inbox lists it, unread, with its intake clock.
    let listed = inbox(&app, w.head_province.token(), "").await;
    let line = listed
        .items
        .iter()
        .find(|c| c.tracking_code == view.tracking_code)
        .expect("in the head's inbox");
    assert!(line.unread);
    assert_eq!(line.status, ReportStatus::Received);
    assert_eq!(line.deadline.as_ref().unwrap().stage, Stage::Intake);

    // Opening it records the first reading, once.
    let detail: CaseDetail = ok_json(
        app.get(
            &format!("/api/v1/cases/{}", line.id),
            w.head_province.token(),
        )
        .await,
    )
    .await;
    assert_eq!(detail.your_role, shared::workflow::Actor::Head);
    assert!(detail.allowed_actions.contains(&ActionKind::Accept));
    assert!(!detail.allowed_actions.contains(&ActionKind::Close));
    let _: CaseDetail = ok_json(
        app.get(
            &format!("/api/v1/cases/{}", line.id),
            w.head_province.token(),
        )
        .await,
    )
    .await;
    let _: CaseDetail = ok_json(
        app.get(&format!("/api/v1/cases/{}", line.id), w.committee.token())
            .await,
    )
    .await;
    assert!(!inbox(&app, w.head_province.token(), "").await.items[0].unread);

    // The citizen sees that the head read it; nobody's name is in what the citizen gets.
    let after = app.track(&receipt).await;
    let opened: Vec<_> = after
        .timeline
        .iter()
        .filter(|e| e.kind == "first_open")
        .collect();
    assert_eq!(opened.len(), 1, "one first reading: {:?}", after.timeline);
    assert_eq!(opened[0].by_role.as_deref(), Some("head"));
    let all = serde_json::to_string(&after).unwrap();
    for name in [
        &w.head_province.account.full_name,
        &w.committee.account.full_name,
        &w.head_province.username,
    ] {
        assert!(!all.contains(name.as_str()), "{name} leaked to the citizen");
    }
    // The citizen may withdraw an open report; the head's inbox of open cases loses it.
    let withdrawn: ReportView = ok_json(
        citizen_act(
            &app,
            after.access.as_deref().unwrap(),
            json!({ "action": "withdraw" }),
        )
        .await,
    )
    .await;
    assert_eq!(withdrawn.status, "withdrawn");
    assert!(inbox(&app, w.head_province.token(), "")
        .await
        .items
        .is_empty());
}

#[tokio::test]
async fn the_server_refuses_illegal_steps_and_records_who_why_and_whether_public() {
    let app = spawn_app().await;
    let w = app.world().await;
    let (receipt, view) = report(&app, &w, "feedback", false).await;
    let head = w.head_a.token();
    let id = app.case_id(head, &view.tracking_code).await;

    // Closing a case nobody has answered, or declining without a reason: refused, no change.
    assert_api_error(
        act(&app, head, &id, json!({"action": "close"})).await,
        409,
        ErrorCode::Conflict,
    )
    .await;
    assert_api_error(
        act(
            &app,
            head,
            &id,
            json!({"action": "decline", "reason": "không"}),
        )
        .await,
        400,
        ErrorCode::ValidationFailed,
    )
    .await;
    // The citizen's actions are not the head's.
    assert_api_error(
        act(
            &app,
            head,
            &id,
            json!({"action": "reopen", "reason": "Tôi muốn mở lại đơn này"}),
        )
        .await,
        403,
        ErrorCode::Forbidden,
    )
    .await;
    // Outside one's units, or as an administrator, the case does not exist.
    let head_b = app
        .signed_in("chutich.hoalu", Role::Head, Some(&w.commune_b))
        .await;
    for token in [head_b.token(), w.admin_a.token()] {
        let resp = app.get(&format!("/api/v1/cases/{id}"), token).await;
        assert!(
            matches!(resp.status().as_u16(), 403 | 404),
            "{}",
            resp.status()
        );
        let resp = act(&app, token, &id, json!({"action": "accept"})).await;
        assert!(matches!(resp.status().as_u16(), 403 | 404));
    }
    let detail: CaseDetail = ok_json(app.get(&format!("/api/v1/cases/{id}"), head).await).await;
    assert_eq!(detail.summary.status, ReportStatus::Received);

    let accepted: CaseDetail =
        ok_json(act(&app, head, &id, json!({"action": "accept"})).await).await;
    assert_eq!(accepted.summary.status, ReportStatus::Accepted);
    assert_eq!(
        accepted.summary.deadline.as_ref().unwrap().stage,
        Stage::Resolve
    );
    // Assigning to someone who is not an officer of the unit is refused.
    assert_api_error(
        act(
            &app,
            head,
            &id,
            json!({"action": "assign", "officer_id": w.committee.account.id}),
        )
        .await,
        400,
        ErrorCode::ValidationFailed,
    )
    .await;
    let assigned: CaseDetail = ok_json(
        act(
            &app,
            head,
            &id,
            json!({"action": "assign", "officer_id": w.officer_a.account.id}),
        )
        .await,
    )
    .await;
    assert_eq!(assigned.summary.status, ReportStatus::InProgress);
    assert_eq!(
        assigned.assigned_to.as_deref(),
        Some(w.officer_a.account.full_name.as_str())
    );
    // The officer now sees the case, and only as the assigned officer.
    let officer = w.officer_a.token();
    assert_eq!(inbox(&app, officer, "").await.items.len(), 1);
    let note = "Đã gọi điện xác minh với bộ phận một cửa, chờ báo cáo.";
    let noted: CaseDetail = ok_json(
        act(
            &app,
            officer,
            &id,
            json!({"action": "note_internal", "text": note}),
        )
        .await,
    )
    .await;
    let last = noted.timeline.last().unwrap();
    assert_eq!(last.kind, "note_internal");
    assert!(!last.public);
    assert_eq!(last.by_role.as_deref(), Some("assigned_officer"));
    assert_eq!(
        last.by_name.as_deref(),
        Some(w.officer_a.account.full_name.as_str())
    );
    let reply = "Đơn vị đã nhận phản ánh và đang làm việc với cán bộ liên quan.";
    let _: CaseDetail = ok_json(
        act(
            &app,
            head,
            &id,
            json!({"action": "reply_public", "text": reply}),
        )
        .await,
    )
    .await;
    let answer = "Hồ sơ của ông đã được giải quyết ngày 20/11; cán bộ đã được nhắc nhở.";
    let answered: CaseDetail = ok_json(
        act(
            &app,
            officer,
            &id,
            json!({"action": "answer", "text": answer}),
        )
        .await,
    )
    .await;
    assert_eq!(answered.summary.status, ReportStatus::Answered);
    assert!(
        answered.summary.deadline.is_none(),
        "no clock once answered"
    );
    let last = answered.timeline.last().unwrap();
    assert_eq!(last.from_status, Some(ReportStatus::InProgress));
    assert_eq!(last.to_status, Some(ReportStatus::Answered));

    // The citizen sees the public reply and the answer, not the internal note.
    let seen = app.track(&receipt).await;
    let all = serde_json::to_string(&seen).unwrap();
    assert!(all.contains(reply) && all.contains(answer));
    assert!(!all.contains(note), "an internal note reached the citizen");
    assert!(!all.contains(&w.officer_a.account.full_name));
    assert_eq!(seen.status, "answered");
}

/// An anonymous feedback report answered by the head: (receipt, tracking answer, case id).
async fn answered_case(app: &TestApp, w: &World) -> (ReportReceipt, ReportView, String) {
    let (receipt, view) = report(app, w, "feedback", true).await;
    let head = w.head_a.token();
    let id = app.case_id(head, &view.tracking_code).await;
    for action in [
        json!({"action": "accept"}),
        json!({"action": "answer", "text": "Đơn vị đã xử lý và trả kết quả cho ông ngày 20/11."}),
    ] {
        let _: CaseDetail = ok_json(act(app, head, &id, action).await).await;
    }
    (receipt, view, id)
}

#[tokio::test]
async fn the_citizen_says_whether_the_answer_satisfied_them_and_reopens_once() {
    let app = spawn_app().await;
    let w = app.world().await;
    let (receipt, view, id) = answered_case(&app, &w).await;
    let access = view.access.clone().unwrap();
    let now: ReportView = ok_json(
        citizen_act(
            &app,
            &access,
            json!({"action": "citizen_feedback", "satisfied": false, "comment": "Chưa đúng ý tôi."}),
        )
        .await,
    )
    .await;
    assert_eq!(now.status, "answered");
    assert!(!now.citizen_actions.contains(&ActionKind::CitizenFeedback));
    assert!(now.citizen_actions.contains(&ActionKind::Reopen));
    // Once is once: a second opinion on the same answer is refused.
    assert_api_error(
        citizen_act(
            &app,
            &access,
            json!({"action": "citizen_feedback", "satisfied": true}),
        )
        .await,
        409,
        ErrorCode::Conflict,
    )
    .await;
    // Reopening needs a reason.
    assert_api_error(
        citizen_act(&app, &access, json!({"action": "reopen", "reason": "chưa"})).await,
        400,
        ErrorCode::ValidationFailed,
    )
    .await;
    let reopened: ReportView = ok_json(
        citizen_act(
            &app,
            &access,
            json!({"action": "reopen", "reason": "Hồ sơ của tôi vẫn chưa được trả kết quả."}),
        )
        .await,
    )
    .await;
    assert_eq!(reopened.status, "reopened");
    assert_eq!(
        reopened.deadline.as_ref().map(|d| d.stage),
        Some(Stage::Resolve),
        "a reopened case runs its clock again"
    );
    // The head may not take the citizen's place, nor the citizen the head's.
    assert_api_error(
        citizen_act(&app, &access, json!({"action": "accept"})).await,
        403,
        ErrorCode::Forbidden,
    )
    .await;
    let head = w.head_a.token();
    let _: CaseDetail = ok_json(
        act(
            &app,
            head,
            &id,
            json!({"action": "answer", "text": "Đã trả kết quả hồ sơ cho ông ngày 24/11."}),
        )
        .await,
    )
    .await;
    let again = app.track(&receipt).await;
    assert!(again.citizen_actions.contains(&ActionKind::CitizenFeedback));
    assert!(
        !again.citizen_actions.contains(&ActionKind::Reopen),
        "the one reopening is used"
    );
    assert_api_error(
        citizen_act(
            &app,
            &access,
            json!({"action": "reopen", "reason": "Tôi muốn mở lại lần nữa cho chắc."}),
        )
        .await,
        409,
        ErrorCode::Conflict,
    )
    .await;
    let closed: ReportView = ok_json(
        citizen_act(
            &app,
            &access,
            json!({"action": "citizen_feedback", "satisfied": true}),
        )
        .await,
    )
    .await;
    assert_eq!(closed.status, "closed");
    let kinds: Vec<_> = closed.timeline.iter().map(|e| e.kind.as_str()).collect();
    assert!(kinds.ends_with(&["citizen_feedback"]), "{kinds:?}");
    assert_eq!(
        closed.timeline.last().unwrap().to_status.as_deref(),
        Some("closed")
    );
    // A forged access does nothing.
    assert_api_error(
        citizen_act(&app, "gia-mao", json!({"action": "withdraw"})).await,
        401,
        ErrorCode::TokenExpired,
    )
    .await;
}

#[tokio::test]
async fn the_tracking_page_buttons_work_without_javascript() {
    let app = spawn_app().await;
    let w = app.world().await;
    let (_, view, _) = answered_case(&app, &w).await;
    let access = view.access.clone().unwrap();
    let page = app
        .client
        .post(app.url("/track/action"))
        .form(&[
            ("access", access.as_str()),
            ("action", "citizen_feedback"),
            ("satisfied", "false"),
            ("comment", ""),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 200);
    let html = page.text().await.unwrap();
    assert!(html.contains("Bạn chưa hài lòng với câu trả lời"), "{html}");
    assert!(html.contains("Yêu cầu mở lại"));
    // A refusal is a page in Vietnamese, not an error dump.
    let page = app
        .client
        .post(app.url("/track/action"))
        .form(&[
            ("access", access.as_str()),
            ("action", "reopen"),
            ("reason", "ngắn"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 400);
    assert!(page.text().await.unwrap().contains("Vui lòng ghi rõ lý do"));
}

#[tokio::test]
async fn the_inbox_sorts_by_due_date_filters_and_pages_in_the_database() {
    let app = spawn_app().await;
    let w = app.world().await;
    // The province's head: the commune's feedback and the denunciation withheld from the
    // commune both reach them.
    let head = w.head_province.token();
    // A feedback (10 working days to reply) and a signed denunciation (7 to decide on
    // intake; an anonymous one is not a denunciation under the law and has no such clock).
    let (_, feedback) = report(&app, &w, "feedback", true).await;
    let (_, denunciation) = report(&app, &w, "denunciation", false).await;
    let listed = inbox(&app, head, "").await;
    let commune_head = inbox(&app, w.head_a.token(), "?status=all").await;
    assert_eq!(
        commune_head.total, 1,
        "the commune's head sees only the feedback"
    );
    assert_eq!(commune_head.items[0].tracking_code, feedback.tracking_code);
    let codes: Vec<_> = listed
        .items
        .iter()
        .map(|c| c.tracking_code.clone())
        .collect();
    assert_eq!(
        codes,
        [
            denunciation.tracking_code.clone(),
            feedback.tracking_code.clone()
        ],
        "the nearest deadline comes first"
    );
    let due = |c: &CaseSummary| c.deadline.clone().unwrap().due;
    assert!(due(&listed.items[0]) < due(&listed.items[1]));
    let only: CasePage = inbox(&app, head, "?kind=feedback").await;
    assert_eq!(only.total, 1);
    assert_eq!(only.items[0].tracking_code, feedback.tracking_code);
    let first = inbox(&app, head, "?per_page=1").await;
    assert_eq!((first.total, first.items.len()), (2, 1));
    let next = first.next.clone().expect("a second page");
    let second = inbox(&app, head, &format!("?per_page=1&after={next}")).await;
    assert_eq!(second.items[0].tracking_code, feedback.tracking_code);
    assert_eq!(second.next, None, "the last page has no next page");
    assert_api_error(
        app.get("/api/v1/cases?after=trang-2", head).await,
        400,
        ErrorCode::ValidationFailed,
    )
    .await;
    assert_api_error(
        app.get("/api/v1/cases?status=khong-co", head).await,
        400,
        ErrorCode::ValidationFailed,
    )
    .await;

    // Extending the denunciation's intake (7 → 10 working days) is a recorded decision, once.
    let id = app.case_id(head, &denunciation.tracking_code).await;
    let before = due(&inbox(&app, head, "?kind=denunciation").await.items[0]);
    let extend = json!({"action": "extend", "reason": "Cần xác minh thêm với bộ phận một cửa.", "decision_no": "12/QĐ-UBND"});
    let after: CaseDetail = ok_json(act(&app, head, &id, extend.clone()).await).await;
    let moved = after.summary.deadline.clone().unwrap().due;
    assert!(moved > before, "{moved} is not after {before}");
    let last = after.timeline.last().unwrap();
    assert_eq!(last.kind, "extend");
    assert!(last.text.contains("12/QĐ-UBND"));
    assert_api_error(act(&app, head, &id, extend).await, 409, ErrorCode::Conflict).await;

    // Forwarding names the body and tells the citizen; the case leaves the open inbox.
    let forwarded: CaseDetail = ok_json(
        act(
            &app,
            head,
            &id,
            json!({"action": "forward", "to_unit_id": w.commune_b.id, "reason": "Sự việc thuộc thẩm quyền của phường Hoa Lư."}),
        )
        .await,
    )
    .await;
    assert_eq!(forwarded.summary.status, ReportStatus::Forwarded);
    assert!(forwarded.summary.deadline.is_none());
    let public = &forwarded.timeline.last().unwrap();
    assert!(public.public && public.text.contains(&w.commune_b.name));
    assert_eq!(inbox(&app, head, "").await.total, 1);
}

/// Every case of a list, page after page by the `next` cursor.
async fn walk(app: &TestApp, token: &str, query: &str, per_page: u32) -> Vec<CaseSummary> {
    let mut all = Vec::new();
    let mut after = String::new();
    loop {
        let page = inbox(app, token, &format!("?per_page={per_page}&{query}{after}")).await;
        assert!(page.items.len() <= per_page as usize);
        all.extend(page.items);
        match page.next {
            Some(cursor) => after = format!("&after={cursor}"),
            None => return all,
        }
    }
}

#[tokio::test]
async fn the_inbox_totals_and_cursor_pages_follow_every_change_of_a_case() {
    let app = spawn_app().await;
    let w = app.world().await;
    let head = w.head_a.token();
    let mut codes = Vec::new();
    for (kind, anonymous) in [
        ("feedback", false),
        ("denunciation", false),
        ("feedback", true),
        ("complaint", false),
        ("suggestion", true),
    ] {
        codes.push(report(&app, &w, kind, anonymous).await.0.tracking_code);
    }
    let id = |code: &String| {
        let code = code.clone();
        let app = &app;
        async move { app.case_id(head, &code).await }
    };
    // One declined (no clock any more: it moves to the end of "all"), one accepted.
    let declined = id(&codes[2]).await;
    let reason = "Nội dung đã được giải quyết ở kỳ tiếp dân trước.";
    ok_json::<CaseDetail>(
        act(
            &app,
            head,
            &declined,
            json!({"action": "decline", "reason": reason}),
        )
        .await,
    )
    .await;
    let accepted = id(&codes[3]).await;
    ok_json::<CaseDetail>(act(&app, head, &accepted, json!({"action": "accept"})).await).await;

    // Totals: kept per unit, status, kind and category by the database, after each change.
    // The denunciation is withheld from the commune (`routing`): its head's totals leave it out,
    // the province head's hold it.
    assert_eq!(inbox(&app, head, "").await.total, 3);
    assert_eq!(inbox(&app, head, "?status=all").await.total, 4);
    assert_eq!(inbox(&app, head, "?kind=denunciation").await.total, 0);
    let above = w.head_province.token();
    assert_eq!(inbox(&app, above, "?status=all").await.total, 5);
    assert_eq!(inbox(&app, above, "?kind=denunciation").await.total, 1);
    assert_eq!(inbox(&app, head, "?status=declined").await.total, 1);
    assert_eq!(
        inbox(&app, head, "?status=accepted&kind=complaint")
            .await
            .total,
        1
    );
    assert_eq!(inbox(&app, head, "?kind=feedback").await.total, 1);
    assert_eq!(inbox(&app, head, "?category=rude").await.total, 0);
    // A counter filter is counted over its index: the same answer.
    let by_counter = format!("?status=all&counter_id={}", w.counter_a.id);
    assert_eq!(inbox(&app, head, &by_counter).await.total, 4);
    assert_eq!(inbox(&app, above, &by_counter).await.total, 5);
    // An officer sees only what is assigned to them: nothing yet, then the accepted case.
    let officer = w.officer_a.token();
    assert_eq!(inbox(&app, officer, "?status=all").await.total, 0);
    let assign = json!({"action": "assign", "officer_id": w.officer_a.account.id});
    ok_json::<CaseDetail>(act(&app, head, &accepted, assign).await).await;
    let mine = inbox(&app, officer, "?status=all").await;
    assert_eq!((mine.total, mine.items.len()), (1, 1));
    assert_eq!(mine.items[0].tracking_code, codes[3]);

    // Page by page, one case at a time, "all" holds every case once: those with a clock by
    // due date, then the declined one.
    let one_by_one = walk(&app, head, "status=all", 1).await;
    let whole = inbox(&app, head, "?status=all&per_page=50").await.items;
    assert_eq!(one_by_one, whole);
    assert_eq!(whole.len(), 4);
    assert!(!whole.iter().any(|c| c.tracking_code == codes[1]));
    assert_eq!(
        whole.last().unwrap().tracking_code,
        codes[2],
        "no clock: last"
    );
    assert!(whole[..3].iter().all(|c| c.deadline.is_some()));
    let dues: Vec<_> = whole[..3]
        .iter()
        .map(|c| c.deadline.clone().unwrap().due)
        .collect();
    assert!(dues.windows(2).all(|d| d[0] <= d[1]), "{dues:?}");
    assert_eq!(walk(&app, head, "", 3).await.len(), 3);
    assert_eq!(walk(&app, above, "status=all", 2).await.len(), 5);
    assert_eq!(walk(&app, head, "status=declined", 2).await.len(), 1);

    // The committee's scope spans both communes: each unit's walk is merged into one order.
    for (kind, anonymous) in [
        ("feedback", false),
        ("denunciation", true),
        ("suggestion", false),
    ] {
        report_at(&app, &w.counter_b.qr_token, kind, anonymous).await;
    }
    let committee = w.committee.token();
    let across = inbox(&app, committee, "?status=all&per_page=50").await;
    assert_eq!((across.total, across.items.len()), (8, 8));
    assert_eq!(walk(&app, committee, "status=all", 1).await, across.items);
    assert_eq!(walk(&app, committee, "status=all", 3).await, across.items);
    let order: Vec<_> = across
        .items
        .iter()
        .map(|c| {
            (
                c.deadline.is_none(),
                c.deadline.clone().map(|d| d.due),
                c.created_at,
            )
        })
        .collect();
    assert!(order.windows(2).all(|p| p[0] <= p[1]), "{order:?}");
}

#[tokio::test]
async fn an_overdue_case_is_escalated_once_with_an_apology_drafted_for_the_head() {
    use server::services::overdue::{claim_lease, run_once, OverdueRun, JOB};
    let app = spawn_app().await;
    let w = app.world().await;
    let (receipt, view) = report(&app, &w, "feedback", false).await;
    let head = w.head_a.token();
    let id = app.case_id(head, &view.tracking_code).await;
    // Its clock ran out on Monday 5 January 2026.
    let rid = id.clone();
    app.on_db(move |conn| {
        use diesel::prelude::*;
        use server::schema::reports;
        server::db_run!(conn, {
            diesel::update(reports::table.filter(reports::id.eq(&rid)))
                .set(reports::due_on.eq(Some("2026-01-05")))
                .execute(conn)
        })
        .unwrap();
    })
    .await;
    assert!(inbox(&app, head, "").await.items[0]
        .deadline
        .as_ref()
        .unwrap()
        .is_overdue());

    // Two processes: one holds the lease; the other waits until it lapses.
    let now = 1_800_000_000_000_i64;
    let (a, b) = app
        .on_db(move |conn| {
            (
                claim_lease(conn, JOB, "process-a", now, 60_000).unwrap(),
                claim_lease(conn, JOB, "process-b", now, 60_000).unwrap(),
            )
        })
        .await;
    assert!(a && !b, "exactly one process holds the job");
    let (renewed, taken_over) = app
        .on_db(move |conn| {
            (
                claim_lease(conn, JOB, "process-a", now + 30_000, 60_000).unwrap(),
                claim_lease(conn, JOB, "process-b", now + 200_000, 60_000).unwrap(),
            )
        })
        .await;
    assert!(renewed && taken_over);

    // Run twice (a restart, or a second process after a lapse): it acts once.
    let cal = shared::calendar::WorkingCalendar::seed();
    let cal2 = cal.clone();
    let first = app
        .on_db(move |conn| run_once(conn, &cal, 100).unwrap())
        .await;
    assert_eq!(
        first,
        OverdueRun {
            escalated: 1,
            apologies: 1
        }
    );
    let again = app
        .on_db(move |conn| run_once(conn, &cal2, 100).unwrap())
        .await;
    assert_eq!(again, OverdueRun::default());

    let case: CaseDetail = ok_json(app.get(&format!("/api/v1/cases/{id}"), head).await).await;
    assert_eq!(case.summary.status, ReportStatus::Escalated);
    let escalation = case.timeline.iter().find(|e| e.kind == "escalate").unwrap();
    assert_eq!(escalation.by_role.as_deref(), Some("system"));
    assert!(escalation.reason.as_deref().unwrap().contains("05/01/2026"));
    assert_eq!(case.apologies.len(), 1);
    let apology = &case.apologies[0];
    assert!(apology
        .body
        .contains("PHIẾU XIN LỖI VÀ HẸN LẠI NGÀY TRẢ KẾT QUẢ"));
    assert!(apology.body.contains(&view.tracking_code));
    assert!(apology.sent_at.is_none());
    // The escalation restarted the clock: the new date is its new due date, after today.
    assert_eq!(
        Some(apology.new_due.clone()),
        case.summary.deadline.as_ref().map(|d| d.due.clone())
    );
    // The superior unit's committee sees it too (the province covers the commune).
    let _: CaseDetail = ok_json(
        app.get(&format!("/api/v1/cases/{id}"), w.committee.token())
            .await,
    )
    .await;

    // The head sends the apology as a public reply; the citizen reads it.
    let body = apology.body.replace("…………", "cán bộ phụ trách nghỉ ốm");
    let sent: CaseDetail = ok_json(
        act(
            &app,
            head,
            &id,
            json!({"action": "reply_public", "text": body}),
        )
        .await,
    )
    .await;
    assert!(sent.apologies[0].sent_at.is_some());
    let seen = app.track(&receipt).await;
    assert_eq!(seen.status, "escalated");
    assert!(seen
        .timeline
        .iter()
        .any(|e| e.kind == "reply_public" && e.text.contains("nghỉ ốm")));
}
