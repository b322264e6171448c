//! `minhbach backup` while the server runs, and `minhbach restore` into a fresh database:
//! every row of every table and every photo comes back, and a server on the restored
//! database opens the citizen's report with the code and secret from the receipt.

use diesel::prelude::*;
use diesel::sql_types::Text;
use serde_json::json;
use server::db::{Db, DbConn};
use shared::report::ReportReceipt;
use std::collections::BTreeMap;
use tests::{camera_photo, ok_json, spawn_app_with, TestDatabase};

#[derive(QueryableByName)]
struct Name {
    #[diesel(sql_type = Text)]
    name: String,
}

#[derive(QueryableByName)]
struct Row {
    #[diesel(sql_type = Text)]
    row: String,
}

/// Every table's rows, each row as the database quotes its values (BLOB and BYTEA in hex, so
/// photos are compared byte for byte), sorted.
fn every_row(conn: &mut DbConn) -> BTreeMap<String, Vec<String>> {
    let postgres = matches!(conn, DbConn::Postgres(_));
    let tables: Vec<Name> = server::db_run!(conn, {
        diesel::sql_query(if postgres {
            "SELECT table_name::text AS name FROM information_schema.tables
             WHERE table_schema = 'public' AND table_type = 'BASE TABLE'"
        } else {
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        })
        .load(conn)
    })
    .unwrap();
    let mut all = BTreeMap::new();
    for table in tables.into_iter().map(|t| t.name) {
        let columns: Vec<Name> = server::db_run!(conn, {
            diesel::sql_query(if postgres {
                "SELECT column_name::text AS name FROM information_schema.columns
                 WHERE table_schema = 'public' AND table_name = $1 ORDER BY ordinal_position"
            } else {
                "SELECT name FROM pragma_table_info(?)"
            })
            .bind::<Text, _>(&table)
            .load(conn)
        })
        .unwrap();
        let quoted: Vec<String> = columns
            .iter()
            .map(|c| {
                if postgres {
                    format!("quote_nullable(\"{}\")", c.name)
                } else {
                    format!("quote(\"{}\")", c.name)
                }
            })
            .collect();
        let sql = if postgres {
            format!(
                "SELECT concat_ws('|', {}) AS row FROM \"{table}\"",
                quoted.join(", ")
            )
        } else {
            format!(
                "SELECT {} AS row FROM \"{table}\"",
                quoted.join(" || '|' || ")
            )
        };
        let mut rows: Vec<String> =
            server::db_run!(conn, diesel::sql_query(&sql).load::<Row>(conn))
                .unwrap_or_else(|e| panic!("{sql}: {e}"))
                .into_iter()
                .map(|r| r.row)
                .collect();
        rows.sort();
        all.insert(table, rows);
    }
    all
}

async fn rows_of(db: Db) -> BTreeMap<String, Vec<String>> {
    tokio::task::spawn_blocking(move || every_row(&mut db.get().unwrap()))
        .await
        .unwrap()
}

#[tokio::test]
async fn a_backup_taken_while_serving_restores_every_row_and_photo() {
    // No background job writes between the backup and the comparison.
    let app = spawn_app_with(|c| {
        c.overdue_interval_secs = 0;
        c.reception_digest_interval_secs = 0;
    })
    .await;
    let w = app.world().await;
    let mut receipts = Vec::new();
    for (i, photo) in ["gps_DSCN0010.jpg", "Canon_40D.jpg"].iter().enumerate() {
        let report = json!({
            "kind": "denunciation",
            "category": "asking_money",
            "counter_token": w.counter_a.qr_token,
            "description": format!("Lần {i}: cán bộ yêu cầu nộp thêm tiền ngoài lệ phí để làm nhanh."),
            "idempotency_key": uuid::Uuid::new_v4().simple().to_string(),
        });
        let receipt: ReportReceipt =
            ok_json(app.send_report(&report, vec![camera_photo(photo)]).await).await;
        receipts.push(receipt);
    }
    let named = json!({
        "kind": "feedback",
        "category": "late_dossier",
        "counter_token": w.counter_a.qr_token,
        "description": "Hồ sơ đất đai trễ hẹn ba tuần, không có phiếu xin lỗi.",
        "idempotency_key": uuid::Uuid::new_v4().simple().to_string(),
        "reporter": { "full_name": "Nguyễn Thị Lan", "phone": "0912345678", "consent": true },
    });
    receipts.push(app.submit_report(&named).await);
    for overall in ["very_satisfied", "not_satisfied"] {
        let resp = app
            .rate_as_new_phone(&w.counter_a.qr_token, json!({ "overall": overall }))
            .await;
        assert_eq!(resp.status(), 200);
    }

    let dir = std::env::temp_dir().join(format!("mb-backup-{}", uuid::Uuid::new_v4().simple()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("minhbach.backup");
    let (url, path) = (app.db_url.clone(), file.clone());
    let made = tokio::task::spawn_blocking(move || server::backup::backup(&url, &path))
        .await
        .unwrap()
        .expect("the backup is written while the server runs");
    assert_eq!((made.reports, made.ratings, made.photos), (3, 2, 2));
    let original = rows_of(app.db.clone()).await;

    // A second backup to the same name is refused and leaves the first alone.
    let (url, path) = (app.db_url.clone(), file.clone());
    let again = tokio::task::spawn_blocking(move || server::backup::backup(&url, &path))
        .await
        .unwrap();
    assert!(again.unwrap_err().to_string().contains("exists already"));

    let fresh = TestDatabase::create();
    let (from, url) = (file.clone(), fresh.url());
    let restored = tokio::task::spawn_blocking(move || server::backup::restore(&from, &url))
        .await
        .unwrap()
        .expect("the backup restores into a new database");
    assert_eq!(
        (restored.reports, restored.ratings, restored.photos),
        (3, 2, 2)
    );
    let copy = Db::connect(&fresh.url(), 2).unwrap();
    let back = rows_of(copy.clone()).await;
    assert_eq!(
        original.keys().collect::<Vec<_>>(),
        back.keys().collect::<Vec<_>>()
    );
    for (table, rows) in &original {
        assert_eq!(rows, &back[table], "table {table}");
    }
    assert_eq!(original["report_photos"].len(), 2);
    assert!(original["reports"].len() == 3 && original["ratings"].len() == 2);

    // Restoring over a database that has data is refused.
    let (from, url) = (file.clone(), fresh.url());
    let over = tokio::task::spawn_blocking(move || server::backup::restore(&from, &url))
        .await
        .unwrap();
    assert!(over.is_err());
    assert_eq!(
        rows_of(copy).await,
        back,
        "the refused restore changed nothing"
    );

    // A server on the restored database: the citizen's codes still open the reports (the
    // data key came back with the data), with their photos.
    let mut config = app.config.clone();
    config.database_url = fresh.url();
    config.addr = "127.0.0.1:0".into();
    let restored_app = server::startup::Application::build(config).await.unwrap();
    let port = restored_app.port();
    tokio::spawn(restored_app.run_until_stopped());
    for receipt in &receipts {
        let resp = app
            .client
            .post(format!("http://127.0.0.1:{port}/api/v1/reports/track"))
            .json(&json!({ "tracking_code": receipt.tracking_code, "secret": receipt.secret }))
            .send()
            .await
            .unwrap();
        let view: shared::report::ReportView = ok_json(resp).await;
        assert_eq!(view.tracking_code, receipt.tracking_code);
        assert_eq!(view.photos.len() as u32, receipt.photos);
    }
    let _ = std::fs::remove_dir_all(&dir);
}
