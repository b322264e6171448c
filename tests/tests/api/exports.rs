//! Downloads of the figures: the dashboard's and the scorecard's tables as .xlsx and CSV, and a
//! month of ratings. Each file is read back as a spreadsheet program reads it (calamine for
//! .xlsx, the csv crate for CSV): Vietnamese headers, numbers as number cells, dates as date
//! cells, a rate under the minimum as an empty cell, the same values as the dashboard's.

use calamine::{open_workbook_from_rs, Data, Reader, Xlsx};
use diesel::prelude::*;
use serde_json::json;
use server::schema::{audit_log, ratings};
use shared::citizen::RatingReceipt;
use shared::figures::{Dashboard, Scorecard};
use shared::table::{dashboard_tables, scorecard_tables};
use shared::{ErrorCode, Lang};
use std::io::Cursor;
use tests::{assert_api_error, spawn_app_with, TestApp, World, PASSWORD};

const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/// A test app whose counters take any number of ratings in a minute without flagging them.
async fn app() -> TestApp {
    spawn_app_with(|c| {
        c.rating_counter_burst_per_minute = 10_000;
        c.rating_network_burst_per_10_minutes = 10_000;
        c.citizen_per_network_per_minute = 10_000;
    })
    .await
}

/// A citizen's rating at a counter, from a phone of its own.
async fn rate(app: &TestApp, token: &str, body: serde_json::Value) -> RatingReceipt {
    tests::ok_json(app.rate_as_new_phone(token, body).await).await
}

/// Runs diesel code on the app's database.
async fn sql<T: Send + 'static>(
    app: &TestApp,
    f: impl FnOnce(&mut server::db::DbConn) -> T + Send + 'static,
) -> T {
    let db = app.db.clone();
    tokio::task::spawn_blocking(move || {
        let mut conn = db.get().expect("connection");
        f(&mut conn)
    })
    .await
    .expect("join")
}

/// Moves a rating in time (the roll-ups follow, by trigger).
async fn move_rating(app: &TestApp, id: &str, at_ms: i64) {
    let id = id.to_string();
    sql(app, move |conn| {
        server::db_run!(conn, {
            diesel::update(ratings::table.find(id))
                .set(ratings::created_at.eq(at_ms))
                .execute(conn)
        })
        .expect("move the rating")
    })
    .await;
}

async fn audit_count(app: &TestApp, action: &'static str) -> i64 {
    sql(app, move |conn| {
        server::db_run!(conn, {
            audit_log::table
                .filter(audit_log::action.eq(action))
                .count()
                .get_result::<i64>(conn)
        })
        .expect("count")
    })
    .await
}

/// The dashboard as `GET /api/v1/figures` answers it, for the reader, with the same query.
async fn dashboard_of(app: &TestApp, token: &str, query: &str) -> Dashboard {
    tests::ok_json(app.get(&format!("/api/v1/figures?{query}"), token).await).await
}

async fn scorecard_of(app: &TestApp, token: &str, staff_id: &str) -> Scorecard {
    tests::ok_json(
        app.get(&format!("/api/v1/figures/officers/{staff_id}"), token)
            .await,
    )
    .await
}

/// A download: its status 200, its type and its file name.
async fn download(resp: reqwest::Response, content_type: &str) -> (String, Vec<u8>) {
    let status = resp.status();
    let headers = resp.headers().clone();
    let body = resp.bytes().await.expect("body").to_vec();
    assert_eq!(status, 200, "{}", String::from_utf8_lossy(&body));
    assert!(
        headers["content-type"]
            .to_str()
            .unwrap()
            .starts_with(content_type),
        "{headers:?}"
    );
    assert_eq!(headers["cache-control"], "no-store");
    let disposition = headers["content-disposition"].to_str().unwrap().to_string();
    let name = disposition
        .strip_prefix("attachment; filename=\"")
        .and_then(|s| s.strip_suffix('"'))
        .unwrap_or_else(|| panic!("{disposition}"))
        .to_string();
    assert!(name.is_ascii(), "{name}");
    (name, body)
}

type Sheets = Vec<(String, Vec<Vec<Data>>)>;

/// Every worksheet of a workbook, in order, with its cells.
fn sheets(bytes: &[u8]) -> Sheets {
    assert_eq!(&bytes[..2], b"PK", "an xlsx is a zip file");
    let mut book: Xlsx<_> = open_workbook_from_rs(Cursor::new(bytes.to_vec())).expect("xlsx");
    book.sheet_names()
        .into_iter()
        .map(|name| {
            let range = book.worksheet_range(&name).expect("sheet");
            let rows = range.rows().map(|r| r.to_vec()).collect();
            (name, rows)
        })
        .collect()
}

/// A CSV file: it starts with the UTF-8 byte order mark; its header and rows.
fn csv_file(bytes: &[u8]) -> (Vec<String>, Vec<Vec<String>>) {
    assert_eq!(&bytes[..3], b"\xEF\xBB\xBF", "UTF-8 with a byte order mark");
    let mut reader = csv::Reader::from_reader(&bytes[3..]);
    let header = reader
        .headers()
        .unwrap()
        .iter()
        .map(str::to_string)
        .collect();
    let rows = reader
        .records()
        .map(|r| r.unwrap().iter().map(str::to_string).collect())
        .collect();
    (header, rows)
}

fn text(d: &Data) -> &str {
    match d {
        Data::String(s) => s,
        other => panic!("not text: {other:?}"),
    }
}

fn number(d: &Data) -> f64 {
    match d {
        Data::Float(f) => *f,
        Data::Int(n) => *n as f64,
        other => panic!("not a number: {other:?}"),
    }
}

/// The serial of a date cell (days since 30/12/1899, the time as a fraction).
fn date_serial(d: &Data) -> f64 {
    match d {
        Data::DateTime(dt) => {
            assert!(dt.is_datetime(), "{dt:?}");
            dt.as_f64()
        }
        other => panic!("not a date: {other:?}"),
    }
}

fn serial_of_iso(iso: &str) -> f64 {
    (shared::calendar::Date::parse(iso).unwrap().to_days() + 25_569) as f64
}

/// 38 ratings this month: 35 at commune A's counter (28 satisfied or very satisfied, some
/// naming the officer), 3 at ward B's, too few for a rate.
async fn rated_world(app: &TestApp) -> World {
    let w = app.world().await;
    for i in 0..35 {
        let overall = match i % 5 {
            0 | 1 => "very_satisfied",
            2 | 3 => "satisfied",
            _ => "not_satisfied",
        };
        let mut body = json!({ "overall": overall });
        if i % 2 == 0 {
            body["staff_id"] = json!(w.staff_a.id);
            body["sipas"] = json!({ "access": 5, "attitude": if i % 4 == 0 { 2 } else { 4 } });
        }
        rate(app, &w.counter_a.qr_token, body).await;
    }
    for _ in 0..3 {
        rate(
            app,
            &w.counter_b.qr_token,
            json!({ "overall": "very_satisfied" }),
        )
        .await;
    }
    w
}

#[tokio::test]
async fn the_dashboard_downloads_as_a_workbook_with_the_dashboard_s_figures() {
    let app = app().await;
    let w = rated_world(&app).await;
    let head = &w.head_province;
    let expected = dashboard_of(&app, head.token(), &format!("unit_id={}", w.province.id)).await;
    assert_eq!(expected.ratings.total(), 38);
    let before = audit_count(&app, "figures.export").await;
    let resp = app
        .get(
            &format!("/api/v1/figures/export?unit_id={}", w.province.id),
            head.token(),
        )
        .await;
    let (name, bytes) = download(resp, XLSX).await;
    assert_eq!(
        name,
        format!("thong-ke-NB-{}-{}.xlsx", expected.from, expected.to)
    );
    assert_eq!(audit_count(&app, "figures.export").await, before + 1);

    let book = sheets(&bytes);
    let tables = dashboard_tables(&expected, Lang::Vi);
    let names: Vec<&str> = book.iter().map(|(n, _)| n.as_str()).collect();
    let titles: Vec<&str> = tables.iter().map(|t| t.title.vi.as_str()).collect();
    assert_eq!(names, titles, "one worksheet per table, named by its title");
    for ((_, rows), table) in book.iter().zip(&tables) {
        let header: Vec<&str> = rows[0].iter().map(text).collect();
        assert_eq!(header, table.headers(Lang::Vi), "{}", table.key);
        assert_eq!(rows.len(), table.rows.len() + 1, "{}", table.key);
    }

    // The summary: numbers are number cells, the rate a fraction, the period's days dates.
    let summary = &book[0].1;
    assert_eq!(summary[0][3], Data::String("Số đánh giá".into()));
    let row = &summary[1];
    assert_eq!(text(&row[0]), expected.unit_name);
    assert_eq!(date_serial(&row[1]), serial_of_iso(&expected.from));
    assert_eq!(date_serial(&row[2]), serial_of_iso(&expected.to));
    assert_eq!(number(&row[3]), 38.0);
    assert_eq!(number(&row[4]), expected.ratings.very_satisfied as f64);
    let rate = expected.ratings.satisfaction(30);
    assert_eq!(
        number(&row[7]),
        rate.successes as f64 / rate.n as f64,
        "the satisfaction rate as a fraction"
    );
    let (lo, hi) = rate.interval_pct().unwrap();
    assert!((number(&row[8]) - lo / 100.0).abs() < 1e-12);
    assert!((number(&row[9]) - hi / 100.0).abs() < 1e-12);
    // No case was decided: no on-time rate, and no averages: empty cells, not 0.
    assert_eq!(row[14], Data::Empty);
    assert_eq!(row[15], Data::Empty);

    // The units: commune A has its rate; ward B's 3 ratings are too few, an empty cell.
    let units = &book[1].1;
    let a = units
        .iter()
        .find(|r| r[0] == Data::String(w.commune_a.name.clone()))
        .expect("commune A");
    let a_figures = expected
        .units
        .iter()
        .find(|u| u.unit_id == w.commune_a.id)
        .unwrap();
    assert_eq!(number(&a[1]), 35.0);
    let a_rate = a_figures.ratings.satisfaction(30);
    assert_eq!(number(&a[2]), a_rate.pct().unwrap() / 100.0);
    let b = units
        .iter()
        .find(|r| r[0] == Data::String(w.commune_b.name.clone()))
        .expect("ward B");
    assert_eq!(number(&b[1]), 3.0);
    assert_eq!(b[2], Data::Empty, "3 ratings: no rate, not 0% nor 100%");
    assert_eq!(b[3], Data::Empty);
    assert_eq!(b[4], Data::Empty);

    // The months: the last is this month, with its days as dates.
    let months = &book[9].1;
    let last = months.last().unwrap();
    let this_month = expected.months.last().unwrap();
    assert_eq!(date_serial(&last[1]), serial_of_iso(&this_month.from));
    assert_eq!(number(&last[3]), 38.0);
}

#[tokio::test]
async fn one_table_downloads_as_csv_with_vietnamese_headers() {
    let app = app().await;
    let w = rated_world(&app).await;
    let head = &w.head_province;
    let expected = dashboard_of(
        &app,
        head.token(),
        &format!("unit_id={}&sort=ratings", w.province.id),
    )
    .await;
    let resp = app
        .get(
            &format!(
                "/api/v1/figures/export?unit_id={}&table=units&format=csv&sort=ratings",
                w.province.id
            ),
            head.token(),
        )
        .await;
    let (name, bytes) = download(resp, "text/csv").await;
    assert!(name.ends_with("-units.csv"), "{name}");
    let (header, rows) = csv_file(&bytes);
    assert_eq!(
        header[..3],
        ["Đơn vị", "Số đánh giá", "Tỷ lệ hài lòng"].map(String::from)
    );
    // Ranked by the number of ratings, as asked, in the dashboard's order.
    let order: Vec<&str> = expected.units.iter().map(|u| u.name.as_str()).collect();
    let got: Vec<&str> = rows.iter().map(|r| r[0].as_str()).collect();
    assert_eq!(got, order);
    assert_eq!(rows[0][0], w.commune_a.name);
    assert_eq!(rows[0][1], "35");
    let a = expected
        .units
        .iter()
        .find(|u| u.unit_id == w.commune_a.id)
        .unwrap();
    let rate: f64 = rows[0][2].parse().unwrap();
    assert_eq!(rate, a.ratings.satisfaction(30).pct().unwrap() / 100.0);
    assert_eq!(rows[1][0], w.commune_b.name);
    assert_eq!(rows[1][1], "3");
    assert_eq!(rows[1][2], "", "under the minimum: an empty field, never 0");

    // In English when asked.
    let resp = app
        .get(
            &format!(
                "/api/v1/figures/export?unit_id={}&table=sipas&format=csv&lang=en",
                w.province.id
            ),
            head.token(),
        )
        .await;
    let (_, bytes) = download(resp, "text/csv").await;
    let (header, rows) = csv_file(&bytes);
    assert_eq!(header[0], "Criterion");
    assert_eq!(rows.len(), 5);
    // 18 ratings scored access, all 5: 100% of 18 is under the minimum too.
    assert_eq!(rows[0][1], "18");
    assert_eq!(rows[0][3], "");
}

#[tokio::test]
async fn bad_requests_are_refused_in_both_languages_and_record_nothing() {
    let app = app().await;
    let w = app.world().await;
    let head = w.head_province.token();
    let before = audit_count(&app, "figures.export").await;
    for (query, field) in [
        ("format=pdf", "format"),
        ("table=khong-co", "table"),
        ("format=csv", "table"),
        ("format=csv&table=all", "table"),
        ("period=custom&from=31/02/2026", "from"),
        ("period=custom&from=10/03/2026&to=01/03/2026", "from"),
    ] {
        let resp = app
            .get(&format!("/api/v1/figures/export?{query}"), head)
            .await;
        let err = assert_api_error(resp, 400, ErrorCode::ValidationFailed).await;
        assert_eq!(err.fields[0].field, field, "{query}");
    }
    let resp = app
        .get("/api/v1/figures/export?period=fortnight", head)
        .await;
    assert_api_error(resp, 400, ErrorCode::MalformedRequest).await;
    let path = format!("/api/v1/figures/officers/{}/export", w.staff_a.id);
    for (query, field) in [
        ("month=13/2026", "month"),
        ("format=csv", "table"),
        ("table=units", "table"),
    ] {
        let resp = app.get(&format!("{path}?{query}"), head).await;
        let err = assert_api_error(resp, 400, ErrorCode::ValidationFailed).await;
        assert_eq!(err.fields[0].field, field, "{query}");
    }
    for query in ["month=2026-13", "month=hom-qua", "format=ods"] {
        let resp = app
            .get(&format!("/api/v1/exports/ratings?{query}"), head)
            .await;
        assert_api_error(resp, 400, ErrorCode::ValidationFailed).await;
    }
    assert_eq!(audit_count(&app, "figures.export").await, before);
    assert_eq!(audit_count(&app, "ratings.export").await, 0);
}

#[tokio::test]
async fn officers_are_refused_and_other_units_are_not_found() {
    let app = app().await;
    let w = app.world().await;
    let officer = w.officer_a.token();
    for path in [
        "/api/v1/figures/export".to_string(),
        format!("/api/v1/figures/officers/{}/export", w.staff_a.id),
        "/api/v1/exports/ratings".to_string(),
    ] {
        let resp = app.get(&path, officer).await;
        assert_api_error(resp, 403, ErrorCode::Forbidden).await;
    }
    // The head of commune A does not see ward B, nor its officer.
    let head_a = w.head_a.token();
    for path in [
        format!("/api/v1/figures/export?unit_id={}", w.commune_b.id),
        format!("/api/v1/figures/officers/{}/export", w.staff_b.id),
        format!("/api/v1/exports/ratings?unit_id={}", w.commune_b.id),
        "/api/v1/figures/officers/khong-co/export".to_string(),
    ] {
        let resp = app.get(&path, head_a).await;
        assert_api_error(resp, 404, ErrorCode::NotFound).await;
    }
    let resp = app
        .get_anonymous("/api/v1/exports/ratings?format=csv")
        .await;
    assert_api_error(resp, 401, ErrorCode::Unauthenticated).await;
    assert_eq!(audit_count(&app, "ratings.export").await, 0);
    assert_eq!(audit_count(&app, "figures.export").await, 0);
}

#[tokio::test]
async fn the_officer_s_scorecard_downloads_as_a_workbook_and_as_csv() {
    let app = app().await;
    let w = rated_world(&app).await;
    let committee = &w.committee;
    let expected = scorecard_of(&app, committee.token(), &w.staff_a.id).await;
    assert_eq!(expected.ratings.total(), 18);
    let path = format!("/api/v1/figures/officers/{}/export", w.staff_a.id);
    let (name, bytes) = download(app.get(&path, committee.token()).await, XLSX).await;
    assert_eq!(
        name,
        format!("phieu-danh-gia-GV-001-{}.xlsx", &expected.from[..7])
    );
    let book = sheets(&bytes);
    let names: Vec<&str> = book.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(
        names,
        [
            "Phiếu đánh giá cán bộ",
            "Tiêu chí SIPAS",
            "Phản ánh về cán bộ"
        ]
    );
    let card = &book[0].1;
    let tables = scorecard_tables(&expected, Lang::Vi);
    let header: Vec<&str> = card[0].iter().map(text).collect();
    assert_eq!(header, tables[0].headers(Lang::Vi));
    assert_eq!(text(&card[1][0]), "Nguyễn Thị Lan");
    assert_eq!(text(&card[1][2]), "GV-001");
    assert_eq!(date_serial(&card[1][4]), serial_of_iso(&expected.from));
    assert_eq!(number(&card[1][6]), 18.0);
    assert_eq!(card[1][10], Data::Empty, "18 ratings: under the minimum");

    let (_, bytes) = download(
        app.get(&format!("{path}?format=csv&table=sipas"), committee.token())
            .await,
        "text/csv",
    )
    .await;
    let (header, rows) = csv_file(&bytes);
    assert_eq!(header[1], "Số lượt chấm");
    let attitude = &rows[2];
    assert_eq!(attitude[1], "18");
    // 9 of the 18 gave 4 (i % 4 != 0 among the even i below 35).
    assert_eq!(
        attitude[2],
        expected.ratings.criteria[2].1.to_string(),
        "{rows:?}"
    );
}

/// 01/03/2026 00:00 in Việt Nam, in Unix milliseconds (28/02/2026 17:00 UTC).
const MARCH_2026: i64 = 1_772_298_000_000;
const APRIL_2026: i64 = MARCH_2026 + 31 * 86_400_000;

/// Signs in on the web, as a browser does: the session cookie.
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

#[tokio::test]
async fn a_month_of_ratings_holds_exactly_that_month_in_vietnam_time() {
    let app = app().await;
    let w = app.world().await;
    let a = &w.counter_a.qr_token;
    let b = &w.counter_b.qr_token;
    // (counter, body, moved to, in March?)
    let plan: Vec<(&str, serde_json::Value, i64, bool)> = vec![
        // 28/02 23:59 in Hà Nội: February, though it is 16:59 on the 28th in UTC.
        (
            a,
            json!({"overall": "satisfied", "comment": "tháng hai"}),
            MARCH_2026 - 60_000,
            false,
        ),
        // 01/03 00:00 sharp: March.
        (
            a,
            json!({"overall": "very_satisfied", "comment": "đầu tháng ba"}),
            MARCH_2026,
            true,
        ),
        (
            a,
            json!({
                "overall": "not_satisfied",
                "staff_id": w.staff_a.id,
                "sipas": {"access": 4, "procedure": 2, "timeliness": 1},
                "comment": "Chờ lâu, \"không\" hướng dẫn; phải quay lại",
                "dossier_code": "HS-2026-0042",
            }),
            MARCH_2026 + 14 * 86_400_000 + 5 * 3_600_000 + 7 * 60_000,
            true,
        ),
        // 31/03 23:59:59.999: still March.
        (
            b,
            json!({"overall": "satisfied", "comment": "cuối tháng ba"}),
            APRIL_2026 - 1,
            true,
        ),
        // 01/04 00:00: April.
        (
            a,
            json!({"overall": "satisfied", "comment": "tháng tư"}),
            APRIL_2026,
            false,
        ),
        (
            b,
            json!({"overall": "very_satisfied", "comment": "bị gắn cờ"}),
            MARCH_2026 + 3_600_000,
            true,
        ),
        (
            b,
            json!({"overall": "not_satisfied", "comment": "bị loại"}),
            MARCH_2026 + 7_200_000,
            true,
        ),
    ];
    let mut ids = Vec::new();
    for (token, body, at, _) in &plan {
        let receipt = rate(&app, token, body.clone()).await;
        move_rating(&app, &receipt.id, *at).await;
        ids.push(receipt.id);
    }
    // One flagged and awaiting review, one flagged and rejected.
    let (flagged, rejected) = (ids[5].clone(), ids[6].clone());
    sql(&app, move |conn| {
        server::db_run!(conn, {
            diesel::update(ratings::table.find(flagged))
                .set(ratings::flagged.eq(true))
                .execute(conn)
                .expect("flag");
            diesel::update(ratings::table.find(rejected))
                .set((
                    ratings::flagged.eq(true),
                    ratings::review_outcome.eq("rejected"),
                ))
                .execute(conn)
                .expect("reject")
        })
    })
    .await;
    let hashes: Vec<(String, String)> = sql(&app, |conn| {
        server::db_run!(conn, {
            ratings::table
                .select((ratings::device_hash, ratings::network_hash))
                .load(conn)
        })
        .expect("hashes")
    })
    .await;

    // The province's committee: the whole province, in time order.
    let committee = w.committee.token();
    let path = format!(
        "/api/v1/exports/ratings?unit_id={}&month=2026-03",
        w.province.id
    );
    let (name, bytes) = download(
        app.get(&format!("{path}&format=csv"), committee).await,
        "text/csv",
    )
    .await;
    assert_eq!(name, "danh-gia-NB-2026-03.csv");
    let body = String::from_utf8(bytes.clone()).unwrap();
    for (device, network) in &hashes {
        assert!(!body.contains(device.as_str()) && !body.contains(network.as_str()));
    }
    let (header, rows) = csv_file(&bytes);
    assert_eq!(
        header,
        [
            "Thời gian",
            "Đơn vị",
            "Quầy",
            "Cán bộ",
            "Số hiệu công chức",
            "Đánh giá chung",
            "Tiếp cận dịch vụ (nơi làm thủ tục, chỗ ngồi, hướng dẫn)",
            "Thủ tục hành chính (công khai, đúng quy định, phí)",
            "Thái độ, hướng dẫn của công chức",
            "Kết quả đúng hẹn",
            "Tiếp nhận, xử lý góp ý",
            "Góp ý",
            "Mã hồ sơ",
            "Tính vào số liệu",
        ]
        .map(String::from)
    );
    let comments: Vec<&str> = rows.iter().map(|r| r[11].as_str()).collect();
    assert_eq!(
        comments,
        [
            "đầu tháng ba",
            "bị gắn cờ",
            "bị loại",
            "Chờ lâu, \"không\" hướng dẫn; phải quay lại",
            "cuối tháng ba"
        ]
    );
    assert_eq!(rows[0][0], "01/03/2026 00:00");
    assert_eq!(rows[4][0], "31/03/2026 23:59");
    let full = &rows[3];
    assert_eq!(full[0], "15/03/2026 05:07");
    assert_eq!(
        full[1..6],
        [
            "UBND xã Gia Viễn",
            "Quầy số 1",
            "Nguyễn Thị Lan",
            "GV-001",
            "Không hài lòng"
        ]
        .map(String::from)
    );
    assert_eq!(full[6..11], ["4", "2", "", "1", ""].map(String::from));
    assert_eq!(full[12], "HS-2026-0042");
    let standing: Vec<&str> = rows.iter().map(|r| r[13].as_str()).collect();
    assert_eq!(
        standing,
        [
            "Được tính",
            "Bị gắn cờ, chờ xem xét",
            "Đã loại bỏ",
            "Được tính",
            "Được tính"
        ]
    );

    // The same as a workbook: times are date-time cells, scores number cells.
    let (name, bytes) = download(app.get(&path, committee).await, XLSX).await;
    assert_eq!(name, "danh-gia-NB-2026-03.xlsx");
    let book = sheets(&bytes);
    assert_eq!(book.len(), 1);
    assert_eq!(book[0].0, "Đánh giá");
    let sheet = &book[0].1;
    let xlsx_header: Vec<&str> = sheet[0].iter().map(text).collect();
    assert_eq!(xlsx_header, header);
    assert_eq!(sheet.len(), 6);
    // 01/03/2026 00:00 is Excel's 46082.0; 15/03 05:07 is 46096 + 307/1440.
    assert_eq!(date_serial(&sheet[1][0]), 46_082.0);
    let t = date_serial(&sheet[4][0]);
    assert!((t - (46_096.0 + 307.0 / 1440.0)).abs() < 1e-9, "{t}");
    assert_eq!(number(&sheet[4][6]), 4.0);
    assert_eq!(sheet[4][8], Data::Empty, "not scored: empty, not 0");
    assert_eq!(text(&sheet[4][12]), "HS-2026-0042");
    assert_eq!(text(&sheet[2][13]), "Bị gắn cờ, chờ xem xét");

    // The head of commune A, from a page link with the session cookie: commune A only.
    let cookie = web_session(&app, &w.head_a.username).await;
    let resp = app
        .client
        .get(app.url("/api/v1/exports/ratings?month=03/2026&format=csv"))
        .header(reqwest::header::COOKIE, &cookie)
        .send()
        .await
        .unwrap();
    let (name, bytes) = download(resp, "text/csv").await;
    assert_eq!(name, "danh-gia-NB-GV-2026-03.csv");
    let (_, rows) = csv_file(&bytes);
    let comments: Vec<&str> = rows.iter().map(|r| r[11].as_str()).collect();
    assert_eq!(
        comments,
        [
            "đầu tháng ba",
            "Chờ lâu, \"không\" hướng dẫn; phải quay lại"
        ]
    );
    // February and April hold the others.
    let (_, bytes) = download(
        app.get(
            &format!(
                "/api/v1/exports/ratings?unit_id={}&month=2026-02&format=csv",
                w.province.id
            ),
            committee,
        )
        .await,
        "text/csv",
    )
    .await;
    assert_eq!(csv_file(&bytes).1.len(), 1);
    assert_eq!(audit_count(&app, "ratings.export").await, 4);
}

#[tokio::test]
async fn a_large_month_comes_whole_and_in_order_across_pages() {
    let app = app().await;
    let w = app.world().await;
    // 5,000 ratings written straight into the database: 2,600 in the same millisecond (more
    // than a page, so the order within a moment must come from the id), the rest spread over
    // the month; 3 outside it.
    let (counter, unit) = (w.counter_a.id.clone(), w.commune_a.id.clone());
    let total = sql(&app, move |conn| {
        let mut rows = Vec::new();
        for n in 0..5_003i64 {
            let at = match n {
                0..2_600 => MARCH_2026 + 10 * 86_400_000,
                5_000 => MARCH_2026 - 1,
                5_001 => APRIL_2026,
                5_002 => APRIL_2026 + 86_400_000,
                n => MARCH_2026 + (n * 997_013) % (31 * 86_400_000),
            };
            rows.push((
                ratings::id.eq(format!("r-{n:05}-{}", 7 * n % 10)),
                ratings::counter_id.eq(counter.clone()),
                ratings::unit_id.eq(unit.clone()),
                ratings::overall.eq("satisfied"),
                ratings::comment.eq(format!("số {n}")),
                ratings::dossier_code.eq(""),
                ratings::device_hash.eq(format!("d{n}")),
                ratings::network_hash.eq("n"),
                ratings::flagged.eq(false),
                ratings::idempotency_key.eq(format!("k{n}")),
                ratings::created_at.eq(at),
                ratings::updated_at.eq(at),
            ));
        }
        server::db_run!(conn, {
            for chunk in rows.chunks(500) {
                diesel::insert_into(ratings::table)
                    .values(chunk.to_vec())
                    .execute(conn)
                    .expect("insert");
            }
        });
        rows.len()
    })
    .await;
    assert_eq!(total, 5_003);
    let path = format!(
        "/api/v1/exports/ratings?unit_id={}&month=2026-03",
        w.province.id
    );
    let (_, bytes) = download(
        app.get(&format!("{path}&format=csv"), w.committee.token())
            .await,
        "text/csv",
    )
    .await;
    let (_, rows) = csv_file(&bytes);
    assert_eq!(rows.len(), 5_000);
    let mut seen: Vec<i64> = rows
        .iter()
        .map(|r| r[11].strip_prefix("số ").unwrap().parse().unwrap())
        .collect();
    // In time order: dd/mm/yyyy HH:MM read back as (day, hour, minute).
    let times: Vec<(u32, u32)> = rows
        .iter()
        .map(|r| {
            let day: u32 = r[0][..2].parse().unwrap();
            let minute: u32 =
                r[0][11..13].parse::<u32>().unwrap() * 60 + r[0][14..16].parse::<u32>().unwrap();
            (day, minute)
        })
        .collect();
    assert!(times.windows(2).all(|p| p[0] <= p[1]), "in time order");
    // Within the burst, by id: r-00000…, r-00001…, in that order.
    let burst: Vec<i64> = seen.iter().copied().filter(|n| *n < 2_600).collect();
    assert_eq!(burst, (0..2_600).collect::<Vec<_>>());
    seen.sort();
    assert_eq!(seen, (0..5_000).collect::<Vec<_>>(), "each once");

    let (_, bytes) = download(app.get(&path, w.committee.token()).await, XLSX).await;
    let book = sheets(&bytes);
    assert_eq!(book[0].1.len(), 5_001);
}

#[tokio::test]
async fn the_committee_and_admins_download_over_their_units() {
    let app = app().await;
    let w = rated_world(&app).await;
    for who in [&w.committee, &w.province_admin, &w.head_province] {
        let resp = app
            .get(
                &format!("/api/v1/figures/export?unit_id={}", w.commune_a.id),
                who.token(),
            )
            .await;
        download(resp, XLSX).await;
    }
    // An administrator of commune A downloads its figures, not the province's.
    let admin_a = w.admin_a.token();
    download(app.get("/api/v1/figures/export", admin_a).await, XLSX).await;
    let resp = app
        .get(
            &format!("/api/v1/figures/export?unit_id={}", w.province.id),
            admin_a,
        )
        .await;
    assert_api_error(resp, 404, ErrorCode::NotFound).await;
    // A national administrator: the whole country.
    let resp = app
        .get("/api/v1/exports/ratings?format=csv", &app.admin_token)
        .await;
    let (name, bytes) = download(resp, "text/csv").await;
    assert!(name.starts_with("danh-gia-toan-quoc-"), "{name}");
    assert_eq!(csv_file(&bytes).1.len(), 38);
}
