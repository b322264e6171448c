//! The audit log as the committee reads it: the filters of `GET /api/v1/audit`, one entry, a
//! page, and the names of the actions the server records (with their labels for the page).
//! The hash chain itself is computed on the server only (`server::services::audit`).

use crate::calendar::Date;
use crate::Lang;
use serde::{Deserialize, Serialize};

#[cfg(feature = "openapi")]
use utoipa::{IntoParams, ToSchema};

/// The actions the server records. One list, so the page can label each and the committee can
/// filter on one (`action=case.` filters on every action that starts so).
pub mod action {
    pub const LOGIN: &str = "auth.login";
    pub const LOGIN_FAILED: &str = "auth.login_failed";
    pub const LOGOUT: &str = "auth.logout";
    /// A staff member read a denunciation's case page (every reading, not only the first).
    pub const CASE_READ: &str = "case.read";
    /// Every action on a case is `case.` and the action's name (`case.accept`, …).
    pub const CASE_PREFIX: &str = "case.";
    /// A committee member revealed an identified reporter, giving a reason.
    pub const IDENTITY_REVEAL: &str = "identity.reveal";
    pub const RECEPTION_EXPORT: &str = "reception.export_xlsx";
    /// A dashboard's tables or an officer's scorecard downloaded (.xlsx or CSV).
    pub const FIGURES_EXPORT: &str = "figures.export";
    /// Every rating of a month in a unit's subtree downloaded (.xlsx or CSV).
    pub const RATINGS_EXPORT: &str = "ratings.export";
    pub const ACCOUNT_CREATE: &str = "account.create";
    pub const ACCOUNT_UPDATE: &str = "account.update";
    pub const UNIT_CREATE: &str = "unit.create";
    pub const UNIT_UPDATE: &str = "unit.update";
    pub const UNIT_IMPORT: &str = "unit.import";
    pub const CALENDAR_SAVE: &str = "settings.calendar";
    pub const DEADLINES_SAVE: &str = "settings.deadlines";
    /// The committee recorded a finding on a case (object: the case).
    pub const FINDING_RECORD: &str = "finding.record";
    /// A discipline measure added, renamed, moved, retired or offered again.
    pub const DISCIPLINE_MEASURE_SAVE: &str = "settings.discipline_measure";
    /// A case's photo redacted (its regions set or replaced); the object is the photo.
    pub const PHOTO_REDACT: &str = "photo.redact";
}

/// "Đăng nhập" / "Sign-in" for an action name; an action without a label shows its name.
pub fn action_label(name: &str, lang: Lang) -> String {
    let fixed = match name {
        action::LOGIN => Some(("Đăng nhập", "Sign-in")),
        action::LOGIN_FAILED => Some(("Đăng nhập thất bại", "Failed sign-in")),
        action::LOGOUT => Some(("Đăng xuất", "Sign-out")),
        action::CASE_READ => Some(("Xem đơn tố cáo", "Read a denunciation")),
        action::IDENTITY_REVEAL => Some(("Xem danh tính người gửi", "Reporter identity revealed")),
        action::RECEPTION_EXPORT => Some((
            "Tải sổ tiếp công dân (.xlsx)",
            "Reception log downloaded (.xlsx)",
        )),
        action::FIGURES_EXPORT => Some(("Tải số liệu thống kê", "Figures downloaded")),
        action::RATINGS_EXPORT => Some((
            "Tải danh sách đánh giá của tháng",
            "A month's ratings downloaded",
        )),
        action::ACCOUNT_CREATE => Some(("Tạo tài khoản", "Account created")),
        action::ACCOUNT_UPDATE => Some(("Sửa tài khoản, vai trò", "Account or role changed")),
        action::UNIT_CREATE => Some(("Tạo đơn vị", "Unit created")),
        action::UNIT_UPDATE => Some(("Sửa đơn vị", "Unit changed")),
        action::UNIT_IMPORT => Some(("Nhập đơn vị từ CSV", "Units imported from CSV")),
        action::CALENDAR_SAVE => Some(("Sửa lịch ngày nghỉ", "Calendar of days off changed")),
        action::DEADLINES_SAVE => Some(("Sửa thời hạn giải quyết", "Deadline settings changed")),
        action::FINDING_RECORD => Some(("Ghi kết luận, kỷ luật", "Finding recorded")),
        action::DISCIPLINE_MEASURE_SAVE => Some((
            "Sửa danh mục hình thức kỷ luật",
            "Discipline measures changed",
        )),
        action::PHOTO_REDACT => Some(("Che ảnh của phản ánh", "Case photo redacted")),
        _ => None,
    };
    if let Some((vi, en)) = fixed {
        return lang.pick(vi, en).to_string();
    }
    match name.strip_prefix(action::CASE_PREFIX) {
        Some(kind) => format!("{} ({kind})", lang.pick("Xử lý phản ánh", "Case action")),
        None => name.to_string(),
    }
}

/// Which entries to list. Every filter is optional; pages go from the newest entry back.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema, IntoParams))]
pub struct AuditQuery {
    /// The username (as it was when the entry was written) or the account id of who acted.
    #[serde(default)]
    pub actor: Option<String>,
    /// An action name (`auth.login_failed`), or a prefix ending in a dot (`case.`).
    #[serde(default)]
    pub action: Option<String>,
    /// `case`, `photo`, `account`, `unit`, `reception_session`, `settings`, `session`.
    #[serde(default)]
    pub object_kind: Option<String>,
    #[serde(default)]
    pub object_id: Option<String>,
    /// First day, `YYYY-MM-DD` or `dd/mm/yyyy`, Vietnam time, inclusive.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", param(format = Date), schema(format = Date))]
    pub from: Option<String>,
    /// Last day, inclusive.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", param(format = Date), schema(format = Date))]
    pub to: Option<String>,
    /// The `next` cursor of the page before.
    #[serde(default)]
    pub after: Option<String>,
    #[serde(default)]
    pub per_page: Option<u32>,
}

impl AuditQuery {
    pub const DEFAULT_PER_PAGE: u32 = 50;
    pub const MAX_PER_PAGE: u32 = 200;

    pub fn per_page(&self) -> u32 {
        self.per_page
            .unwrap_or(Self::DEFAULT_PER_PAGE)
            .clamp(1, Self::MAX_PER_PAGE)
    }

    /// The filters with blank ones dropped and the dates read, or the name of the field at
    /// fault.
    pub fn cleaned(&self) -> Result<AuditFilter, &'static str> {
        let text = |v: &Option<String>| {
            v.as_deref()
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(|s| s.chars().take(200).collect::<String>())
        };
        let date = |v: &Option<String>, field: &'static str| match text(v) {
            None => Ok(None),
            Some(s) => Date::parse(&s).map(Some).ok_or(field),
        };
        let after = match text(&self.after) {
            None => None,
            Some(s) => Some(s.parse::<i64>().map_err(|_| "after")?),
        };
        Ok(AuditFilter {
            actor: text(&self.actor),
            action: text(&self.action),
            object_kind: text(&self.object_kind),
            object_id: text(&self.object_id),
            from: date(&self.from, "from")?,
            to: date(&self.to, "to")?,
            after,
            per_page: self.per_page(),
        })
    }
}

/// [`AuditQuery`] checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditFilter {
    pub actor: Option<String>,
    pub action: Option<String>,
    pub object_kind: Option<String>,
    pub object_id: Option<String>,
    pub from: Option<Date>,
    pub to: Option<Date>,
    pub after: Option<i64>,
    pub per_page: u32,
}

/// One entry of the log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct AuditEntry {
    /// 1, 2, 3… in the order written, without gaps.
    pub id: i64,
    /// Unix milliseconds.
    pub at: i64,
    pub actor_account_id: Option<String>,
    /// `admin`, `head`, `officer`, `committee`; `citizen` and `system` for the citizen and the
    /// server's jobs; empty for a sign-in with an unknown username.
    pub actor_role: String,
    /// The username as it was then (for a failed sign-in: the one typed).
    pub actor_username: String,
    pub action: String,
    pub object_kind: String,
    pub object_id: String,
    /// The client's network address, when the action came from a request by staff.
    pub from_address: Option<String>,
    /// What changed, as a JSON object (never personal data).
    pub detail: String,
    /// SHA-256 (hex) of the entry before.
    pub prev_hash: String,
    /// SHA-256 (hex) of this entry with the hash before it.
    pub hash: String,
}

/// One page of the log, newest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct AuditPage {
    pub items: Vec<AuditEntry>,
    pub per_page: u32,
    /// The `after` cursor of the next (older) page; none on the last page.
    pub next: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blank_filters_are_dropped_and_dates_read() {
        let q = AuditQuery {
            actor: Some("  ".into()),
            action: Some(" case. ".into()),
            from: Some("01/12/2026".into()),
            after: Some("42".into()),
            per_page: Some(10_000),
            ..AuditQuery::default()
        };
        let f = q.cleaned().unwrap();
        assert_eq!(f.actor, None);
        assert_eq!(f.action.as_deref(), Some("case."));
        assert_eq!(f.from, Date::new(2026, 12, 1));
        assert_eq!(f.after, Some(42));
        assert_eq!(f.per_page, AuditQuery::MAX_PER_PAGE);
    }

    #[test]
    fn a_bad_date_or_cursor_names_its_field() {
        let bad_date = AuditQuery {
            to: Some("31/02/2026".into()),
            ..AuditQuery::default()
        };
        assert_eq!(bad_date.cleaned(), Err("to"));
        let bad_cursor = AuditQuery {
            after: Some("x".into()),
            ..AuditQuery::default()
        };
        assert_eq!(bad_cursor.cleaned(), Err("after"));
    }

    #[test]
    fn every_case_action_has_a_label() {
        assert_eq!(
            action_label("case.accept", Lang::En),
            "Case action (accept)"
        );
        assert_eq!(
            action_label(action::LOGIN_FAILED, Lang::Vi),
            "Đăng nhập thất bại"
        );
    }
}
