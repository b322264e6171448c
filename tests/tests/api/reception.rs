//! The weekly citizen reception: the head opens this week's session, sees who asked to meet,
//! records meetings in the reception log (a booked citizen's outcome goes to their tracking
//! page), and exports the log.

use serde_json::json;
use shared::calendar::Date;
use shared::reception::ReceptionSession;
use shared::ErrorCode;
use tests::{assert_api_error, ok_json, spawn_app};

#[tokio::test]
async fn the_head_holds_this_weeks_session_and_the_outcome_reaches_the_citizen() {
    let app = spawn_app().await;
    let w = app.world().await;
    // A citizen asks to meet the head.
    let report = json!({
        "kind": "complaint",
        "category": "late_dossier",
        "counter_token": w.counter_a.qr_token,
        "description": "Hồ sơ chuyển nhượng đất của tôi đã quá hẹn ba tuần mà chưa có kết quả.",
        "idempotency_key": uuid::Uuid::new_v4().simple().to_string(),
        "wants_meeting": true,
    });
    let receipt = app.submit_report(&report).await;

    let head = w.head_a.token();
    let session: ReceptionSession = ok_json(
        app.post_json("/api/v1/reception/sessions", head, &json!({}))
            .await,
    )
    .await;
    let day = Date::parse(&session.date).unwrap();
    assert_eq!(day.weekday(), 3, "Wednesday, the default reception day");
    assert_eq!(session.unit_name, w.commune_a.name);
    assert_eq!(
        session.booked.len(),
        1,
        "the citizen who asked to meet is on the agenda"
    );
    let case = session.booked[0].clone();
    assert_eq!(case.tracking_code, receipt.tracking_code);
    // Opening again finds the same session.
    let again: ReceptionSession = ok_json(
        app.post_json("/api/v1/reception/sessions", head, &json!({}))
            .await,
    )
    .await;
    assert_eq!(again.id, session.id);
    // Only a head opens one.
    for token in [w.officer_a.token(), w.committee.token(), w.admin_a.token()] {
        assert_api_error(
            app.post_json("/api/v1/reception/sessions", token, &json!({}))
                .await,
            403,
            ErrorCode::Forbidden,
        )
        .await;
    }

    let entries = format!("/api/v1/reception/sessions/{}/entries", session.id);
    // A meeting without its matter is refused and recorded nowhere.
    assert_api_error(
        app.post_json(
            &entries,
            head,
            &json!({"citizen_name": "Phạm Văn Hùng", "action_taken": "Đã nghe trình bày"}),
        )
        .await,
        400,
        ErrorCode::ValidationFailed,
    )
    .await;
    let outcome =
        "Địa chính trả kết quả hồ sơ cho ông trước thứ Sáu 04/12; đơn vị xin lỗi vì chậm trễ.";
    let after: ReceptionSession = ok_json(
        app.post_json(
            &entries,
            head,
            &json!({
                "report_id": case.id,
                "citizen_name": "Phạm Văn Hùng",
                "citizen_address": "Thôn Đông, xã Gia Viễn",
                "matter": "Hồ sơ chuyển nhượng quá hẹn ba tuần",
                "earlier_handling": "Bộ phận một cửa hẹn lại hai lần",
                "request": "Trả kết quả và giải thích lý do chậm",
                "action_taken": "Giao công chức địa chính kiểm tra ngay trong buổi",
                "outcome": outcome,
                "follow_up": "Văn phòng theo dõi đến 04/12",
                "public": true,
            }),
        )
        .await,
    )
    .await;
    assert_eq!(after.entries.len(), 1);
    assert_eq!(after.entries[0].entry_no, 1);
    assert_eq!(after.entries[0].citizen_name, "Phạm Văn Hùng");
    assert_eq!(
        after.entries[0].tracking_code.as_deref(),
        Some(receipt.tracking_code.as_str())
    );
    // A walk-in without a case gets the next number.
    let walk_in: ReceptionSession = ok_json(
        app.post_json(
            &entries,
            head,
            &json!({
                "citizen_name": "Đinh Thị Mai",
                "matter": "Hỏi thủ tục cấp lại giấy khai sinh",
                "action_taken": "Hướng dẫn nộp hồ sơ tại quầy tư pháp",
            }),
        )
        .await,
    )
    .await;
    assert_eq!(
        walk_in
            .entries
            .iter()
            .map(|e| e.entry_no)
            .collect::<Vec<_>>(),
        [1, 2]
    );

    // The citizen reads the outcome on the tracking page.
    let view = app.track(&receipt).await;
    assert!(view
        .timeline
        .iter()
        .any(|e| e.kind == "reply_public" && e.text == outcome));

    // The names in the log are encrypted at rest.
    let db = app.db.clone();
    let stored = tokio::task::spawn_blocking(move || {
        use diesel::prelude::*;
        use server::schema::reception_entries;
        let mut conn = db.get().unwrap();
        let conn = &mut conn;
        server::db_run!(conn, {
            reception_entries::table
                .select((
                    reception_entries::citizen_name_enc,
                    reception_entries::citizen_address_enc,
                ))
                .load::<(String, String)>(conn)
        })
        .unwrap()
    })
    .await
    .unwrap();
    assert_eq!(stored.len(), 2);
    assert!(stored
        .iter()
        .all(|(n, a)| !n.contains("Phạm") && !n.contains("Đinh") && !a.contains("Thôn")));

    // The log as a workbook; another unit's head cannot read it.
    let xlsx = app
        .get(
            &format!("/api/v1/reception/sessions/{}/log.xlsx", session.id),
            head,
        )
        .await;
    assert_eq!(xlsx.status(), 200);
    assert_eq!(
        xlsx.headers()["content-type"],
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    );
    let bytes = xlsx.bytes().await.unwrap();
    assert_eq!(&bytes[..2], b"PK", "an xlsx is a zip file");
    let head_b = app
        .signed_in(
            "chutich.hoalu",
            shared::model::Role::Head,
            Some(&w.commune_b),
        )
        .await;
    assert_api_error(
        app.get(
            &format!("/api/v1/reception/sessions/{}", session.id),
            head_b.token(),
        )
        .await,
        404,
        ErrorCode::NotFound,
    )
    .await;
}
