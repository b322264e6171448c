//! Figures: hand-computed fixtures (a month boundary in Vietnam time, a flagged rating before
//! and after its review, deadlines met and missed), the roll-ups against the raw rows on
//! random data, who may read what, and the public page served from memory.

use diesel::prelude::*;
use rand::{rngs::StdRng, Rng, SeedableRng};
use serde_json::json;
use server::schema::{ratings, reports};
use shared::calendar::Date;
use shared::citizen::RatingReceipt;
use shared::figures::{Dashboard, PublicFigures, RatingCounts, Scorecard};
use shared::ErrorCode;
use std::collections::HashMap;
use tests::{assert_api_error, ok_json, spawn_app_with, TestApp, World};

/// Unix milliseconds of a Vietnam wall-clock time.
fn vn_ms(y: i32, m: u32, d: u32, hour: i64, minute: i64) -> i64 {
    Date::new(y, m, d).unwrap().start_unix_ms_vietnam() + hour * 3_600_000 + minute * 60_000
}

async fn rate(
    app: &TestApp,
    token: &str,
    overall: &str,
    staff: Option<&str>,
    attitude: Option<u8>,
) -> String {
    let resp = app
        .rate_as_new_phone(
            token,
            json!({ "overall": overall, "staff_id": staff, "sipas": { "attitude": attitude } }),
        )
        .await;
    ok_json::<RatingReceipt>(resp).await.id
}

async fn move_rating(app: &TestApp, id: &str, at: i64) {
    let id = id.to_string();
    app.on_db(move |conn| {
        server::db_run!(conn, {
            diesel::update(ratings::table.find(&id))
                .set(ratings::created_at.eq(at))
                .execute(conn)
        })
        .unwrap()
    })
    .await;
}

async fn dashboard(app: &TestApp, token: &str, query: &str) -> Dashboard {
    ok_json(app.get(&format!("/api/v1/figures?{query}"), token).await).await
}

fn unit_row<'a>(d: &'a Dashboard, id: &str) -> &'a shared::figures::UnitFigures {
    d.units
        .iter()
        .find(|u| u.unit_id == id)
        .expect("unit in the ranking")
}

#[tokio::test]
async fn figures_match_hand_computed_fixtures_across_a_vietnam_month_boundary() {
    let app = spawn_app_with(|c| c.min_ratings = 3).await;
    let w: World = app.world().await;
    let (ta, tb) = (w.counter_a.qr_token.clone(), w.counter_b.qr_token.clone());
    let staff_a = w.staff_a.id.clone();
    // Commune A: three ratings late on Saturday 31 January 2026 in Hà Nội (already 1 February
    // nowhere, and 16:30 UTC on the 31st), two just after midnight on 1 February (still the
    // 31st in UTC: a server counting in UTC would put them in January).
    let jan = [
        rate(&app, &ta, "very_satisfied", Some(&staff_a), Some(5)).await,
        rate(&app, &ta, "satisfied", None, Some(3)).await,
        rate(&app, &ta, "not_satisfied", Some(&staff_a), Some(2)).await,
    ];
    let feb = [
        rate(&app, &ta, "satisfied", None, None).await,
        rate(&app, &ta, "very_satisfied", Some(&staff_a), Some(4)).await,
    ];
    let feb_b = rate(&app, &tb, "not_satisfied", None, None).await;
    for id in &jan {
        move_rating(&app, id, vn_ms(2026, 1, 31, 23, 30)).await;
    }
    for id in feb.iter().chain([&feb_b]) {
        move_rating(&app, id, vn_ms(2026, 2, 1, 0, 30)).await;
    }
    // The fifth is flagged (a burst): left out until reviewed.
    let flagged = feb[1].clone();
    app.on_db(move |conn| {
        server::db_run!(conn, {
            diesel::update(ratings::table.find(&flagged))
                .set((
                    ratings::flagged.eq(true),
                    ratings::flag_reason.eq(Some("counter_burst")),
                ))
                .execute(conn)
        })
        .unwrap()
    })
    .await;

    let head = w.head_province.token();
    let jan_q = format!("unit_id={}&period=month&day=2026-01-15", w.province.id);
    let d = dashboard(&app, head, &jan_q).await;
    assert_eq!(
        (d.from.as_str(), d.to.as_str()),
        ("2026-01-01", "2026-01-31")
    );
    assert_eq!(
        (
            d.ratings.very_satisfied,
            d.ratings.satisfied,
            d.ratings.not_satisfied
        ),
        (1, 1, 1)
    );
    let rate = d.ratings.satisfaction(d.min_ratings);
    assert_eq!((rate.successes, rate.n), (2, 3));
    assert_eq!(rate.short(), "66,7%");
    // Wilson 95% for 2 of 3: 20.8%–93.9%.
    let (lo, hi) = rate.interval_pct().unwrap();
    assert!(
        (lo - 20.77).abs() < 0.01 && (hi - 93.85).abs() < 0.01,
        "{lo} {hi}"
    );
    // Attitude: scored 5, 3, 2: one of three good.
    let attitude = d
        .ratings
        .criterion(shared::citizen::SipasCriterion::Attitude, 1);
    assert_eq!((attitude.successes, attitude.n), (1, 3));
    assert_eq!(unit_row(&d, &w.commune_a.id).ratings.total(), 3);
    assert_eq!(unit_row(&d, &w.commune_b.id).ratings.total(), 0);
    assert_eq!(
        d.units[0].unit_id, w.commune_a.id,
        "the unit with a rate ranks first"
    );
    // January in months, oldest first, ending with the period's month.
    let last = d.months.last().unwrap();
    assert_eq!(
        (last.from.as_str(), last.ratings.total()),
        ("2026-01-01", 3)
    );

    let feb_q = format!("unit_id={}&period=month&day=2026-02-10", w.province.id);
    let d = dashboard(&app, head, &feb_q).await;
    assert_eq!(
        (
            d.ratings.very_satisfied,
            d.ratings.satisfied,
            d.ratings.not_satisfied
        ),
        (0, 1, 1),
        "the flagged rating is left out"
    );
    assert_eq!(
        d.ratings.satisfaction(d.min_ratings).pct(),
        None,
        "2 ratings < 3: no rate"
    );
    // The week of Monday 26 January – Sunday 1 February holds all six published... five.
    let week = d.weeks.iter().find(|p| p.from == "2026-01-26").unwrap();
    assert_eq!(week.ratings.total(), 5);

    // Reviewed and counted: it comes back into February.
    let resp = app
        .post_json(
            "/api/v1/ratings/review",
            w.head_a.token(),
            &json!({ "rating_ids": [feb[1]], "outcome": "counted" }),
        )
        .await;
    assert_eq!(resp.status(), 200, "{}", resp.text().await.unwrap());
    let d = dashboard(&app, head, &feb_q).await;
    assert_eq!(
        (
            d.ratings.very_satisfied,
            d.ratings.satisfied,
            d.ratings.not_satisfied
        ),
        (1, 1, 1)
    );
    assert_eq!(unit_row(&d, &w.commune_a.id).ratings.satisfaction(3).n, 2);

    // The commune's own dashboard: its counter and officer.
    let d = dashboard(
        &app,
        w.head_a.token(),
        "period=custom&from=2026-01-01&to=2026-02-28",
    )
    .await;
    assert_eq!(d.unit_id, w.commune_a.id);
    assert!(d.units.is_empty());
    let counter = d.counters.iter().find(|c| c.id == w.counter_a.id).unwrap();
    assert_eq!(counter.ratings.total(), 5);
    let officer = d.officers.iter().find(|o| o.id == staff_a).unwrap();
    assert_eq!(
        (
            officer.ratings.very_satisfied,
            officer.ratings.not_satisfied
        ),
        (2, 1)
    );

    // The officer's January scorecard.
    let card: Scorecard = ok_json(
        app.get(
            &format!("/api/v1/figures/officers/{staff_a}?month=2026-01"),
            w.head_a.token(),
        )
        .await,
    )
    .await;
    assert_eq!(
        (card.ratings.very_satisfied, card.ratings.not_satisfied),
        (1, 1)
    );
    assert_eq!(card.ratings.satisfaction(1).short(), "50,0%");
    assert_eq!(card.full_name, w.staff_a.full_name);
}

async fn report(app: &TestApp, w: &World, kind: &str, staff: Option<&str>) -> String {
    let receipt = app
        .submit_report(&json!({
            "kind": kind,
            "category": "rude",
            "unit_id": w.commune_a.id,
            "staff_id": staff,
            "description": "Cán bộ trả lời cộc lốc, không hướng dẫn hồ sơ.",
            "anonymous": true,
            "idempotency_key": uuid::Uuid::new_v4().simple().to_string(),
        }))
        .await;
    app.case_id(w.head_a.token(), &receipt.tracking_code).await
}

async fn act(app: &TestApp, token: &str, case: &str, body: serde_json::Value) {
    let resp = app
        .post_json(&format!("/api/v1/cases/{case}/actions"), token, &body)
        .await;
    assert_eq!(resp.status(), 200, "{}", resp.text().await.unwrap());
}

#[tokio::test]
async fn case_figures_count_flows_and_deadlines_met_and_missed() {
    let app = spawn_app_with(|c| c.min_ratings = 1).await;
    let w = app.world().await;
    let head = w.head_a.token();
    let on_time = report(&app, &w, "feedback", None).await;
    let late = report(&app, &w, "feedback", Some(&w.staff_a.id)).await;
    let overdue = report(&app, &w, "suggestion", None).await;
    // The second's clock ran out yesterday: accepting it today is late; the third is still
    // open past its due date.
    let today = Date::from_unix_ms_vietnam(server::db::now_ms());
    let yesterday = today.add_days(-1).iso();
    for id in [late.clone(), overdue.clone()] {
        let due = yesterday.clone();
        app.on_db(move |conn| {
            server::db_run!(conn, {
                diesel::update(reports::table.find(&id))
                    .set(reports::due_on.eq(Some(due)))
                    .execute(conn)
            })
            .unwrap()
        })
        .await;
    }
    act(&app, head, &on_time, json!({ "action": "accept" })).await;
    act(&app, head, &late, json!({ "action": "accept" })).await;
    act(
        &app,
        head,
        &on_time,
        json!({ "action": "answer", "text": "Đơn vị đã nhắc nhở cán bộ và xin lỗi ông/bà." }),
    )
    .await;

    let q = format!(
        "period=custom&from={}&to={}",
        today.add_days(-2).iso(),
        today.iso()
    );
    let d = dashboard(&app, head, &q).await;
    let c = &d.cases;
    assert_eq!(
        (c.received, c.accepted, c.answered, c.resolved),
        (3, 2, 1, 1)
    );
    assert_eq!(c.by_kind.iter().map(|(_, n)| n).sum::<i64>(), 3);
    let intake = c
        .deadlines
        .iter()
        .find(|x| x.stage == shared::calendar::Stage::Intake)
        .expect("intake clocks");
    // Accepted before its due date; accepted after it; still open past it.
    assert_eq!(
        (intake.on_time, intake.late, intake.overdue_open),
        (1, 1, 1)
    );
    // The answered one also ended its resolving clock, on time: 2 of 4 clocks on time.
    let resolve = c
        .deadlines
        .iter()
        .find(|x| x.stage == shared::calendar::Stage::Resolve)
        .expect("resolve clocks");
    assert_eq!(
        (resolve.on_time, resolve.late, resolve.overdue_open),
        (1, 0, 0)
    );
    assert_eq!(c.on_time(1).short(), "50,0%");
    assert!(c.accept_days().unwrap() >= 0.0);
    let received_now: i64 = c.by_status_now.iter().map(|(_, n)| n).sum();
    assert_eq!(received_now, 3);

    // The officer named in the second report: one report about them this month.
    let card: Scorecard = ok_json(
        app.get(&format!("/api/v1/figures/officers/{}", w.staff_a.id), head)
            .await,
    )
    .await;
    assert_eq!(card.reports.iter().map(|r| r.total).sum::<i64>(), 1);
    assert_eq!(card.reports[0].open, 1);
}

#[tokio::test]
async fn only_heads_committees_and_admins_read_figures_within_their_units() {
    let app = spawn_app_with(|_| {}).await;
    let w = app.world().await;
    let resp = app.get("/api/v1/figures", w.officer_a.token()).await;
    let e = assert_api_error(resp, 403, ErrorCode::Forbidden).await;
    assert!(e.message.vi.contains("thống kê"));
    // Commune A's head cannot read the province or commune B.
    for unit in [&w.province.id, &w.commune_b.id] {
        let resp = app
            .get(&format!("/api/v1/figures?unit_id={unit}"), w.head_a.token())
            .await;
        assert_api_error(resp, 404, ErrorCode::NotFound).await;
    }
    let resp = app
        .get(
            &format!("/api/v1/figures/officers/{}", w.staff_b.id),
            w.head_a.token(),
        )
        .await;
    assert_api_error(resp, 404, ErrorCode::NotFound).await;
    for who in [&w.committee, &w.province_admin, &w.head_province] {
        let d = dashboard(&app, who.token(), "").await;
        assert_eq!(d.unit_id, w.province.id);
        assert_eq!(d.units.len(), 2);
    }
    // Bad periods: a clear error in both languages.
    let resp = app
        .get(
            "/api/v1/figures?period=custom&from=2026-03-10&to=2026-03-01",
            w.head_a.token(),
        )
        .await;
    let e = assert_api_error(resp, 400, ErrorCode::ValidationFailed).await;
    assert_eq!(e.fields[0].field, "from");
    assert!(e.fields[0].message.en.contains("start date"));
    let resp = app
        .get(
            "/api/v1/figures?period=day&day=31/02/2026",
            w.head_a.token(),
        )
        .await;
    assert_api_error(resp, 400, ErrorCode::ValidationFailed).await;
    let resp = app
        .get(
            &format!("/api/v1/figures/officers/{}?month=13/2026", w.staff_a.id),
            w.head_a.token(),
        )
        .await;
    assert_api_error(resp, 400, ErrorCode::ValidationFailed).await;
}

async fn db_calls(app: &TestApp) -> u64 {
    let text = app
        .client
        .get(app.url("/metrics"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    text.lines()
        .find_map(|l| l.strip_prefix("minhbach_db_calls_total "))
        .expect("the counter")
        .trim()
        .parse()
        .unwrap()
}

#[tokio::test]
async fn the_public_page_is_served_from_memory_with_honest_rates() {
    let app = spawn_app_with(|c| c.min_ratings = 2).await;
    let w = app.world().await;
    let ta = w.counter_a.qr_token.clone();
    rate(&app, &ta, "very_satisfied", None, None).await;
    let path = format!("/api/v1/public/units/{}", w.province.code);
    let f: PublicFigures = ok_json(app.get_anonymous(&path).await).await;
    assert_eq!(f.month.satisfaction.n, 1);
    assert_eq!(f.month.satisfaction.pct(), None, "one rating is not a rate");
    let a = f.units.iter().find(|u| u.code == w.commune_a.code).unwrap();
    assert_eq!(a.satisfaction.n, 1);
    // Warm: a hundred more requests cost the database nothing, and a new rating does not show
    // until the cache expires (the page says when its figures were computed).
    rate(&app, &ta, "not_satisfied", None, None).await;
    let before = db_calls(&app).await;
    for _ in 0..100 {
        let again: PublicFigures = ok_json(app.get_anonymous(&path).await).await;
        assert_eq!(again.computed_at, f.computed_at);
    }
    assert_eq!(db_calls(&app).await, before);
    // The page itself, without signing in, costs nothing either.
    let page = app
        .client
        .get(app.url(&format!("/cong-khai/{}", w.province.code)))
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 200);
    let html = page.text().await.unwrap();
    assert!(html.contains("Chưa đủ đánh giá"), "{html}");
    assert!(html.contains(&w.province.name));
    let before = db_calls(&app).await;
    for _ in 0..5 {
        let page = app
            .client
            .get(app.url(&format!("/cong-khai/{}", w.province.code)))
            .send()
            .await
            .unwrap();
        assert_eq!(page.status(), 200);
    }
    assert_eq!(
        db_calls(&app).await,
        before,
        "a warm public page reads no database"
    );
    let resp = app.get_anonymous("/api/v1/public/units/NO-SUCH-UNIT").await;
    assert_api_error(resp, 404, ErrorCode::NotFound).await;
}

// ---------------------------------------------------------------------------------------------
// The roll-ups against the raw rows, on random data

/// One rating as stored, for recomputing every figure from scratch.
#[derive(Clone, Debug)]
struct RawRating {
    unit_id: String,
    counter_id: String,
    staff_id: Option<String>,
    overall: String,
    sipas: [Option<i32>; 5],
    flagged: bool,
    review_outcome: Option<String>,
    created_at: i64,
}

impl RawRating {
    fn published(&self) -> bool {
        !self.flagged || self.review_outcome.as_deref() == Some("counted")
    }

    fn day(&self) -> i64 {
        Date::from_unix_ms_vietnam(self.created_at).to_days()
    }

    fn counts(&self) -> RatingCounts {
        let mut c = RatingCounts::default();
        match self.overall.as_str() {
            "very_satisfied" => c.very_satisfied = 1,
            "satisfied" => c.satisfied = 1,
            _ => c.not_satisfied = 1,
        }
        for (slot, score) in c.criteria.iter_mut().zip(self.sipas) {
            if let Some(s) = score {
                *slot = (1, i64::from(s >= 4));
            }
        }
        c
    }
}

async fn all_ratings(app: &TestApp) -> Vec<RawRating> {
    type Row = (
        String,
        String,
        String,
        Option<String>,
        String,
        (
            Option<i32>,
            Option<i32>,
            Option<i32>,
            Option<i32>,
            Option<i32>,
        ),
        bool,
        Option<String>,
        i64,
    );
    let rows: Vec<Row> = app
        .on_db(|conn| {
            server::db_run!(conn, {
                ratings::table
                    .select((
                        ratings::id,
                        ratings::unit_id,
                        ratings::counter_id,
                        ratings::staff_id,
                        ratings::overall,
                        (
                            ratings::sipas_access,
                            ratings::sipas_procedure,
                            ratings::sipas_attitude,
                            ratings::sipas_timeliness,
                            ratings::sipas_feedback_handling,
                        ),
                        ratings::flagged,
                        ratings::review_outcome,
                        ratings::created_at,
                    ))
                    .load(conn)
            })
            .unwrap()
        })
        .await;
    rows.into_iter()
        .map(|r| RawRating {
            unit_id: r.1,
            counter_id: r.2,
            staff_id: r.3,
            overall: r.4,
            sipas: [r.5 .0, r.5 .1, r.5 .2, r.5 .3, r.5 .4],
            flagged: r.6,
            review_outcome: r.7,
            created_at: r.8,
        })
        .collect()
}

#[tokio::test]
async fn rollups_equal_the_raw_rows_on_random_data() {
    let app = spawn_app_with(|c| c.min_ratings = 5).await;
    let w = app.world().await;
    let extra = app.counter(&w.commune_a, "Quầy số 2").await;
    let counters = [
        (w.commune_a.id.clone(), w.counter_a.id.clone()),
        (w.commune_a.id.clone(), extra.id.clone()),
        (w.commune_b.id.clone(), w.counter_b.id.clone()),
    ];
    let staff_of = |unit: &str| -> Vec<Option<String>> {
        if unit == w.commune_a.id {
            vec![None, Some(w.staff_a.id.clone())]
        } else {
            vec![None, Some(w.staff_b.id.clone())]
        }
    };
    let mut rng = StdRng::seed_from_u64(20261123);
    let overall = ["very_satisfied", "satisfied", "not_satisfied"];
    // 1,500 ratings over three months around two month boundaries, written straight into the
    // table (the triggers keep the roll-ups), then changed the ways the platform changes them:
    // flagged, reviewed both ways, detail added (officer, scores), moved in time, deleted.
    let start = vn_ms(2026, 3, 1, 0, 0) - 2 * 86_400_000;
    let span = 95 * 86_400_000i64;
    let mut rows = Vec::new();
    for i in 0..1500 {
        let (unit, counter) = counters[rng.gen_range(0..counters.len())].clone();
        let staffs = staff_of(&unit);
        let score = |rng: &mut StdRng| (rng.gen_bool(0.6)).then(|| rng.gen_range(1..=5));
        rows.push((
            ratings::id.eq(format!("rnd-{i}")),
            ratings::unit_id.eq(unit),
            ratings::counter_id.eq(counter),
            ratings::staff_id.eq(staffs[rng.gen_range(0..staffs.len())].clone()),
            ratings::overall.eq(overall[rng.gen_range(0..3)]),
            (
                ratings::sipas_access.eq(score(&mut rng)),
                ratings::sipas_procedure.eq(score(&mut rng)),
                ratings::sipas_attitude.eq(score(&mut rng)),
                ratings::sipas_timeliness.eq(score(&mut rng)),
                ratings::sipas_feedback_handling.eq(score(&mut rng)),
            ),
            ratings::device_hash.eq(format!("d{i}")),
            ratings::network_hash.eq("n"),
            ratings::flagged.eq(rng.gen_bool(0.1)),
            ratings::idempotency_key.eq(format!("k{i}")),
            ratings::created_at.eq(start + rng.gen_range(0..span)),
            ratings::updated_at.eq(0i64),
        ));
    }
    let changes: Vec<(String, u8, i64)> = (0..600)
        .map(|_| {
            (
                format!("rnd-{}", rng.gen_range(0..1500)),
                rng.gen_range(0..6u8),
                start + rng.gen_range(0..span),
            )
        })
        .collect();
    let (staff_a, unit_a) = (w.staff_a.id.clone(), w.commune_a.id.clone());
    app.on_db(move |conn| {
        server::db_run!(conn, {
            conn.transaction(|conn| {
                for chunk in rows.chunks(100) {
                    diesel::insert_into(ratings::table)
                        .values(chunk.to_vec())
                        .execute(conn)?;
                }
                for (id, what, at) in changes {
                    let one = ratings::table.find(id);
                    match what {
                        0 => diesel::update(one)
                            .set(ratings::flagged.eq(true))
                            .execute(conn)?,
                        1 => diesel::update(one)
                            .set(ratings::review_outcome.eq(Some("counted")))
                            .execute(conn)?,
                        2 => diesel::update(one)
                            .set(ratings::review_outcome.eq(Some("rejected")))
                            .execute(conn)?,
                        3 => diesel::update(one.filter(ratings::unit_id.eq(&unit_a)))
                            .set((
                                ratings::staff_id.eq(Some(staff_a.clone())),
                                ratings::sipas_attitude.eq(Some(5)),
                            ))
                            .execute(conn)?,
                        4 => diesel::update(one)
                            .set(ratings::created_at.eq(at))
                            .execute(conn)?,
                        _ => diesel::delete(one).execute(conn)?,
                    };
                }
                Ok::<_, diesel::result::Error>(())
            })
        })
        .unwrap()
    })
    .await;

    let raw = all_ratings(&app).await;
    let published: Vec<&RawRating> = raw.iter().filter(|r| r.published()).collect();
    assert!(published.len() > 1000 && published.len() < raw.len());
    let expect = |units: &[&str], from: Date, to: Date, pick: &dyn Fn(&RawRating) -> bool| {
        let mut c = RatingCounts::default();
        for r in &published {
            if units.contains(&r.unit_id.as_str())
                && (from.to_days()..=to.to_days()).contains(&r.day())
                && pick(r)
            {
                c.add(&r.counts());
            }
        }
        c
    };
    let head = w.head_province.token();
    let (a, b) = (w.commune_a.id.as_str(), w.commune_b.id.as_str());
    for _ in 0..12 {
        let from = Date::from_unix_ms_vietnam(start + rng.gen_range(0..span));
        // Up to 100 days: whole months come from the month roll-up, the rest from the days.
        let to = from.add_days(rng.gen_range(0..100));
        let q = format!(
            "unit_id={}&period=custom&from={}&to={}",
            w.province.id,
            from.iso(),
            to.iso()
        );
        let d = dashboard(&app, head, &q).await;
        assert_eq!(d.ratings, expect(&[a, b], from, to, &|_| true), "{q}");
        assert_eq!(
            unit_row(&d, a).ratings,
            expect(&[a], from, to, &|_| true),
            "{q}"
        );
        assert_eq!(
            unit_row(&d, b).ratings,
            expect(&[b], from, to, &|_| true),
            "{q}"
        );
        for p in d.months.iter().chain(d.weeks.iter()) {
            let (pf, pt) = (Date::parse(&p.from).unwrap(), Date::parse(&p.to).unwrap());
            assert_eq!(
                p.ratings,
                expect(&[a, b], pf, pt, &|_| true),
                "{q} {}",
                p.from
            );
        }
        let d = dashboard(
            &app,
            w.head_a.token(),
            &format!("period=custom&from={}&to={}", from.iso(), to.iso()),
        )
        .await;
        for c in &d.counters {
            let want = expect(&[a], from, to, &|r| r.counter_id == c.id);
            assert_eq!(c.ratings, want, "counter {} {q}", c.name);
        }
        for o in &d.officers {
            let want = expect(&[a], from, to, &|r| r.staff_id.as_deref() == Some(&o.id));
            assert_eq!(o.ratings, want, "officer {} {q}", o.name);
        }
    }

    // And the other way: every roll-up row is the sum of the raw rows of its key, and every
    // key of the raw rows has its roll-up row.
    let mut by_key: HashMap<(String, i64), RatingCounts> = HashMap::new();
    for r in &published {
        by_key
            .entry((r.unit_id.clone(), r.day()))
            .or_default()
            .add(&r.counts());
    }
    type Sums = (
        i64,
        i64,
        i64,
        i64,
        i64,
        i64,
        i64,
        i64,
        i64,
        i64,
        i64,
        i64,
        i64,
    );
    // The same select from the day table and from the month table (same columns).
    macro_rules! rating_rows {
        ($t:ident, $key:ident) => {
            app.on_db(|conn| {
                use server::schema::$t as t;
                server::db_run!(conn, {
                    t::table
                        .select((
                            t::unit_id,
                            t::$key,
                            (
                                t::very_satisfied,
                                t::satisfied,
                                t::not_satisfied,
                                t::access_n,
                                t::access_good,
                                t::procedure_n,
                                t::procedure_good,
                                t::attitude_n,
                                t::attitude_good,
                                t::timeliness_n,
                                t::timeliness_good,
                                t::feedback_n,
                                t::feedback_good,
                            ),
                        ))
                        .load::<(String, i64, Sums)>(conn)
                })
                .unwrap()
            })
            .await
        };
    }
    let check = |kept: Vec<(String, i64, Sums)>, by_key: &HashMap<(String, i64), RatingCounts>| {
        let mut seen = 0;
        for (unit, key, s) in kept {
            let c = RatingCounts {
                very_satisfied: s.0,
                satisfied: s.1,
                not_satisfied: s.2,
                criteria: [
                    (s.3, s.4),
                    (s.5, s.6),
                    (s.7, s.8),
                    (s.9, s.10),
                    (s.11, s.12),
                ],
            };
            let want = by_key
                .get(&(unit.clone(), key))
                .copied()
                .unwrap_or_default();
            assert_eq!(c, want, "roll-up row {unit} {key}");
            if want != RatingCounts::default() {
                seen += 1;
            }
        }
        assert_eq!(seen, by_key.len(), "a raw key without its roll-up row");
    };
    check(rating_rows!(rating_unit_days, day), &by_key);
    let mut by_month: HashMap<(String, i64), RatingCounts> = HashMap::new();
    for r in &published {
        let month = shared::figures::month_of(Date::from_days(r.day())).0;
        by_month
            .entry((r.unit_id.clone(), month.to_days()))
            .or_default()
            .add(&r.counts());
    }
    check(rating_rows!(rating_unit_months, month), &by_month);
}
