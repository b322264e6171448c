use shared::model::*;
use shared::{ErrorCode, FieldCode};
use tests::*;

const UNITS_HEADER: &str =
    "code,name,kind,parent_code,address,reception_weekday,reception_start,reception_end\n";
const STAFF_HEADER: &str = "unit_code,full_name,title,badge_number,counter_name\n";

async fn import(
    app: &TestApp,
    what: &str,
    token: &str,
    csv: impl Into<reqwest::Body>,
) -> reqwest::Response {
    app.post_csv(&format!("/api/v1/import/{what}"), token, csv)
        .await
}

/// (line, field, code) of each row error, in file order.
fn row_errors(err: &shared::ApiError) -> Vec<(u64, &str, FieldCode)> {
    err.fields
        .iter()
        .map(|f| {
            (
                f.line.expect("every CSV error has a line"),
                f.field.as_str(),
                f.code,
            )
        })
        .collect()
}

async fn total(app: &TestApp, path: &str, token: &str) -> i64 {
    ok_json::<serde_json::Value>(app.get(path, token).await).await["total"]
        .as_i64()
        .unwrap()
}

#[tokio::test]
async fn a_whole_province_of_three_thousand_communes_and_six_thousand_staff_imports_in_one_call() {
    const COMMUNES: usize = 3_000;
    let app = spawn_app().await;
    let mut units = String::from(UNITS_HEADER);
    units.push_str("T01,Tỉnh Thử Nghiệm,tỉnh,,Số 1 đường Trần Hưng Đạo,,,\n");
    for i in 1..=COMMUNES {
        let (kind, prefix) = if i % 3 == 0 {
            ("phường", "UBND phường")
        } else {
            ("xã", "UBND xã")
        };
        units.push_str(&format!(
            "T01-{i:05},{prefix} Số {i},{kind},T01,\"Thôn {i}, {prefix} Số {i}\",{},07:30,11:30\n",
            1 + i % 5
        ));
    }
    let report: ImportReport = ok_json(import(&app, "units", &app.admin_token, units).await).await;
    assert_eq!(
        report,
        ImportReport {
            units_created: COMMUNES as u32 + 1,
            staff_created: 0,
            counters_created: 0
        }
    );

    let mut staff = String::from(STAFF_HEADER);
    for i in 1..=COMMUNES {
        // Two officers per commune, at the same counter (named twice, created once).
        for j in 1..=2 {
            staff.push_str(&format!(
                "T01-{i:05},Nguyễn Văn Số {i}-{j},Công chức Văn phòng - Thống kê,T01/{i:05}/{j},Quầy một cửa\n"
            ));
        }
    }
    let report: ImportReport = ok_json(import(&app, "staff", &app.admin_token, staff).await).await;
    assert_eq!(
        report,
        ImportReport {
            units_created: 0,
            staff_created: 2 * COMMUNES as u32,
            counters_created: COMMUNES as u32
        }
    );

    let admin = app.admin_token.clone();
    assert_eq!(
        total(&app, "/api/v1/units?per_page=1", &admin).await,
        COMMUNES as i64 + 1
    );
    assert_eq!(
        total(&app, "/api/v1/staff?per_page=1", &admin).await,
        2 * COMMUNES as i64
    );
    assert_eq!(
        total(&app, "/api/v1/counters?per_page=1", &admin).await,
        COMMUNES as i64
    );
    let wards: Page<Unit> = ok_json(
        app.get("/api/v1/units?q=ph%C6%B0%E1%BB%9Dng&per_page=1", &admin)
            .await,
    )
    .await;
    assert_eq!(wards.total, COMMUNES as i64 / 3);

    // One commune, as its head sees it: itself, its two officers at its one counter.
    let commune: Page<Unit> = ok_json(app.get("/api/v1/units?q=T01-01234", &admin).await).await;
    let commune = &commune.items[0];
    assert_eq!(commune.name, "UBND xã Số 1234");
    assert_eq!(commune.kind, UnitKind::Commune);
    assert_eq!(commune.reception_weekday, 5);
    assert_eq!(commune.address, "Thôn 1234, UBND xã Số 1234");
    let head = app
        .signed_in("chutich.1234", Role::Head, Some(commune))
        .await;
    let seen: Page<Staff> = ok_json(app.get("/api/v1/staff", head.token()).await).await;
    let badges: Vec<&str> = seen.items.iter().map(|s| s.badge_number.as_str()).collect();
    assert_eq!(badges, ["T01/01234/1", "T01/01234/2"]);
    assert!(seen.items[0].counter_id.is_some());
    assert_eq!(seen.items[0].counter_id, seen.items[1].counter_id);
    assert_eq!(total(&app, "/api/v1/counters", head.token()).await, 1);
}

#[tokio::test]
async fn every_bad_unit_row_is_reported_with_its_line_and_nothing_is_imported() {
    let app = spawn_app().await;
    let csv = format!(
        "{UNITS_HEADER}\
NB,Tỉnh Ninh Bình,tỉnh,,,,,
NB-01,UBND xã Một,xã,NB,,,,
NB-02,UBND xã Hai,làng,NB,,,,
NB-03,UBND xã Ba,xã,KHONG-CO,,,,
NB-04,X,xã,NB,,,,
NB-05,UBND xã Năm,xã,NB,,9,,
NB-01,UBND xã Trùng Mã,xã,NB,,,,
NB-06,UBND xã Sáu,xã,NB
NB-07,UBND xã Bảy,xã,NB,,ba,,
\"NB-08\",\"UBND xã Tám, mới\",xã,NB,\"Thôn 1
xã Tám\",,07:00,06:00
NB-09,UBND xã Chín,xã,NB,,,,
NB-10,UBND xã Mười,xã,NB-01,,,,
"
    );
    let err = assert_api_error(
        import(&app, "units", &app.admin_token, csv).await,
        400,
        ErrorCode::CsvInvalid,
    )
    .await;
    assert_eq!(
        row_errors(&err),
        [
            (4, "kind", FieldCode::InvalidValue),
            (5, "parent_code", FieldCode::NotFound),
            (6, "name", FieldCode::TooShort),
            (7, "reception_weekday", FieldCode::InvalidValue),
            (8, "code", FieldCode::Duplicate),
            (9, "", FieldCode::InvalidFormat),
            (10, "reception_weekday", FieldCode::InvalidFormat),
            // A quoted cell over two lines is reported at the line the row starts on; a line
            // break is not allowed inside an address.
            (11, "address", FieldCode::InvalidFormat),
            (11, "reception_end", FieldCode::InvalidValue),
            (14, "parent_code", FieldCode::InvalidValue),
        ]
    );
    assert!(err.message.en.contains("10 errors"), "{}", err.message.en);
    assert_eq!(app.all_units().await.total, 0);
}

#[tokio::test]
async fn every_bad_staff_row_is_reported_with_its_line_and_nothing_is_imported() {
    let app = spawn_app().await;
    let w = app.world().await;
    let (staff_before, counters_before) = (app.all_staff().await, app.all_counters().await);
    let csv = format!(
        "{STAFF_HEADER}\
NB-GV,Phạm Văn Một,Công chức,GV-101,Quầy số 1
NB-XX,Phạm Văn Hai,Công chức,GV-102,
NB-GV,P,Công chức,GV-103,
NB-GV,Phạm Văn Bốn,Công chức,GV 104,
NB-GV,Phạm Văn Năm,Công chức,{},
NB-GV,Phạm Văn Sáu,Công chức,GV-101,
NB-GV,Phạm Văn Bảy,Công chức,GV-107,Quầy mới
NB-GV,Phạm Văn Tám,,GV-108,
",
        w.staff_a.badge_number
    );
    let err = assert_api_error(
        import(&app, "staff", &app.admin_token, csv).await,
        400,
        ErrorCode::CsvInvalid,
    )
    .await;
    assert_eq!(
        row_errors(&err),
        [
            (3, "unit_code", FieldCode::NotFound),
            (4, "full_name", FieldCode::TooShort),
            (5, "badge_number", FieldCode::InvalidFormat),
            (6, "badge_number", FieldCode::Duplicate),
            (7, "badge_number", FieldCode::Duplicate),
            (9, "title", FieldCode::Required),
        ]
    );
    assert_eq!(app.all_staff().await, staff_before);
    assert_eq!(app.all_counters().await, counters_before);
}

#[tokio::test]
async fn a_csv_that_is_not_utf8_is_refused_and_nothing_is_imported() {
    let app = spawn_app().await;
    let w = app.world().await;
    let units_before = app.all_units().await;
    // "UBND xã Mới" saved by an old program as Windows-1258 (ã = 0xE3, ớ split in two bytes).
    let mut latin = UNITS_HEADER.as_bytes().to_vec();
    latin.extend_from_slice(b"NB-NEW,UBND x\xE3 M\xF5\xEC,xa,NB,,,,\n");
    let err = assert_api_error(
        import(&app, "units", &app.admin_token, latin).await,
        400,
        ErrorCode::CsvInvalid,
    )
    .await;
    assert_eq!(row_errors(&err), [(2, "name", FieldCode::InvalidFormat)]);
    assert!(err.fields[0].message.en.contains("UTF-8"));

    // UTF-16 with its byte-order mark, as Excel's "Unicode text" writes it: even the header
    // cannot be read.
    let utf16: Vec<u8> = [0xFF, 0xFE]
        .into_iter()
        .chain(
            format!("{UNITS_HEADER}NB-NEW,UBND xã Mới,xã,NB,,,,\n")
                .encode_utf16()
                .flat_map(|u| u.to_le_bytes()),
        )
        .collect();
    let err = assert_api_error(
        import(&app, "units", &app.admin_token, utf16).await,
        400,
        ErrorCode::CsvInvalid,
    )
    .await;
    assert!(err.fields.is_empty());
    assert_eq!(app.all_units().await, units_before);

    let mut latin_staff = STAFF_HEADER.as_bytes().to_vec();
    latin_staff.extend_from_slice(b"NB-GV,Ph\xE6m V\xE3n T\xE9,C\xF4ng ch\xFAc,GV-200,\n");
    let err = assert_api_error(
        import(&app, "staff", &app.admin_token, latin_staff).await,
        400,
        ErrorCode::CsvInvalid,
    )
    .await;
    assert_eq!(
        row_errors(&err),
        [
            (2, "full_name", FieldCode::InvalidFormat),
            (2, "title", FieldCode::InvalidFormat)
        ]
    );
    assert_eq!(app.all_staff().await.total, 2);
    let _ = w;
}

#[tokio::test]
async fn a_file_without_the_expected_header_or_rows_is_refused() {
    let app = spawn_app().await;
    for (what, body) in [
        ("units", String::new()),
        ("units", "ma,ten,loai\nNB,Tỉnh Ninh Bình,tỉnh\n".to_string()),
        ("units", UNITS_HEADER.to_string()),
        (
            "staff",
            UNITS_HEADER.to_string() + "NB,Tỉnh Ninh Bình,tỉnh,,,,,\n",
        ),
        ("staff", STAFF_HEADER.to_string() + "\n\n"),
    ] {
        let err = assert_api_error(
            import(&app, what, &app.admin_token, body.clone()).await,
            400,
            ErrorCode::CsvInvalid,
        )
        .await;
        assert!(err.fields.is_empty(), "{what}: {body:?}");
    }
    assert_eq!(app.all_units().await.total, 0);
}

#[tokio::test]
async fn an_excel_file_with_a_byte_order_mark_and_vietnamese_kinds_imports() {
    let app = spawn_app().await;
    let csv = format!(
        "\u{FEFF}{}\
HB,Tỉnh Hòa Bình,Tỉnh,,,,,
HB-01,UBND xã Một,Xã,HB,,,,
HB-02,UBND phường Hai,phường,HB,,,,
HB-03,Đặc khu Ba,đặc khu,HB,,,,
HB-SO,Sở Nội vụ,sở,HB,,,,
HB-01-TT,Bộ phận một cửa xã Một,trung tâm,HB-01,,2,13:30,17:00
",
        UNITS_HEADER.to_uppercase()
    );
    let report: ImportReport = ok_json(import(&app, "units", &app.admin_token, csv).await).await;
    assert_eq!(report.units_created, 6);
    let units = app.all_units().await;
    let kinds: Vec<(&str, UnitKind, u32)> = units
        .items
        .iter()
        .map(|u| (u.code.as_str(), u.kind, u.depth))
        .collect();
    let mut kinds = kinds;
    kinds.sort_by_key(|(code, _, _)| *code);
    assert_eq!(
        kinds,
        [
            ("HB", UnitKind::Province, 0),
            ("HB-01", UnitKind::Commune, 1),
            ("HB-01-TT", UnitKind::ServiceCentre, 2),
            ("HB-02", UnitKind::Ward, 1),
            ("HB-03", UnitKind::SpecialZone, 1),
            ("HB-SO", UnitKind::Department, 1),
        ]
    );
    let centre = units.items.iter().find(|u| u.code == "HB-01-TT").unwrap();
    assert_eq!(
        (centre.reception_weekday, centre.reception_start.as_str()),
        (2, "13:30")
    );
}

#[tokio::test]
async fn imports_stay_inside_the_importers_subtree() {
    let app = spawn_app().await;
    let w = app.world().await;
    let (units_before, staff_before) = (app.all_units().await, app.all_staff().await);
    let token = w.admin_a.token();
    let err = assert_api_error(
        import(
            &app,
            "units",
            token,
            format!("{UNITS_HEADER}NB-NEW,UBND xã Mới,xã,NB,,,,\nXX,Tỉnh Mới,tỉnh,,,,,\n"),
        )
        .await,
        400,
        ErrorCode::CsvInvalid,
    )
    .await;
    assert_eq!(
        row_errors(&err),
        [
            (2, "parent_code", FieldCode::NotFound),
            (3, "parent_code", FieldCode::Required)
        ]
    );
    let err = assert_api_error(
        import(
            &app,
            "staff",
            token,
            format!("{STAFF_HEADER}NB-HL,Người Lạ,Công chức,HL-900,\n"),
        )
        .await,
        400,
        ErrorCode::CsvInvalid,
    )
    .await;
    assert_eq!(row_errors(&err), [(2, "unit_code", FieldCode::NotFound)]);
    assert_eq!(app.all_units().await, units_before);
    assert_eq!(app.all_staff().await, staff_before);
    // Inside their commune it works.
    let report: ImportReport = ok_json(
        import(
            &app,
            "staff",
            token,
            format!("{STAFF_HEADER}NB-GV,Người Mới,Công chức,GV-900,Quầy số 1\n"),
        )
        .await,
    )
    .await;
    assert_eq!((report.staff_created, report.counters_created), (1, 0));
}

#[tokio::test]
async fn only_administrators_import() {
    let app = spawn_app().await;
    let w = app.world().await;
    let (units_before, staff_before) = (app.all_units().await, app.all_staff().await);
    for who in [&w.head_a, &w.officer_a, &w.committee] {
        assert_api_error(
            import(
                &app,
                "units",
                who.token(),
                format!("{UNITS_HEADER}NB-NEW,UBND xã Mới,xã,NB,,,,\n"),
            )
            .await,
            403,
            ErrorCode::Forbidden,
        )
        .await;
        assert_api_error(
            import(
                &app,
                "staff",
                who.token(),
                format!("{STAFF_HEADER}NB-GV,Người Mới,Công chức,GV-900,\n"),
            )
            .await,
            403,
            ErrorCode::Forbidden,
        )
        .await;
    }
    assert_api_error(
        app.send_raw(
            reqwest::Method::POST,
            "/api/v1/import/units",
            None,
            "text/csv",
            UNITS_HEADER,
        )
        .await,
        401,
        ErrorCode::Unauthenticated,
    )
    .await;
    assert_eq!(app.all_units().await, units_before);
    assert_eq!(app.all_staff().await, staff_before);
}
