//! The review of flagged ratings: the list of those awaiting review in one's units, counting or
//! rejecting them (one or many, all or none), who may, and what may then be published.

use diesel::prelude::*;
use serde_json::json;
use server::schema::ratings;
use shared::citizen::RatingReceipt;
use shared::model::Page;
use shared::review::{FlaggedRating, ReviewOutcome, ReviewReceipt};
use shared::ErrorCode;
use tests::{assert_api_error, ok_json, spawn_app_with, Person, TestApp, World, PASSWORD};

async fn rate(app: &TestApp, token: &str, overall: &str, comment: &str) -> RatingReceipt {
    let resp = app
        .rate_as_new_phone(token, json!({ "overall": overall, "comment": comment }))
        .await;
    ok_json(resp).await
}

/// An app where only the first rating at a counter in a minute goes unflagged, and a world in
/// which counter A got one plain and two flagged ratings, counter B one plain and one flagged.
struct Setup {
    app: TestApp,
    w: World,
    /// Flagged at counter A, oldest first.
    flagged_a: Vec<String>,
    flagged_b: String,
    plain_a: String,
}

async fn setup() -> Setup {
    let app = spawn_app_with(|c| c.rating_counter_burst_per_minute = 1).await;
    let w = app.world().await;
    let plain_a = rate(&app, &w.counter_a.qr_token, "satisfied", "").await.id;
    let mut flagged_a = Vec::new();
    for comment in ["Lần một", "Lần hai"] {
        flagged_a.push(
            rate(&app, &w.counter_a.qr_token, "very_satisfied", comment)
                .await
                .id,
        );
    }
    rate(&app, &w.counter_b.qr_token, "not_satisfied", "").await;
    let flagged_b = rate(&app, &w.counter_b.qr_token, "very_satisfied", "")
        .await
        .id;
    Setup {
        app,
        w,
        flagged_a,
        flagged_b,
        plain_a,
    }
}

async fn flagged(app: &TestApp, who: &Person, query: &str) -> Page<FlaggedRating> {
    ok_json(
        app.get(&format!("/api/v1/ratings/flagged{query}"), who.token())
            .await,
    )
    .await
}

async fn review(
    app: &TestApp,
    who: &Person,
    ids: &[&String],
    outcome: &str,
    note: Option<&str>,
) -> reqwest::Response {
    app.post_json(
        "/api/v1/ratings/review",
        who.token(),
        &json!({ "rating_ids": ids, "outcome": outcome, "note": note }),
    )
    .await
}

/// (id, review outcome, reviewed by, reviewed at, note) of every rating, and the ids the
/// publishable predicate lets through.
type ReviewState = (
    String,
    Option<String>,
    Option<String>,
    Option<i64>,
    Option<String>,
);

async fn stored(app: &TestApp) -> (Vec<ReviewState>, Vec<String>) {
    let db = app.db.clone();
    tokio::task::spawn_blocking(move || {
        let mut conn = db.get().expect("connection");
        let conn = &mut conn;
        let all = server::db_run!(conn, {
            ratings::table
                .order(ratings::created_at.asc())
                .select((
                    ratings::id,
                    ratings::review_outcome,
                    ratings::reviewed_by,
                    ratings::reviewed_at,
                    ratings::review_note,
                ))
                .load::<ReviewState>(conn)
        })
        .expect("read ratings");
        let published = server::db_run!(conn, {
            ratings::table
                .filter(server::services::ratings::publishable())
                .order(ratings::created_at.asc())
                .select(ratings::id)
                .load::<String>(conn)
        })
        .expect("read publishable ratings");
        (all, published)
    })
    .await
    .expect("join")
}

#[tokio::test]
async fn the_list_shows_only_flagged_unreviewed_ratings_of_my_units() {
    let Setup {
        app, w, flagged_a, ..
    } = setup().await;
    // Commune A's administrator and head: A's two flagged ratings, newest first.
    for who in [&w.admin_a, &w.head_a] {
        let page = flagged(&app, who, "").await;
        let ids: Vec<&str> = page.items.iter().map(|r| r.id.as_str()).collect();
        assert_eq!(ids, [flagged_a[1].as_str(), flagged_a[0].as_str()]);
        assert_eq!(page.total, 2);
    }
    let page = flagged(&app, &w.admin_a, "").await;
    let newest = &page.items[0];
    assert_eq!(newest.counter_name, w.counter_a.name);
    assert_eq!(newest.unit_name, w.commune_a.name);
    assert_eq!(newest.flag_reason, "counter_burst");
    assert_eq!(newest.comment, "Lần hai");
    assert_eq!(newest.overall.as_str(), "very_satisfied");
    assert!(newest.created_at > 0);
    // Never the device or network hashes.
    let raw = app
        .get("/api/v1/ratings/flagged", w.admin_a.token())
        .await
        .text()
        .await
        .unwrap();
    assert!(!raw.contains("hash"), "{raw}");
    // The province sees both communes, or one of them on request; pages work.
    assert_eq!(flagged(&app, &w.province_admin, "").await.total, 3);
    let b = flagged(
        &app,
        &w.province_admin,
        &format!("?unit_id={}", w.commune_b.id),
    )
    .await;
    assert_eq!(
        (b.total, b.items[0].unit_id.as_str()),
        (1, w.commune_b.id.as_str())
    );
    let one = flagged(&app, &w.province_admin, "?per_page=1&page=2").await;
    assert_eq!((one.total, one.items.len()), (3, 1));
    // A commune cannot look at another's.
    let resp = app
        .get(
            &format!("/api/v1/ratings/flagged?unit_id={}", w.commune_b.id),
            w.admin_a.token(),
        )
        .await;
    assert_api_error(resp, 404, ErrorCode::NotFound).await;
    // Once reviewed, a rating leaves the list.
    let resp = review(&app, &w.admin_a, &[&flagged_a[0]], "rejected", None).await;
    ok_json::<ReviewReceipt>(resp).await;
    let page = flagged(&app, &w.admin_a, "").await;
    assert_eq!(page.total, 1);
    assert_eq!(page.items[0].id, flagged_a[1]);
}

#[tokio::test]
async fn counting_or_rejecting_decides_what_may_be_published() {
    let Setup {
        app,
        w,
        flagged_a,
        flagged_b,
        plain_a,
    } = setup().await;
    let (_, published) = stored(&app).await;
    // Only the two unflagged ratings at first.
    assert_eq!(published.len(), 2);
    assert!(published.contains(&plain_a));
    assert!(!published
        .iter()
        .any(|id| flagged_a.contains(id) || id == &flagged_b));

    let resp = review(
        &app,
        &w.admin_a,
        &[&flagged_a[0]],
        "counted",
        Some("  Đã đối chiếu sổ tiếp nhận  "),
    )
    .await;
    let receipt: ReviewReceipt = ok_json(resp).await;
    assert_eq!(receipt.outcome, ReviewOutcome::Counted);
    assert_eq!(receipt.rating_ids, [flagged_a[0].clone()]);
    let resp = review(&app, &w.head_a, &[&flagged_a[1]], "rejected", None).await;
    ok_json::<ReviewReceipt>(resp).await;

    let (rows, published) = stored(&app).await;
    assert_eq!(published.len(), 3);
    assert!(published.contains(&flagged_a[0]), "counted is published");
    assert!(!published.contains(&flagged_a[1]), "rejected is not");
    assert!(!published.contains(&flagged_b), "awaiting review is not");
    let row = |id: &str| rows.iter().find(|r| r.0 == id).unwrap().clone();
    let counted = row(&flagged_a[0]);
    assert_eq!(counted.1.as_deref(), Some("counted"));
    assert_eq!(counted.2.as_deref(), Some(w.admin_a.account.id.as_str()));
    assert_eq!(counted.3, Some(receipt.reviewed_at));
    assert_eq!(counted.4.as_deref(), Some("Đã đối chiếu sổ tiếp nhận"));
    let rejected = row(&flagged_a[1]);
    assert_eq!(rejected.1.as_deref(), Some("rejected"));
    assert_eq!(rejected.2.as_deref(), Some(w.head_a.account.id.as_str()));
    assert_eq!(rejected.4, None);
    assert_eq!(row(&flagged_b).1, None);
}

#[tokio::test]
async fn many_ratings_are_reviewed_at_once() {
    let Setup {
        app,
        w,
        flagged_a,
        flagged_b,
        ..
    } = setup().await;
    let ids = [&flagged_a[0], &flagged_a[1], &flagged_b, &flagged_a[0]];
    let resp = review(&app, &w.province_admin, &ids, "counted", None).await;
    let receipt: ReviewReceipt = ok_json(resp).await;
    assert_eq!(receipt.rating_ids.len(), 3, "repeats count once");
    assert_eq!(flagged(&app, &w.province_admin, "").await.total, 0);
    assert_eq!(stored(&app).await.1.len(), 5);
}

#[tokio::test]
async fn only_administrators_and_heads_review() {
    let Setup {
        app, w, flagged_a, ..
    } = setup().await;
    for who in [&w.officer_a, &w.committee] {
        let resp = app.get("/api/v1/ratings/flagged", who.token()).await;
        let err = assert_api_error(resp, 403, ErrorCode::Forbidden).await;
        assert!(err.message.vi.contains("thủ trưởng"), "{}", err.message.vi);
        let resp = review(&app, who, &[&flagged_a[0]], "counted", None).await;
        assert_api_error(resp, 403, ErrorCode::Forbidden).await;
    }
    let resp = app
        .client
        .get(app.url("/api/v1/ratings/flagged"))
        .send()
        .await
        .unwrap();
    assert_api_error(resp, 401, ErrorCode::Unauthenticated).await;
    assert!(stored(&app).await.0.iter().all(|r| r.1.is_none()));
}

#[tokio::test]
async fn another_units_rating_is_refused_and_nothing_changes() {
    let Setup {
        app,
        w,
        flagged_a,
        flagged_b,
        ..
    } = setup().await;
    let resp = review(&app, &w.admin_a, &[&flagged_b], "rejected", None).await;
    let err = assert_api_error(resp, 404, ErrorCode::NotFound).await;
    assert!(
        err.message.vi.contains("đơn vị bạn phụ trách"),
        "{}",
        err.message.vi
    );
    assert!(err.message.en.contains(&flagged_b), "{}", err.message.en);
    // Mixed with one of its own: all or none.
    let resp = review(
        &app,
        &w.head_a,
        &[&flagged_a[0], &flagged_b],
        "counted",
        None,
    )
    .await;
    assert_api_error(resp, 404, ErrorCode::NotFound).await;
    // An id that does not exist reads the same as one outside.
    let missing = "0190a1b2-0000-7000-8000-000000000000".to_string();
    let resp = review(&app, &w.admin_a, &[&missing], "counted", None).await;
    assert_api_error(resp, 404, ErrorCode::NotFound).await;
    assert!(stored(&app).await.0.iter().all(|r| r.1.is_none()));
}

#[tokio::test]
async fn a_rating_is_reviewed_once() {
    let Setup {
        app,
        w,
        flagged_a,
        plain_a,
        ..
    } = setup().await;
    ok_json::<ReviewReceipt>(review(&app, &w.admin_a, &[&flagged_a[0]], "counted", None).await)
        .await;
    for who in [&w.admin_a, &w.province_admin] {
        let resp = review(&app, who, &[&flagged_a[0]], "rejected", None).await;
        let err = assert_api_error(resp, 409, ErrorCode::Conflict).await;
        assert!(
            err.message.vi.contains("đã được xem xét"),
            "{}",
            err.message.vi
        );
        assert!(
            err.message.en.contains("already been reviewed"),
            "{}",
            err.message.en
        );
    }
    // With a fresh one in the same request: all or none.
    let resp = review(
        &app,
        &w.admin_a,
        &[&flagged_a[1], &flagged_a[0]],
        "rejected",
        None,
    )
    .await;
    assert_api_error(resp, 409, ErrorCode::Conflict).await;
    // A rating that was never flagged has nothing to review.
    let resp = review(&app, &w.admin_a, &[&plain_a], "rejected", None).await;
    let err = assert_api_error(resp, 409, ErrorCode::Conflict).await;
    assert!(err.message.en.contains("not flagged"), "{}", err.message.en);
    let (rows, _) = stored(&app).await;
    let outcome = |id: &str| rows.iter().find(|r| r.0 == id).unwrap().1.clone();
    assert_eq!(outcome(&flagged_a[0]).as_deref(), Some("counted"));
    assert_eq!(outcome(&flagged_a[1]), None);
    assert_eq!(outcome(&plain_a), None);
}

#[tokio::test]
async fn two_reviewers_at_once_cannot_both_decide() {
    let Setup {
        app, w, flagged_a, ..
    } = setup().await;
    let ids = [&flagged_a[0]];
    let (first, second) = tokio::join!(
        review(&app, &w.admin_a, &ids, "counted", None),
        review(&app, &w.head_a, &ids, "rejected", None),
    );
    let mut statuses = [first.status().as_u16(), second.status().as_u16()];
    statuses.sort();
    assert_eq!(statuses, [200, 409]);
}

#[tokio::test]
async fn bad_reviews_are_refused_field_by_field() {
    let Setup {
        app, w, flagged_a, ..
    } = setup().await;
    let resp = review(&app, &w.admin_a, &[], "counted", None).await;
    let err = assert_api_error(resp, 400, ErrorCode::ValidationFailed).await;
    assert_eq!(err.fields[0].field, "rating_ids");
    let long = "n".repeat(1001);
    let resp = review(&app, &w.admin_a, &[&flagged_a[0]], "counted", Some(&long)).await;
    let err = assert_api_error(resp, 400, ErrorCode::ValidationFailed).await;
    assert_eq!(err.fields[0].field, "note");
    let resp = review(&app, &w.admin_a, &[&flagged_a[0]], "maybe", None).await;
    assert_api_error(resp, 400, ErrorCode::MalformedRequest).await;
    assert!(stored(&app).await.0.iter().all(|r| r.1.is_none()));
}

/// Signs in on the web (the session cookie), as a browser does.
async fn web_session(app: &TestApp, username: &str) -> String {
    let resp = app
        .client
        .post(app.url("/login"))
        .header("origin", &app.address)
        .form(&[
            ("username", username),
            ("password", PASSWORD),
            ("next", "/admin"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 303);
    resp.headers()
        .get_all(reqwest::header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|c| c.starts_with("mb_session="))
        .expect("a session cookie")
        .split(';')
        .next()
        .unwrap()
        .to_string()
}

/// With JavaScript off: the page renders on the server and its forms post as plain HTML.
#[tokio::test]
async fn the_page_works_as_plain_html_forms() {
    let Setup {
        app, w, flagged_a, ..
    } = setup().await;
    let cookie = web_session(&app, &w.admin_a.username).await;
    let page = app
        .client
        .get(app.url("/admin/ratings"))
        .header(reqwest::header::COOKIE, &cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 200);
    let html = page.text().await.unwrap();
    assert!(html.contains("Đánh giá cần xem xét"), "{html}");
    assert!(html.contains("Tính vào số liệu") && html.contains("Loại bỏ"));
    assert!(html.contains(&flagged_a[0]) && html.contains("Lần hai"));
    assert!(!html.contains(&w.counter_b.qr_token));
    // One row's "Loại bỏ" button, as the browser sends it.
    let form = [
        ("rating_ids[]", flagged_a[0].as_str()),
        ("outcome", "rejected"),
    ];
    let resp = app
        .client
        .post(app.url("/fn/ratings-review"))
        .header(reqwest::header::COOKIE, &cookie)
        .header("origin", &app.address)
        .header("referer", app.url("/admin/ratings"))
        .header("accept", "text/html")
        .form(&form)
        .send()
        .await
        .unwrap();
    assert!(resp.status().is_redirection(), "{}", resp.status());
    assert_eq!(
        resp.headers()["location"].to_str().unwrap(),
        "/admin/ratings?ok=saved"
    );
    // Both checked boxes of the batch form, counted with a note.
    let form = [
        ("rating_ids[]", flagged_a[1].as_str()),
        ("rating_ids[]", flagged_a[0].as_str()),
        ("note", "Kiểm tra lại"),
        ("outcome", "counted"),
    ];
    let resp = app
        .client
        .post(app.url("/fn/ratings-review"))
        .header(reqwest::header::COOKIE, &cookie)
        .header("origin", &app.address)
        .header("referer", app.url("/admin/ratings"))
        .header("accept", "text/html")
        .form(&form)
        .send()
        .await
        .unwrap();
    let location = resp.headers()["location"].to_str().unwrap().to_string();
    assert!(location.starts_with("/admin/ratings?err="), "{location}");
    let back = app
        .client
        .get(app.url(&location))
        .header(reqwest::header::COOKIE, &cookie)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(back.contains("đã được xem xét"), "{back}");
    let (rows, _) = stored(&app).await;
    let outcome = |id: &str| rows.iter().find(|r| r.0 == id).unwrap().1.clone();
    assert_eq!(outcome(&flagged_a[0]).as_deref(), Some("rejected"));
    assert_eq!(outcome(&flagged_a[1]), None);
    // A counter officer is told so.
    let cookie = web_session(&app, &w.officer_a.username).await;
    let html = app
        .client
        .get(app.url("/admin/ratings"))
        .header(reqwest::header::COOKIE, &cookie)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("thủ trưởng đơn vị được xem xét"), "{html}");
}
