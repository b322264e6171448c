//! Identity protection: an identified reporter's name and phone are stored encrypted, absent
//! from every case page and inbox by default, and revealed only to a member of a committee
//! over the case who writes why. The reveal is kept, shown to the rest of the committee, and
//! appended to the audit log; anyone else gets nothing, not even a hint.

use serde_json::json;
use shared::audit::AuditPage;
use shared::case::{CaseDetail, RevealedIdentity, REVEAL_SHOWN_FOR_MS};
use shared::model::Role;
use shared::report::ReportReceipt;
use shared::ErrorCode;
use tests::{assert_api_error, ok_json, spawn_app, TestApp};

const NAME: &str = "Phạm Thị Lan";
const PHONE: &str = "0987654321";

async fn identified_denunciation(app: &TestApp, counter_token: &str) -> ReportReceipt {
    app.submit_report(&json!({
        "kind": "denunciation",
        "category": "asking_money",
        "counter_token": counter_token,
        "description": "Cán bộ một cửa đòi 500.000 đồng mới nhận hồ sơ đất đai của tôi.",
        "idempotency_key": uuid::Uuid::new_v4().simple().to_string(),
        "reporter": {"full_name": NAME, "phone": PHONE, "email": "lan@example.vn", "consent": true},
    }))
    .await
}

/// The body of a response as text, to look for the reporter anywhere in it.
async fn body_text(app: &TestApp, path: &str, token: &str) -> (u16, String) {
    let res = app.get(path, token).await;
    (res.status().as_u16(), res.text().await.unwrap())
}

#[tokio::test]
async fn a_committee_member_reveals_an_identified_reporter_only_with_a_reason_and_the_rest_of_the_committee_sees_it(
) {
    let app = spawn_app().await;
    let w = app.world().await;
    let second_member = app
        .signed_in("ubkt.tinh.2", Role::Committee, Some(&w.province))
        .await;
    let report = identified_denunciation(&app, &w.counter_a.qr_token).await;
    let case_id = app
        .case_id(w.committee.token(), &report.tracking_code)
        .await;
    let case_path = format!("/api/v1/cases/{case_id}");
    let reveal_path = format!("{case_path}/identity");

    // By default nobody sees the reporter: not the superior head who handles the case, not
    // the committee, not in the inbox.
    for (who, token) in [
        ("head_province", w.head_province.token()),
        ("committee", w.committee.token()),
    ] {
        for path in [case_path.clone(), "/api/v1/cases?status=all".to_string()] {
            let (status, text) = body_text(&app, &path, token).await;
            assert_eq!(status, 200, "{who} reads {path}");
            assert!(
                !text.contains(PHONE) && !text.contains(NAME),
                "{who} must not see the reporter in {path}"
            );
        }
    }
    let page: CaseDetail = ok_json(app.get(&case_path, w.committee.token()).await).await;
    assert!(page.may_reveal);
    assert!(page.identity.is_none() && page.identity_reveals.is_empty());
    let head_page: CaseDetail = ok_json(app.get(&case_path, w.head_province.token()).await).await;
    assert!(!head_page.may_reveal);

    // No reason, or too short a one: refused in both languages, nothing kept.
    for reason in ["", "cần xác minh"] {
        let err = assert_api_error(
            app.post_json(
                &reveal_path,
                w.committee.token(),
                &json!({ "reason": reason }),
            )
            .await,
            400,
            ErrorCode::ValidationFailed,
        )
        .await;
        assert_eq!(err.fields[0].field, "reason");
        assert!(err.fields[0].message.vi.contains("lý do"));
        assert!(err.fields[0].message.en.contains("why"));
    }
    // The head handling the case may read it but not reveal the reporter; the head of the
    // commune and its officer may not even learn the case exists.
    assert_api_error(
        app.post_json(
            &reveal_path,
            w.head_province.token(),
            &json!({ "reason": "Cần gọi điện cho người tố cáo để hẹn làm việc trực tiếp." }),
        )
        .await,
        403,
        ErrorCode::Forbidden,
    )
    .await;
    for person in [&w.head_a, &w.officer_a] {
        assert_api_error(
            app.post_json(
                &reveal_path,
                person.token(),
                &json!({ "reason": "Cần gọi điện cho người tố cáo để hẹn làm việc trực tiếp." }),
            )
            .await,
            404,
            ErrorCode::NotFound,
        )
        .await;
    }
    let untouched: CaseDetail = ok_json(app.get(&case_path, w.committee.token()).await).await;
    assert!(
        untouched.identity_reveals.is_empty(),
        "a refused reveal keeps nothing"
    );

    // With a reason: the identity, decrypted.
    let reason = "Cần liên hệ người tố cáo để xác minh thời điểm đưa tiền và người chứng kiến.";
    let before = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as i64;
    let who: RevealedIdentity = ok_json(
        app.post_json(
            &reveal_path,
            w.committee.token(),
            &json!({ "reason": reason }),
        )
        .await,
    )
    .await;
    assert_eq!(who.full_name, NAME);
    assert_eq!(who.phone, PHONE);
    assert_eq!(who.email.as_deref(), Some("lan@example.vn"));
    assert!(who.shown_until >= before + REVEAL_SHOWN_FOR_MS);

    // The member who revealed sees it on the case page for a while; the other member sees
    // that it was revealed, by whom and why, but not the identity itself.
    let mine: CaseDetail = ok_json(app.get(&case_path, w.committee.token()).await).await;
    assert_eq!(
        mine.identity.as_ref().map(|i| i.phone.as_str()),
        Some(PHONE)
    );
    let theirs: CaseDetail = ok_json(app.get(&case_path, second_member.token()).await).await;
    assert!(theirs.identity.is_none());
    assert_eq!(theirs.identity_reveals.len(), 1);
    assert_eq!(theirs.identity_reveals[0].reason, reason);
    assert_eq!(
        theirs.identity_reveals[0].by_name,
        w.committee.account.full_name
    );
    // The handling head still sees neither the reporter nor that anyone looked.
    let (_, text) = body_text(&app, &case_path, w.head_province.token()).await;
    assert!(!text.contains(PHONE) && !text.contains(reason));

    // The audit log has the reveal, by whom, on which case; never the reason or the identity.
    let log: AuditPage = ok_json(
        app.get(
            "/api/v1/audit?action=identity.reveal",
            second_member.token(),
        )
        .await,
    )
    .await;
    assert_eq!(log.items.len(), 1);
    let entry = &log.items[0];
    assert_eq!(entry.actor_username, w.committee.username);
    assert_eq!(
        (entry.object_kind.as_str(), entry.object_id.as_str()),
        ("case", case_id.as_str())
    );
    assert!(!entry.detail.contains(PHONE) && !entry.detail.contains(reason));
}

#[tokio::test]
async fn an_anonymous_report_has_no_identity_to_reveal() {
    let app = spawn_app().await;
    let w = app.world().await;
    let report = app
        .submit_report(&json!({
            "kind": "denunciation",
            "category": "asking_money",
            "counter_token": w.counter_a.qr_token,
            "description": "Cán bộ một cửa đòi tiền mới nhận hồ sơ, tôi không dám nêu tên.",
            "idempotency_key": uuid::Uuid::new_v4().simple().to_string(),
        }))
        .await;
    let case_id = app
        .case_id(w.committee.token(), &report.tracking_code)
        .await;
    let page: CaseDetail = ok_json(
        app.get(&format!("/api/v1/cases/{case_id}"), w.committee.token())
            .await,
    )
    .await;
    assert!(!page.may_reveal);
    assert_api_error(
        app.post_json(
            &format!("/api/v1/cases/{case_id}/identity"),
            w.committee.token(),
            &json!({ "reason": "Cần liên hệ người tố cáo để xác minh thêm thông tin." }),
        )
        .await,
        409,
        ErrorCode::Conflict,
    )
    .await;
}
