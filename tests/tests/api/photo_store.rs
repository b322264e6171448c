//! Photos in an S3-compatible object store (`MINHBACH_PHOTO_STORE=s3://bucket/prefix`),
//! against moto's S3 server (PyPI's `moto[server]`, which `.ci/setup` installs; the test starts
//! it on a free port): the bytes go to the bucket and the database keeps only their key; staff
//! get the same photo as from the database store; a redaction's copy goes there too and its
//! replaced copy leaves; erasing a reporter's data deletes their photos' objects, but not an
//! object another report still names; with the store down, a report with photos is refused
//! with a clear message and nothing of it is stored.

use diesel::prelude::*;
use object_store::aws::AmazonS3Builder;
use object_store::path::Path;
use object_store::ObjectStore;
use serde_json::json;
use server::photo_store::PhotoStore;
use server::schema::{photo_redactions, report_photos, reports};
use server::services::lifecycle::{run_once, Retention};
use shared::case::CaseDetail;
use shared::report::{ReportReceipt, ReportView};
use shared::ErrorCode;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::Duration;
use tests::{assert_api_error, camera_photo, ok_json, spawn_app_with, TestApp, World};

const BUCKET: &str = "minhbach-photos";
const PREFIX: &str = "ninhbinh";

/// moto's S3 server, stopped when dropped, and a client of its bucket.
struct Moto {
    child: Child,
    url: String,
    bucket: Arc<dyn ObjectStore>,
}

impl Drop for Moto {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

const ACCESS_KEY_ID: &str = "minhbach-test";
const SECRET_ACCESS_KEY: &str = "minhbach-test-secret";

impl Moto {
    async fn start() -> Moto {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let bin = std::env::var("MINHBACH_MOTO_SERVER").unwrap_or_else(|_| "moto_server".into());
        let child = Command::new(&bin)
            .args(["-H", "127.0.0.1", "-p", &port.to_string()])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| {
                panic!("{bin} did not start ({e}): pip install 'moto[server]' (.ci/setup does)")
            });
        let url = format!("http://127.0.0.1:{port}");
        let bucket = AmazonS3Builder::new()
            .with_endpoint(&url)
            .with_allow_http(true)
            .with_bucket_name(BUCKET)
            .with_region("us-east-1")
            .with_access_key_id(ACCESS_KEY_ID)
            .with_secret_access_key(SECRET_ACCESS_KEY)
            .build()
            .unwrap();
        let moto = Moto {
            child,
            url,
            bucket: Arc::new(bucket),
        };
        let http = reqwest::Client::new();
        for _ in 0..200 {
            if http.get(&moto.url).send().await.is_ok() {
                // CreateBucket (moto checks no signature on it).
                let made = http
                    .put(format!("{}/{BUCKET}", moto.url))
                    .send()
                    .await
                    .unwrap();
                assert!(made.status().is_success(), "{}", made.text().await.unwrap());
                return moto;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("moto_server did not answer on {}", moto.url);
    }

    /// The object at `key` (under the deployment's prefix), if there is one.
    async fn object(&self, key: &str) -> Option<Vec<u8>> {
        match self
            .bucket
            .get(&Path::from(format!("{PREFIX}/{key}")))
            .await
        {
            Ok(got) => Some(got.bytes().await.unwrap().to_vec()),
            Err(object_store::Error::NotFound { .. }) => None,
            Err(e) => panic!("reading {key} from the bucket: {e}"),
        }
    }
}

async fn spawn_with_store(moto: &Moto) -> TestApp {
    let endpoint = moto.url.clone();
    spawn_app_with(move |c| {
        c.lifecycle_interval_secs = 0;
        c.photo_store = format!("s3://{BUCKET}/{PREFIX}");
        c.s3_endpoint = Some(endpoint);
        c.s3_region = Some("us-east-1".into());
        c.s3_access_key_id = Some(ACCESS_KEY_ID.into());
        c.s3_secret_access_key = Some(SECRET_ACCESS_KEY.into());
    })
    .await
}

/// An anonymous feedback report from commune A's counter with `photo`.
async fn report_with(app: &TestApp, w: &World, photo: Vec<u8>) -> reqwest::Response {
    let report = json!({
        "kind": "feedback",
        "category": "late_dossier",
        "counter_token": w.counter_a.qr_token,
        "description": "Bảng niêm yết phí ở quầy ghi khác với mức thu thực tế, tôi có chụp ảnh.",
        "idempotency_key": uuid::Uuid::new_v4().simple().to_string(),
    });
    app.send_report(&report, vec![photo]).await
}

/// (report id, photo id) of the case with this receipt, as commune A's head sees it.
async fn case_and_photo(app: &TestApp, w: &World, receipt: &ReportReceipt) -> (String, String) {
    let case_id = app.case_id(w.head_a.token(), &receipt.tracking_code).await;
    let case: CaseDetail = ok_json(
        app.get(&format!("/api/v1/cases/{case_id}"), w.head_a.token())
            .await,
    )
    .await;
    (case_id, case.photos[0].clone())
}

/// The stored row of a photo: (object key, full bytes, thumbnail bytes).
async fn photo_row(app: &TestApp, photo_id: &str) -> (Option<String>, Vec<u8>, Vec<u8>) {
    let id = photo_id.to_string();
    app.on_db(move |conn| {
        server::db_run!(conn, {
            report_photos::table
                .find(&id)
                .select((
                    report_photos::object_key,
                    report_photos::full_bytes,
                    report_photos::thumb_bytes,
                ))
                .first(conn)
                .unwrap()
        })
    })
    .await
}

/// The object key of a photo's redacted copy, and its bytes in the database.
async fn redaction_row(app: &TestApp, photo_id: &str) -> (Option<String>, Vec<u8>) {
    let id = photo_id.to_string();
    app.on_db(move |conn| {
        server::db_run!(conn, {
            photo_redactions::table
                .find(&id)
                .select((photo_redactions::object_key, photo_redactions::full_bytes))
                .first(conn)
                .unwrap()
        })
    })
    .await
}

async fn served(app: &TestApp, token: &str, case_id: &str, photo_id: &str, query: &str) -> Vec<u8> {
    let resp = app
        .get(
            &format!("/api/v1/cases/{case_id}/photos/{photo_id}{query}"),
            token,
        )
        .await;
    assert_eq!(resp.status(), 200, "{query}");
    resp.bytes().await.unwrap().to_vec()
}

async fn redact(app: &TestApp, token: &str, case_id: &str, photo_id: &str, x: u32) {
    let resp = app
        .client
        .put(app.url(&format!(
            "/api/v1/cases/{case_id}/photos/{photo_id}/redaction"
        )))
        .bearer_auth(token)
        .json(&json!({"regions": [{"x": x, "y": 100, "w": 300, "h": 300, "mode": "black"}]}))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200, "{}", resp.text().await.unwrap());
}

/// The citizen asks from the tracking page, and the lifecycle job runs.
async fn erase(app: &TestApp, receipt: &ReportReceipt) {
    let view = app.track(receipt).await;
    let asked = app
        .client
        .post(app.url("/api/v1/reports/track/erase"))
        .json(&json!({ "access": view.access.unwrap() }))
        .send()
        .await
        .unwrap();
    ok_json::<ReportView>(asked).await;
    let photos = PhotoStore::from_config(&app.config).unwrap();
    let retention = Retention {
        feedback_days: 0,
        suggestion_days: 0,
        complaint_days: 0,
        denunciation_days: 0,
        rating_days: 0,
    };
    let now = server::db::now_ms();
    let run = app
        .on_db(move |conn| run_once(conn, &photos, &retention, now, 500).unwrap())
        .await;
    assert_eq!(run.erased_on_request, 1);
}

fn jpeg_side(bytes: &[u8]) -> u32 {
    let img = image::load_from_memory(bytes).expect("a decodable JPEG");
    img.width().max(img.height())
}

#[tokio::test]
async fn photos_live_in_the_object_store_and_leave_it_with_the_reporters_data() {
    let moto = Moto::start().await;
    let app = spawn_with_store(&moto).await;
    let w = app.world().await;
    let head = w.head_a.token();

    // Two reports with the same photo: one object, named by both rows.
    let first: ReportReceipt =
        ok_json(report_with(&app, &w, camera_photo("gps_DSCN0010.jpg")).await).await;
    let second: ReportReceipt =
        ok_json(report_with(&app, &w, camera_photo("gps_DSCN0010.jpg")).await).await;
    let (case1, photo1) = case_and_photo(&app, &w, &first).await;
    let (case2, photo2) = case_and_photo(&app, &w, &second).await;
    let (key1, full1, thumb1) = photo_row(&app, &photo1).await;
    let key = key1.expect("the row names its object");
    assert!(
        key.starts_with("photos/") && key.len() == "photos/".len() + 64,
        "{key}"
    );
    assert!(
        full1.is_empty() && thumb1.is_empty(),
        "no bytes in the database"
    );
    assert_eq!(
        photo_row(&app, &photo2).await.0.as_deref(),
        Some(key.as_str())
    );

    // Staff get what the bucket holds: the re-encoded photo and its thumbnail.
    let full = moto.object(&key).await.expect("the photo is in the bucket");
    let thumb = moto
        .object(&format!("{key}.thumb"))
        .await
        .expect("and its thumbnail");
    assert_eq!(served(&app, head, &case1, &photo1, "").await, full);
    assert_eq!(
        served(&app, head, &case1, &photo1, "?thumb=true").await,
        thumb
    );
    assert!(jpeg_side(&full) <= 2048 && jpeg_side(&thumb) <= 320);
    assert!(
        server::photo::jpeg_metadata_segments(&full)
            .iter()
            .all(|s| !s.contains("Exif")),
        "the camera's GPS tags stay out of the bucket"
    );

    // A redaction's copy goes to the bucket; redone, the replaced copy leaves it.
    redact(&app, head, &case1, &photo1, 100).await;
    let (redacted_key, redacted_bytes) = redaction_row(&app, &photo1).await;
    let redacted_key = redacted_key.expect("the copy is in the bucket");
    assert!(redacted_bytes.is_empty());
    assert_ne!(redacted_key, key);
    let copy = moto.object(&redacted_key).await.expect("the redacted copy");
    assert_eq!(served(&app, head, &case1, &photo1, "").await, copy);
    let committee = w.committee.token();
    assert_eq!(
        served(&app, committee, &case1, &photo1, "?original=true").await,
        full
    );
    redact(&app, head, &case1, &photo1, 500).await;
    let (redone_key, _) = redaction_row(&app, &photo1).await;
    let redone_key = redone_key.unwrap();
    assert_ne!(redone_key, redacted_key);
    assert!(moto.object(&redone_key).await.is_some());
    assert_eq!(
        moto.object(&redacted_key).await,
        None,
        "the replaced copy left"
    );
    assert_eq!(moto.object(&format!("{redacted_key}.thumb")).await, None);

    // The first reporter's data erased: their redacted copy leaves the bucket, the photo they
    // share with the second report stays for it.
    erase(&app, &first).await;
    assert_eq!(moto.object(&redone_key).await, None);
    assert_eq!(moto.object(&key).await.as_ref(), Some(&full));
    assert_eq!(served(&app, head, &case2, &photo2, "").await, full);
    let gone = app
        .get(&format!("/api/v1/cases/{case1}/photos/{photo1}"), head)
        .await;
    assert_eq!(gone.status(), 404);

    // The second one's too: nothing names the photo any more, and it is gone.
    erase(&app, &second).await;
    assert_eq!(moto.object(&key).await, None);
    assert_eq!(moto.object(&format!("{key}.thumb")).await, None);
}

#[tokio::test]
async fn with_the_store_down_a_report_with_photos_is_refused_and_nothing_is_stored() {
    let mut moto = Moto::start().await;
    let app = spawn_with_store(&moto).await;
    let w = app.world().await;
    moto.child.kill().unwrap();
    moto.child.wait().unwrap();

    let refused = report_with(&app, &w, camera_photo("gps_DSCN0010.jpg")).await;
    let error = assert_api_error(refused, 500, ErrorCode::Internal).await;
    assert!(
        error.message.vi.contains("Kho lưu ảnh"),
        "{}",
        error.message.vi
    );
    assert!(
        error.message.en.contains("photo store"),
        "{}",
        error.message.en
    );
    let stored: i64 = app
        .on_db(|conn| server::db_run!(conn, reports::table.count().get_result(conn).unwrap()))
        .await;
    assert_eq!(stored, 0, "nothing of the refused report is kept");

    // A report without photos does not need the store.
    let report = json!({
        "kind": "suggestion",
        "category": "other",
        "counter_token": w.counter_a.qr_token,
        "description": "Đề nghị bố trí thêm ghế chờ ở bộ phận một cửa vào buổi sáng.",
        "idempotency_key": uuid::Uuid::new_v4().simple().to_string(),
    });
    app.submit_report(&report).await;
}

#[tokio::test]
async fn by_default_photos_stay_in_the_database() {
    let app = spawn_app_with(|_| {}).await;
    let w = app.world().await;
    let receipt: ReportReceipt =
        ok_json(report_with(&app, &w, camera_photo("gps_DSCN0010.jpg")).await).await;
    let (case_id, photo_id) = case_and_photo(&app, &w, &receipt).await;
    let (key, full, thumb) = photo_row(&app, &photo_id).await;
    assert_eq!(key, None);
    assert!(!full.is_empty() && !thumb.is_empty());
    assert_eq!(
        served(&app, w.head_a.token(), &case_id, &photo_id, "").await,
        full
    );
}
