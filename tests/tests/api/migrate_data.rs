//! `minhbach migrate-data`, the real command: a deployment on SQLite with real data put through
//! the API (ratings, a named report with a photo, an anonymous one, the heads' steps, a revealed
//! reporter) moves into a new PostgreSQL database; every row of every table is compared (SQLite
//! integers against PostgreSQL booleans, text, photos byte for byte), and a server started on
//! PostgreSQL shows the same reports, photo, reporter and figures, and sends the messages that
//! were waiting to the reporter's phone (so the data key came along). The refusals (no source
//! file; a target with data or with another application's tables) change nothing.
//!
//! These tests need PostgreSQL whatever `MINHBACH_TEST_DATABASE` says: its URL when it is one,
//! else `MINHBACH_CI_POSTGRES`, else the local server CI has
//! (postgres://postgres@127.0.0.1:5432/postgres). The command is the binary next to the test
//! binary (`cargo build -p server --bin minhbach` first, as `.ci/test` does).

use diesel::prelude::*;
use diesel::sql_types::Text;
use diesel::{PgConnection, SqliteConnection};
use serde_json::{json, Value};
use shared::case::{CaseDetail, RevealedIdentity};
use shared::report::{ReportReceipt, ReportView};
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::Duration;
use tests::{camera_photo, ok_json, spawn_app_with, TestApp, TestGateway};

const NAME: &str = "Phạm Thị Lan";
const PHONE: &str = "0987654321";
const EMAIL: &str = "lan@example.vn";
const REASON: &str = "Cần liên hệ người tố cáo để xác minh thời điểm đưa tiền và người chứng kiến.";

// ---------------------------------------------------------------------------------------------
// Databases

/// The PostgreSQL server these tests use, as an administrator URL (without TLS unless asked:
/// see `TestDatabase::create`).
fn pg_admin_url() -> String {
    let url = std::env::var("MINHBACH_TEST_DATABASE")
        .ok()
        .filter(|u| u.starts_with("postgres://") || u.starts_with("postgresql://"))
        .or_else(|| {
            std::env::var("MINHBACH_CI_POSTGRES")
                .ok()
                .filter(|u| !u.is_empty())
        })
        .unwrap_or_else(|| "postgres://postgres@127.0.0.1:5432/postgres".into());
    if url.contains("sslmode=") {
        url
    } else if url.contains('?') {
        format!("{url}&sslmode=disable")
    } else {
        format!("{url}?sslmode=disable")
    }
}

/// A new PostgreSQL database, dropped when the test ends.
struct PgDatabase {
    admin: String,
    name: String,
}

impl PgDatabase {
    fn create() -> PgDatabase {
        let admin = pg_admin_url();
        let name = format!("mb_test_migrate_{}", uuid::Uuid::new_v4().simple());
        let mut conn = PgConnection::establish(&admin)
            .unwrap_or_else(|e| panic!("these tests need PostgreSQL at {admin}: {e}"));
        diesel::sql_query(format!("CREATE DATABASE {name}"))
            .execute(&mut conn)
            .expect("CREATE DATABASE");
        PgDatabase { admin, name }
    }

    /// The administrator URL with the database name swapped.
    fn url(&self) -> String {
        let (base, query) = match self.admin.split_once('?') {
            Some((b, q)) => (b, Some(q)),
            None => (self.admin.as_str(), None),
        };
        let scheme_end = base.find("://").map_or(0, |i| i + 3);
        let host = match base[scheme_end..].find('/') {
            Some(i) => &base[..scheme_end + i],
            None => base,
        };
        match query {
            Some(q) => format!("{host}/{}?{q}", self.name),
            None => format!("{host}/{}", self.name),
        }
    }
}

impl Drop for PgDatabase {
    fn drop(&mut self) {
        if let Ok(mut conn) = PgConnection::establish(&self.admin) {
            let _ = diesel::sql_query(format!(
                "DROP DATABASE IF EXISTS {} WITH (FORCE)",
                self.name
            ))
            .execute(&mut conn);
        }
    }
}

/// A directory for the SQLite deployment, removed when the test ends.
struct Dir(PathBuf);

impl Dir {
    fn new() -> Dir {
        let dir = std::env::temp_dir()
            .join("minhbach-tests")
            .join(format!("migrate-{}", uuid::Uuid::new_v4().simple()));
        std::fs::create_dir_all(&dir).unwrap();
        Dir(dir)
    }

    fn sqlite_url(&self) -> String {
        format!("sqlite://{}", self.0.join("minhbach.db").display())
    }
}

impl Drop for Dir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// A server on SQLite in `dir`, whatever `MINHBACH_TEST_DATABASE` says, with no background
/// job: nothing writes but the requests of the test. (`app.db_url` names the harness's own
/// database, which stays unused; the server's is `dir.sqlite_url()`.)
async fn sqlite_app(dir: &Dir) -> TestApp {
    let url = dir.sqlite_url();
    spawn_app_with(move |c| {
        c.database_url = url;
        c.overdue_interval_secs = 0;
        c.reception_digest_interval_secs = 0;
        c.lifecycle_interval_secs = 0;
        c.notify_url = None;
    })
    .await
}

// ---------------------------------------------------------------------------------------------
// Every row of every table

#[derive(QueryableByName)]
struct Name {
    #[diesel(sql_type = Text)]
    name: String,
}

#[derive(QueryableByName)]
struct Column {
    #[diesel(sql_type = Text)]
    name: String,
    #[diesel(sql_type = Text)]
    kind: String,
}

#[derive(QueryableByName)]
struct Line {
    #[diesel(sql_type = Text)]
    row: String,
}

type Rows = BTreeMap<String, Vec<String>>;

/// Every table's rows (`__diesel_schema_migrations` aside: each database has its own), each
/// row as SQLite's `quote()` writes it, columns in name order, rows sorted: integers bare,
/// text quoted, blobs as X'HEX', NULL. PostgreSQL's values are written the same way, its
/// booleans as the 0 and 1 SQLite keeps, so equal rows are equal strings and a value of
/// another type (text '1' for integer 1) is not.
fn sqlite_rows(path: &str) -> Rows {
    let mut c = SqliteConnection::establish(path).expect("open the SQLite file");
    let tables: Vec<Name> = diesel::sql_query(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'
           AND name <> '__diesel_schema_migrations'",
    )
    .load(&mut c)
    .unwrap();
    let mut all = Rows::new();
    for table in tables.into_iter().map(|t| t.name) {
        let mut columns: Vec<String> = diesel::sql_query("SELECT name FROM pragma_table_info(?)")
            .bind::<Text, _>(&table)
            .load::<Name>(&mut c)
            .unwrap()
            .into_iter()
            .map(|c| c.name)
            .collect();
        columns.sort();
        let quoted: Vec<String> = columns.iter().map(|c| format!("quote(\"{c}\")")).collect();
        let sql = format!(
            "SELECT {} AS row FROM \"{table}\"",
            quoted.join(" || ',' || ")
        );
        let mut rows: Vec<String> = diesel::sql_query(&sql)
            .load::<Line>(&mut c)
            .unwrap_or_else(|e| panic!("{sql}: {e}"))
            .into_iter()
            .map(|r| r.row)
            .collect();
        rows.sort();
        all.insert(table, rows);
    }
    all
}

fn pg_rows(url: &str) -> Rows {
    let mut c = PgConnection::establish(url).expect("connect to PostgreSQL");
    let tables: Vec<Name> = diesel::sql_query(
        "SELECT table_name::text AS name FROM information_schema.tables
         WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'
           AND table_name <> '__diesel_schema_migrations'",
    )
    .load(&mut c)
    .unwrap();
    let mut all = Rows::new();
    for table in tables.into_iter().map(|t| t.name) {
        let mut columns: Vec<Column> = diesel::sql_query(
            "SELECT column_name::text AS name, data_type::text AS kind FROM information_schema.columns
             WHERE table_schema = current_schema() AND table_name = $1",
        )
        .bind::<Text, _>(&table)
        .load(&mut c)
        .unwrap();
        columns.sort_by(|a, b| a.name.cmp(&b.name));
        let quoted: Vec<String> = columns
            .iter()
            .map(|c| {
                let n = format!("\"{}\"", c.name);
                match c.kind.as_str() {
                    "boolean" => {
                        format!("CASE WHEN {n} IS NULL THEN 'NULL' WHEN {n} THEN '1' ELSE '0' END")
                    }
                    "bigint" | "integer" | "smallint" => format!("COALESCE({n}::text, 'NULL')"),
                    "bytea" => {
                        format!("COALESCE('X''' || upper(encode({n}, 'hex')) || '''', 'NULL')")
                    }
                    _ => format!(
                        "COALESCE('''' || replace({n}::text, '''', '''''') || '''', 'NULL')"
                    ),
                }
            })
            .collect();
        let sql = format!(
            "SELECT {} AS row FROM \"{table}\"",
            quoted.join(" || ',' || ")
        );
        let mut rows: Vec<String> = diesel::sql_query(&sql)
            .load::<Line>(&mut c)
            .unwrap_or_else(|e| panic!("{sql}: {e}"))
            .into_iter()
            .map(|r| r.row)
            .collect();
        rows.sort();
        all.insert(table, rows);
    }
    all
}

/// The `name` column of `sql`'s rows, sorted.
fn names<C>(c: &mut C, sql: &str) -> Vec<String>
where
    C: Connection,
    for<'a> diesel::query_builder::SqlQuery: diesel::query_dsl::LoadQuery<'a, C, Name>,
{
    let mut names: Vec<String> = diesel::sql_query(sql)
        .load::<Name>(c)
        .unwrap_or_else(|e| panic!("{sql}: {e}"))
        .into_iter()
        .map(|n| n.name)
        .collect();
    names.sort();
    names
}

/// The migration versions a database has applied.
fn versions_sqlite(path: &str) -> Vec<String> {
    let mut c = SqliteConnection::establish(path).unwrap();
    names(
        &mut c,
        "SELECT version AS name FROM __diesel_schema_migrations",
    )
}

fn versions_pg(url: &str) -> Vec<String> {
    let mut c = PgConnection::establish(url).unwrap();
    names(
        &mut c,
        "SELECT version::text AS name FROM __diesel_schema_migrations",
    )
}

/// Every index of the database, as `CREATE INDEX` statements.
fn indexes(url: &str) -> Vec<String> {
    let mut c = PgConnection::establish(url).unwrap();
    names(
        &mut c,
        "SELECT indexdef AS name FROM pg_indexes WHERE schemaname = current_schema()",
    )
}

async fn blocking<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
    tokio::task::spawn_blocking(f).await.unwrap()
}

/// Asserts that two databases hold the same rows, table by table.
fn assert_same_rows(sqlite: &Rows, pg: &Rows) {
    assert_eq!(
        sqlite.keys().collect::<Vec<_>>(),
        pg.keys().collect::<Vec<_>>(),
        "the same tables"
    );
    for (table, rows) in sqlite {
        assert_eq!(rows.len(), pg[table].len(), "rows of {table}");
        for (a, b) in rows.iter().zip(&pg[table]) {
            assert_eq!(a, b, "a row of {table}");
        }
    }
}

// ---------------------------------------------------------------------------------------------
// The command

fn minhbach() -> PathBuf {
    let exe = std::env::current_exe().expect("test binary path");
    let bin = exe
        .parent()
        .and_then(|deps| deps.parent())
        .map(|dir| dir.join("minhbach"))
        .expect("target directory");
    assert!(
        bin.exists(),
        "{} is missing: run `cargo build -p server --bin minhbach` first",
        bin.display()
    );
    bin
}

/// Runs `minhbach ARGS`: whether it succeeded, and what it printed (standard output, then
/// standard error).
async fn run(args: &[&str]) -> (bool, String) {
    let out = tokio::process::Command::new(minhbach())
        .args(args)
        .env("RUST_LOG", "error")
        .env_remove("DATABASE_URL")
        .env_remove("MINHBACH_DATA_KEY")
        .output()
        .await
        .expect("run minhbach");
    (
        out.status.success(),
        format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ),
    )
}

async fn migrate_data(from: &str, to: &str) -> (bool, String) {
    run(&["migrate-data", "--from", from, "--to", to]).await
}

// ---------------------------------------------------------------------------------------------
// Over HTTP, to either server

async fn get(app: &TestApp, base: &str, path: &str, token: &str) -> reqwest::Response {
    app.client
        .get(format!("{base}{path}"))
        .bearer_auth(token)
        .send()
        .await
        .unwrap()
}

async fn track(app: &TestApp, base: &str, receipt: &ReportReceipt) -> ReportView {
    let resp = app
        .client
        .post(format!("{base}/api/v1/reports/track"))
        .json(&json!({ "tracking_code": receipt.tracking_code, "secret": receipt.secret }))
        .send()
        .await
        .unwrap();
    ok_json(resp).await
}

async fn reveal(app: &TestApp, base: &str, case_id: &str, token: &str) -> RevealedIdentity {
    let resp = app
        .client
        .post(format!("{base}/api/v1/cases/{case_id}/identity"))
        .bearer_auth(token)
        .json(&json!({ "reason": REASON }))
        .send()
        .await
        .unwrap();
    ok_json(resp).await
}

async fn photo(app: &TestApp, base: &str, case_id: &str, photo_id: &str, token: &str) -> Vec<u8> {
    let resp = get(
        app,
        base,
        &format!("/api/v1/cases/{case_id}/photos/{photo_id}"),
        token,
    )
    .await;
    assert_eq!(resp.status(), 200);
    resp.bytes().await.unwrap().to_vec()
}

/// What the tracking page shows that must not change with the database (the `access` token is
/// made anew for each look-up).
fn tracked(view: &ReportView) -> Value {
    let mut v = serde_json::to_value(view).unwrap();
    v.as_object_mut().unwrap().remove("access");
    v
}

/// The dashboard with its breakdowns in one order: a unit's `by_kind` and `by_category` in the
/// ranking come in the order the database returned its rows (the totals are sorted), and two
/// databases return ties in different orders.
fn canonical(mut v: Value) -> Value {
    fn walk(v: &mut Value) {
        match v {
            Value::Object(map) => {
                for (key, child) in map.iter_mut() {
                    if key.starts_with("by_") {
                        if let Value::Array(items) = child {
                            items.sort_by_key(|i| i.to_string());
                        }
                    }
                    walk(child);
                }
            }
            Value::Array(items) => items.iter_mut().for_each(walk),
            _ => {}
        }
    }
    walk(&mut v);
    v
}

async fn act(app: &TestApp, token: &str, id: &str, action: Value) {
    let _: CaseDetail = ok_json(
        app.post_json(&format!("/api/v1/cases/{id}/actions"), token, &action)
            .await,
    )
    .await;
}

#[tokio::test]
async fn an_sqlite_deployment_moves_to_postgresql_with_every_row_and_the_server_carries_on_there() {
    let dir = Dir::new();
    let app = sqlite_app(&dir).await;
    let base = app.address.clone();
    let w = app.world().await;

    // Ratings with officers and SIPAS answers (the roll-up tables get rows), one with a comment.
    for (overall, attitude) in [
        ("very_satisfied", 5),
        ("satisfied", 4),
        ("not_satisfied", 1),
    ] {
        let resp = app
            .rate_as_new_phone(
                &w.counter_a.qr_token,
                json!({
                    "overall": overall,
                    "staff_id": w.staff_a.id,
                    "sipas": { "attitude": attitude },
                    "comment": "Cán bộ hướng dẫn tận tình, nhưng phải chờ lâu.",
                }),
            )
            .await;
        assert_eq!(resp.status(), 200);
    }
    // A named denunciation with a camera photo: encrypted identity, a photo, messages waiting.
    let named = json!({
        "kind": "denunciation",
        "category": "asking_money",
        "counter_token": w.counter_a.qr_token,
        "description": "Cán bộ một cửa đòi 500.000 đồng mới nhận hồ sơ đất đai của tôi.",
        "idempotency_key": uuid::Uuid::new_v4().simple().to_string(),
        "reporter": { "full_name": NAME, "phone": PHONE, "email": EMAIL, "consent": true },
    });
    let named: ReportReceipt = ok_json(
        app.send_report(&named, vec![camera_photo("gps_DSCN0010.jpg")])
            .await,
    )
    .await;
    // An anonymous feedback, accepted by the commune's head and left open.
    let anonymous = app
        .submit_report(&json!({
            "kind": "feedback",
            "category": "late_dossier",
            "counter_token": w.counter_a.qr_token,
            "description": "Hồ sơ đất đai trễ hẹn ba tuần, không có phiếu xin lỗi.",
            "idempotency_key": uuid::Uuid::new_v4().simple().to_string(),
        }))
        .await;
    let head = w.head_province.token();
    let named_case = app.case_id(head, &named.tracking_code).await;
    act(&app, head, &named_case, json!({"action": "accept"})).await;
    act(
        &app,
        head,
        &named_case,
        json!({"action": "answer", "text": "Đã xác minh, cán bộ bị kỷ luật khiển trách; số tiền đã được trả lại bà."}),
    )
    .await;
    let anonymous_case = app
        .case_id(w.head_a.token(), &anonymous.tracking_code)
        .await;
    act(
        &app,
        w.head_a.token(),
        &anonymous_case,
        json!({"action": "accept"}),
    )
    .await;
    // The committee reveals the reporter (identity_reveals, the audit log).
    let seen = reveal(&app, &base, &named_case, w.committee.token()).await;
    assert_eq!(
        (seen.full_name.as_str(), seen.phone.as_str()),
        (NAME, PHONE)
    );

    // What the server on SQLite shows, to compare with the one on PostgreSQL.
    let detail: CaseDetail =
        ok_json(get(&app, &base, &format!("/api/v1/cases/{named_case}"), head).await).await;
    assert_eq!(detail.photos.len(), 1);
    let photo_id = detail.photos[0].clone();
    let photo_before = photo(&app, &base, &named_case, &photo_id, head).await;
    assert!(photo_before.len() > 1000);
    let figures_path = format!("/api/v1/figures?unit_id={}", w.province.id);
    let figures_before: Value = ok_json(get(&app, &base, &figures_path, head).await).await;
    let views_before = [
        tracked(&track(&app, &base, &named).await),
        tracked(&track(&app, &base, &anonymous).await),
    ];

    // The server is done with the file: no request, no background job writes to it any more.
    let target = PgDatabase::create();
    let (ok, out) = migrate_data(&dir.sqlite_url(), &target.url()).await;
    assert!(ok, "{out}");
    assert!(
        out.contains("Tổng / Total") && out.contains("Moved"),
        "{out}"
    );
    assert!(!out.contains("DIFFERS"), "{out}");
    assert!(
        out.contains("The data key is kept in the database and moved with it"),
        "{out}"
    );

    // Every row of every table, photos byte for byte, booleans as SQLite keeps them.
    let path = dir.0.join("minhbach.db").display().to_string();
    let (p, url) = (path.clone(), target.url());
    let (source, copy) = blocking(move || (sqlite_rows(&p), pg_rows(&url))).await;
    assert_same_rows(&source, &copy);
    for table in [
        "ratings",
        "rating_unit_days",
        "rating_staff_days",
        "reports",
        "report_photos",
        "report_events",
        "case_days",
        "case_counts",
        "outbox",
        "identity_reveals",
        "audit_log",
        "server_secrets",
        "sessions",
        "accounts",
        "discipline_measures",
    ] {
        assert!(!copy[table].is_empty(), "{table} has rows to compare");
    }
    assert_eq!(copy["ratings"].len(), 3);
    assert_eq!(copy["reports"].len(), 2);
    let (p, url) = (path.clone(), target.url());
    let (v_sqlite, v_pg) = blocking(move || (versions_sqlite(&p), versions_pg(&url))).await;
    assert_eq!(v_sqlite, v_pg, "both at the newest migration");

    // The indexes dropped for the copy are all back, as the migrations made them.
    let fresh = PgDatabase::create();
    let (ok, out) = run(&["migrate", "--database-url", &fresh.url()]).await;
    assert!(ok, "{out}");
    let (a, b) = (target.url(), fresh.url());
    let (copied, made) = blocking(move || (indexes(&a), indexes(&b))).await;
    assert!(copied.len() > 40, "{copied:?}");
    assert_eq!(copied, made);

    // The audit log's hash chain holds on the copy.
    let (ok, out) = run(&["audit", "verify", "--database-url", &target.url()]).await;
    assert!(ok && out.starts_with("OK"), "{out}");

    // A server on PostgreSQL, with the same settings and a messaging gateway now.
    let gateway = TestGateway::start(Vec::new(), None).await;
    let mut config = app.config.clone();
    config.database_url = target.url();
    config.addr = "127.0.0.1:0".into();
    config.notify_url = Some(gateway.url.clone());
    config.notify_interval_ms = 50;
    let moved = server::startup::Application::build(config).await.unwrap();
    let pg_base = format!("http://127.0.0.1:{}", moved.port());
    tokio::spawn(moved.run_until_stopped());

    // The citizens' codes open their reports; the staff see the same case, photo and figures;
    // the committee reads the reporter's name (decrypted with the data key that came along).
    let views_after = [
        tracked(&track(&app, &pg_base, &named).await),
        tracked(&track(&app, &pg_base, &anonymous).await),
    ];
    assert_eq!(views_before, views_after);
    assert_eq!(
        photo(&app, &pg_base, &named_case, &photo_id, head).await,
        photo_before,
        "the photo, byte for byte"
    );
    let after: CaseDetail =
        ok_json(get(&app, &pg_base, &format!("/api/v1/cases/{named_case}"), head).await).await;
    assert_eq!(after.summary.status, detail.summary.status);
    assert_eq!(after.timeline.len(), detail.timeline.len());
    let figures_after: Value = ok_json(get(&app, &pg_base, &figures_path, head).await).await;
    assert_eq!(canonical(figures_before), canonical(figures_after.clone()));
    assert_eq!(
        figures_after["ratings"]["very_satisfied"], 1,
        "{figures_after}"
    );
    let seen = reveal(&app, &pg_base, &named_case, w.committee.token()).await;
    assert_eq!(
        (
            seen.full_name.as_str(),
            seen.phone.as_str(),
            seen.email.as_deref()
        ),
        (NAME, PHONE, Some(EMAIL))
    );
    // The messages that waited in the outbox reach the reporter's phone and e-mail.
    let waiting = copy["outbox"].len();
    let sent = gateway.wait_for(waiting, Duration::from_secs(20)).await;
    assert_eq!(sent.len(), waiting, "{sent:?}");
    assert!(sent.iter().any(|m| m["to"] == PHONE), "{sent:?}");
    assert!(
        sent.iter().all(|m| m["to"] == PHONE || m["to"] == EMAIL),
        "{sent:?}"
    );
}

#[tokio::test]
async fn migrate_data_refuses_a_missing_source_or_a_target_with_data_and_changes_nothing() {
    let dir = Dir::new();

    // No SQLite file: refused before anything is opened; no file is created.
    let target = PgDatabase::create();
    let missing = dir.0.join("khong-co.db");
    let (ok, out) = migrate_data(&format!("sqlite://{}", missing.display()), &target.url()).await;
    assert!(!ok);
    assert!(
        out.contains("không có tệp SQLite") && out.contains("does not exist"),
        "{out}"
    );
    assert!(!missing.exists());
    let url = target.url();
    assert!(
        blocking(move || pg_rows(&url)).await.is_empty(),
        "the target is untouched"
    );

    // A deployment with one rating.
    let app = sqlite_app(&dir).await;
    let w = app.world().await;
    let resp = app
        .rate_as_new_phone(&w.counter_a.qr_token, json!({ "overall": "satisfied" }))
        .await;
    assert_eq!(resp.status(), 200);
    let path = dir.0.join("minhbach.db").display().to_string();
    let p = path.clone();
    let source = blocking(move || sqlite_rows(&p)).await;

    // A database of another application: refused, both sides as they were.
    let other = PgDatabase::create();
    {
        let mut c = PgConnection::establish(&other.url()).unwrap();
        diesel::sql_query("CREATE TABLE ho_so (ma TEXT PRIMARY KEY, ten TEXT NOT NULL)")
            .execute(&mut c)
            .unwrap();
        diesel::sql_query("INSERT INTO ho_so VALUES ('HS-1', 'Hồ sơ đất đai')")
            .execute(&mut c)
            .unwrap();
    }
    let url = other.url();
    let other_before = blocking(move || pg_rows(&url)).await;
    let (ok, out) = migrate_data(&dir.sqlite_url(), &other.url()).await;
    assert!(!ok);
    assert!(
        out.contains("not Minh Bạch's") && out.contains("ho_so"),
        "{out}"
    );
    let (p, url) = (path.clone(), other.url());
    let (s, o) = blocking(move || (sqlite_rows(&p), pg_rows(&url))).await;
    assert_eq!(s, source, "the source is untouched");
    assert_eq!(o, other_before, "the other database is untouched");

    // A database where only `minhbach migrate` ran (its seeded rows are no data): accepted.
    let (ok, out) = run(&["migrate", "--database-url", &target.url()]).await;
    assert!(ok, "{out}");
    let (ok, out) = migrate_data(&dir.sqlite_url(), &target.url()).await;
    assert!(ok, "{out}");
    let (p, url) = (path.clone(), target.url());
    let (s, copy) = blocking(move || (sqlite_rows(&p), pg_rows(&url))).await;
    assert_same_rows(&s, &copy);
    assert_eq!(copy["ratings"].len(), 1);

    // Again into the same database, which now holds data: refused, nothing changes.
    let (ok, out) = migrate_data(&dir.sqlite_url(), &target.url()).await;
    assert!(!ok);
    assert!(
        out.contains("không trống") && out.contains("is not empty"),
        "{out}"
    );
    let (p, url) = (path.clone(), target.url());
    let (s2, copy2) = blocking(move || (sqlite_rows(&p), pg_rows(&url))).await;
    assert_eq!(s2, s);
    assert_eq!(copy2, copy);

    // An SQLite target is not what this command is for.
    let (ok, out) = migrate_data(&dir.sqlite_url(), &dir.sqlite_url()).await;
    assert!(
        !ok && out.contains("must be a PostgreSQL database"),
        "{out}"
    );
}
