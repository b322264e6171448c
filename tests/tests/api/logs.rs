use serde_json::{json, Value};
use shared::model::*;
use tests::*;

#[tokio::test]
async fn no_password_token_or_personal_field_reaches_the_logs() {
    let app = spawn_app().await;
    let w = app.world().await;
    let password = "Mat-Khau-Nhat-Ky-9731";
    let wrong_password = "Sai-Mat-Khau-Nhat-Ky-4242";
    let staff_name = "Hoàng Thị Bí Mật";
    let renamed = "Đinh Văn Riêng Tư";
    let imported = "Lý Thị Nhập Khẩu";
    let rejected = "Vũ Văn Dòng Lỗi";

    // An account with a password of its own, created, signed in, refreshed, signed out.
    ok_json::<Account>(
        app.post_json(
            "/api/v1/accounts",
            &app.admin_token,
            &NewAccount {
                username: "nhatky.kiemtra".into(),
                password: password.into(),
                full_name: "Người Kiểm Tra Nhật Ký".into(),
                role: Role::Admin,
                unit_id: Some(w.province.id.clone()),
                phone: None,
                email: None,
                staff_id: None,
            },
        )
        .await,
    )
    .await;
    let first = app.login_as("nhatky.kiemtra", password).await;
    let second: TokenResponse = ok_json(app.refresh(&first.refresh_token).await).await;
    // Replaying the traded token is refused (and logged as a warning).
    assert_eq!(app.refresh(&first.refresh_token).await.status(), 401);
    let third = app.login_as("nhatky.kiemtra", password).await;
    assert_eq!(
        app.login("nhatky.kiemtra", wrong_password).await.status(),
        401
    );
    // A body that is not JSON, with the password in it.
    let resp = app
        .send_raw(
            reqwest::Method::POST,
            "/api/v1/auth/login",
            None,
            "application/json",
            format!("{{\"username\":\"nhatky.kiemtra\",\"password\":\"{password}\""),
        )
        .await;
    assert_eq!(resp.status(), 400);
    // A tampered token.
    let tampered = format!("{}x", third.access_token);
    assert_eq!(app.get("/api/v1/auth/me", &tampered).await.status(), 401);

    // A staff member, renamed, searched for by name, imported, and a refused import row.
    let staff: Staff = ok_json(
        app.post_json(
            "/api/v1/staff",
            &third.access_token,
            &NewStaff {
                unit_id: w.commune_a.id.clone(),
                full_name: staff_name.into(),
                title: "Công chức Tư pháp - Hộ tịch".into(),
                badge_number: "GV-777".into(),
                counter_id: None,
            },
        )
        .await,
    )
    .await;
    let staff_path = format!("/api/v1/staff/{}", staff.id);
    ok_json::<Staff>(
        app.patch_json(
            &staff_path,
            &third.access_token,
            &json!({ "full_name": renamed }),
        )
        .await,
    )
    .await;
    let search = format!("/api/v1/staff?q={renamed}");
    let found: Page<Staff> = ok_json(app.get(&search, &third.access_token).await).await;
    assert_eq!(found.total, 1);
    let csv = format!(
        "unit_code,full_name,title,badge_number,counter_name\nNB-GV,{imported},Công chức,GV-778,\n"
    );
    ok_json::<ImportReport>(
        app.post_csv("/api/v1/import/staff", &third.access_token, csv)
            .await,
    )
    .await;
    let bad_csv = format!(
        "unit_code,full_name,title,badge_number,counter_name\nNB-XX,{rejected},Công chức,GV-779,\n"
    );
    assert_eq!(
        app.post_csv("/api/v1/import/staff", &third.access_token, bad_csv)
            .await
            .status(),
        400
    );
    let resp = app
        .client
        .post(app.url("/api/v1/auth/logout"))
        .bearer_auth(&second.access_token)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 401, "the replay ended that session already");

    let logs = captured_logs();
    for (what, secret) in [
        ("password", password),
        ("wrong password", wrong_password),
        ("the helpers' password", PASSWORD),
        ("access token", first.access_token.as_str()),
        ("access token", second.access_token.as_str()),
        ("access token", third.access_token.as_str()),
        ("refresh token", first.refresh_token.as_str()),
        ("refresh token", second.refresh_token.as_str()),
        ("refresh token", third.refresh_token.as_str()),
        ("JWT signing key", JWT_SECRET),
        ("staff name", staff_name),
        ("staff name", renamed),
        ("staff name", imported),
        ("staff name", rejected),
        ("account name", "Người Kiểm Tra Nhật Ký"),
    ] {
        assert!(!logs.contains(secret), "the {what} {secret:?} was logged");
    }
    // Any JWT at all (the first part is the same for every HS256 token of this server).
    let jwt_header = first.access_token.split('.').next().unwrap();
    assert!(!logs.contains(jwt_header), "a JWT was logged");

    // The requests were logged, each line with its request id, method, path and status.
    let lines: Vec<Value> = logs
        .lines()
        .map(|l| {
            serde_json::from_str(l).unwrap_or_else(|e| panic!("not a JSON log line ({e}): {l}"))
        })
        .collect();
    let of_staff: Vec<&Value> = lines
        .iter()
        .filter(|l| l["span"]["path"] == staff_path.as_str())
        .collect();
    assert!(!of_staff.is_empty(), "no log line for {staff_path}");
    for line in &of_staff {
        let id = line["span"]["request_id"].as_str().unwrap_or("");
        assert!(
            uuid::Uuid::parse_str(id).is_ok(),
            "request id {id:?} in {line}"
        );
        assert_eq!(line["span"]["method"], "PATCH");
    }
    assert!(lines.iter().any(|l| l["level"] == "WARN"
        && l["fields"]["message"]
            .as_str()
            .unwrap_or("")
            .contains("refresh token reused")));
}
