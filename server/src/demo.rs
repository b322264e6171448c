//! A small demo province for trying the platform on a laptop: one province with a service
//! centre, a department and three communes/wards, their counters and staff, and one account per
//! role. Loaded by `minhbach serve --demo` only when it is not there yet.

use crate::auth::hash_password;
use crate::db::{new_id, now_ms, Db};
use crate::services::{accounts, counters, staff::StaffRow, units};
use shared::model::{NewAccount, Role};

pub const DEMO_PROVINCE_CODE: &str = "DEMO-NB";
pub const DEMO_PASSWORD: &str = "minhbach-demo";

pub const ACCOUNTS_NOTE: &str = "Đã nạp dữ liệu mẫu. Tài khoản thử (mật khẩu: minhbach-demo) / demo accounts (password: minhbach-demo):
  quantri     quản trị viên tỉnh / province administrator
  chutich.xa  chủ tịch UBND xã Gia Viễn / head of Gia Viễn commune
  canbo.xa    cán bộ một cửa xã Gia Viễn / counter officer
  ubkt        ủy ban kiểm tra tỉnh / inspection committee";

/// Returns whether the demo was created now (false when it already existed). The head's
/// contact is sealed with `key`, the server's data key.
pub fn load(db: &Db, key: &crate::crypto::DataKey) -> anyhow::Result<bool> {
    let mut conn = db.get()?;
    let exists = units::list(
        &mut conn,
        &national_actor(),
        &shared::model::ListQuery {
            q: Some(DEMO_PROVINCE_CODE.to_lowercase()),
            include_inactive: Some(true),
            ..Default::default()
        },
    )
    .map_err(|e| anyhow::anyhow!("{e}"))?
    .total
        > 0;
    if exists {
        return Ok(false);
    }
    let now = now_ms();
    let mk =
        |parent: Option<&units::UnitRow>, kind: &str, code: &str, name: &str, address: &str| {
            let id = new_id();
            units::UnitRow {
                path: format!("{}{id}/", parent.map(|p| p.path.as_str()).unwrap_or("/")),
                depth: parent.map(|p| p.depth + 1).unwrap_or(0),
                parent_id: parent.map(|p| p.id.clone()),
                id,
                kind: kind.into(),
                code: code.into(),
                name: name.into(),
                address: address.into(),
                reception_weekday: 3,
                reception_start: "07:30".into(),
                reception_end: "11:30".into(),
                active: true,
                created_at: now,
                updated_at: now,
                remote_area: false,
            }
        };
    let province = mk(
        None,
        "province",
        DEMO_PROVINCE_CODE,
        "Tỉnh Ninh Bình (dữ liệu mẫu)",
        "Phường Hoa Lư, tỉnh Ninh Bình",
    );
    let centre = mk(
        Some(&province),
        "service_centre",
        "DEMO-NB-TTPVHCC",
        "Trung tâm Phục vụ hành chính công tỉnh",
        "Phường Hoa Lư",
    );
    let justice = mk(
        Some(&province),
        "department",
        "DEMO-NB-STP",
        "Sở Tư pháp",
        "Phường Hoa Lư",
    );
    let gia_vien = mk(
        Some(&province),
        "commune",
        "DEMO-NB-GV",
        "UBND xã Gia Viễn",
        "Xã Gia Viễn, tỉnh Ninh Bình",
    );
    let hoa_lu = mk(
        Some(&province),
        "ward",
        "DEMO-NB-HL",
        "UBND phường Hoa Lư",
        "Phường Hoa Lư, tỉnh Ninh Bình",
    );
    let nho_quan = mk(
        Some(&province),
        "commune",
        "DEMO-NB-NQ",
        "UBND xã Nho Quan",
        "Xã Nho Quan, tỉnh Ninh Bình",
    );
    let all = vec![
        province.clone(),
        centre.clone(),
        justice,
        gia_vien.clone(),
        hoa_lu.clone(),
        nho_quan.clone(),
    ];
    units::insert_rows(&mut conn, &all).map_err(|e| anyhow::anyhow!("{e}"))?;

    let mut counter_rows = Vec::new();
    let mut staff_rows = Vec::new();
    let people = [
        ("Nguyễn Thị Lan", "Công chức Văn phòng - Thống kê"),
        ("Trần Văn Hùng", "Công chức Tư pháp - Hộ tịch"),
        ("Lê Minh Tuấn", "Công chức Địa chính - Xây dựng"),
        ("Phạm Thu Hà", "Công chức Văn hóa - Xã hội"),
    ];
    for (u_index, unit) in [&gia_vien, &hoa_lu, &nho_quan, &centre]
        .into_iter()
        .enumerate()
    {
        for (c_index, counter_name) in [
            "Quầy 1 - Tư pháp, hộ tịch",
            "Quầy 2 - Đất đai, xây dựng",
            "Quầy 3 - Chứng thực",
        ]
        .iter()
        .enumerate()
        {
            let counter = counters::new_row(&unit.id, counter_name);
            let (name, title) = people[(u_index + c_index) % people.len()];
            staff_rows.push(StaffRow::new(
                &unit.id,
                name,
                title,
                &format!("DEMO-{:02}{:02}", u_index + 1, c_index + 1),
                Some(counter.id.clone()),
            ));
            counter_rows.push(counter);
        }
    }
    counters::insert_rows(&mut conn, &counter_rows).map_err(|e| anyhow::anyhow!("{e}"))?;
    crate::services::staff::insert_rows(&mut conn, &staff_rows)
        .map_err(|e| anyhow::anyhow!("{e}"))?;

    let hash = hash_password(DEMO_PASSWORD).map_err(|e| anyhow::anyhow!("{e}"))?;
    for (username, full_name, role, unit, contact) in [
        ("quantri", "Đỗ Quang Minh", Role::Admin, &province, None),
        // The head hears of new denunciations and of each reception session by SMS and e-mail.
        // Made up (the e-mail domain is reserved for examples): a demo with a real gateway
        // configured would write to them, so give the account your own before trying one.
        (
            "chutich.xa",
            "Vũ Đức Thắng",
            Role::Head,
            &gia_vien,
            Some(("0900000001", "chutich.giavien@example.com")),
        ),
        ("canbo.xa", "Trần Văn Hùng", Role::Officer, &gia_vien, None),
        ("ubkt", "Hoàng Thị Mai", Role::Committee, &province, None),
    ] {
        if accounts::by_username(&mut conn, username)
            .map_err(|e| anyhow::anyhow!("{e}"))?
            .is_none()
        {
            accounts::insert(
                &mut conn,
                &NewAccount {
                    username: username.into(),
                    password: String::new(),
                    full_name: full_name.into(),
                    role,
                    unit_id: Some(unit.id.clone()),
                    phone: contact.map(|(phone, _)| phone.to_string()),
                    email: contact.map(|(_, email)| email.to_string()),
                    staff_id: None,
                },
                &hash,
                key,
            )
            .map_err(|e| anyhow::anyhow!("{e}"))?;
        }
    }
    Ok(true)
}

fn national_actor() -> crate::auth::Actor {
    crate::auth::Actor {
        account_id: String::new(),
        username: "demo".into(),
        full_name: String::new(),
        role: Role::Admin,
        unit_id: None,
        scope_path: String::new(),
        session_id: String::new(),
        staff_id: None,
        from: None,
    }
}
