//! Photo redaction: the head handling a case (or the committee over it) blacks out or blurs
//! regions of a citizen's photo; from then on the assigned officer, the superior head and the
//! head themself get only the redacted copy (full size and thumbnail), the committee gets it by
//! default and the original on request; nobody else gets the original. An officer may not
//! redact; bad regions change nothing; each redaction is in the audit log; a redaction can be
//! redone, always from the untouched original.

use diesel::prelude::*;
use image::RgbImage;
use serde_json::{json, Value};
use server::schema::report_photos;
use shared::audit::AuditPage;
use shared::case::{CaseDetail, CasePage};
use shared::model::Role;
use shared::redaction::PhotoRedaction;
use shared::ErrorCode;
use tests::{assert_api_error, ok_json, spawn_app, Person, TestApp, World};

const WIDTH: u32 = 600;
const HEIGHT: u32 = 400;

/// A photo full of fine detail (deterministic noise, unrelated from pixel to pixel), so that a
/// blur shows as lost detail and a black-out as black; sent as PNG, stored as the server's JPEG.
fn detailed_photo() -> Vec<u8> {
    let mut state = 12_345u32;
    let img = RgbImage::from_fn(WIDTH, HEIGHT, |_, _| {
        let mut next = || {
            state = state.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
            (state >> 24) as u8
        };
        image::Rgb([next(), next(), next()])
    });
    let mut png = Vec::new();
    image::DynamicImage::ImageRgb8(img)
        .write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png)
        .expect("encode the test photo");
    png
}

fn decode(bytes: &[u8]) -> RgbImage {
    image::load_from_memory(bytes)
        .expect("a decodable photo")
        .to_rgb8()
}

/// A pixel rectangle: left, top, width, height.
type Area = (u32, u32, u32, u32);

/// The largest channel value in an area (black: near 0).
fn brightest(img: &RgbImage, (x, y, w, h): Area) -> u8 {
    let mut max = 0;
    for py in y..y + h {
        for px in x..x + w {
            max = max.max(*img.get_pixel(px, py).0.iter().max().unwrap());
        }
    }
    max
}

/// The mean difference between horizontally neighbouring pixels: the detail an area holds.
fn detail(img: &RgbImage, (x, y, w, h): Area) -> f64 {
    let mut sum = 0u64;
    for py in y..y + h {
        for px in x..x + w - 1 {
            for c in 0..3 {
                sum += u64::from(img.get_pixel(px, py)[c].abs_diff(img.get_pixel(px + 1, py)[c]));
            }
        }
    }
    sum as f64 / f64::from((w - 1) * h * 3)
}

/// The mean difference between two images over an area.
fn difference(a: &RgbImage, b: &RgbImage, (x, y, w, h): Area) -> f64 {
    let mut sum = 0u64;
    for py in y..y + h {
        for px in x..x + w {
            for c in 0..3 {
                sum += u64::from(a.get_pixel(px, py)[c].abs_diff(b.get_pixel(px, py)[c]));
            }
        }
    }
    sum as f64 / f64::from(w * h * 3)
}

struct Setup {
    app: TestApp,
    w: World,
    case_id: String,
    photo_id: String,
    /// A head of another commune: no access to the case at all.
    stranger: Person,
}

/// A feedback report with the detailed photo from commune A's counter (it stays with commune
/// A's head), accepted and assigned to commune A's officer.
async fn setup() -> Setup {
    let app = spawn_app().await;
    let w = app.world().await;
    let report = json!({
        "kind": "feedback",
        "category": "late_dossier",
        "counter_token": w.counter_a.qr_token,
        "description": "Tôi chụp ảnh bảng niêm yết phí ở quầy, có người đứng cạnh trong ảnh.",
        "idempotency_key": uuid::Uuid::new_v4().simple().to_string(),
    });
    let receipt: shared::report::ReportReceipt =
        ok_json(app.send_report(&report, vec![detailed_photo()]).await).await;
    assert_eq!(receipt.photos, 1);
    let inbox: CasePage =
        ok_json(app.get("/api/v1/cases?status=all", w.head_a.token()).await).await;
    let case_id = inbox
        .items
        .into_iter()
        .find(|c| c.tracking_code == receipt.tracking_code)
        .expect("the head's inbox has the case")
        .id;
    let head = w.head_a.token();
    let actions = format!("/api/v1/cases/{case_id}/actions");
    ok_json::<CaseDetail>(
        app.post_json(&actions, head, &json!({"action": "accept"}))
            .await,
    )
    .await;
    let assigned: CaseDetail = ok_json(
        app.post_json(
            &actions,
            head,
            &json!({"action": "assign", "officer_id": w.officer_a.account.id}),
        )
        .await,
    )
    .await;
    let photo_id = assigned.photos[0].clone();
    let stranger = app
        .signed_in("chutich.hoalu", Role::Head, Some(&w.commune_b))
        .await;
    Setup {
        app,
        w,
        case_id,
        photo_id,
        stranger,
    }
}

impl Setup {
    fn photo_path(&self, query: &str) -> String {
        format!(
            "/api/v1/cases/{}/photos/{}{query}",
            self.case_id, self.photo_id
        )
    }

    async fn photo(&self, token: &str, query: &str) -> reqwest::Response {
        self.app.get(&self.photo_path(query), token).await
    }

    /// The bytes of a photo the reader may get (200), or the test fails.
    async fn bytes(&self, token: &str, query: &str) -> Vec<u8> {
        let resp = self.photo(token, query).await;
        assert_eq!(resp.status(), 200, "{query}");
        assert_eq!(
            resp.headers()["content-type"].to_str().unwrap(),
            "image/jpeg"
        );
        resp.bytes().await.unwrap().to_vec()
    }

    async fn redact(&self, token: &str, body: &Value) -> reqwest::Response {
        self.app
            .client
            .put(self.app.url(&self.photo_path("/redaction")))
            .bearer_auth(token)
            .json(body)
            .send()
            .await
            .expect("request")
    }

    async fn case(&self, token: &str) -> CaseDetail {
        ok_json(
            self.app
                .get(&format!("/api/v1/cases/{}", self.case_id), token)
                .await,
        )
        .await
    }

    /// The stored original, read straight from the database.
    async fn stored_original(&self) -> Vec<u8> {
        let pid = self.photo_id.clone();
        let mut conn = self.app.db.get().expect("a connection");
        let conn = &mut conn;
        server::db_run!(conn, {
            report_photos::table
                .find(&pid)
                .select(report_photos::full_bytes)
                .first::<Vec<u8>>(conn)
        })
        .expect("the original")
    }

    async fn redaction_entries(&self) -> Vec<shared::audit::AuditEntry> {
        let page: AuditPage = ok_json(
            self.app
                .get(
                    "/api/v1/audit?action=photo.redact",
                    self.w.committee.token(),
                )
                .await,
        )
        .await;
        page.items
    }
}

// 600 x 400 px: regions in thousandths of the photo.
// Black: x 100..400, y 100..500 -> pixels 60..240 x 40..200.
// Blur:  x 500..900, y 200..700 -> pixels 300..540 x 80..280.
// Areas measured a JPEG block (16 px) inside each, away from edges that the encoder mixes.
const BLACK_INSIDE: Area = (76, 56, 148, 128);
const BLUR_INSIDE: Area = (316, 96, 208, 168);
const UNTOUCHED: Area = (0, 300, 600, 100);

fn regions() -> Value {
    json!({"regions": [
        {"x": 100, "y": 100, "w": 300, "h": 400, "mode": "black"},
        {"x": 500, "y": 200, "w": 400, "h": 500, "mode": "blur"},
    ]})
}

#[tokio::test]
async fn the_head_redacts_and_only_the_committee_can_still_open_the_original() {
    let s = setup().await;
    let (head, officer, superior, committee) = (
        s.w.head_a.token(),
        s.w.officer_a.token(),
        s.w.head_province.token(),
        s.w.committee.token(),
    );

    // Before any redaction: everyone who reads the case gets the original.
    let original = s.bytes(officer, "").await;
    assert_eq!(original, s.stored_original().await);
    assert_eq!(s.bytes(head, "").await, original);
    let original_thumb = s.bytes(head, "?thumb=true").await;
    let original_img = decode(&original);
    assert_eq!(original_img.dimensions(), (WIDTH, HEIGHT));
    assert!(detail(&original_img, BLUR_INSIDE) > 40.0);
    let before = s.case(head).await;
    assert!(before.may_redact_photos);
    assert!(before.photo_redactions.is_empty());
    assert!(!s.case(officer).await.may_redact_photos);

    // The head redacts.
    let saved: PhotoRedaction = ok_json(s.redact(head, &regions()).await).await;
    assert_eq!(saved.photo_id, s.photo_id);
    assert_eq!(saved.regions.len(), 2);
    assert_eq!(
        saved.by_name.as_deref(),
        Some(s.w.head_a.account.full_name.as_str())
    );

    // The officer, the superior head and the head itself: the redacted copy only.
    let redacted = s.bytes(officer, "").await;
    assert_ne!(redacted, original);
    for token in [head, superior] {
        assert_eq!(s.bytes(token, "").await, redacted);
    }
    let img = decode(&redacted);
    assert_eq!(img.dimensions(), (WIDTH, HEIGHT));
    assert!(
        brightest(&img, BLACK_INSIDE) < 16,
        "the black region is not black"
    );
    assert!(
        detail(&img, BLUR_INSIDE) < 3.0,
        "the blurred region keeps detail: {}",
        detail(&img, BLUR_INSIDE)
    );
    assert!(difference(&img, &original_img, BLUR_INSIDE) > 40.0);
    assert!(
        difference(&img, &original_img, UNTOUCHED) < 3.0,
        "outside the regions the photo changed"
    );
    // The thumbnails too.
    let thumb = s.bytes(officer, "?thumb=true").await;
    assert_ne!(thumb, original_thumb);
    assert_eq!(s.bytes(superior, "?thumb=true").await, thumb);
    let small = decode(&thumb);
    assert!(small.width().max(small.height()) <= 320);
    let k = f64::from(small.width()) / f64::from(WIDTH);
    let scaled = |(x, y, w, h): Area| {
        let f = |v: u32| (f64::from(v) * k) as u32;
        (f(x) + 4, f(y) + 4, f(w) - 8, f(h) - 8)
    };
    assert!(brightest(&small, scaled(BLACK_INSIDE)) < 16);
    assert!(detail(&small, scaled(BLUR_INSIDE)) < 4.0);

    // The committee: the redacted copy by default, the original when it asks.
    assert_eq!(s.bytes(committee, "").await, redacted);
    assert_eq!(s.bytes(committee, "?original=true").await, original);
    assert_eq!(
        s.bytes(committee, "?original=true&thumb=true").await,
        original_thumb
    );
    // Anyone else asking for the original: not found, as without access.
    for token in [head, officer, superior] {
        for query in ["?original=true", "?original=true&thumb=true"] {
            assert_api_error(s.photo(token, query).await, 404, ErrorCode::NotFound).await;
        }
    }
    assert_api_error(
        s.photo(s.stranger.token(), "").await,
        404,
        ErrorCode::NotFound,
    )
    .await;
    // The original itself is untouched.
    assert_eq!(s.stored_original().await, original);

    // The case page lists the redaction for those who read the case.
    let page = s.case(officer).await;
    assert_eq!(page.photo_redactions.len(), 1);
    assert_eq!(page.photo_redactions[0].regions, saved.regions);
    assert_eq!(page.photo_redactions[0].redacted_at, saved.redacted_at);

    // One audit entry: who, which photo, in which unit's log, what.
    let entries = s.redaction_entries().await;
    assert_eq!(entries.len(), 1, "{entries:?}");
    let e = &entries[0];
    assert_eq!(e.object_kind, "photo");
    assert_eq!(e.object_id, s.photo_id);
    assert_eq!(e.actor_username, s.w.head_a.username);
    assert_eq!(e.actor_role, "head");
    let detail_json: Value = serde_json::from_str(&e.detail).unwrap();
    assert_eq!(detail_json["case"], json!(s.case_id));
    assert_eq!(detail_json["regions"], regions()["regions"]);
    assert_eq!(detail_json["replaced"], Value::Null);
}

#[tokio::test]
async fn a_redaction_is_redone_from_the_original_by_the_committee() {
    let s = setup().await;
    let (head, officer, committee) = (
        s.w.head_a.token(),
        s.w.officer_a.token(),
        s.w.committee.token(),
    );
    let original = decode(&s.bytes(officer, "").await);
    ok_json::<PhotoRedaction>(s.redact(head, &regions()).await).await;
    let first = s.bytes(officer, "").await;

    // The committee replaces the regions with one black region at the bottom.
    let replacement =
        json!({"regions": [{"x": 0, "y": 750, "w": 1000, "h": 250, "mode": "black"}]});
    let saved: PhotoRedaction = ok_json(s.redact(committee, &replacement).await).await;
    assert_eq!(saved.regions.len(), 1);
    let second = decode(&s.bytes(officer, "").await);
    assert_ne!(s.bytes(officer, "").await, first);
    // The new region is black; the old ones are gone, rendered again from the original (not
    // from the earlier copy, which would leave them black and blurred).
    assert!(brightest(&second, (16, 316, 568, 68)) < 16);
    assert!(difference(&second, &original, BLACK_INSIDE) < 3.0);
    assert!(detail(&second, BLUR_INSIDE) > 40.0);
    assert_eq!(
        s.bytes(committee, "?original=true").await,
        s.stored_original().await
    );
    let page = s.case(head).await;
    assert_eq!(page.photo_redactions.len(), 1);
    assert_eq!(page.photo_redactions[0].regions, saved.regions);
    assert_eq!(
        page.photo_redactions[0].by_name.as_deref(),
        Some(s.w.committee.account.full_name.as_str())
    );

    // Two entries, newest first; the second says what it replaced.
    let entries = s.redaction_entries().await;
    assert_eq!(entries.len(), 2);
    assert_eq!(entries[0].actor_role, "committee");
    let d: Value = serde_json::from_str(&entries[0].detail).unwrap();
    assert_eq!(d["replaced"], regions()["regions"]);
    assert_eq!(d["regions"], replacement["regions"]);
}

#[tokio::test]
async fn officers_and_outsiders_cannot_redact_and_bad_regions_change_nothing() {
    let s = setup().await;
    let (head, officer) = (s.w.head_a.token(), s.w.officer_a.token());
    let original = s.bytes(officer, "").await;

    // The assigned officer sees the case but may not redact; a head elsewhere does not see it.
    let err = assert_api_error(
        s.redact(officer, &regions()).await,
        403,
        ErrorCode::Forbidden,
    )
    .await;
    assert!(err.message.vi.contains("che ảnh"), "{}", err.message.vi);
    assert_api_error(
        s.redact(s.stranger.token(), &regions()).await,
        404,
        ErrorCode::NotFound,
    )
    .await;
    // An unknown photo of the case, and a photo under another case's address.
    let wrong_photo = s
        .app
        .client
        .put(s.app.url(&format!(
            "/api/v1/cases/{}/photos/{}/redaction",
            s.case_id,
            uuid::Uuid::new_v4()
        )))
        .bearer_auth(head)
        .json(&regions())
        .send()
        .await
        .unwrap();
    assert_api_error(wrong_photo, 404, ErrorCode::NotFound).await;

    // Bad regions: each refused with a bilingual reason naming the field.
    let region = |x: i64, y: i64, w: i64, h: i64, mode: &str| json!({"x": x, "y": y, "w": w, "h": h, "mode": mode});
    let too_many: Vec<Value> = (0..21).map(|_| region(0, 0, 10, 10, "black")).collect();
    for (body, field) in [
        (json!({"regions": []}), Some("regions")),
        (json!({"regions": too_many}), Some("regions")),
        (
            json!({"regions": [region(900, 0, 200, 100, "black")]}),
            Some("regions[0].w"),
        ),
        (
            json!({"regions": [region(0, 990, 100, 20, "blur")]}),
            Some("regions[0].h"),
        ),
        (
            json!({"regions": [region(0, 0, 100, 100, "black"), region(10, 10, 0, 50, "blur")]}),
            Some("regions[1].w"),
        ),
        (
            json!({"regions": [region(1200, 0, 10, 10, "black")]}),
            Some("regions[0].x"),
        ),
        (json!({"regions": [region(-5, 0, 10, 10, "black")]}), None),
        (json!({"regions": [region(0, 0, 10, 10, "paint")]}), None),
        (
            json!({"regions": [{"x": 0.5, "y": 0, "w": 10, "h": 10, "mode": "black"}]}),
            None,
        ),
        (json!({}), None),
        (json!([region(0, 0, 10, 10, "black")]), None),
    ] {
        let resp = s.redact(head, &body).await;
        match field {
            Some(field) => {
                let err = assert_api_error(resp, 400, ErrorCode::ValidationFailed).await;
                assert_eq!(err.fields[0].field, field, "{body}");
            }
            None => {
                assert_api_error(resp, 400, ErrorCode::MalformedRequest).await;
            }
        }
    }

    // Nothing changed: the original for everyone, no redaction listed, nothing in the log.
    assert_eq!(s.bytes(officer, "").await, original);
    assert_eq!(s.bytes(head, "").await, original);
    assert!(s.case(head).await.photo_redactions.is_empty());
    assert!(s.redaction_entries().await.is_empty());
}

#[tokio::test]
async fn a_withheld_case_is_redacted_by_the_superior_head_and_never_by_the_unit() {
    let app = spawn_app().await;
    let w = app.world().await;
    // A denunciation of harassment: withheld from commune A (shared::routing).
    let report = json!({
        "kind": "denunciation",
        "category": "harassment",
        "counter_token": w.counter_a.qr_token,
        "description": "Cán bộ gây khó dễ, đòi tôi quay lại nhiều lần; ảnh chụp có người khác.",
        "idempotency_key": uuid::Uuid::new_v4().simple().to_string(),
    });
    let receipt: shared::report::ReportReceipt =
        ok_json(app.send_report(&report, vec![detailed_photo()]).await).await;
    let inbox: CasePage = ok_json(
        app.get("/api/v1/cases?status=all", w.head_province.token())
            .await,
    )
    .await;
    let case_id = inbox
        .items
        .into_iter()
        .find(|c| c.tracking_code == receipt.tracking_code)
        .expect("the superior head's inbox has it")
        .id;
    let case: CaseDetail = ok_json(
        app.get(&format!("/api/v1/cases/{case_id}"), w.head_province.token())
            .await,
    )
    .await;
    assert!(case.may_redact_photos);
    let path = format!(
        "/api/v1/cases/{case_id}/photos/{}/redaction",
        case.photos[0]
    );
    let put = |token: String| {
        let (app, path) = (&app, path.clone());
        async move {
            app.client
                .put(app.url(&path))
                .bearer_auth(token)
                .json(&regions())
                .send()
                .await
                .unwrap()
        }
    };
    // Commune A's own head does not even see it.
    assert_api_error(
        put(w.head_a.access_token.clone()).await,
        404,
        ErrorCode::NotFound,
    )
    .await;
    let saved: PhotoRedaction = ok_json(put(w.head_province.access_token.clone()).await).await;
    assert_eq!(saved.regions.len(), 2);
    let photo = format!("/api/v1/cases/{case_id}/photos/{}", case.photos[0]);
    let shown = app.get(&photo, w.head_province.token()).await;
    assert_eq!(shown.status(), 200);
    let img = decode(&shown.bytes().await.unwrap());
    assert!(brightest(&img, BLACK_INSIDE) < 16);
    let original = app
        .get(&format!("{photo}?original=true"), w.committee.token())
        .await;
    assert_eq!(original.status(), 200);
    assert!(brightest(&decode(&original.bytes().await.unwrap()), BLACK_INSIDE) > 100);
}

#[tokio::test]
async fn two_redactions_at_once_both_land_one_after_the_other() {
    let s = setup().await;
    let (mine, theirs) = (
        regions(),
        json!({"regions": [{"x": 0, "y": 0, "w": 500, "h": 500, "mode": "blur"}]}),
    );
    // The head and the committee redact the same photo, for the first time, at the same moment:
    // both are stored, one after the other (neither fails on the other's new row).
    let (a, b) = tokio::join!(
        s.redact(s.w.head_a.token(), &mine),
        s.redact(s.w.committee.token(), &theirs)
    );
    let a: PhotoRedaction = ok_json(a).await;
    let b: PhotoRedaction = ok_json(b).await;
    assert_ne!(a.regions, b.regions);
    // The later one stands; the log has both, the later saying it replaced the earlier.
    let page = s.case(s.w.head_a.token()).await;
    assert_eq!(page.photo_redactions.len(), 1);
    let standing = json!(page.photo_redactions[0].regions);
    let entries = s.redaction_entries().await;
    assert_eq!(entries.len(), 2);
    let newest: Value = serde_json::from_str(&entries[0].detail).unwrap();
    let oldest: Value = serde_json::from_str(&entries[1].detail).unwrap();
    assert_eq!(newest["regions"], standing);
    assert_eq!(newest["replaced"], oldest["regions"]);
    assert_eq!(oldest["replaced"], Value::Null);
    assert!(
        [json!(a.regions), json!(b.regions)].contains(&oldest["regions"]),
        "{oldest}"
    );
}
