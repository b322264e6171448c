use serde_json::json;
use shared::model::*;
use shared::{ErrorCode, FieldCode};
use tests::*;

fn ids(page: &Page<Unit>) -> Vec<&str> {
    page.items.iter().map(|u| u.id.as_str()).collect()
}

#[tokio::test]
async fn an_administrator_builds_a_province_with_its_units_and_reads_them_back() {
    let app = spawn_app().await;
    let province = app.province("NB", "Tỉnh Ninh Bình").await;
    assert_eq!(province.kind, UnitKind::Province);
    assert_eq!(province.parent_id, None);
    assert_eq!(province.depth, 0);
    let commune = app
        .create_unit(
            &app.admin_token,
            &NewUnit {
                parent_id: Some(province.id.clone()),
                kind: UnitKind::Commune,
                code: "NB-GV".into(),
                name: "  UBND xã Gia Viễn ".into(),
                ..Default::default()
            },
        )
        .await;
    // Trimmed, with the default weekly reception (Wednesday morning).
    assert_eq!(commune.name, "UBND xã Gia Viễn");
    assert_eq!(commune.depth, 1);
    assert_eq!(commune.parent_id.as_deref(), Some(province.id.as_str()));
    assert_eq!(
        (
            commune.reception_weekday,
            commune.reception_start.as_str(),
            commune.reception_end.as_str()
        ),
        (3, "07:30", "11:30")
    );
    let centre = app
        .unit_under(
            &commune,
            UnitKind::ServiceCentre,
            "NB-GV-TT",
            "Bộ phận một cửa xã Gia Viễn",
        )
        .await;
    assert_eq!(centre.depth, 2);

    let fetched: Unit = ok_json(
        app.get(&format!("/api/v1/units/{}", commune.id), &app.admin_token)
            .await,
    )
    .await;
    assert_eq!(fetched, commune);
    let all: Page<Unit> = ok_json(app.get("/api/v1/units", &app.admin_token).await).await;
    assert_eq!(all.total, 3);
    // Listed in tree order: the province, then the commune, then its centre.
    assert_eq!(
        ids(&all),
        [
            province.id.as_str(),
            commune.id.as_str(),
            centre.id.as_str()
        ]
    );
    // A subtree by its root.
    let sub: Page<Unit> = ok_json(
        app.get(
            &format!("/api/v1/units?unit_id={}", commune.id),
            &app.admin_token,
        )
        .await,
    )
    .await;
    assert_eq!(ids(&sub), [commune.id.as_str(), centre.id.as_str()]);
}

#[tokio::test]
async fn an_administrator_edits_a_unit() {
    let app = spawn_app().await;
    let w = app.world().await;
    let path = format!("/api/v1/units/{}", w.commune_a.id);
    let updated: Unit = ok_json(
        app.patch_json(
            &path,
            w.province_admin.token(),
            &json!({ "name": "UBND xã Gia Viễn mới", "reception_weekday": 5, "reception_start": "8:00", "reception_end": "10:30" }),
        )
        .await,
    )
    .await;
    assert_eq!(updated.name, "UBND xã Gia Viễn mới");
    assert_eq!(updated.reception_weekday, 5);
    assert_eq!(updated.reception_start, "08:00");
    assert_eq!(updated.code, w.commune_a.code);
    let fetched: Unit = ok_json(app.get(&path, &app.admin_token).await).await;
    assert_eq!(fetched, updated);

    // The reception must end after it starts, checked against the stored start time.
    let err = assert_api_error(
        app.patch_json(
            &path,
            &app.admin_token,
            &json!({ "reception_end": "07:00" }),
        )
        .await,
        400,
        ErrorCode::ValidationFailed,
    )
    .await;
    assert_eq!(err.fields[0].field, "reception_end");
    assert_eq!(
        ok_json::<Unit>(app.get(&path, &app.admin_token).await).await,
        updated
    );
}

#[tokio::test]
async fn each_role_lists_only_the_units_of_its_subtree() {
    let app = spawn_app().await;
    let w = app.world().await;
    let other_province = app.province("TH", "Tỉnh Thanh Hóa").await;
    let all = [
        w.province.id.as_str(),
        w.commune_a.id.as_str(),
        w.commune_b.id.as_str(),
    ];
    for (who, expected) in [
        (&w.province_admin, &all[..]),
        (&w.committee, &all[..]),
        (&w.admin_a, &all[1..2]),
        (&w.head_a, &all[1..2]),
        (&w.officer_a, &all[1..2]),
    ] {
        let page: Page<Unit> = ok_json(app.get("/api/v1/units", who.token()).await).await;
        let mut got = ids(&page);
        got.sort();
        let mut expected = expected.to_vec();
        expected.sort();
        assert_eq!(got, expected, "{}", who.username);
        assert_eq!(page.total as usize, expected.len());
    }
    let national: Page<Unit> = ok_json(app.get("/api/v1/units", &app.admin_token).await).await;
    assert!(ids(&national).contains(&other_province.id.as_str()));
}

#[tokio::test]
async fn a_unit_outside_ones_subtree_is_not_found() {
    let app = spawn_app().await;
    let w = app.world().await;
    for who in [&w.head_a, &w.officer_a, &w.admin_a] {
        for path in [
            format!("/api/v1/units/{}", w.commune_b.id),
            format!("/api/v1/units/{}", w.province.id),
            format!("/api/v1/units?unit_id={}", w.commune_b.id),
        ] {
            assert_api_error(app.get(&path, who.token()).await, 404, ErrorCode::NotFound).await;
        }
    }
    assert_api_error(
        app.get(
            "/api/v1/units/0190a0b0-0000-7000-8000-00000000dead",
            &app.admin_token,
        )
        .await,
        404,
        ErrorCode::NotFound,
    )
    .await;
}

#[tokio::test]
async fn only_administrators_create_or_change_units() {
    let app = spawn_app().await;
    let w = app.world().await;
    let before = app.all_units().await;
    let new_ward = NewUnit {
        parent_id: Some(w.province.id.clone()),
        kind: UnitKind::Ward,
        code: "NB-NEW".into(),
        name: "UBND phường Mới".into(),
        ..Default::default()
    };
    for who in [&w.head_a, &w.officer_a, &w.committee] {
        assert_api_error(
            app.post_json("/api/v1/units", who.token(), &new_ward).await,
            403,
            ErrorCode::Forbidden,
        )
        .await;
        assert_api_error(
            app.patch_json(
                &format!("/api/v1/units/{}", w.commune_a.id),
                who.token(),
                &json!({ "name": "Đổi tên trái phép" }),
            )
            .await,
            403,
            ErrorCode::Forbidden,
        )
        .await;
    }
    assert_eq!(app.all_units().await, before);
}

#[tokio::test]
async fn a_commune_administrator_cannot_touch_units_outside_the_commune() {
    let app = spawn_app().await;
    let w = app.world().await;
    let before = app.all_units().await;
    let token = w.admin_a.token();
    // Another unit of the province: not found, as if it did not exist.
    assert_api_error(
        app.patch_json(
            &format!("/api/v1/units/{}", w.commune_b.id),
            token,
            &json!({ "name": "Đổi tên trái phép" }),
        )
        .await,
        404,
        ErrorCode::NotFound,
    )
    .await;
    // A new unit under the province, or a new province: not theirs to make.
    for unit in [
        NewUnit {
            parent_id: Some(w.province.id.clone()),
            kind: UnitKind::Ward,
            code: "NB-NEW".into(),
            name: "UBND phường Mới".into(),
            ..Default::default()
        },
        NewUnit {
            kind: UnitKind::Province,
            code: "XX".into(),
            name: "Tỉnh Mới".into(),
            ..Default::default()
        },
    ] {
        assert_api_error(
            app.post_json("/api/v1/units", token, &unit).await,
            403,
            ErrorCode::Forbidden,
        )
        .await;
    }
    // Nor move their own commune out from under the province, nor close it.
    let other_province = app.province("TH", "Tỉnh Thanh Hóa").await;
    assert_api_error(
        app.patch_json(
            &format!("/api/v1/units/{}", w.commune_a.id),
            token,
            &json!({ "parent_id": other_province.id }),
        )
        .await,
        403,
        ErrorCode::Forbidden,
    )
    .await;
    assert_api_error(
        app.patch_json(
            &format!("/api/v1/units/{}", w.commune_a.id),
            token,
            &json!({ "active": false }),
        )
        .await,
        403,
        ErrorCode::Forbidden,
    )
    .await;
    let after = app.all_units().await;
    assert_eq!(after.total, before.total + 1);
    assert!(before.items.iter().all(|u| after.items.contains(u)));
    // Inside the commune they can work: a service centre under it.
    let centre = app
        .create_unit(
            token,
            &NewUnit {
                parent_id: Some(w.commune_a.id.clone()),
                kind: UnitKind::ServiceCentre,
                code: "NB-GV-TT".into(),
                name: "Bộ phận một cửa".into(),
                ..Default::default()
            },
        )
        .await;
    assert_eq!(centre.depth, 2);
}

#[tokio::test]
async fn unit_codes_are_unique() {
    let app = spawn_app().await;
    let w = app.world().await;
    let err = assert_api_error(
        app.post_json(
            "/api/v1/units",
            &app.admin_token,
            &NewUnit {
                parent_id: Some(w.province.id.clone()),
                kind: UnitKind::Commune,
                code: w.commune_b.code.clone(),
                name: "UBND xã Trùng Mã".into(),
                ..Default::default()
            },
        )
        .await,
        400,
        ErrorCode::ValidationFailed,
    )
    .await;
    assert_eq!(err.fields[0].field, "code");
    assert_eq!(err.fields[0].code, FieldCode::Duplicate);
    let err = assert_api_error(
        app.patch_json(
            &format!("/api/v1/units/{}", w.commune_a.id),
            &app.admin_token,
            &json!({ "code": w.commune_b.code }),
        )
        .await,
        400,
        ErrorCode::ValidationFailed,
    )
    .await;
    assert_eq!(err.fields[0].code, FieldCode::Duplicate);
    // Keeping one's own code is not a clash.
    ok_json::<Unit>(
        app.patch_json(
            &format!("/api/v1/units/{}", w.commune_a.id),
            &app.admin_token,
            &json!({ "code": w.commune_a.code }),
        )
        .await,
    )
    .await;
    assert_eq!(app.all_units().await.total, 3);
}

#[tokio::test]
async fn units_sit_only_under_the_kinds_the_two_level_tree_allows() {
    let app = spawn_app().await;
    let w = app.world().await;
    for (kind, parent) in [
        (UnitKind::Commune, &w.commune_a),
        (UnitKind::Department, &w.commune_a),
        (UnitKind::Province, &w.province),
    ] {
        let err = assert_api_error(
            app.post_json(
                "/api/v1/units",
                &app.admin_token,
                &NewUnit {
                    parent_id: Some(parent.id.clone()),
                    kind,
                    code: "SAI-CHO".into(),
                    name: "Đơn vị đặt sai chỗ".into(),
                    ..Default::default()
                },
            )
            .await,
            400,
            ErrorCode::ValidationFailed,
        )
        .await;
        assert_eq!(err.fields[0].field, "parent_id", "{kind:?}");
        assert_eq!(err.fields[0].code, FieldCode::InvalidValue);
    }
    // A commune needs a parent; the parent must exist.
    let err = assert_api_error(
        app.post_json(
            "/api/v1/units",
            &app.admin_token,
            &NewUnit {
                kind: UnitKind::Commune,
                code: "MO-COI".into(),
                name: "Xã mồ côi".into(),
                ..Default::default()
            },
        )
        .await,
        400,
        ErrorCode::ValidationFailed,
    )
    .await;
    assert_eq!(err.fields[0].code, FieldCode::Required);
    let err = assert_api_error(
        app.post_json(
            "/api/v1/units",
            &app.admin_token,
            &NewUnit {
                parent_id: Some("0190a0b0-0000-7000-8000-00000000dead".into()),
                kind: UnitKind::Commune,
                code: "MO-COI".into(),
                name: "Xã mồ côi".into(),
                ..Default::default()
            },
        )
        .await,
        400,
        ErrorCode::ValidationFailed,
    )
    .await;
    assert_eq!(err.fields[0].code, FieldCode::NotFound);
    assert_eq!(app.all_units().await.total, 3);
}

#[tokio::test]
async fn moving_a_commune_to_another_province_moves_its_subtree_and_its_people() {
    let app = spawn_app().await;
    let w = app.world().await;
    let centre = app
        .unit_under(
            &w.commune_a,
            UnitKind::ServiceCentre,
            "NB-GV-TT",
            "Bộ phận một cửa",
        )
        .await;
    let other = app.province("TH", "Tỉnh Thanh Hóa").await;
    let moved: Unit = ok_json(
        app.patch_json(
            &format!("/api/v1/units/{}", w.commune_a.id),
            &app.admin_token,
            &json!({ "parent_id": other.id }),
        )
        .await,
    )
    .await;
    assert_eq!(moved.parent_id.as_deref(), Some(other.id.as_str()));
    // The old province's people no longer see it, or anything under it.
    let seen: Page<Unit> = ok_json(app.get("/api/v1/units", w.province_admin.token()).await).await;
    assert_eq!(
        ids(&seen),
        [w.province.id.as_str(), w.commune_b.id.as_str()]
    );
    assert_api_error(
        app.get(&format!("/api/v1/units/{}", centre.id), w.committee.token())
            .await,
        404,
        ErrorCode::NotFound,
    )
    .await;
    let under_other: Page<Unit> = ok_json(
        app.get(
            &format!("/api/v1/units?unit_id={}", other.id),
            &app.admin_token,
        )
        .await,
    )
    .await;
    assert_eq!(
        ids(&under_other),
        [
            other.id.as_str(),
            w.commune_a.id.as_str(),
            centre.id.as_str()
        ]
    );
    assert_eq!(under_other.items[2].depth, 2);
    // The head of the commune still sees the commune and its centre.
    let head_sees: Page<Unit> = ok_json(app.get("/api/v1/units", w.head_a.token()).await).await;
    assert_eq!(
        ids(&head_sees),
        [w.commune_a.id.as_str(), centre.id.as_str()]
    );
}

#[tokio::test]
async fn a_deactivated_unit_is_hidden_from_lists_and_takes_no_new_counters() {
    let app = spawn_app().await;
    let w = app.world().await;
    ok_json::<Unit>(
        app.patch_json(
            &format!("/api/v1/units/{}", w.commune_b.id),
            w.province_admin.token(),
            &json!({ "active": false }),
        )
        .await,
    )
    .await;
    let listed: Page<Unit> = ok_json(app.get("/api/v1/units", &app.admin_token).await).await;
    assert!(!ids(&listed).contains(&w.commune_b.id.as_str()));
    let with_inactive = app.all_units().await;
    let b = with_inactive
        .items
        .iter()
        .find(|u| u.id == w.commune_b.id)
        .expect("still there");
    assert!(!b.active);
    let err = assert_api_error(
        app.post_json(
            "/api/v1/counters",
            &app.admin_token,
            &NewCounter {
                unit_id: w.commune_b.id.clone(),
                name: "Quầy số 2".into(),
            },
        )
        .await,
        400,
        ErrorCode::ValidationFailed,
    )
    .await;
    assert_eq!(err.fields[0].field, "unit_id");
    assert_eq!(app.all_counters().await.total, 2);
}

#[tokio::test]
async fn units_can_be_searched_and_paged() {
    let app = spawn_app().await;
    let w = app.world().await;
    let found: Page<Unit> =
        ok_json(app.get("/api/v1/units?q=GIA%20vi", &app.admin_token).await).await;
    assert_eq!(ids(&found), [w.commune_a.id.as_str()]);
    let by_code: Page<Unit> =
        ok_json(app.get("/api/v1/units?q=nb-hl", &app.admin_token).await).await;
    assert_eq!(ids(&by_code), [w.commune_b.id.as_str()]);
    // LIKE wildcards are taken literally.
    let none: Page<Unit> = ok_json(app.get("/api/v1/units?q=%25", &app.admin_token).await).await;
    assert_eq!(none.total, 0);
    let page2: Page<Unit> = ok_json(
        app.get("/api/v1/units?per_page=1&page=2", &app.admin_token)
            .await,
    )
    .await;
    assert_eq!((page2.total, page2.page, page2.per_page), (3, 2, 1));
    assert_eq!(page2.items.len(), 1);
    let all = app.all_units().await;
    assert_eq!(page2.items[0], all.items[1]);
}
