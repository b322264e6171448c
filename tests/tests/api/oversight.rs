//! The committee's workspace: the review queue (the reports routed past the units themselves)
//! and the patterns of a period: officers and counters with repeated reports or a low
//! satisfaction rate, units whose satisfaction fell from the period before. Ratings are written
//! straight into the database with the times each case needs (the public rating endpoint only
//! stamps "now").

use diesel::prelude::*;
use serde_json::json;
use server::schema::ratings;
use shared::calendar::Date;
use shared::case::CasePage;
use shared::model::Role;
use shared::oversight::Patterns;
use shared::ErrorCode;
use tests::{assert_api_error, ok_json, spawn_app, TestApp};

const DAY_MS: i64 = 86_400_000;

fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as i64
}

/// Stores `n` ratings of a counter (`overall`, optionally flagged and not yet reviewed), about
/// an officer or not, `days_ago` days before now.
#[allow(clippy::too_many_arguments)]
async fn ratings_of(
    app: &TestApp,
    counter_id: &str,
    unit_id: &str,
    staff_id: Option<&str>,
    overall: &'static str,
    flagged: bool,
    n: usize,
    days_ago: i64,
) {
    let db = app.db.clone();
    let (counter_id, unit_id, staff_id) = (
        counter_id.to_string(),
        unit_id.to_string(),
        staff_id.map(str::to_string),
    );
    let at = now_ms() - days_ago * DAY_MS;
    tokio::task::spawn_blocking(move || {
        let mut conn = db.get().expect("connection");
        let conn = &mut conn;
        for i in 0..n {
            let key = uuid::Uuid::new_v4().simple().to_string();
            let row = (
                ratings::id.eq(key.clone()),
                ratings::counter_id.eq(counter_id.clone()),
                ratings::unit_id.eq(unit_id.clone()),
                ratings::staff_id.eq(staff_id.clone()),
                ratings::overall.eq(overall),
                ratings::comment.eq(""),
                ratings::dossier_code.eq(""),
                ratings::device_hash.eq(format!("device-{key}")),
                ratings::network_hash.eq("network"),
                ratings::flagged.eq(flagged),
                ratings::flag_reason.eq(flagged.then_some("burst")),
                ratings::idempotency_key.eq(key.clone()),
                ratings::created_at.eq(at + i as i64),
                ratings::updated_at.eq(at + i as i64),
            );
            server::db_run!(conn, {
                diesel::insert_into(ratings::table)
                    .values(row.clone())
                    .execute(conn)
            })
            .expect("insert a rating");
        }
    })
    .await
    .expect("join");
}

#[tokio::test]
async fn the_committee_sees_what_stands_out_in_its_units_and_nobody_else_does() {
    let app = spawn_app().await;
    let w = app.world().await;
    let committee_b = app
        .signed_in("ubkt.hoalu", Role::Committee, Some(&w.commune_b))
        .await;

    // Officer A is named in two reports this month: repeated.
    for category in ["rude", "late_dossier"] {
        app.submit_report(&json!({
            "kind": "feedback",
            "category": category,
            "counter_token": w.counter_a.qr_token,
            "staff_id": w.staff_a.id,
            "description": "Cán bộ trả hồ sơ không hướng dẫn, yêu cầu đến lại nhiều lần.",
            "idempotency_key": uuid::Uuid::new_v4().simple().to_string(),
        }))
        .await;
    }
    // A denunciation: routed past the commune, into the committee's review queue.
    app.submit_report(&json!({
        "kind": "denunciation",
        "category": "asking_money",
        "counter_token": w.counter_a.qr_token,
        "description": "Cán bộ một cửa đòi tiền mới nhận hồ sơ của tôi.",
        "idempotency_key": uuid::Uuid::new_v4().simple().to_string(),
    }))
    .await;
    // Commune A: all satisfied, in both periods. Five flagged, unreviewed "not satisfied"
    // ratings this month must not count (they would bring it to 67% and make it stand out).
    ratings_of(
        &app,
        &w.counter_a.id,
        &w.commune_a.id,
        None,
        "satisfied",
        false,
        10,
        40,
    )
    .await;
    ratings_of(
        &app,
        &w.counter_a.id,
        &w.commune_a.id,
        None,
        "very_satisfied",
        false,
        10,
        3,
    )
    .await;
    ratings_of(
        &app,
        &w.counter_a.id,
        &w.commune_a.id,
        None,
        "not_satisfied",
        true,
        5,
        2,
    )
    .await;
    // Commune B: 100% in the period before, 40% now, through officer B at counter B.
    let (counter_b, commune_b, staff_b) = (
        &w.counter_b.id,
        &w.commune_b.id,
        Some(w.staff_b.id.as_str()),
    );
    ratings_of(
        &app,
        counter_b,
        commune_b,
        staff_b,
        "satisfied",
        false,
        10,
        45,
    )
    .await;
    ratings_of(
        &app,
        counter_b,
        commune_b,
        staff_b,
        "satisfied",
        false,
        4,
        5,
    )
    .await;
    ratings_of(
        &app,
        counter_b,
        commune_b,
        staff_b,
        "not_satisfied",
        false,
        6,
        4,
    )
    .await;

    let p: Patterns = ok_json(
        app.get("/api/v1/oversight/patterns", w.committee.token())
            .await,
    )
    .await;
    let today = Date::from_unix_ms_vietnam(now_ms());
    assert_eq!((p.from, p.to), (today.add_days(-29), today));
    assert_eq!(
        (p.before_from, p.before_to),
        (today.add_days(-59), today.add_days(-30))
    );

    let officer_a = p
        .officers
        .iter()
        .find(|o| o.id == w.staff_a.id)
        .expect("officer A stands out");
    assert_eq!(officer_a.reports, 2);
    assert!(officer_a.repeated_reports());
    let officer_b = p
        .officers
        .iter()
        .find(|o| o.id == w.staff_b.id)
        .expect("officer B stands out");
    assert_eq!(
        (officer_b.ratings.ratings, officer_b.ratings.satisfied),
        (10, 4)
    );
    assert!(officer_b.ratings.is_low() && !officer_b.repeated_reports());
    assert_eq!(officer_b.unit_name, w.commune_b.name);

    let counter_b_row = p
        .counters
        .iter()
        .find(|c| c.id == w.counter_b.id)
        .expect("counter B stands out");
    assert_eq!(counter_b_row.ratings.rate_pct(), Some(40.0));
    // Counter A: three reports (repeated), but its ratings are fine: the flagged ones left out.
    let counter_a_row = p
        .counters
        .iter()
        .find(|c| c.id == w.counter_a.id)
        .expect("counter A: repeated reports");
    assert_eq!(counter_a_row.reports, 3);
    assert_eq!(
        (
            counter_a_row.ratings.ratings,
            counter_a_row.ratings.satisfied
        ),
        (10, 10)
    );

    let unit_b = p
        .units
        .iter()
        .find(|u| u.unit_id == w.commune_b.id)
        .expect("commune B fell");
    assert_eq!(unit_b.satisfaction_fall(), Some(60.0));
    assert!(
        p.units.iter().all(|u| u.unit_id != w.commune_a.id),
        "commune A did not get worse: {:?}",
        p.units
    );

    // The review queue: the denunciation (and only the withheld reports).
    let queue: CasePage = ok_json(
        app.get("/api/v1/cases?review=true", w.committee.token())
            .await,
    )
    .await;
    assert_eq!(queue.total, 1);
    assert_eq!(queue.items.len(), 1);
    assert_eq!(
        queue.items[0].kind,
        shared::report::ReportKind::Denunciation
    );
    let everything: CasePage = ok_json(app.get("/api/v1/cases", w.committee.token()).await).await;
    assert_eq!(everything.total, 3);

    // A committee of commune B sees commune B only.
    let p_b: Patterns = ok_json(
        app.get("/api/v1/oversight/patterns", committee_b.token())
            .await,
    )
    .await;
    assert!(p_b.officers.iter().all(|o| o.id != w.staff_a.id));
    assert!(p_b.officers.iter().any(|o| o.id == w.staff_b.id));
    // Heads and officers have no workspace: it would show them counts of what is kept from them.
    for person in [&w.head_a, &w.officer_a, &w.head_province] {
        assert_api_error(
            app.get("/api/v1/oversight/patterns", person.token()).await,
            403,
            ErrorCode::Forbidden,
        )
        .await;
    }
    // A period that ends before it starts, or is not a date: refused in both languages.
    let err = assert_api_error(
        app.get(
            "/api/v1/oversight/patterns?from=2026-11-20&to=2026-11-01",
            w.committee.token(),
        )
        .await,
        400,
        ErrorCode::ValidationFailed,
    )
    .await;
    assert_eq!(err.fields[0].field, "from");
    let err = assert_api_error(
        app.get(
            "/api/v1/oversight/patterns?from=20-11-2026",
            w.committee.token(),
        )
        .await,
        400,
        ErrorCode::ValidationFailed,
    )
    .await;
    assert!(err.fields[0].message.vi.contains("Ngày"));
    // An earlier period holds only what happened then: 45 days ago, commune B was fine.
    let from = today.add_days(-50).iso();
    let to = today.add_days(-35).iso();
    let earlier: Patterns = ok_json(
        app.get(
            &format!("/api/v1/oversight/patterns?from={from}&to={to}"),
            w.committee.token(),
        )
        .await,
    )
    .await;
    assert!(
        earlier.officers.is_empty() && earlier.counters.is_empty(),
        "{earlier:?}"
    );
}
