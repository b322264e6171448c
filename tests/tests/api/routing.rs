//! Routing past conflicts of interest (`shared::routing`), enforced in the queries: the
//! permission matrix. Five reports about commune A, each with a photo and each asking to meet
//! the head: an ordinary one, a denunciation, one about the commune's leaders, one naming a
//! counter officer and one naming the head through the head's own staff record. For every
//! account (roles × relation to the report) and every endpoint that can reveal a report or its
//! photo (the inbox list and its total, the case, the photo and its thumbnail, the unredacted
//! original, the findings, the reporter's identity, an action, the reception agenda), the test
//! asserts allowed or denied, on SQLite and PostgreSQL alike.

use serde_json::{json, Value};
use shared::case::{CaseDetail, CasePage};
use shared::model::Role;
use shared::reception::ReceptionSession;
use shared::report::ReportReceipt;
use tests::{assert_api_error, camera_photo, ok_json, spawn_app, Person, TestApp};

async fn send(app: &TestApp, fields: Value) -> ReportReceipt {
    let mut report = json!({
        "counter_token": null,
        "description": "Cán bộ hẹn lần thứ ba mà hồ sơ vẫn chưa được giải quyết, không nêu lý do.",
        "idempotency_key": uuid::Uuid::new_v4().simple().to_string(),
        "wants_meeting": true,
        "reporter": {"full_name": "Phạm Văn Hùng", "phone": "0912345678", "consent": true},
    });
    for (k, v) in fields.as_object().unwrap() {
        report[k] = v.clone();
    }
    ok_json(
        app.send_report(&report, vec![camera_photo("Canon_40D.jpg")])
            .await,
    )
    .await
}

/// A reader's inbox, every status, one page of 50; `None` for a role without one (403).
async fn inbox(app: &TestApp, token: &str) -> Option<CasePage> {
    let res = app.get("/api/v1/cases?status=all&per_page=50", token).await;
    if res.status() == 403 {
        return None;
    }
    Some(ok_json(res).await)
}

#[tokio::test]
async fn every_endpoint_that_reveals_a_report_follows_the_routing_for_every_role() {
    let app = spawn_app().await;
    let w = app.world().await;
    let admin = app.admin_token.clone();
    // More people around commune A: a deputy head, a head and a committee elsewhere, an
    // officer of the province. The head of commune A and officer A are linked to their own
    // staff records, so a report naming either of them is known to be about them.
    let deputy_a = app
        .signed_in("phochutich.giavien", Role::Head, Some(&w.commune_a))
        .await;
    let head_b = app
        .signed_in("chutich.hoalu", Role::Head, Some(&w.commune_b))
        .await;
    let committee_b = app
        .signed_in("ubkt.hoalu", Role::Committee, Some(&w.commune_b))
        .await;
    let officer_p = app
        .signed_in("canbo.tinh", Role::Officer, Some(&w.province))
        .await;
    let head_staff = app
        .staff(&w.commune_a, "Đinh Công Tráng", "GV-CT", None)
        .await;
    for (account, staff) in [(&w.head_a, &head_staff.id), (&w.officer_a, &w.staff_a.id)] {
        let linked: shared::model::Account = ok_json(
            app.patch_json(
                &format!("/api/v1/accounts/{}", account.account.id),
                &admin,
                &json!({ "staff_id": staff }),
            )
            .await,
        )
        .await;
        assert_eq!(linked.staff_id.as_deref(), Some(staff.as_str()));
    }
    // A staff record links to one account only.
    assert_api_error(
        app.patch_json(
            &format!("/api/v1/accounts/{}", deputy_a.account.id),
            &admin,
            &json!({ "staff_id": head_staff.id }),
        )
        .await,
        400,
        shared::ErrorCode::ValidationFailed,
    )
    .await;

    let counter = &w.counter_a.qr_token;
    let ordinary = send(
        &app,
        json!({"kind": "feedback", "category": "late_dossier", "counter_token": counter}),
    )
    .await;
    let denunciation = send(
        &app,
        json!({"kind": "denunciation", "category": "asking_money", "counter_token": counter}),
    )
    .await;
    let about_head = send(
        &app,
        json!({"kind": "feedback", "category": "rude", "counter_token": counter, "about_head": true}),
    )
    .await;
    let names_officer = send(
        &app,
        json!({"kind": "feedback", "category": "rude", "counter_token": counter, "staff_id": w.staff_a.id}),
    )
    .await;
    let names_head = send(
        &app,
        json!({"kind": "complaint", "category": "late_dossier", "unit_id": w.commune_a.id, "staff_id": head_staff.id}),
    )
    .await;
    let reports = [
        &ordinary,
        &denunciation,
        &about_head,
        &names_officer,
        &names_head,
    ];

    // The committee over the province sees all five: the case ids and photo ids come from it.
    let committee = w.committee.token();
    let page = inbox(&app, committee)
        .await
        .expect("the committee has an inbox");
    assert_eq!(page.total, 5);
    let mut cases = Vec::new();
    for r in reports {
        let id = page
            .items
            .iter()
            .find(|c| c.tracking_code == r.tracking_code)
            .expect("in the committee's inbox")
            .id
            .clone();
        let detail: CaseDetail =
            ok_json(app.get(&format!("/api/v1/cases/{id}"), committee).await).await;
        cases.push((id, detail.photos[0].clone()));
    }

    // Assignments: the ordinary case to officer A (commune A's head does it). Officer A may
    // not get the case naming them; a case withheld from commune A goes to an officer above
    // it, never to one of the commune's own.
    let assign = |id: &str, token: &str, officer: &str| {
        let path = format!("/api/v1/cases/{id}/actions");
        let body = json!({"action": "assign", "officer_id": officer});
        let (app, token) = (&app, token.to_string());
        async move { app.post_json(&path, &token, &body).await }
    };
    for (case, head) in [
        (0, w.head_a.token()),
        (3, w.head_a.token()),
        (1, w.head_province.token()),
    ] {
        let path = format!("/api/v1/cases/{}/actions", cases[case].0);
        ok_json::<CaseDetail>(
            app.post_json(&path, head, &json!({"action": "accept"}))
                .await,
        )
        .await;
    }
    let officer_a = w.officer_a.account.id.as_str();
    ok_json::<CaseDetail>(assign(&cases[0].0, w.head_a.token(), officer_a).await).await;
    for refused in [
        assign(&cases[3].0, w.head_a.token(), officer_a).await,
        assign(&cases[1].0, w.head_province.token(), officer_a).await,
    ] {
        let e = assert_api_error(refused, 400, shared::ErrorCode::ValidationFailed).await;
        assert_eq!(e.fields[0].field, "officer_id");
    }
    let officer_p_id = officer_p.account.id.as_str();
    ok_json::<CaseDetail>(assign(&cases[1].0, w.head_province.token(), officer_p_id).await).await;

    // The matrix: for each reader, which of the five reports they may see.
    let y = true;
    let n = false;
    let matrix: [(&str, &Person, [bool; 5]); 10] = [
        // same unit
        ("head of the unit", &w.head_a, [y, n, n, y, n]),
        ("deputy head of the unit", &deputy_a, [y, n, n, y, n]),
        // named in one, assigned another
        ("officer of the unit", &w.officer_a, [y, n, n, n, n]),
        // parent unit
        (
            "head of the superior unit",
            &w.head_province,
            [y, y, y, y, y],
        ),
        ("officer of the superior unit", &officer_p, [n, y, n, n, n]),
        // committee over it, committee elsewhere
        ("committee over the unit", &w.committee, [y, y, y, y, y]),
        ("committee elsewhere", &committee_b, [n, n, n, n, n]),
        // other branch
        ("head of another unit", &head_b, [n, n, n, n, n]),
        // administrators configure; they read no case
        ("administrator of the unit", &w.admin_a, [n, n, n, n, n]),
        (
            "administrator of the province",
            &w.province_admin,
            [n, n, n, n, n],
        ),
    ];
    for (who, person, sees) in &matrix {
        let token = person.token();
        let (codes, total) = match inbox(&app, token).await {
            None => (Vec::new(), 0),
            Some(page) => {
                let codes: Vec<String> = page.items.into_iter().map(|c| c.tracking_code).collect();
                (codes, page.total)
            }
        };
        let expected = sees.iter().filter(|s| **s).count() as i64;
        assert_eq!(total, expected, "{who}: the inbox's total");
        for (i, report) in reports.iter().enumerate() {
            let (id, photo) = &cases[i];
            let allowed = sees[i];
            let at = format!("{who} × report {i}");
            assert_eq!(codes.contains(&report.tracking_code), allowed, "{at}: list");
            let detail = app.get(&format!("/api/v1/cases/{id}"), token).await;
            assert_eq!(detail.status() == 200, allowed, "{at}: case");
            if !allowed {
                assert_eq!(detail.status(), 404, "{at}: case");
            }
            for thumb in ["", "?thumb=true"] {
                let got = app
                    .get(&format!("/api/v1/cases/{id}/photos/{photo}{thumb}"), token)
                    .await;
                assert_eq!(got.status() == 200, allowed, "{at}: photo{thumb}");
                if allowed {
                    let bytes = got.bytes().await.unwrap();
                    assert_eq!(&bytes[..2], &[0xFF, 0xD8], "{at}: a JPEG");
                }
            }
            // The committee's own: the findings, the unredacted photo, the reporter's identity.
            // A reader who may see the case but is not its committee is refused (403, or 404
            // for the original photo, which is not theirs to know of); anyone else: 404.
            let committee_over = std::ptr::eq(*person, &w.committee);
            let refused = if allowed { 403 } else { 404 };
            let findings = app
                .get(&format!("/api/v1/cases/{id}/findings"), token)
                .await
                .status()
                .as_u16();
            assert_eq!(
                findings,
                if committee_over { 200 } else { refused },
                "{at}: findings"
            );
            let original = app
                .get(
                    &format!("/api/v1/cases/{id}/photos/{photo}?original=true"),
                    token,
                )
                .await
                .status()
                .as_u16();
            assert_eq!(
                original,
                if committee_over { 200 } else { 404 },
                "{at}: original photo"
            );
            let reason =
                json!({"reason": "Cần liên hệ người gửi để xác minh thêm nội dung phản ánh."});
            let revealed = app
                .post_json(&format!("/api/v1/cases/{id}/identity"), token, &reason)
                .await;
            let revealed_status = revealed.status().as_u16();
            assert_eq!(
                revealed_status,
                if committee_over { 200 } else { refused },
                "{at}: identity"
            );
            if !committee_over {
                let body = revealed.text().await.unwrap();
                assert!(!body.contains("Phạm Văn Hùng"), "{at}: identity leaked");
            }
            if !allowed {
                // An action on a case one may not see is "not found", and changes nothing.
                let note =
                    json!({"action": "note_internal", "text": "Ghi chú thử quyền truy cập."});
                let acted = app
                    .post_json(&format!("/api/v1/cases/{id}/actions"), token, &note)
                    .await;
                assert!(
                    [403, 404].contains(&acted.status().as_u16()),
                    "{at}: action {}",
                    acted.status()
                );
            }
        }
    }
    // Nothing the denied readers tried reached a timeline.
    for (id, _) in &cases {
        let detail: CaseDetail = ok_json(
            app.get(&format!("/api/v1/cases/{id}"), w.committee.token())
                .await,
        )
        .await;
        assert!(
            !detail
                .timeline
                .iter()
                .any(|e| e.text.contains("Ghi chú thử quyền truy cập")),
            "{:?}",
            detail.timeline
        );
    }

    // The reception agenda: commune A's session books only what its head may see; the
    // province's session (its subtree) books all five.
    for (person, sees) in [(&w.head_a, [y, n, n, y, n]), (&w.head_province, [y; 5])] {
        let session: ReceptionSession = ok_json(
            app.post_json("/api/v1/reception/sessions", person.token(), &json!({}))
                .await,
        )
        .await;
        let booked: Vec<&str> = session
            .booked
            .iter()
            .map(|c| c.tracking_code.as_str())
            .collect();
        for (i, report) in reports.iter().enumerate() {
            assert_eq!(
                booked.contains(&report.tracking_code.as_str()),
                sees[i],
                "{} × report {i}: agenda",
                person.username
            );
        }
    }
}
