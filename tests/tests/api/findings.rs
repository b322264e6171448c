//! The inspection committee's findings on cases (conclusion, discipline, referral), their
//! history of revisions, an officer's record, and the configurable list of discipline
//! measures: who may read and record them, what is refused (and changes nothing), and the audit
//! entries, on SQLite and PostgreSQL alike.

use reqwest::Response;
use serde_json::{json, Value};
use shared::audit::AuditPage;
use shared::case::CasePage;
use shared::finding::{
    CaseFindings, Conclusion, DisciplineMeasure, DisciplineMeasures, OfficerRecord, ReferralTarget,
};
use shared::model::Role;
use shared::ErrorCode;
use tests::{assert_api_error, ok_json, spawn_app, Person, TestApp, World};

/// A citizen's report from commune A's counter with these fields; returns its case id as the
/// province's committee finds it in its inbox.
async fn report(app: &TestApp, w: &World, fields: Value) -> String {
    let mut body = json!({
        "kind": "denunciation",
        "category": "asking_money",
        "counter_token": w.counter_a.qr_token,
        "description": "Cán bộ yêu cầu nộp thêm 500.000 đồng ngoài lệ phí để giải quyết nhanh.",
        "idempotency_key": uuid::Uuid::new_v4().simple().to_string(),
    });
    for (k, v) in fields.as_object().unwrap() {
        body[k] = v.clone();
    }
    let receipt = app.submit_report(&body).await;
    let inbox: CasePage = ok_json(
        app.get("/api/v1/cases?status=all&per_page=100", w.committee.token())
            .await,
    )
    .await;
    inbox
        .items
        .into_iter()
        .find(|c| c.tracking_code == receipt.tracking_code)
        .expect("the case is in the committee's inbox")
        .id
}

async fn findings_of(app: &TestApp, token: &str, case: &str) -> Response {
    app.get(&format!("/api/v1/cases/{case}/findings"), token)
        .await
}

async fn record(app: &TestApp, token: &str, case: &str, body: Value) -> Response {
    app.post_json(&format!("/api/v1/cases/{case}/findings"), token, &body)
        .await
}

async fn officer_record(app: &TestApp, token: &str, staff: &str) -> Response {
    app.get(&format!("/api/v1/staff/{staff}/record"), token)
        .await
}

async fn measures(app: &TestApp, token: &str) -> DisciplineMeasures {
    ok_json(app.get("/api/v1/discipline-measures", token).await).await
}

/// The audit entries of one action the committee reads, newest first.
async fn audit_entries(app: &TestApp, w: &World, action: &str) -> Vec<shared::audit::AuditEntry> {
    let page: AuditPage = ok_json(
        app.get(
            &format!("/api/v1/audit?action={action}&per_page=200"),
            w.committee.token(),
        )
        .await,
    )
    .await;
    page.items
}

const NOTE: &str =
    "Xác minh qua camera quầy và lời khai của hai công dân: cán bộ đã nhận 500.000 đồng.";

#[tokio::test]
async fn a_finding_with_discipline_and_referral_reaches_the_case_and_the_officers_record() {
    let app = spawn_app().await;
    let w = app.world().await;
    let committee = w.committee.token();
    let officer = &w.staff_a;
    let denunciation = report(&app, &w, json!({ "staff_id": officer.id })).await;

    // Nothing yet; the form offers the named officer first and the six measures of the law.
    let empty: CaseFindings = ok_json(findings_of(&app, committee, &denunciation).await).await;
    assert!(empty.findings.is_empty());
    assert_eq!(empty.named_staff_id.as_deref(), Some(officer.id.as_str()));
    assert!(empty.officers.iter().any(|o| o.id == officer.id));
    let names: Vec<&str> = empty.measures.iter().map(|m| m.name_vi.as_str()).collect();
    assert_eq!(
        names,
        [
            "Khiển trách",
            "Cảnh cáo",
            "Hạ bậc lương",
            "Giáng chức",
            "Cách chức",
            "Buộc thôi việc"
        ]
    );

    // Founded, a warning, and the matter referred to the investigation agency; about the
    // officer the report names, since the body names none.
    let recorded: CaseFindings = ok_json(
        record(
            &app,
            committee,
            &denunciation,
            json!({
                "conclusion": "founded",
                "discipline_id": "canh-cao",
                "referral_to": "investigation_agency",
                "referral_text": "Có dấu hiệu tội nhận hối lộ (Điều 354 Bộ luật Hình sự).",
                "note": NOTE,
            }),
        )
        .await,
    )
    .await;
    assert_eq!(recorded.findings.len(), 1);
    let first = &recorded.findings[0];
    assert_eq!(first.staff_id.as_deref(), Some(officer.id.as_str()));
    assert_eq!(
        first.staff_name.as_deref(),
        Some(officer.full_name.as_str())
    );
    assert_eq!(first.conclusion, Conclusion::Founded);
    assert_eq!(
        first.discipline.as_ref().map(|m| m.name_vi.as_str()),
        Some("Cảnh cáo")
    );
    assert_eq!(first.referral_to, Some(ReferralTarget::InvestigationAgency));
    assert!(first.referral_text.as_deref().unwrap().contains("Điều 354"));
    assert_eq!(first.note, NOTE);
    assert_eq!(first.recorded_by, w.committee.account.full_name);
    assert!(first.is_current());
    // Read back the same.
    let read: CaseFindings = ok_json(findings_of(&app, committee, &denunciation).await).await;
    assert_eq!(read.findings, recorded.findings);

    // A later report naming the same officer, without a finding yet.
    let rude = report(
        &app,
        &w,
        json!({ "kind": "feedback", "category": "rude", "staff_id": officer.id }),
    )
    .await;
    let r: OfficerRecord = ok_json(officer_record(&app, committee, &officer.id).await).await;
    assert_eq!(r.staff.id, officer.id);
    assert_eq!(r.unit_name, w.commune_a.name);
    let order: Vec<&str> = r.items.iter().map(|i| i.report_id.as_str()).collect();
    assert_eq!(
        order,
        [rude.as_str(), denunciation.as_str()],
        "newest first"
    );
    assert!(r.items[0].findings.is_empty());
    assert_eq!(r.items[1].findings, recorded.findings);
    assert!(r.items.iter().all(|i| i.named_in_report));
    assert_eq!(
        (
            r.counts.reports,
            r.counts.without_finding,
            r.counts.founded,
            r.counts.disciplined,
            r.counts.referred
        ),
        (2, 1, 1, 1, 1)
    );
    assert_eq!(r.discipline.len(), 1);
    assert_eq!(
        (r.discipline[0].measure.id.as_str(), r.discipline[0].count),
        ("canh-cao", 1)
    );

    // A second finding about the same officer must say it revises the first: nothing is
    // silently replaced.
    let again = json!({ "conclusion": "unfounded", "note": "Không đủ căn cứ kết luận sai phạm." });
    assert_api_error(
        record(&app, committee, &denunciation, again.clone()).await,
        409,
        ErrorCode::Conflict,
    )
    .await;
    let mut revision = json!({
        "conclusion": "partly_founded",
        "discipline_id": "khien-trach",
        "note": "Sau giải trình: cán bộ nhận 200.000 đồng, phần còn lại không có căn cứ.",
        "revises": first.id,
    });
    let revised: CaseFindings =
        ok_json(record(&app, committee, &denunciation, revision.clone()).await).await;
    assert_eq!(revised.findings.len(), 2, "the first finding is kept");
    let (newest, oldest) = (&revised.findings[0], &revised.findings[1]);
    assert_eq!(newest.revises.as_deref(), Some(first.id.as_str()));
    assert_eq!(newest.staff_id, first.staff_id, "about the same officer");
    assert_eq!(oldest.id, first.id);
    assert_eq!(oldest.superseded_by.as_deref(), Some(newest.id.as_str()));
    assert_eq!(oldest.conclusion, Conclusion::Founded, "unchanged");
    // The superseded finding cannot be revised again (a stale page).
    assert_api_error(
        record(&app, committee, &denunciation, revision.clone()).await,
        409,
        ErrorCode::Conflict,
    )
    .await;
    // A revision is about the officer of the finding it revises.
    revision["revises"] = json!(newest.id);
    revision["staff_id"] = json!(w.staff_b.id);
    let e = assert_api_error(
        record(&app, committee, &denunciation, revision).await,
        400,
        ErrorCode::ValidationFailed,
    )
    .await;
    assert_eq!(e.fields[0].field, "staff_id");

    // A finding about the matter in general, and one about an officer of another commune the
    // committee also oversees: neither touches officer A's record.
    ok_json::<CaseFindings>(
        record(
            &app,
            committee,
            &denunciation,
            json!({ "staff_id": null, "conclusion": "partly_founded", "note": "Quầy không niêm yết phí, lệ phí theo quy định." }),
        )
        .await,
    )
    .await;
    let with_b: CaseFindings = ok_json(
        record(
            &app,
            committee,
            &denunciation,
            json!({ "staff_id": w.staff_b.id, "conclusion": "unfounded", "note": "Cán bộ phường Hoa Lư không liên quan đến vụ việc." }),
        )
        .await,
    )
    .await;
    assert_eq!(with_b.findings.len(), 4);
    assert!(with_b
        .findings
        .iter()
        .any(|f| f.staff_id.is_none() && f.is_current()));

    let r: OfficerRecord = ok_json(officer_record(&app, committee, &officer.id).await).await;
    assert_eq!(r.items[1].findings.len(), 2, "the officer's history: both");
    assert_eq!(
        (
            r.counts.reports,
            r.counts.founded,
            r.counts.partly_founded,
            r.counts.unfounded,
            r.counts.disciplined,
            r.counts.referred
        ),
        (2, 0, 1, 0, 1, 0),
        "counted by the current finding"
    );
    assert_eq!(r.discipline[0].measure.id, "khien-trach");
    // Officer B's record lists the report through the finding, not the report's naming.
    let b: OfficerRecord = ok_json(officer_record(&app, committee, &w.staff_b.id).await).await;
    assert_eq!(b.items.len(), 1);
    assert_eq!(b.items[0].report_id, denunciation);
    assert!(!b.items[0].named_in_report);
    assert_eq!(b.counts.unfounded, 1);

    // Each finding wrote one audit entry, with codes and ids but not the committee's texts.
    let entries = audit_entries(&app, &w, "finding.record").await;
    assert_eq!(entries.len(), 4, "{entries:?}");
    let oldest_entry = entries.last().unwrap();
    assert_eq!(oldest_entry.object_kind, "case");
    assert_eq!(oldest_entry.object_id, denunciation);
    assert_eq!(oldest_entry.actor_username, w.committee.username);
    let detail: Value = serde_json::from_str(&oldest_entry.detail).unwrap();
    assert_eq!(detail["finding_id"], json!(first.id));
    assert_eq!(detail["staff_id"], json!(officer.id));
    assert_eq!(detail["conclusion"], "founded");
    assert_eq!(detail["discipline_id"], "canh-cao");
    assert_eq!(detail["referral_to"], "investigation_agency");
    assert!(!oldest_entry.detail.contains("500.000"), "no note text");
    let newest_entry: Value = serde_json::from_str(&entries[2].detail).unwrap();
    assert_eq!(newest_entry["revises"], json!(first.id));
}

#[tokio::test]
async fn only_the_committee_over_the_unit_reads_and_records_findings() {
    let app = spawn_app().await;
    let w = app.world().await;
    let committee_b = app
        .signed_in("ubkt.hoalu", Role::Committee, Some(&w.commune_b))
        .await;
    let head_b = app
        .signed_in("chutich.hoalu", Role::Head, Some(&w.commune_b))
        .await;
    // An ordinary report, handled by commune A itself (its head accepts it and assigns officer
    // A), and a denunciation, withheld from commune A.
    let ordinary = report(
        &app,
        &w,
        json!({ "kind": "feedback", "category": "late_dossier" }),
    )
    .await;
    let withheld = report(&app, &w, json!({ "staff_id": w.staff_a.id })).await;
    let act = |case: &str, who: &Person, body: Value| {
        let (path, token) = (
            format!("/api/v1/cases/{case}/actions"),
            who.token().to_string(),
        );
        let app = &app;
        async move { app.post_json(&path, &token, &body).await }
    };
    assert_eq!(
        act(&ordinary, &w.head_a, json!({"action": "accept"}))
            .await
            .status(),
        200
    );
    let assigned = act(
        &ordinary,
        &w.head_a,
        json!({"action": "assign", "officer_id": w.officer_a.account.id}),
    )
    .await;
    assert_eq!(assigned.status(), 200, "{}", assigned.text().await.unwrap());

    let finding =
        json!({ "conclusion": "unfounded", "note": "Hồ sơ trả đúng hẹn theo phiếu hẹn số 123." });
    // Who handles the case sees it but not its findings (403); who may not see the case at
    // all gets "not found", as for the case itself.
    let denied: [(&str, &Person, &str, u16); 9] = [
        ("head of the unit", &w.head_a, &ordinary, 403),
        ("assigned officer", &w.officer_a, &ordinary, 403),
        (
            "head of the superior unit",
            &w.head_province,
            &ordinary,
            403,
        ),
        ("head of the unit, withheld case", &w.head_a, &withheld, 404),
        (
            "officer of the unit, withheld case",
            &w.officer_a,
            &withheld,
            404,
        ),
        ("committee of another commune", &committee_b, &ordinary, 404),
        ("head of another commune", &head_b, &withheld, 404),
        ("administrator of the unit", &w.admin_a, &ordinary, 404),
        (
            "administrator of the province",
            &w.province_admin,
            &withheld,
            404,
        ),
    ];
    for (who, person, case, status) in denied {
        let code = if status == 403 {
            ErrorCode::Forbidden
        } else {
            ErrorCode::NotFound
        };
        let read = findings_of(&app, person.token(), case).await;
        assert_eq!(read.status().as_u16(), status, "{who}: read");
        assert_api_error(read, status, code).await;
        let wrote = record(&app, person.token(), case, finding.clone()).await;
        assert_eq!(wrote.status().as_u16(), status, "{who}: record");
    }
    // Nothing they tried was recorded.
    for case in [&ordinary, &withheld] {
        let f: CaseFindings = ok_json(findings_of(&app, w.committee.token(), case).await).await;
        assert!(f.findings.is_empty());
    }
    assert!(audit_entries(&app, &w, "finding.record").await.is_empty());

    // The committee over the unit records on both.
    for case in [&ordinary, &withheld] {
        ok_json::<CaseFindings>(record(&app, w.committee.token(), case, finding.clone()).await)
            .await;
    }

    // An officer's record: the committee only, of the staff of the units it oversees.
    for (who, person) in [
        ("head", &w.head_a),
        ("officer", &w.officer_a),
        ("administrator", &w.province_admin),
    ] {
        let r = officer_record(&app, person.token(), &w.staff_a.id).await;
        assert_eq!(r.status(), 403, "{who}");
    }
    assert_api_error(
        officer_record(&app, committee_b.token(), &w.staff_a.id).await,
        404,
        ErrorCode::NotFound,
    )
    .await;
    // Commune B's committee sees officer B's record, without the report made in commune A.
    let b: OfficerRecord =
        ok_json(officer_record(&app, committee_b.token(), &w.staff_b.id).await).await;
    assert!(b.items.is_empty(), "{b:?}");

    // A committee member with a staff record of their own: never their own record, never a
    // finding about themselves.
    let own = app
        .staff(&w.province, "Hoàng Thị Mai", "NB-UBKT-01", None)
        .await;
    let linked = app
        .patch_json(
            &format!("/api/v1/accounts/{}", w.committee.account.id),
            &app.admin_token,
            &json!({ "staff_id": own.id }),
        )
        .await;
    assert_eq!(linked.status(), 200, "{}", linked.text().await.unwrap());
    assert_api_error(
        officer_record(&app, w.committee.token(), &own.id).await,
        404,
        ErrorCode::NotFound,
    )
    .await;
    let e = assert_api_error(
        record(
            &app,
            w.committee.token(),
            &ordinary,
            json!({ "staff_id": own.id, "conclusion": "unfounded", "note": "Tự kết luận về chính mình." }),
        )
        .await,
        400,
        ErrorCode::ValidationFailed,
    )
    .await;
    assert_eq!(e.fields[0].field, "staff_id");
}

#[tokio::test]
async fn bad_findings_are_refused_and_change_nothing() {
    let app = spawn_app().await;
    let w = app.world().await;
    let committee = w.committee.token();
    let case = report(&app, &w, json!({ "staff_id": w.staff_a.id })).await;
    let refused: [(Value, &str); 8] = [
        // Discipline after an unfounded conclusion.
        (
            json!({ "conclusion": "unfounded", "discipline_id": "canh-cao", "note": NOTE }),
            "discipline_id",
        ),
        (json!({ "note": NOTE }), "conclusion"),
        (json!({ "conclusion": "founded", "note": "ngắn" }), "note"),
        (
            json!({ "conclusion": "founded", "referral_to": "procuracy", "note": NOTE }),
            "referral_text",
        ),
        (
            json!({ "conclusion": "founded", "referral_text": "Chuyển hồ sơ để xử lý hình sự.", "note": NOTE }),
            "referral_to",
        ),
        (
            json!({ "conclusion": "founded", "discipline_id": "phat-tien", "note": NOTE }),
            "discipline_id",
        ),
        (
            json!({ "conclusion": "founded", "staff_id": "0000-khong-co", "note": NOTE }),
            "staff_id",
        ),
        (
            json!({ "conclusion": "founded", "revises": "0000-khong-co", "note": NOTE }),
            "revises",
        ),
    ];
    for (body, field) in refused {
        let e = assert_api_error(
            record(&app, committee, &case, body.clone()).await,
            400,
            ErrorCode::ValidationFailed,
        )
        .await;
        assert!(
            e.fields.iter().any(|f| f.field == field),
            "{body}: {:?}",
            e.fields
        );
    }
    // Not a finding at all.
    for body in [
        json!({ "conclusion": "maybe", "note": NOTE }),
        json!({ "conclusion": "founded", "note": NOTE, "punishment": "x" }),
        json!(["founded", NOTE]),
    ] {
        assert_api_error(
            record(&app, committee, &case, body).await,
            400,
            ErrorCode::MalformedRequest,
        )
        .await;
    }
    let f: CaseFindings = ok_json(findings_of(&app, committee, &case).await).await;
    assert!(f.findings.is_empty());
    assert!(audit_entries(&app, &w, "finding.record").await.is_empty());
}

#[tokio::test]
async fn administrators_edit_the_discipline_list_and_retired_measures_stay_on_old_findings() {
    let app = spawn_app().await;
    let w = app.world().await;
    let committee = w.committee.token();
    let case = report(&app, &w, json!({ "staff_id": w.staff_a.id })).await;
    let demotion =
        json!({ "conclusion": "founded", "discipline_id": "ha-bac-luong", "note": NOTE });
    ok_json::<CaseFindings>(record(&app, committee, &case, demotion).await).await;

    // Everyone signed in reads the list; only province and national administrators edit it.
    let seen = measures(&app, w.officer_a.token()).await;
    assert_eq!(seen.items.len(), 6);
    assert!(!seen.can_edit);
    assert!(measures(&app, w.province_admin.token()).await.can_edit);
    assert!(!measures(&app, w.admin_a.token()).await.can_edit);
    let new_measure =
        json!({ "name_vi": "Tạm đình chỉ công tác", "name_en": "Suspension from duty" });
    for person in [&w.admin_a, &w.committee, &w.head_a] {
        assert_api_error(
            app.post_json("/api/v1/discipline-measures", person.token(), &new_measure)
                .await,
            403,
            ErrorCode::Forbidden,
        )
        .await;
        assert_api_error(
            app.patch_json(
                "/api/v1/discipline-measures/canh-cao",
                person.token(),
                &json!({ "active": false }),
            )
            .await,
            403,
            ErrorCode::Forbidden,
        )
        .await;
    }

    // Retire salary grade reduction: no longer offered, still on the finding that chose it,
    // and refused for a new one.
    let admin = w.province_admin.token();
    let retired: DisciplineMeasure = ok_json(
        app.patch_json(
            "/api/v1/discipline-measures/ha-bac-luong",
            admin,
            &json!({ "active": false }),
        )
        .await,
    )
    .await;
    assert!(!retired.active);
    assert_eq!(retired.position, 3);
    let f: CaseFindings = ok_json(findings_of(&app, committee, &case).await).await;
    assert!(f.measures.iter().all(|m| m.id != "ha-bac-luong"));
    assert_eq!(f.measures.len(), 5);
    let kept = f.findings[0].discipline.as_ref().expect("the discipline");
    assert_eq!(
        (kept.name_vi.as_str(), kept.active),
        ("Hạ bậc lương", false)
    );
    let e = assert_api_error(
        record(
            &app,
            committee,
            &case,
            json!({ "staff_id": null, "conclusion": "founded", "discipline_id": "ha-bac-luong", "note": NOTE }),
        )
        .await,
        400,
        ErrorCode::ValidationFailed,
    )
    .await;
    assert_eq!(e.fields[0].field, "discipline_id");
    let r: OfficerRecord = ok_json(officer_record(&app, committee, &w.staff_a.id).await).await;
    assert_eq!(r.discipline[0].measure.name_vi, "Hạ bậc lương");
    assert_eq!(
        measures(&app, committee).await.items.len(),
        6,
        "retired, not removed"
    );

    // Add one (at the end), move it second, rename it; the places stay 1, 2, 3…
    let added: DisciplineMeasure = ok_json(
        app.post_json("/api/v1/discipline-measures", admin, &new_measure)
            .await,
    )
    .await;
    assert_eq!(added.position, 7);
    assert!(added.active);
    let moved: DisciplineMeasure = ok_json(
        app.patch_json(
            &format!("/api/v1/discipline-measures/{}", added.id),
            admin,
            &json!({ "position": 2 }),
        )
        .await,
    )
    .await;
    assert_eq!(moved.position, 2);
    // The national administrator may edit it too.
    let renamed: DisciplineMeasure = ok_json(
        app.patch_json(
            &format!("/api/v1/discipline-measures/{}", added.id),
            &app.admin_token,
            &json!({ "name_en": "Temporary suspension from duty" }),
        )
        .await,
    )
    .await;
    assert_eq!(renamed.name_en, "Temporary suspension from duty");
    assert_eq!(renamed.name_vi, "Tạm đình chỉ công tác");
    let order: Vec<(String, i32)> = measures(&app, committee)
        .await
        .items
        .into_iter()
        .map(|m| (m.id, m.position))
        .collect();
    assert_eq!(
        order,
        [
            ("khien-trach".to_string(), 1),
            (added.id.clone(), 2),
            ("canh-cao".into(), 3),
            ("ha-bac-luong".into(), 4),
            ("giang-chuc".into(), 5),
            ("cach-chuc".into(), 6),
            ("buoc-thoi-viec".into(), 7),
        ]
    );

    // Refused: a name another measure has (in any letter case), no place, a missing name,
    // an unknown measure; none changes the list.
    let before = measures(&app, committee).await;
    let e = assert_api_error(
        app.patch_json(
            &format!("/api/v1/discipline-measures/{}", added.id),
            admin,
            &json!({ "name_vi": "cảnh cáo" }),
        )
        .await,
        400,
        ErrorCode::ValidationFailed,
    )
    .await;
    assert_eq!(e.fields[0].field, "name_vi");
    assert_eq!(e.fields[0].code, shared::FieldCode::Duplicate);
    let e = assert_api_error(
        app.patch_json(
            "/api/v1/discipline-measures/canh-cao",
            admin,
            &json!({ "position": 0 }),
        )
        .await,
        400,
        ErrorCode::ValidationFailed,
    )
    .await;
    assert_eq!(e.fields[0].field, "position");
    let e = assert_api_error(
        app.post_json(
            "/api/v1/discipline-measures",
            admin,
            &json!({ "name_vi": "Kiểm điểm" }),
        )
        .await,
        400,
        ErrorCode::ValidationFailed,
    )
    .await;
    assert_eq!(e.fields[0].field, "name_en");
    assert_api_error(
        app.patch_json(
            "/api/v1/discipline-measures/khong-co",
            admin,
            &json!({ "active": false }),
        )
        .await,
        404,
        ErrorCode::NotFound,
    )
    .await;
    assert_eq!(measures(&app, committee).await, before);

    // Offered again.
    let back: DisciplineMeasure = ok_json(
        app.patch_json(
            "/api/v1/discipline-measures/ha-bac-luong",
            admin,
            &json!({ "active": true }),
        )
        .await,
    )
    .await;
    assert!(back.active);
    let f: CaseFindings = ok_json(findings_of(&app, committee, &case).await).await;
    assert_eq!(f.measures.len(), 7);

    // Each change is in the audit log: retire, add, move, rename, offer again.
    let changes = audit_entries(&app, &w, "settings.discipline_measure").await;
    assert_eq!(changes.len(), 5, "{changes:?}");
    let retire: Value = serde_json::from_str(&changes[4].detail).unwrap();
    assert_eq!(retire["before"]["active"], true);
    assert_eq!(retire["after"]["active"], false);
    assert_eq!(changes[4].actor_username, w.province_admin.username);
    assert_eq!(changes[1].actor_username, tests::ADMIN_USERNAME);
}
