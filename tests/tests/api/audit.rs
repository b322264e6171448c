//! The tamper-evident audit log: sensitive actions append entries with who, what, which object
//! and from where (a failed sign-in too, though its request fails); only the inspection
//! committee reads them, within the units it oversees; `minhbach audit verify` passes on an
//! untouched log and names the entry that someone with direct access to the database edited or
//! deleted; the database itself refuses the application's UPDATE and DELETE.

use diesel::connection::SimpleConnection;
use diesel::{Connection, PgConnection, SqliteConnection};
use serde_json::{json, Value};
use server::services::audit::{self, AuditRow, Break};
use shared::audit::{AuditEntry, AuditPage};
use shared::model::Role;
use shared::ErrorCode;
use tests::{
    assert_api_error, ok_json, spawn_app, spawn_app_with, Person, TestApp, World, PASSWORD,
};

/// A denunciation from the counter of commune A; returns its case id, from the inbox of
/// `reader` (not commune A's head: a denunciation of misconduct skips the unit).
async fn denunciation(app: &TestApp, w: &World, reader: &Person) -> String {
    let report = json!({
        "kind": "denunciation",
        "category": "asking_money",
        "counter_token": w.counter_a.qr_token,
        "description": "Cán bộ yêu cầu nộp thêm 500.000 đồng ngoài lệ phí để giải quyết nhanh.",
        "idempotency_key": uuid::Uuid::new_v4().simple().to_string(),
    });
    let receipt = app.submit_report(&report).await;
    app.case_id(reader.token(), &receipt.tracking_code).await
}

async fn audit_page(app: &TestApp, token: &str, query: &str) -> AuditPage {
    ok_json(app.get(&format!("/api/v1/audit{query}"), token).await).await
}

/// Every entry a reader may see with these filters, walking the cursor pages (3 at a time, so
/// the walk crosses several pages).
async fn all_entries(app: &TestApp, token: &str, filters: &str) -> Vec<AuditEntry> {
    let mut out = Vec::new();
    let mut after: Option<String> = None;
    loop {
        let mut q = format!("?per_page=3{filters}");
        if let Some(a) = &after {
            q.push_str(&format!("&after={a}"));
        }
        let page = audit_page(app, token, &q).await;
        assert!(page.items.len() <= 3);
        out.extend(page.items);
        match page.next {
            Some(n) => after = Some(n),
            None => break,
        }
    }
    // Newest first, each entry once.
    assert!(out.windows(2).all(|w| w[0].id > w[1].id), "{out:?}");
    out
}

fn detail(e: &AuditEntry) -> Value {
    serde_json::from_str(&e.detail).expect("detail is JSON")
}

#[tokio::test]
async fn sensitive_actions_append_entries_with_actor_object_and_address() {
    let app = spawn_app().await;
    let w = app.world().await;
    let committee = w.committee.token();

    // Failed sign-ins: a wrong password for a real account, and a name nobody has.
    let resp = app.login(&w.head_a.username, "sai-mat-khau-roi-123").await;
    assert_api_error(resp, 401, ErrorCode::InvalidCredentials).await;
    let resp = app.login("khong.co.ai", "sai-mat-khau-roi-123").await;
    assert_api_error(resp, 401, ErrorCode::InvalidCredentials).await;
    let failed = all_entries(&app, committee, "&action=auth.login_failed").await;
    assert_eq!(failed.len(), 2, "{failed:?}");
    let unknown = &failed[0];
    assert_eq!(unknown.actor_username, "khong.co.ai");
    assert_eq!(unknown.actor_account_id, None);
    assert_eq!(unknown.from_address.as_deref(), Some("127.0.0.1"));
    let wrong = &failed[1];
    assert_eq!(wrong.actor_username, w.head_a.username);
    assert_eq!(
        wrong.actor_account_id.as_deref(),
        Some(w.head_a.account.id.as_str())
    );
    assert_eq!(wrong.actor_role, "head");
    assert_eq!(detail(wrong)["reason"], "invalid_credentials");

    // Sign-ins: the world's people signed in through the API, each recorded.
    let logins = all_entries(
        &app,
        committee,
        &format!("&action=auth.login&actor={}", w.head_a.username),
    )
    .await;
    assert_eq!(logins.len(), 1, "{logins:?}");
    assert_eq!(logins[0].object_id, w.head_a.account.id);
    assert_eq!(logins[0].from_address.as_deref(), Some("127.0.0.1"));

    // A denunciation read by the head of the superior unit (the first reading and the reading
    // itself), then accepted: the case's entries name that head, the case and the address.
    let head = w.head_province.clone();
    let case = denunciation(&app, &w, &head).await;
    let resp = app
        .get(&format!("/api/v1/cases/{case}"), head.token())
        .await;
    assert_eq!(resp.status(), 200);
    let resp = app
        .post_json(
            &format!("/api/v1/cases/{case}/actions"),
            head.token(),
            &json!({ "action": "accept" }),
        )
        .await;
    assert_eq!(resp.status(), 200, "{}", resp.text().await.unwrap());
    let on_case = all_entries(
        &app,
        committee,
        &format!("&object_kind=case&object_id={case}"),
    )
    .await;
    let actions: Vec<&str> = on_case.iter().rev().map(|e| e.action.as_str()).collect();
    assert_eq!(
        actions,
        ["case.first_open", "case.read", "case.accept"],
        "{on_case:?}"
    );
    for e in &on_case {
        assert_eq!(
            e.actor_account_id.as_deref(),
            Some(head.account.id.as_str())
        );
        assert_eq!(e.actor_username, head.username);
        assert_eq!(e.from_address.as_deref(), Some("127.0.0.1"));
    }
    let accepted = &on_case[0];
    assert_eq!(
        detail(accepted),
        json!({ "from": "received", "to": "accepted" })
    );
    // Every case action under one prefix.
    let case_actions = all_entries(&app, committee, "&action=case.").await;
    assert_eq!(case_actions.len(), 3);

    // A role change by the province's administrator.
    let resp = app
        .patch_json(
            &format!("/api/v1/accounts/{}", w.officer_a.account.id),
            w.province_admin.token(),
            &json!({ "role": "head" }),
        )
        .await;
    assert_eq!(resp.status(), 200, "{}", resp.text().await.unwrap());
    let changes = all_entries(
        &app,
        committee,
        &format!(
            "&action=account.update&object_id={}",
            w.officer_a.account.id
        ),
    )
    .await;
    assert_eq!(changes.len(), 1);
    assert_eq!(changes[0].actor_username, w.province_admin.username);
    assert_eq!(detail(&changes[0])["role"], json!(["officer", "head"]));

    // A settings change by the national administrator (no unit: every committee sees it).
    let resp = app
        .client
        .put(app.url("/api/v1/deadline-rules"))
        .bearer_auth(&app.admin_token)
        .json(&json!({}))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200, "{}", resp.text().await.unwrap());
    let settings = all_entries(&app, committee, "&action=settings.deadlines").await;
    assert_eq!(settings.len(), 1);
    assert_eq!(settings[0].actor_username, tests::ADMIN_USERNAME);

    // The reception log downloaded as a spreadsheet.
    let session: Value = ok_json(
        app.post_json("/api/v1/reception/sessions", w.head_a.token(), &json!({}))
            .await,
    )
    .await;
    let sid = session["id"].as_str().unwrap().to_string();
    let resp = app
        .get(
            &format!("/api/v1/reception/sessions/{sid}/log.xlsx"),
            w.head_a.token(),
        )
        .await;
    assert_eq!(resp.status(), 200);
    let exports = all_entries(&app, committee, "&action=reception.export_xlsx").await;
    assert_eq!(exports.len(), 1);
    assert_eq!(exports[0].object_id, sid);
    assert_eq!(exports[0].from_address.as_deref(), Some("127.0.0.1"));

    // The dates filter: today (Vietnam time) holds everything, the day before nothing.
    let today = shared::calendar::Date::from_unix_ms_vietnam(server::db::now_ms());
    let all = all_entries(&app, committee, "").await;
    let today_only = all_entries(
        &app,
        committee,
        &format!("&from={}&to={}", today.iso(), today.iso()),
    )
    .await;
    assert_eq!(today_only.len(), all.len());
    let yesterday = today.add_days(-1).iso();
    assert!(all_entries(&app, committee, &format!("&to={yesterday}"))
        .await
        .is_empty());

    // And the chain of all that holds.
    let v = verify(&app).await;
    assert_eq!(v.first_break, None);
    assert_eq!(v.entries as usize, all.len());
}

#[tokio::test]
async fn only_the_committee_reads_the_log_and_only_for_its_units() {
    let app = spawn_app().await;
    let w = app.world().await;
    let head = w.head_province.clone();
    let case = denunciation(&app, &w, &head).await;
    let resp = app
        .get(&format!("/api/v1/cases/{case}"), head.token())
        .await;
    assert_eq!(resp.status(), 200);

    for token in [
        head.token(),
        w.head_a.token(),
        w.officer_a.token(),
        w.admin_a.token(),
        w.province_admin.token(),
        app.admin_token.as_str(),
    ] {
        let resp = app.get("/api/v1/audit", token).await;
        assert_api_error(resp, 403, ErrorCode::Forbidden).await;
    }
    let resp = app.get_anonymous("/api/v1/audit").await;
    assert_api_error(resp, 401, ErrorCode::Unauthenticated).await;
    let resp = app
        .get("/api/v1/audit?from=31/02/2026", w.committee.token())
        .await;
    assert_api_error(resp, 400, ErrorCode::ValidationFailed).await;

    // The province's committee sees the case in commune A; a committee of ward B does not,
    // but both see what holds everywhere (the national administrator's sign-in).
    let filter = format!("&object_id={case}");
    assert_eq!(
        all_entries(&app, w.committee.token(), &filter).await.len(),
        2
    );
    let committee_b = app
        .signed_in("ubkt.hoalu", Role::Committee, Some(&w.commune_b))
        .await;
    assert!(all_entries(&app, committee_b.token(), &filter)
        .await
        .is_empty());
    let national = format!("&actor={}&action=auth.login", tests::ADMIN_USERNAME);
    assert_eq!(
        all_entries(&app, committee_b.token(), &national)
            .await
            .len(),
        1
    );
    // Its own sign-in is in its unit.
    let own = format!("&actor={}", committee_b.username);
    assert_eq!(all_entries(&app, committee_b.token(), &own).await.len(), 1);
}

async fn verify(app: &TestApp) -> audit::Verification {
    app.db
        .run(|c| audit::verify(c, 4))
        .await
        .expect("verify runs")
}

/// Runs a statement as an attacker with the database in hand would: on SQLite, with the
/// file (the triggers dropped first); on PostgreSQL, as a superuser with triggers off for the
/// session (`session_replication_role = replica`).
fn tamper(app: &TestApp, sql: &str) {
    if app.is_postgres() {
        let mut c = PgConnection::establish(&app.db_url).expect("connect as superuser");
        c.batch_execute(&format!(
            "SET session_replication_role = replica; {sql}; SET session_replication_role = origin;"
        ))
        .expect("tamper");
    } else {
        let path = app.db_url.trim_start_matches("sqlite://");
        let mut c = SqliteConnection::establish(path).expect("open the file");
        c.batch_execute(&format!(
            "PRAGMA busy_timeout = 10000;
             DROP TRIGGER IF EXISTS audit_log_no_update;
             DROP TRIGGER IF EXISTS audit_log_no_delete;
             {sql};"
        ))
        .expect("tamper");
    }
}

/// The real command, `minhbach audit verify`, next to the test binary (`cargo build -p
/// server --bin minhbach` first): its exit status and what it printed.
fn verify_command(app: &TestApp) -> (bool, String) {
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
    let out = std::process::Command::new(bin)
        .args(["audit", "verify", "--database-url", &app.db_url])
        .env("RUST_LOG", "error")
        .output()
        .expect("run minhbach audit verify");
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
    )
}

/// Fills the log with a few entries of every kind.
async fn some_history(app: &TestApp) -> World {
    let w = app.world().await;
    let head = w.head_province.clone();
    let case = denunciation(app, &w, &head).await;
    for _ in 0..2 {
        let resp = app
            .get(&format!("/api/v1/cases/{case}"), head.token())
            .await;
        assert_eq!(resp.status(), 200);
    }
    let resp = app
        .login(&w.officer_a.username, "sai-mat-khau-roi-123")
        .await;
    assert_eq!(resp.status(), 401);
    w
}

async fn row(app: &TestApp, id: i64) -> AuditRow {
    use diesel::prelude::*;
    use server::schema::audit_log;
    app.db
        .run(move |c| {
            Ok(server::db_run!(c, {
                audit_log::table
                    .find(id)
                    .select(AuditRow::as_select())
                    .first(c)
            })?)
        })
        .await
        .expect("the entry")
}

#[tokio::test]
async fn verify_names_an_edited_entry_a_rehashed_one_and_a_deleted_one() {
    let app = spawn_app().await;
    some_history(&app).await;
    let clean = verify(&app).await;
    assert_eq!(clean.first_break, None);
    let n = clean.entries as i64;
    assert!(n >= 12, "only {n} entries");
    let (ok, out) = verify_command(&app);
    assert!(ok, "{out}");
    assert!(out.starts_with(&format!("OK: {n} mục")), "{out}");
    assert!(out.contains(&format!("OK: {n} entries")), "{out}");

    // An edited detail: verify names that entry, the command exits 1.
    let target = n / 2;
    let original = row(&app, target).await;
    tamper(
        &app,
        &format!("UPDATE audit_log SET detail = '{{\"edited\":true}}' WHERE id = {target}"),
    );
    assert_eq!(
        verify(&app).await.first_break,
        Some(Break::Altered { id: target })
    );
    let (ok, out) = verify_command(&app);
    assert!(!ok, "{out}");
    assert!(out.contains(&format!("mục {target} đã bị sửa")), "{out}");
    assert!(
        out.contains(&format!("entry {target} was altered")),
        "{out}"
    );

    // Someone who knows the hash recomputes the edited entry's own hash: the next entry's link
    // gives it away.
    let mut forged = row(&app, target).await;
    forged.hash = forged.chain_hash();
    tamper(
        &app,
        &format!(
            "UPDATE audit_log SET hash = '{}' WHERE id = {target}",
            forged.hash
        ),
    );
    assert_eq!(
        verify(&app).await.first_break,
        Some(Break::Unlinked { id: target + 1 })
    );

    // Put back as it was: the chain holds again.
    tamper(
        &app,
        &format!(
            "UPDATE audit_log SET detail = '{}', hash = '{}' WHERE id = {target}",
            original.detail.replace('\'', "''"),
            original.hash
        ),
    );
    assert_eq!(verify(&app).await.first_break, None);

    // A deleted entry: verify names the missing id.
    let deleted = n - 3;
    tamper(&app, &format!("DELETE FROM audit_log WHERE id = {deleted}"));
    assert_eq!(
        verify(&app).await.first_break,
        Some(Break::Missing {
            id: deleted,
            next_found: deleted + 1
        })
    );
    let (ok, out) = verify_command(&app);
    assert!(!ok, "{out}");
    assert!(out.contains(&format!("thiếu mục {deleted}")), "{out}");
    assert!(
        out.contains(&format!("entry {deleted} is missing")),
        "{out}"
    );

    // Deleted and the later ids shifted down to hide the gap: the link breaks instead.
    let app = spawn_app().await;
    some_history(&app).await;
    let n = verify(&app).await.entries as i64;
    tamper(
        &app,
        // In two steps: a key is unique at every row, whatever order the rows are updated in.
        "DELETE FROM audit_log WHERE id = 5;
         UPDATE audit_log SET id = id + 1000000 WHERE id > 5;
         UPDATE audit_log SET id = id - 1000001 WHERE id > 1000000",
    );
    let b = verify(&app).await.first_break;
    assert_eq!(b, Some(Break::Altered { id: 5 }), "{n} entries");
}

#[tokio::test]
async fn the_database_refuses_the_applications_updates_and_deletes() {
    let app = spawn_app().await;
    some_history(&app).await;
    let before = verify(&app).await;
    let mut statements = vec![
        "UPDATE audit_log SET detail = '{}' WHERE id = 1",
        "UPDATE audit_log SET actor_username = 'ai-do'",
        "DELETE FROM audit_log WHERE id = 2",
        "DELETE FROM audit_log",
    ];
    if app.is_postgres() {
        statements.push("TRUNCATE audit_log");
    }
    for sql in statements {
        let refused = app
            .db
            .run(move |c| Ok(server::db_run!(c, c.batch_execute(sql))))
            .await
            .expect("the pool answers");
        let err = refused.expect_err(sql).to_string();
        assert!(err.contains("append-only"), "{sql}: {err}");
        assert!(err.contains("Nhật ký kiểm toán"), "{sql}: {err}");
    }
    let after = verify(&app).await;
    assert_eq!(after, before);
    assert_eq!(after.first_break, None);
    // Signing in still appends.
    app.login_as(tests::ADMIN_USERNAME, PASSWORD).await;
    assert_eq!(verify(&app).await.entries, before.entries + 1);
}

#[tokio::test]
async fn appends_from_two_processes_at_once_never_fork_the_chain() {
    // 40 sign-ins from one address: over the per-address limit, which on PostgreSQL both
    // processes count together.
    let app = spawn_app_with(|c| c.login_burst_per_address = 100).await;
    let second = app.another_process().await;
    let mut attempts = Vec::new();
    for i in 0..40 {
        let url = if i % 2 == 0 {
            app.url("/api/v1/auth/login")
        } else {
            format!("http://127.0.0.1:{second}/api/v1/auth/login")
        };
        let client = app.client.clone();
        attempts.push(tokio::spawn(async move {
            client
                .post(url)
                .json(&json!({ "username": format!("ai.do.{i}"), "password": "sai-mat-khau-roi-123" }))
                .send()
                .await
                .map(|r| r.status().as_u16())
        }));
    }
    for a in attempts {
        assert_eq!(a.await.unwrap().unwrap(), 401);
    }
    let v = verify(&app).await;
    assert_eq!(v.first_break, None);
    // The administrator's sign-in at start, then the 40 attempts.
    assert_eq!(v.entries, 41);
}
