//! Request and response types of the `/api/v1` JSON API, used as they are by the web app.
//! Timestamps are Unix milliseconds (UTC); pages show them in Vietnam time (UTC+7).

use serde::{Deserialize, Deserializer, Serialize};

#[cfg(feature = "openapi")]
use utoipa::{IntoParams, ToSchema};

/// What an account may do; each role is scoped to the subtree of the account's unit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Sets up units, counters, staff and accounts of its subtree.
    Admin,
    /// Head of a unit (thủ trưởng, chủ tịch UBND).
    Head,
    /// Counter officer (cán bộ, công chức một cửa).
    Officer,
    /// Member of an inspection / anti-corruption committee.
    Committee,
}

impl Role {
    pub const ALL: [Role; 4] = [Role::Admin, Role::Head, Role::Officer, Role::Committee];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Head => "head",
            Role::Officer => "officer",
            Role::Committee => "committee",
        }
    }

    pub fn parse(s: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.as_str() == s)
    }

    pub fn label(self, lang: crate::Lang) -> &'static str {
        match self {
            Role::Admin => lang.pick("Quản trị viên", "Administrator"),
            Role::Head => lang.pick("Thủ trưởng đơn vị", "Head of unit"),
            Role::Officer => lang.pick("Cán bộ một cửa", "Counter officer"),
            Role::Committee => lang.pick("Ủy ban kiểm tra", "Inspection committee"),
        }
    }
}

/// The kinds of unit in the two-level local government since July 2025.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum UnitKind {
    /// Tỉnh, thành phố trực thuộc trung ương.
    Province,
    /// Xã.
    #[default]
    Commune,
    /// Phường.
    Ward,
    /// Đặc khu.
    SpecialZone,
    /// Sở, ban, ngành of a province.
    Department,
    /// Trung tâm phục vụ hành chính công (provincial or communal).
    ServiceCentre,
}

impl UnitKind {
    pub const ALL: [UnitKind; 6] = [
        UnitKind::Province,
        UnitKind::Commune,
        UnitKind::Ward,
        UnitKind::SpecialZone,
        UnitKind::Department,
        UnitKind::ServiceCentre,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            UnitKind::Province => "province",
            UnitKind::Commune => "commune",
            UnitKind::Ward => "ward",
            UnitKind::SpecialZone => "special_zone",
            UnitKind::Department => "department",
            UnitKind::ServiceCentre => "service_centre",
        }
    }

    pub fn parse(s: &str) -> Option<UnitKind> {
        UnitKind::ALL.into_iter().find(|k| k.as_str() == s)
    }

    pub fn label(self, lang: crate::Lang) -> &'static str {
        match self {
            UnitKind::Province => lang.pick("Tỉnh/Thành phố", "Province/City"),
            UnitKind::Commune => lang.pick("Xã", "Commune"),
            UnitKind::Ward => lang.pick("Phường", "Ward"),
            UnitKind::SpecialZone => lang.pick("Đặc khu", "Special zone"),
            UnitKind::Department => lang.pick("Sở, ban, ngành", "Department"),
            UnitKind::ServiceCentre => lang.pick(
                "Trung tâm phục vụ hành chính công",
                "Public administration service centre",
            ),
        }
    }

    /// The kinds of unit this kind may sit under; empty for a top-level unit.
    pub fn allowed_parents(self) -> &'static [UnitKind] {
        match self {
            UnitKind::Province => &[],
            UnitKind::Commune | UnitKind::Ward | UnitKind::SpecialZone | UnitKind::Department => {
                &[UnitKind::Province]
            }
            UnitKind::ServiceCentre => &[
                UnitKind::Province,
                UnitKind::Commune,
                UnitKind::Ward,
                UnitKind::SpecialZone,
            ],
        }
    }
}

/// ISO weekday number: 1 = Monday (Thứ Hai) … 7 = Sunday (Chủ nhật).
pub fn weekday_label(day: u8, lang: crate::Lang) -> &'static str {
    match day {
        1 => lang.pick("Thứ Hai", "Monday"),
        2 => lang.pick("Thứ Ba", "Tuesday"),
        3 => lang.pick("Thứ Tư", "Wednesday"),
        4 => lang.pick("Thứ Năm", "Thursday"),
        5 => lang.pick("Thứ Sáu", "Friday"),
        6 => lang.pick("Thứ Bảy", "Saturday"),
        7 => lang.pick("Chủ nhật", "Sunday"),
        _ => "?",
    }
}

/// Citizen reception defaults: Wednesday mornings, as for a commune chairman.
pub const DEFAULT_RECEPTION_WEEKDAY: u8 = 3;
pub const DEFAULT_RECEPTION_START: &str = "07:30";
pub const DEFAULT_RECEPTION_END: &str = "11:30";

/// Distinguishes "field absent" (`None`) from "field set to null" (`Some(None)`) in PATCH bodies.
fn double_option<'de, T, D>(de: D) -> Result<Option<Option<T>>, D::Error>
where
    T: Deserialize<'de>,
    D: Deserializer<'de>,
{
    Option::<T>::deserialize(de).map(Some)
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct Unit {
    pub id: String,
    pub parent_id: Option<String>,
    pub kind: UnitKind,
    /// The unit's administrative code (mã đơn vị), unique.
    pub code: String,
    pub name: String,
    pub address: String,
    /// ISO weekday of the weekly citizen reception (1 = Monday).
    pub reception_weekday: u8,
    /// "HH:MM", Vietnam time.
    pub reception_start: String,
    pub reception_end: String,
    pub active: bool,
    /// Depth in the tree: 0 for a province.
    pub depth: u32,
    pub created_at: i64,
    pub updated_at: i64,
    /// In a remote and difficult area (vùng sâu, vùng xa, đi lại khó khăn): complaints are
    /// resolved within 45 days, 60 if complex (Law on Complaints 2011, art. 28).
    #[serde(default)]
    pub remote_area: bool,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewUnit {
    #[serde(default)]
    pub parent_id: Option<String>,
    pub kind: UnitKind,
    pub code: String,
    pub name: String,
    #[serde(default)]
    pub address: Option<String>,
    #[serde(default)]
    pub reception_weekday: Option<u8>,
    #[serde(default)]
    pub reception_start: Option<String>,
    #[serde(default)]
    pub reception_end: Option<String>,
    /// In a remote and difficult area (default: no). Set by an administrator above the unit.
    #[serde(default)]
    pub remote_area: Option<bool>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(deny_unknown_fields)]
pub struct UnitPatch {
    #[serde(default)]
    pub parent_id: Option<String>,
    #[serde(default)]
    pub code: Option<String>,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub address: Option<String>,
    #[serde(default)]
    pub reception_weekday: Option<u8>,
    #[serde(default)]
    pub reception_start: Option<String>,
    #[serde(default)]
    pub reception_end: Option<String>,
    /// `false` deactivates the unit (it is never deleted: reports refer to it).
    #[serde(default)]
    pub active: Option<bool>,
    /// In a remote and difficult area: lengthens its complaints' resolution period (Law on
    /// Complaints 2011, art. 28). Only an administrator above the unit changes it.
    #[serde(default)]
    pub remote_area: Option<bool>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct Counter {
    pub id: String,
    pub unit_id: String,
    pub name: String,
    /// The random token in the counter's QR code; rotating it retires printed posters.
    pub qr_token: String,
    pub active: bool,
    pub created_at: i64,
    pub updated_at: i64,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewCounter {
    pub unit_id: String,
    pub name: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CounterPatch {
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub active: Option<bool>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct Staff {
    pub id: String,
    pub unit_id: String,
    pub full_name: String,
    /// Chức danh, e.g. "Công chức Tư pháp - Hộ tịch".
    pub title: String,
    /// Số thẻ công chức.
    pub badge_number: String,
    /// The counter the officer is serving now, if any.
    pub counter_id: Option<String>,
    pub has_photo: bool,
    pub active: bool,
    pub created_at: i64,
    pub updated_at: i64,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewStaff {
    pub unit_id: String,
    pub full_name: String,
    pub title: String,
    pub badge_number: String,
    #[serde(default)]
    pub counter_id: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(deny_unknown_fields)]
pub struct StaffPatch {
    #[serde(default)]
    pub unit_id: Option<String>,
    #[serde(default)]
    pub full_name: Option<String>,
    #[serde(default)]
    pub title: Option<String>,
    #[serde(default)]
    pub badge_number: Option<String>,
    /// Absent: unchanged; `null`: the officer serves no counter now.
    #[serde(default, deserialize_with = "double_option")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub counter_id: Option<Option<String>>,
    #[serde(default)]
    pub active: Option<bool>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct Account {
    pub id: String,
    pub username: String,
    pub full_name: String,
    pub role: Role,
    /// The root of the subtree the role applies to; `None` only for a national administrator.
    pub unit_id: Option<String>,
    pub active: bool,
    pub created_at: i64,
    pub updated_at: i64,
    /// Where the platform's messages reach this person (a head hears of new denunciations and
    /// of the next reception session): a phone for SMS or Zalo, as digits ("0912345678").
    #[serde(default)]
    pub phone: Option<String>,
    /// … and/or an e-mail address.
    #[serde(default)]
    pub email: Option<String>,
    /// The staff record of the same person (a head or officer who also appears among the
    /// unit's staff): a report naming that record is never shown to this account.
    #[serde(default)]
    pub staff_id: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewAccount {
    pub username: String,
    pub password: String,
    pub full_name: String,
    pub role: Role,
    pub unit_id: Option<String>,
    /// A phone for the platform's messages (SMS or Zalo); stored encrypted.
    #[serde(default)]
    pub phone: Option<String>,
    /// An e-mail address for the platform's messages; stored encrypted.
    #[serde(default)]
    pub email: Option<String>,
    /// The staff record of the same person, in the account's unit (see [`Account::staff_id`]).
    #[serde(default)]
    pub staff_id: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(deny_unknown_fields)]
pub struct AccountPatch {
    #[serde(default)]
    pub full_name: Option<String>,
    #[serde(default)]
    pub role: Option<Role>,
    #[serde(default)]
    pub unit_id: Option<String>,
    #[serde(default)]
    pub active: Option<bool>,
    /// A new password; every session of the account ends.
    #[serde(default)]
    pub password: Option<String>,
    /// Absent: unchanged; `null` or empty: no phone any more.
    #[serde(default, deserialize_with = "double_option")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub phone: Option<Option<String>>,
    /// Absent: unchanged; `null` or empty: no e-mail address any more.
    #[serde(default, deserialize_with = "double_option")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub email: Option<Option<String>>,
    /// Absent: unchanged; `null` or empty: not linked to a staff record any more.
    #[serde(default, deserialize_with = "double_option")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub staff_id: Option<Option<String>>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(deny_unknown_fields)]
pub struct LoginRequest {
    pub username: String,
    pub password: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct TokenResponse {
    /// A short-lived JWT (HS256) for the `Authorization: Bearer` header.
    pub access_token: String,
    pub token_type: String,
    /// Seconds until the access token expires.
    pub expires_in: i64,
    /// Single-use: each refresh returns a new one and retires this one.
    pub refresh_token: String,
    pub account: Account,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(deny_unknown_fields)]
pub struct RefreshRequest {
    pub refresh_token: String,
}

/// Who is signed in, as the pages' header shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct Me {
    pub account: Account,
    pub unit_name: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(IntoParams))]
pub struct ListQuery {
    /// Only the given unit (and, for units, its subtree).
    pub unit_id: Option<String>,
    /// Free-text search in names and codes.
    pub q: Option<String>,
    /// Include deactivated records.
    pub include_inactive: Option<bool>,
    /// 1-based page number.
    pub page: Option<u32>,
    /// Rows per page, at most 500.
    pub per_page: Option<u32>,
}

impl ListQuery {
    pub const MAX_PER_PAGE: u32 = 500;

    pub fn page(&self) -> u32 {
        self.page.unwrap_or(1).max(1)
    }

    pub fn per_page(&self) -> u32 {
        self.per_page.unwrap_or(100).clamp(1, Self::MAX_PER_PAGE)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct Page<T> {
    pub items: Vec<T>,
    pub total: i64,
    pub page: u32,
    pub per_page: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct ImportReport {
    pub units_created: u32,
    pub staff_created: u32,
    /// Counters named in a staff file that did not exist yet.
    pub counters_created: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct Health {
    pub status: String,
}
