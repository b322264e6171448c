use image::{DynamicImage, GenericImageView, ImageFormat, RgbImage};
use serde_json::json;
use shared::model::*;
use shared::{ErrorCode, FieldCode};
use std::io::Cursor;
use tests::*;

fn encode(img: RgbImage, format: ImageFormat) -> Vec<u8> {
    let mut out = Vec::new();
    DynamicImage::ImageRgb8(img)
        .write_to(&mut Cursor::new(&mut out), format)
        .expect("encode");
    out
}

/// A smooth colour gradient, as a small portrait-free landscape picture.
fn gradient(width: u32, height: u32) -> RgbImage {
    RgbImage::from_fn(width, height, |x, y| {
        image::Rgb([(x * 255 / width) as u8, (y * 255 / height) as u8, 128])
    })
}

/// Pseudo-random pixels: they do not compress, so the file is as large as a real photo.
fn noise(width: u32, height: u32) -> RgbImage {
    let mut state: u32 = 0x9e37_79b9;
    RgbImage::from_fn(width, height, |_, _| {
        let mut px = [0u8; 3];
        for b in &mut px {
            state ^= state << 13;
            state ^= state >> 17;
            state ^= state << 5;
            *b = state as u8;
        }
        image::Rgb(px)
    })
}

const SECRET_DESCRIPTION: &[u8] = b"GPS 20.25N 105.97E nha rieng\0";

/// Puts an APP1 Exif segment right after the JPEG's start-of-image marker: a big-endian TIFF
/// with an ImageDescription (a stand-in for GPS and other private data) and an Orientation.
fn with_exif(jpeg: &[u8], orientation: u16) -> Vec<u8> {
    assert_eq!(&jpeg[..2], [0xFF, 0xD8]);
    let mut tiff = Vec::new();
    tiff.extend_from_slice(b"MM\x00\x2A\x00\x00\x00\x08");
    tiff.extend_from_slice(&2u16.to_be_bytes());
    let data_offset: u32 = 8 + 2 + 2 * 12 + 4;
    // 0x010E ImageDescription, ASCII, stored after the IFD.
    tiff.extend_from_slice(&0x010Eu16.to_be_bytes());
    tiff.extend_from_slice(&2u16.to_be_bytes());
    tiff.extend_from_slice(&(SECRET_DESCRIPTION.len() as u32).to_be_bytes());
    tiff.extend_from_slice(&data_offset.to_be_bytes());
    // 0x0112 Orientation, SHORT, inline.
    tiff.extend_from_slice(&0x0112u16.to_be_bytes());
    tiff.extend_from_slice(&3u16.to_be_bytes());
    tiff.extend_from_slice(&1u32.to_be_bytes());
    tiff.extend_from_slice(&orientation.to_be_bytes());
    tiff.extend_from_slice(&[0, 0]);
    tiff.extend_from_slice(&0u32.to_be_bytes());
    tiff.extend_from_slice(SECRET_DESCRIPTION);
    let mut payload = b"Exif\x00\x00".to_vec();
    payload.extend_from_slice(&tiff);
    let mut out = jpeg[..2].to_vec();
    out.extend_from_slice(&[0xFF, 0xE1]);
    out.extend_from_slice(&((payload.len() + 2) as u16).to_be_bytes());
    out.extend_from_slice(&payload);
    out.extend_from_slice(&jpeg[2..]);
    out
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

async fn download_photo(app: &TestApp, staff_id: &str) -> reqwest::Response {
    app.get_anonymous(&format!("/api/v1/staff/{staff_id}/photo"))
        .await
}

#[tokio::test]
async fn an_administrator_adds_edits_and_reads_back_staff() {
    let app = spawn_app().await;
    let w = app.world().await;
    let created: Staff = ok_json(
        app.post_json(
            "/api/v1/staff",
            w.admin_a.token(),
            &NewStaff {
                unit_id: w.commune_a.id.clone(),
                full_name: " Lê Thị Hoa ".into(),
                title: "Công chức Địa chính - Xây dựng".into(),
                badge_number: "GV-002".into(),
                counter_id: Some(w.counter_a.id.clone()),
            },
        )
        .await,
    )
    .await;
    assert_eq!(created.full_name, "Lê Thị Hoa");
    assert_eq!(created.counter_id.as_deref(), Some(w.counter_a.id.as_str()));
    assert!(created.active && !created.has_photo);
    let path = format!("/api/v1/staff/{}", created.id);
    assert_eq!(
        ok_json::<Staff>(app.get(&path, w.officer_a.token()).await).await,
        created
    );

    let updated: Staff = ok_json(
        app.patch_json(
            &path,
            w.admin_a.token(),
            &json!({ "title": "Phó Chủ tịch UBND xã", "counter_id": null }),
        )
        .await,
    )
    .await;
    assert_eq!(updated.title, "Phó Chủ tịch UBND xã");
    assert_eq!(updated.counter_id, None);
    assert_eq!(updated.badge_number, "GV-002");
    assert_eq!(
        ok_json::<Staff>(app.get(&path, &app.admin_token).await).await,
        updated
    );

    let listed: Page<Staff> = ok_json(
        app.get(
            &format!("/api/v1/staff?unit_id={}", w.commune_a.id),
            w.head_a.token(),
        )
        .await,
    )
    .await;
    let names: Vec<&str> = listed.items.iter().map(|s| s.full_name.as_str()).collect();
    assert_eq!(names, ["Lê Thị Hoa", "Nguyễn Thị Lan"]);
    let by_badge: Page<Staff> =
        ok_json(app.get("/api/v1/staff?q=gv-002", &app.admin_token).await).await;
    assert_eq!(by_badge.items, [updated]);
}

#[tokio::test]
async fn badge_numbers_are_unique_and_counters_belong_to_the_unit() {
    let app = spawn_app().await;
    let w = app.world().await;
    let before = app.all_staff().await;
    let err = assert_api_error(
        app.post_json(
            "/api/v1/staff",
            &app.admin_token,
            &NewStaff {
                unit_id: w.commune_a.id.clone(),
                full_name: "Phạm Văn Trùng".into(),
                title: "Công chức".into(),
                badge_number: w.staff_b.badge_number.clone(),
                counter_id: None,
            },
        )
        .await,
        400,
        ErrorCode::ValidationFailed,
    )
    .await;
    assert_eq!(
        (err.fields[0].field.as_str(), err.fields[0].code),
        ("badge_number", FieldCode::Duplicate)
    );
    let err = assert_api_error(
        app.post_json(
            "/api/v1/staff",
            &app.admin_token,
            &NewStaff {
                unit_id: w.commune_a.id.clone(),
                full_name: "Phạm Văn Lạc".into(),
                title: "Công chức".into(),
                badge_number: "GV-009".into(),
                counter_id: Some(w.counter_b.id.clone()),
            },
        )
        .await,
        400,
        ErrorCode::ValidationFailed,
    )
    .await;
    assert_eq!(err.fields[0].field, "counter_id");
    let err = assert_api_error(
        app.patch_json(
            &format!("/api/v1/staff/{}", w.staff_a.id),
            &app.admin_token,
            &json!({ "badge_number": w.staff_b.badge_number }),
        )
        .await,
        400,
        ErrorCode::ValidationFailed,
    )
    .await;
    assert_eq!(err.fields[0].code, FieldCode::Duplicate);
    assert_eq!(app.all_staff().await, before);
}

#[tokio::test]
async fn moving_an_officer_to_another_unit_leaves_the_old_counter_behind() {
    let app = spawn_app().await;
    let w = app.world().await;
    let moved: Staff = ok_json(
        app.patch_json(
            &format!("/api/v1/staff/{}", w.staff_a.id),
            w.province_admin.token(),
            &json!({ "unit_id": w.commune_b.id }),
        )
        .await,
    )
    .await;
    assert_eq!(moved.unit_id, w.commune_b.id);
    assert_eq!(moved.counter_id, None);
    let moved_back: Staff = ok_json(
        app.patch_json(
            &format!("/api/v1/staff/{}", w.staff_a.id),
            w.province_admin.token(),
            &json!({ "unit_id": w.commune_a.id, "counter_id": w.counter_a.id }),
        )
        .await,
    )
    .await;
    assert_eq!(
        moved_back.counter_id.as_deref(),
        Some(w.counter_a.id.as_str())
    );
}

#[tokio::test]
async fn staff_of_another_unit_are_out_of_reach() {
    let app = spawn_app().await;
    let w = app.world().await;
    let before = app.all_staff().await;
    for who in [&w.head_a, &w.officer_a, &w.admin_a] {
        let listed: Page<Staff> = ok_json(app.get("/api/v1/staff", who.token()).await).await;
        assert_eq!(
            listed.items,
            std::slice::from_ref(&w.staff_a),
            "{}",
            who.username
        );
        assert_api_error(
            app.get(&format!("/api/v1/staff/{}", w.staff_b.id), who.token())
                .await,
            404,
            ErrorCode::NotFound,
        )
        .await;
    }
    let token = w.admin_a.token();
    assert_api_error(
        app.patch_json(
            &format!("/api/v1/staff/{}", w.staff_b.id),
            token,
            &json!({ "full_name": "Đổi tên trái phép" }),
        )
        .await,
        404,
        ErrorCode::NotFound,
    )
    .await;
    // Creating someone in another unit, or moving one's own officer there.
    assert_api_error(
        app.post_json(
            "/api/v1/staff",
            token,
            &NewStaff {
                unit_id: w.commune_b.id.clone(),
                full_name: "Người Lạ".into(),
                title: "Công chức".into(),
                badge_number: "LA-001".into(),
                counter_id: None,
            },
        )
        .await,
        403,
        ErrorCode::Forbidden,
    )
    .await;
    assert_api_error(
        app.patch_json(
            &format!("/api/v1/staff/{}", w.staff_a.id),
            token,
            &json!({ "unit_id": w.commune_b.id }),
        )
        .await,
        403,
        ErrorCode::Forbidden,
    )
    .await;
    assert_api_error(
        app.put_photo(
            &w.staff_b.id,
            token,
            encode(gradient(40, 40), ImageFormat::Png),
        )
        .await,
        404,
        ErrorCode::NotFound,
    )
    .await;
    assert_eq!(app.all_staff().await, before);
}

#[tokio::test]
async fn only_administrators_add_or_change_staff() {
    let app = spawn_app().await;
    let w = app.world().await;
    let before = app.all_staff().await;
    for who in [&w.head_a, &w.officer_a, &w.committee] {
        assert_api_error(
            app.post_json(
                "/api/v1/staff",
                who.token(),
                &NewStaff {
                    unit_id: w.commune_a.id.clone(),
                    full_name: "Người Mới".into(),
                    title: "Công chức".into(),
                    badge_number: "GV-100".into(),
                    counter_id: None,
                },
            )
            .await,
            403,
            ErrorCode::Forbidden,
        )
        .await;
        assert_api_error(
            app.patch_json(
                &format!("/api/v1/staff/{}", w.staff_a.id),
                who.token(),
                &json!({ "active": false }),
            )
            .await,
            403,
            ErrorCode::Forbidden,
        )
        .await;
        assert_api_error(
            app.put_photo(
                &w.staff_a.id,
                who.token(),
                encode(gradient(40, 40), ImageFormat::Png),
            )
            .await,
            403,
            ErrorCode::Forbidden,
        )
        .await;
    }
    assert_api_error(
        app.send_raw(
            reqwest::Method::PUT,
            &format!("/api/v1/staff/{}/photo", w.staff_a.id),
            None,
            "image/png",
            encode(gradient(40, 40), ImageFormat::Png),
        )
        .await,
        401,
        ErrorCode::Unauthenticated,
    )
    .await;
    assert_eq!(app.all_staff().await, before);
    assert_eq!(download_photo(&app, &w.staff_a.id).await.status(), 404);
}

#[tokio::test]
async fn a_png_portrait_is_stored_as_a_jpeg_that_anyone_can_see() {
    let app = spawn_app().await;
    let w = app.world().await;
    assert_api_error(
        download_photo(&app, &w.staff_a.id).await,
        404,
        ErrorCode::NotFound,
    )
    .await;
    let staff: Staff = ok_json(
        app.put_photo(
            &w.staff_a.id,
            w.admin_a.token(),
            encode(gradient(90, 120), ImageFormat::Png),
        )
        .await,
    )
    .await;
    assert!(staff.has_photo);
    // Citizens see officers' photos on the counter page without signing in.
    let resp = download_photo(&app, &w.staff_a.id).await;
    assert_eq!(resp.status(), 200);
    assert_eq!(resp.headers()["content-type"], "image/jpeg");
    let bytes = resp.bytes().await.unwrap();
    assert_eq!(image::guess_format(&bytes).unwrap(), ImageFormat::Jpeg);
    let served = image::load_from_memory(&bytes).unwrap();
    let (width, height) = served.dimensions();
    assert!(width <= 480 && height <= 480);
    assert_eq!(
        width * 4,
        height * 3,
        "{width}x{height} keeps the 3:4 shape"
    );
}

#[tokio::test]
async fn a_photos_exif_block_is_stripped_and_its_orientation_applied() {
    let app = spawn_app().await;
    let w = app.world().await;
    // A landscape picture whose EXIF says "rotate 90° clockwise to view".
    let original = with_exif(&encode(gradient(120, 60), ImageFormat::Jpeg), 6);
    assert!(
        image::load_from_memory(&original).is_ok(),
        "the test file is a valid JPEG"
    );
    assert!(contains(&original, b"Exif\0\0") && contains(&original, SECRET_DESCRIPTION));
    ok_json::<Staff>(
        app.put_photo(&w.staff_a.id, &app.admin_token, original)
            .await,
    )
    .await;
    let bytes = download_photo(&app, &w.staff_a.id)
        .await
        .bytes()
        .await
        .unwrap();
    assert!(!contains(&bytes, b"Exif\0\0"), "an Exif block survived");
    assert!(
        !contains(&bytes, b"GPS 20.25N"),
        "the private description survived"
    );
    let (width, height) = image::load_from_memory(&bytes).unwrap().dimensions();
    assert_eq!(height, width * 2, "turned upright: {width}x{height}");
}

#[tokio::test]
async fn a_phone_sized_photo_of_a_few_hundred_kilobytes_is_accepted() {
    let app = spawn_app().await;
    let w = app.world().await;
    let photo = encode(noise(400, 300), ImageFormat::Png);
    assert!(photo.len() > 300 * 1024, "{} bytes", photo.len());
    let staff: Staff = ok_json(app.put_photo(&w.staff_a.id, &app.admin_token, photo).await).await;
    assert!(staff.has_photo);
    let resp = download_photo(&app, &w.staff_a.id).await;
    assert_eq!(resp.status(), 200);
    let served = image::load_from_memory(&resp.bytes().await.unwrap()).unwrap();
    assert_eq!(served.dimensions(), (480, 360));
}

#[tokio::test]
async fn what_is_not_an_image_is_refused_and_nothing_is_stored() {
    let app = spawn_app().await;
    let w = app.world().await;
    let jpeg = encode(gradient(64, 64), ImageFormat::Jpeg);
    for (what, body) in [
        ("text", b"day khong phai la anh".to_vec()),
        ("empty", Vec::new()),
        ("a truncated JPEG", jpeg[..jpeg.len() / 3].to_vec()),
        (
            "a GIF header",
            b"GIF89a\x01\x00\x01\x00\x00\x00\x00;".to_vec(),
        ),
        ("a PDF", b"%PDF-1.4\n1 0 obj <<>> endobj\n".to_vec()),
    ] {
        let resp = app.put_photo(&w.staff_a.id, &app.admin_token, body).await;
        let status = resp.status().as_u16();
        assert!(status == 415, "{what}: {status}");
        assert_api_error(resp, 415, ErrorCode::UnsupportedMediaType).await;
    }
    let staff: Staff = ok_json(
        app.get(&format!("/api/v1/staff/{}", w.staff_a.id), &app.admin_token)
            .await,
    )
    .await;
    assert!(!staff.has_photo);
    assert_eq!(download_photo(&app, &w.staff_a.id).await.status(), 404);
}

#[tokio::test]
async fn a_deactivated_officers_photo_is_no_longer_served() {
    let app = spawn_app().await;
    let w = app.world().await;
    ok_json::<Staff>(
        app.put_photo(
            &w.staff_a.id,
            &app.admin_token,
            encode(gradient(40, 40), ImageFormat::Png),
        )
        .await,
    )
    .await;
    assert_eq!(download_photo(&app, &w.staff_a.id).await.status(), 200);
    ok_json::<Staff>(
        app.patch_json(
            &format!("/api/v1/staff/{}", w.staff_a.id),
            &app.admin_token,
            &json!({ "active": false }),
        )
        .await,
    )
    .await;
    assert_api_error(
        download_photo(&app, &w.staff_a.id).await,
        404,
        ErrorCode::NotFound,
    )
    .await;
    // Deactivated staff leave the default list but are kept.
    let listed: Page<Staff> = ok_json(app.get("/api/v1/staff", &app.admin_token).await).await;
    assert_eq!(listed.items, std::slice::from_ref(&w.staff_b));
    assert_eq!(app.all_staff().await.total, 2);
}

#[tokio::test]
async fn an_upload_over_ten_megabytes_is_refused_as_too_large() {
    let app = spawn_app().await;
    let w = app.world().await;
    let resp = app
        .put_photo(
            &w.staff_a.id,
            &app.admin_token,
            vec![0u8; 10 * 1024 * 1024 + 1],
        )
        .await;
    assert_api_error(resp, 413, ErrorCode::PayloadTooLarge).await;
    assert_eq!(download_photo(&app, &w.staff_a.id).await.status(), 404);
}

#[tokio::test]
async fn staff_are_found_by_any_case_of_a_vietnamese_name() {
    let app = spawn_app().await;
    let w = app.world().await;
    let dinh = app
        .staff(&w.commune_a, "Đinh Thị Ánh", "GV-010", None)
        .await;
    let do_ = app.staff(&w.commune_a, "ĐỖ VĂN ÚT", "GV-011", None).await;
    for (query, expected) in [
        ("đinh", &dinh),
        ("ĐINH THỊ", &dinh),
        ("ánh", &dinh),
        ("đỗ văn", &do_),
        ("Út", &do_),
    ] {
        let found: Page<Staff> = ok_json(
            app.get(&format!("/api/v1/staff?q={query}"), w.head_a.token())
                .await,
        )
        .await;
        let names: Vec<&str> = found.items.iter().map(|s| s.full_name.as_str()).collect();
        assert_eq!(names, [expected.full_name.as_str()], "{query}");
    }
    // Units and accounts are searched the same way.
    let ward: Page<Unit> = ok_json(
        app.get("/api/v1/units?q=PHƯỜNG%20hoa", &app.admin_token)
            .await,
    )
    .await;
    assert_eq!(ward.items, std::slice::from_ref(&w.commune_b));
    let accounts: Page<Account> = ok_json(
        app.get(
            "/api/v1/accounts?q=NGƯỜI%20DÙNG%20CHUTICH.GIAVIEN",
            &app.admin_token,
        )
        .await,
    )
    .await;
    assert_eq!(accounts.items.len(), 1);
    assert_eq!(accounts.items[0].id, w.head_a.account.id);
}
