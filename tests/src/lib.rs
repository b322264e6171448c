//! The black-box test harness: the real server on a random port and a fresh database per test,
//! spoken to over HTTP with reqwest, plus helpers that sign people in and set up units,
//! counters, staff and accounts.
//!
//! `MINHBACH_TEST_DATABASE` picks the backend: unset or `sqlite` gives each test a new SQLite
//! file; a `postgres://` URL is an administrator connection on which each test creates (and at
//! the end drops) a database of its own.

use diesel::{Connection, PgConnection, RunQueryDsl};
use reqwest::{Response, StatusCode};
use serde::de::DeserializeOwned;
use serde::Serialize;
use server::config::Config;
use server::db::Db;
use server::startup::Application;
use shared::model::*;
use shared::{ApiError, ErrorCode};
use std::io::Write;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

/// The national administrator every test app starts with (created straight in the database,
/// as `minhbach admin create` does).
pub const ADMIN_USERNAME: &str = "quantri";
/// The password of every account the helpers create.
pub const PASSWORD: &str = "mat-khau-rat-dai-123";
/// The key the test server signs access tokens with, so that tests can mint their own.
pub const JWT_SECRET: &str = "khoa-ky-token-cho-kiem-thu-dai-hon-32-ky-tu";

// ---------------------------------------------------------------------------------------------
// Logs

static LOGS: OnceLock<Arc<Mutex<Vec<u8>>>> = OnceLock::new();

/// Writes log lines into the shared buffer (and to stderr too when `TEST_LOG` is set).
struct BufferWriter(Arc<Mutex<Vec<u8>>>);

impl Write for BufferWriter {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .write_all(buf)?;
        if std::env::var_os("TEST_LOG").is_some() {
            let _ = std::io::stderr().write_all(buf);
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Installs, once for the test binary, the server's own JSON log subscriber writing into a
/// buffer, so that a test can read every line the servers of all tests have logged.
fn capture_logs() -> Arc<Mutex<Vec<u8>>> {
    LOGS.get_or_init(|| {
        let buffer = Arc::new(Mutex::new(Vec::new()));
        let shared = buffer.clone();
        let installed =
            server::telemetry::init_logging_with_writer(move || BufferWriter(shared.clone()));
        assert!(installed, "another log subscriber was installed first");
        buffer
    })
    .clone()
}

/// Everything logged so far by any server in this test binary.
pub fn captured_logs() -> String {
    let buffer = capture_logs();
    let bytes = buffer.lock().unwrap_or_else(|e| e.into_inner());
    String::from_utf8_lossy(&bytes).into_owned()
}

// ---------------------------------------------------------------------------------------------
// Databases

/// A database that exists for one test and is removed when the test ends.
pub enum TestDatabase {
    Sqlite { dir: PathBuf, file: PathBuf },
    Postgres { admin_url: String, name: String },
}

impl TestDatabase {
    pub fn create() -> TestDatabase {
        let spec = std::env::var("MINHBACH_TEST_DATABASE").unwrap_or_default();
        let id = uuid::Uuid::new_v4().simple().to_string();
        if spec.starts_with("postgres://") || spec.starts_with("postgresql://") {
            // Without TLS unless the URL asks for it. With it (libpq's default "prefer", and
            // Debian's server offers it), the test process sometimes died with SIGSEGV as it
            // exited after every test had passed: OpenSSL's exit-time cleanup ran while the
            // connection pools' threads were still closing TLS connections.
            let spec = if spec.contains("sslmode=") {
                spec
            } else if spec.contains('?') {
                format!("{spec}&sslmode=disable")
            } else {
                format!("{spec}?sslmode=disable")
            };
            let name = format!("mb_test_{id}");
            let mut conn = PgConnection::establish(&spec)
                .unwrap_or_else(|e| panic!("cannot connect to {spec}: {e}"));
            diesel::sql_query(format!("CREATE DATABASE {name}"))
                .execute(&mut conn)
                .expect("CREATE DATABASE");
            TestDatabase::Postgres {
                admin_url: spec,
                name,
            }
        } else if spec.is_empty() || spec == "sqlite" {
            // A directory per test: a shared one, removed by whichever test finished last when
            // it looked empty, could vanish between another test creating it and SQLite
            // opening its file there ("unable to open the database file").
            let dir = std::env::temp_dir().join("minhbach-tests").join(&id);
            std::fs::create_dir_all(&dir).expect("temp dir");
            let file = dir.join("test.db");
            TestDatabase::Sqlite { dir, file }
        } else {
            panic!("MINHBACH_TEST_DATABASE must be unset, \"sqlite\" or a postgres:// URL");
        }
    }

    pub fn url(&self) -> String {
        match self {
            TestDatabase::Sqlite { file, .. } => format!("sqlite://{}", file.display()),
            TestDatabase::Postgres { admin_url, name } => with_database_name(admin_url, name),
        }
    }

    pub fn is_postgres(&self) -> bool {
        matches!(self, TestDatabase::Postgres { .. })
    }
}

/// The admin URL with its database name swapped (`postgres://u@h:5432/postgres?x` → `…/name?x`).
fn with_database_name(admin_url: &str, name: &str) -> String {
    let (base, query) = match admin_url.split_once('?') {
        Some((b, q)) => (b, Some(q)),
        None => (admin_url, None),
    };
    let scheme_end = base.find("://").map(|i| i + 3).unwrap_or(0);
    let host_part = match base[scheme_end..].find('/') {
        Some(i) => &base[..scheme_end + i],
        None => base,
    };
    match query {
        Some(q) => format!("{host_part}/{name}?{q}"),
        None => format!("{host_part}/{name}"),
    }
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        match self {
            TestDatabase::Sqlite { dir, .. } => {
                // The database file and its -wal and -shm files.
                let _ = std::fs::remove_dir_all(dir);
            }
            TestDatabase::Postgres { admin_url, name } => {
                // The server of the test still holds pooled connections: FORCE ends them.
                if let Ok(mut conn) = PgConnection::establish(admin_url) {
                    let _ =
                        diesel::sql_query(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                            .execute(&mut conn);
                }
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// The app

pub struct TestApp {
    /// `http://127.0.0.1:PORT`
    pub address: String,
    pub port: u16,
    pub client: reqwest::Client,
    pub db_url: String,
    /// The server's own pool, for setting up data the API cannot (the first administrator).
    pub db: Db,
    /// The server's settings, for starting another process on the same database.
    pub config: Config,
    /// The key the server seals personal data with.
    pub data_key: server::crypto::DataKey,
    /// An access token of the national administrator [`ADMIN_USERNAME`].
    pub admin_token: String,
    pub database: TestDatabase,
}

/// A signed-in account.
#[derive(Debug, Clone)]
pub struct Person {
    pub account: Account,
    pub username: String,
    pub access_token: String,
    pub refresh_token: String,
}

impl Person {
    pub fn token(&self) -> &str {
        &self.access_token
    }
}

pub async fn spawn_app() -> TestApp {
    spawn_app_with(|_| {}).await
}

/// Starts a server on a fresh database with the test settings, changed by `tweak`.
pub async fn spawn_app_with(tweak: impl FnOnce(&mut Config)) -> TestApp {
    capture_logs();
    let database = tokio::task::spawn_blocking(TestDatabase::create)
        .await
        .expect("create test database");
    let db_url = database.url();
    let mut config = Config::for_database(&db_url);
    config.addr = "127.0.0.1:0".into();
    config.jwt_secret = Some(JWT_SECRET.into());
    config.workers = 1;
    // No test here fetches the WASM bundles: do not spend a second compressing them.
    config.warm_assets = false;
    config.db_pool_size = 4;
    config.access_ttl_secs = 900;
    config.refresh_ttl_secs = 3600;
    config.trust_proxy = false;
    config.login_burst_per_account = 5;
    config.login_burst_per_address = 30;
    tweak(&mut config);
    let app = Application::build(config.clone())
        .await
        .expect("the server should start");
    let port = app.port();
    let db = app.state.db.clone();
    let data_key = app.state.data_key.clone();
    tokio::spawn(app.run_until_stopped());
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("http client");
    let mut app = TestApp {
        address: format!("http://127.0.0.1:{port}"),
        port,
        client,
        db_url,
        db,
        config,
        data_key,
        admin_token: String::new(),
        database,
    };
    app.create_account_directly(ADMIN_USERNAME, PASSWORD, Role::Admin, None)
        .await;
    app.admin_token = app.login_as(ADMIN_USERNAME, PASSWORD).await.access_token;
    app
}

/// Checks an error response: its status, its JSON shape with a message in both languages, and
/// its stable code. Returns the error for further checks.
pub async fn assert_api_error(resp: Response, status: u16, code: ErrorCode) -> ApiError {
    let got_status = resp.status().as_u16();
    let content_type = resp
        .headers()
        .get(reqwest::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string();
    let body = resp.text().await.expect("response body");
    assert_eq!(got_status, status, "status; body: {body}");
    assert!(
        content_type.starts_with("application/json"),
        "error content type {content_type:?}; body: {body}"
    );
    let err: ApiError =
        serde_json::from_str(&body).unwrap_or_else(|e| panic!("not an ApiError ({e}): {body}"));
    assert_eq!(err.code, code, "error code; body: {body}");
    assert!(
        !err.message.vi.is_empty() && !err.message.en.is_empty(),
        "{body}"
    );
    for f in &err.fields {
        assert!(
            !f.message.vi.is_empty() && !f.message.en.is_empty(),
            "{body}"
        );
    }
    err
}

/// Decodes a 200 response, showing the body when it is something else.
pub async fn ok_json<T: DeserializeOwned>(resp: Response) -> T {
    let status = resp.status();
    let body = resp.text().await.expect("response body");
    assert_eq!(status, StatusCode::OK, "body: {body}");
    serde_json::from_str(&body).unwrap_or_else(|e| panic!("cannot decode ({e}): {body}"))
}

impl TestApp {
    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.address, path)
    }

    pub fn is_postgres(&self) -> bool {
        self.database.is_postgres()
    }

    /// Starts another server process on this app's database (its own port, pool and
    /// background jobs), as a second process behind a load balancer; it runs until the test
    /// ends. Returns its port.
    pub async fn another_process(&self) -> u16 {
        let app = Application::build(self.config.clone())
            .await
            .expect("the second server should start");
        let port = app.port();
        tokio::spawn(app.run_until_stopped());
        port
    }

    /// Runs database work of the server directly (on the blocking pool), as a second server
    /// process would: fixtures the API cannot make, such as a due date in the past.
    pub async fn on_db<T: Send + 'static>(
        &self,
        f: impl FnOnce(&mut server::db::DbConn) -> T + Send + 'static,
    ) -> T {
        let db = self.db.clone();
        tokio::task::spawn_blocking(move || f(&mut db.get().expect("connection")))
            .await
            .expect("join")
    }

    pub async fn get(&self, path: &str, token: &str) -> Response {
        self.client
            .get(self.url(path))
            .bearer_auth(token)
            .send()
            .await
            .expect("request")
    }

    /// Sends a citizen's report as the report page does: a multipart form with the report's
    /// JSON, then each photo as a JPEG part.
    pub async fn send_report(&self, report: &serde_json::Value, photos: Vec<Vec<u8>>) -> Response {
        let mut form = reqwest::multipart::Form::new().text("report", report.to_string());
        for (i, bytes) in photos.into_iter().enumerate() {
            let part = reqwest::multipart::Part::bytes(bytes)
                .file_name(format!("anh-{i}.jpg"))
                .mime_str("image/jpeg")
                .expect("a MIME type");
            form = form.part("photos", part);
        }
        self.client
            .post(self.url("/api/v1/reports"))
            .multipart(form)
            .send()
            .await
            .expect("the report request")
    }

    /// A rating as a new phone gives it at the counter with this QR token: its own device id
    /// and idempotency key; `body` holds the rest (`overall`, `comment`, `staff_id`…).
    pub async fn rate_as_new_phone(
        &self,
        counter_token: &str,
        mut body: serde_json::Value,
    ) -> Response {
        body["counter_token"] = serde_json::json!(counter_token);
        body["idempotency_key"] = serde_json::json!(uuid::Uuid::new_v4().simple().to_string());
        self.client
            .post(self.url("/api/v1/ratings"))
            .header("x-device-id", uuid::Uuid::new_v4().simple().to_string())
            .json(&body)
            .send()
            .await
            .expect("the rating request")
    }

    /// What the citizen's tracking page shows for a stored report (its code and, for an
    /// anonymous report, the secret from the receipt).
    pub async fn track(
        &self,
        receipt: &shared::report::ReportReceipt,
    ) -> shared::report::ReportView {
        let body =
            serde_json::json!({ "tracking_code": receipt.tracking_code, "secret": receipt.secret });
        let res = self
            .client
            .post(self.url("/api/v1/reports/track"))
            .json(&body)
            .send()
            .await
            .expect("the tracking request");
        ok_json(res).await
    }

    /// A citizen's report without photos that must be stored: its receipt.
    pub async fn submit_report(&self, report: &serde_json::Value) -> shared::report::ReportReceipt {
        ok_json(self.send_report(report, Vec::new()).await).await
    }

    /// The id of the case with this tracking code, from the inbox of `token`'s account (every
    /// status, first page of 200).
    pub async fn case_id(&self, token: &str, tracking_code: &str) -> String {
        let page: shared::case::CasePage = ok_json(
            self.get("/api/v1/cases?status=all&per_page=200", token)
                .await,
        )
        .await;
        page.items
            .into_iter()
            .find(|c| c.tracking_code == tracking_code)
            .unwrap_or_else(|| panic!("{tracking_code} is not in the inbox"))
            .id
    }

    pub async fn get_anonymous(&self, path: &str) -> Response {
        self.client
            .get(self.url(path))
            .send()
            .await
            .expect("request")
    }

    pub async fn post_json(&self, path: &str, token: &str, body: &impl Serialize) -> Response {
        self.client
            .post(self.url(path))
            .bearer_auth(token)
            .json(body)
            .send()
            .await
            .expect("request")
    }

    pub async fn patch_json(&self, path: &str, token: &str, body: &impl Serialize) -> Response {
        self.client
            .patch(self.url(path))
            .bearer_auth(token)
            .json(body)
            .send()
            .await
            .expect("request")
    }

    /// Sends raw bytes with the given method and content type (bad JSON, CSV, images).
    pub async fn send_raw(
        &self,
        method: reqwest::Method,
        path: &str,
        token: Option<&str>,
        content_type: &str,
        body: impl Into<reqwest::Body>,
    ) -> Response {
        let mut req = self
            .client
            .request(method, self.url(path))
            .header(reqwest::header::CONTENT_TYPE, content_type)
            .body(body);
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        req.send().await.expect("request")
    }

    pub async fn post_csv(
        &self,
        path: &str,
        token: &str,
        csv: impl Into<reqwest::Body>,
    ) -> Response {
        self.send_raw(
            reqwest::Method::POST,
            path,
            Some(token),
            "text/csv; charset=utf-8",
            csv,
        )
        .await
    }

    pub async fn put_photo(&self, staff_id: &str, token: &str, bytes: Vec<u8>) -> Response {
        self.send_raw(
            reqwest::Method::PUT,
            &format!("/api/v1/staff/{staff_id}/photo"),
            Some(token),
            "image/jpeg",
            bytes,
        )
        .await
    }

    // --- signing in ---------------------------------------------------------------------

    /// Inserts an account straight into the database, like `minhbach admin create`.
    pub async fn create_account_directly(
        &self,
        username: &str,
        password: &str,
        role: Role,
        unit_id: Option<&str>,
    ) -> Account {
        let input = shared::validate::new_account(&NewAccount {
            username: username.into(),
            password: password.into(),
            full_name: "Quản trị viên".into(),
            role,
            unit_id: unit_id.map(str::to_string),
            phone: None,
            email: None,
            staff_id: None,
        })
        .expect("valid account");
        let password = input.password.clone();
        let hash = tokio::task::spawn_blocking(move || server::auth::hash_password(&password))
            .await
            .expect("hash task")
            .expect("hash");
        let key = self.data_key.clone();
        self.db
            .run(move |c| server::services::accounts::insert(c, &input, &hash, &key))
            .await
            .expect("insert account")
    }

    pub async fn login(&self, username: &str, password: &str) -> Response {
        self.client
            .post(self.url("/api/v1/auth/login"))
            .json(&serde_json::json!({ "username": username, "password": password }))
            .send()
            .await
            .expect("request")
    }

    pub async fn login_as(&self, username: &str, password: &str) -> TokenResponse {
        ok_json(self.login(username, password).await).await
    }

    pub async fn refresh(&self, refresh_token: &str) -> Response {
        self.client
            .post(self.url("/api/v1/auth/refresh"))
            .json(&serde_json::json!({ "refresh_token": refresh_token }))
            .send()
            .await
            .expect("request")
    }

    // --- setting things up through the API (as the national administrator) ----------------

    pub async fn create_unit(&self, token: &str, unit: &NewUnit) -> Unit {
        ok_json(self.post_json("/api/v1/units", token, unit).await).await
    }

    pub async fn province(&self, code: &str, name: &str) -> Unit {
        self.create_unit(
            &self.admin_token,
            &NewUnit {
                kind: UnitKind::Province,
                code: code.into(),
                name: name.into(),
                ..Default::default()
            },
        )
        .await
    }

    /// A commune (or ward, department, …: any kind that sits under a province).
    pub async fn unit_under(&self, parent: &Unit, kind: UnitKind, code: &str, name: &str) -> Unit {
        self.create_unit(
            &self.admin_token,
            &NewUnit {
                parent_id: Some(parent.id.clone()),
                kind,
                code: code.into(),
                name: name.into(),
                address: Some(format!("Trụ sở {name}")),
                ..Default::default()
            },
        )
        .await
    }

    pub async fn counter(&self, unit: &Unit, name: &str) -> Counter {
        ok_json(
            self.post_json(
                "/api/v1/counters",
                &self.admin_token,
                &NewCounter {
                    unit_id: unit.id.clone(),
                    name: name.into(),
                },
            )
            .await,
        )
        .await
    }

    pub async fn staff(
        &self,
        unit: &Unit,
        full_name: &str,
        badge: &str,
        counter: Option<&Counter>,
    ) -> Staff {
        ok_json(
            self.post_json(
                "/api/v1/staff",
                &self.admin_token,
                &NewStaff {
                    unit_id: unit.id.clone(),
                    full_name: full_name.into(),
                    title: "Công chức Văn phòng - Thống kê".into(),
                    badge_number: badge.into(),
                    counter_id: counter.map(|c| c.id.clone()),
                },
            )
            .await,
        )
        .await
    }

    /// Creates an account through the API with [`PASSWORD`].
    pub async fn account(&self, username: &str, role: Role, unit: Option<&Unit>) -> Account {
        ok_json(
            self.post_json(
                "/api/v1/accounts",
                &self.admin_token,
                &NewAccount {
                    username: username.into(),
                    password: PASSWORD.into(),
                    full_name: format!("Người dùng {username}"),
                    role,
                    unit_id: unit.map(|u| u.id.clone()),
                    phone: None,
                    email: None,
                    staff_id: None,
                },
            )
            .await,
        )
        .await
    }

    /// Creates an account with this role scoped to `unit` and signs it in.
    pub async fn signed_in(&self, username: &str, role: Role, unit: Option<&Unit>) -> Person {
        let account = self.account(username, role, unit).await;
        let tokens = self.login_as(username, PASSWORD).await;
        Person {
            account,
            username: username.into(),
            access_token: tokens.access_token,
            refresh_token: tokens.refresh_token,
        }
    }

    /// A province with two communes, a counter and an officer in each, and people of every
    /// role: [`World`].
    pub async fn world(&self) -> World {
        let province = self.province("NB", "Tỉnh Ninh Bình").await;
        let commune_a = self
            .unit_under(&province, UnitKind::Commune, "NB-GV", "UBND xã Gia Viễn")
            .await;
        let commune_b = self
            .unit_under(&province, UnitKind::Ward, "NB-HL", "UBND phường Hoa Lư")
            .await;
        let counter_a = self.counter(&commune_a, "Quầy số 1").await;
        let counter_b = self.counter(&commune_b, "Quầy số 1").await;
        let staff_a = self
            .staff(&commune_a, "Nguyễn Thị Lan", "GV-001", Some(&counter_a))
            .await;
        let staff_b = self
            .staff(&commune_b, "Trần Văn Minh", "HL-001", Some(&counter_b))
            .await;
        let province_admin = self
            .signed_in("quantri.tinh", Role::Admin, Some(&province))
            .await;
        let admin_a = self
            .signed_in("quantri.giavien", Role::Admin, Some(&commune_a))
            .await;
        let head_a = self
            .signed_in("chutich.giavien", Role::Head, Some(&commune_a))
            .await;
        let head_province = self
            .signed_in("chutich.tinh", Role::Head, Some(&province))
            .await;
        let officer_a = self
            .signed_in("canbo.giavien", Role::Officer, Some(&commune_a))
            .await;
        let committee = self
            .signed_in("ubkt.tinh", Role::Committee, Some(&province))
            .await;
        World {
            province,
            commune_a,
            commune_b,
            counter_a,
            counter_b,
            staff_a,
            staff_b,
            province_admin,
            admin_a,
            head_a,
            head_province,
            officer_a,
            committee,
        }
    }

    // --- reading back ---------------------------------------------------------------------

    /// Every unit the national administrator sees, inactive ones included.
    pub async fn all_units(&self) -> Page<Unit> {
        ok_json(
            self.get(
                "/api/v1/units?include_inactive=true&per_page=500",
                &self.admin_token,
            )
            .await,
        )
        .await
    }

    pub async fn all_staff(&self) -> Page<Staff> {
        ok_json(
            self.get(
                "/api/v1/staff?include_inactive=true&per_page=500",
                &self.admin_token,
            )
            .await,
        )
        .await
    }

    pub async fn all_counters(&self) -> Page<Counter> {
        ok_json(
            self.get(
                "/api/v1/counters?include_inactive=true&per_page=500",
                &self.admin_token,
            )
            .await,
        )
        .await
    }

    pub async fn all_accounts(&self) -> Page<Account> {
        ok_json(
            self.get(
                "/api/v1/accounts?include_inactive=true&per_page=500",
                &self.admin_token,
            )
            .await,
        )
        .await
    }
}

// ---------------------------------------------------------------------------------------------
// A messaging gateway

/// How the test gateway answers one request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GatewayAnswer {
    /// Answers nothing for five seconds, then 500: longer than the tests' sender timeout.
    Hang,
    /// 503 at once.
    Fail,
    /// 200, and the message counts as delivered.
    Accept,
}

/// A minimal HTTP gateway on loopback standing in for the SMS / Zalo / e-mail provider: it
/// answers its n-th request as its script says (and accepts every request after the script),
/// and records the JSON bodies it accepted. With `auth`, a request without that
/// `Authorization` header is refused with 401 (and so never counts as delivered).
pub struct TestGateway {
    /// `http://127.0.0.1:PORT/send`, for `MINHBACH_NOTIFY_URL`.
    pub url: String,
    accepted: Arc<Mutex<Vec<serde_json::Value>>>,
    requests: Arc<Mutex<usize>>,
}

impl TestGateway {
    pub async fn start(script: Vec<GatewayAnswer>, auth: Option<&str>) -> TestGateway {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind the gateway");
        let url = format!("http://{}/send", listener.local_addr().expect("address"));
        let accepted = Arc::new(Mutex::new(Vec::new()));
        let requests = Arc::new(Mutex::new(0usize));
        let (acc, reqs) = (accepted.clone(), requests.clone());
        let auth = auth.map(|a| format!("authorization: {}", a.to_ascii_lowercase()));
        tokio::spawn(async move {
            loop {
                let Ok((sock, _)) = listener.accept().await else {
                    continue;
                };
                let n = {
                    let mut r = reqs.lock().unwrap();
                    *r += 1;
                    *r - 1
                };
                let answer = script.get(n).copied().unwrap_or(GatewayAnswer::Accept);
                tokio::spawn(answer_one(sock, answer, auth.clone(), acc.clone()));
            }
        });
        TestGateway {
            url,
            accepted,
            requests,
        }
    }

    /// The bodies accepted so far, in order.
    pub fn accepted(&self) -> Vec<serde_json::Value> {
        self.accepted.lock().unwrap().clone()
    }

    /// Requests received so far, accepted or not.
    pub fn requests(&self) -> usize {
        *self.requests.lock().unwrap()
    }

    /// Waits until at least `n` messages were accepted (at most `limit`); returns what was.
    pub async fn wait_for(&self, n: usize, limit: Duration) -> Vec<serde_json::Value> {
        let deadline = Instant::now() + limit;
        while self.accepted.lock().unwrap().len() < n && Instant::now() < deadline {
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        self.accepted()
    }
}

/// Reads one request (head, then the body by its Content-Length) and answers it; the
/// connection is closed after each answer.
async fn answer_one(
    mut sock: tokio::net::TcpStream,
    answer: GatewayAnswer,
    auth: Option<String>,
    accepted: Arc<Mutex<Vec<serde_json::Value>>>,
) {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    let (head, body) = loop {
        let k = tokio::io::AsyncReadExt::read(&mut sock, &mut chunk)
            .await
            .unwrap_or(0);
        if k == 0 {
            return;
        }
        buf.extend_from_slice(&chunk[..k]);
        let text = String::from_utf8_lossy(&buf).to_string();
        if let Some(end) = text.find("\r\n\r\n") {
            let len = text[..end]
                .lines()
                .find_map(|l| {
                    l.to_ascii_lowercase()
                        .strip_prefix("content-length:")
                        .map(|v| v.trim().parse::<usize>().unwrap_or(0))
                })
                .unwrap_or(0);
            if buf.len() >= end + 4 + len {
                break (
                    text[..end].to_ascii_lowercase(),
                    buf[end + 4..end + 4 + len].to_vec(),
                );
            }
        }
    };
    let authorised = auth
        .as_ref()
        .is_none_or(|a| head.lines().any(|l| l.trim() == a));
    let status = match answer {
        _ if !authorised => "401 Unauthorized",
        GatewayAnswer::Hang => {
            tokio::time::sleep(Duration::from_secs(5)).await;
            "500 Internal Server Error"
        }
        GatewayAnswer::Fail => "503 Service Unavailable",
        GatewayAnswer::Accept => match serde_json::from_slice(&body) {
            Ok(message) => {
                accepted.lock().unwrap().push(message);
                "200 OK"
            }
            Err(_) => "400 Bad Request",
        },
    };
    let answer = format!("HTTP/1.1 {status}\r\ncontent-length: 0\r\nconnection: close\r\n\r\n");
    let _ = tokio::io::AsyncWriteExt::write_all(&mut sock, answer.as_bytes()).await;
}

/// A province (NB) with commune A (Gia Viễn) and ward B (Hoa Lư), one counter and one officer in
/// each, and signed-in people: a province administrator, an administrator of A, the head and a
/// counter officer of A, and a member of the province's inspection committee.
pub struct World {
    pub province: Unit,
    pub commune_a: Unit,
    pub commune_b: Unit,
    pub counter_a: Counter,
    pub counter_b: Counter,
    pub staff_a: Staff,
    pub staff_b: Staff,
    pub province_admin: Person,
    pub admin_a: Person,
    pub head_a: Person,
    /// The head of the province: the superior of commune A's head, who handles what is
    /// withheld from commune A (denunciations, reports about its head).
    pub head_province: Person,
    pub officer_a: Person,
    pub committee: Person,
}

/// A real camera photo from the shared test data (with GPS tags in its EXIF block).
pub fn camera_photo(name: &str) -> Vec<u8> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/testdata/photos");
    std::fs::read(dir.join(name)).unwrap_or_else(|e| {
        panic!(
            "the test photos must be in {} (the shared/ folder beside the repository): {e}",
            dir.display()
        )
    })
}

#[cfg(test)]
mod tests {
    use super::with_database_name;

    #[test]
    fn database_name_is_swapped_in_the_admin_url() {
        assert_eq!(
            with_database_name("postgres://postgres@127.0.0.1:5432/postgres", "x"),
            "postgres://postgres@127.0.0.1:5432/x"
        );
        assert_eq!(
            with_database_name("postgres://u:p@h/postgres?sslmode=disable", "x"),
            "postgres://u:p@h/x?sslmode=disable"
        );
        assert_eq!(with_database_name("postgres://h", "x"), "postgres://h/x");
    }
}
