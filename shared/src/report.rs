//! Reports from citizens (phản ánh, kiến nghị, khiếu nại, tố cáo): their kinds and categories,
//! what a citizen sends, what the tracking page shows, and the validation of all of it.

use crate::citizen::check_idempotency_key;
use crate::error::ApiError;
use crate::validate::Checker;
use crate::{FieldCode, Lang};
use serde::{Deserialize, Serialize};

#[cfg(feature = "openapi")]
use utoipa::ToSchema;

macro_rules! labelled_enum {
    ($(#[$meta:meta])* $name:ident { $($variant:ident = $code:literal, $vi:literal, $en:literal;)+ }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
        #[cfg_attr(feature = "openapi", derive(ToSchema))]
        #[serde(rename_all = "snake_case")]
        pub enum $name { $($variant,)+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant,)+];

            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $code,)+ }
            }

            pub fn parse(s: &str) -> Option<$name> {
                Self::ALL.iter().copied().find(|x| x.as_str() == s)
            }

            pub fn label(self, lang: Lang) -> &'static str {
                match self { $($name::$variant => lang.pick($vi, $en),)+ }
            }
        }
    };
}

labelled_enum! {
    /// The kinds the law distinguishes; each has its own deadlines.
    ReportKind {
        Feedback = "feedback", "Phản ánh", "Feedback";
        Suggestion = "suggestion", "Kiến nghị", "Suggestion";
        Complaint = "complaint", "Khiếu nại (về một quyết định)", "Complaint (about a decision)";
        Denunciation = "denunciation", "Tố cáo (hành vi sai phạm)", "Denunciation (of misconduct)";
    }
}

labelled_enum! {
    ReportCategory {
        AskingMoney = "asking_money", "Đòi tiền, quà", "Asking for money or gifts";
        Harassment = "harassment", "Nhũng nhiễu, gây phiền hà", "Harassment or obstruction";
        Rude = "rude", "Thái độ không đúng mực", "Rude attitude";
        Absent = "absent", "Vắng mặt, đi muộn", "Absent or late officer";
        NoBadge = "no_badge", "Không đeo thẻ công chức", "Missing name badge";
        WrongFee = "wrong_fee", "Thu phí sai, không niêm yết phí", "Wrong or unposted fee";
        LateDossier = "late_dossier", "Trễ hẹn hồ sơ", "Late dossier";
        Other = "other", "Khác", "Other";
    }
}

impl ReportCategory {
    /// Misconduct that goes to the inspection committee rather than (only) the unit's head.
    pub fn is_misconduct(self) -> bool {
        matches!(
            self,
            ReportCategory::AskingMoney | ReportCategory::Harassment
        )
    }
}

/// The reporter of an identified report. Stored encrypted; shown to almost no one.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct Reporter {
    pub full_name: String,
    pub phone: String,
    #[serde(default)]
    pub email: Option<String>,
    /// The citizen agreed that these details are processed to handle the report.
    pub consent: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct NewReport {
    pub kind: ReportKind,
    pub category: ReportCategory,
    /// The counter's QR token, when the report starts from a counter page.
    #[serde(default)]
    pub counter_token: Option<String>,
    /// The unit, when there is no counter token.
    #[serde(default)]
    pub unit_id: Option<String>,
    #[serde(default)]
    pub staff_id: Option<String>,
    /// When it happened (ms since the epoch), if the citizen says.
    #[serde(default)]
    pub occurred_at: Option<i64>,
    pub description: String,
    /// `None`: anonymous.
    #[serde(default)]
    pub reporter: Option<Reporter>,
    /// Ask to meet the head of the unit at the next citizen-reception day.
    #[serde(default)]
    pub wants_meeting: bool,
    pub idempotency_key: String,
}

/// Told once, when the report is stored: the tracking code, and for an anonymous report the
/// secret that only the citizen holds (the platform keeps only its hash).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct ReportReceipt {
    pub tracking_code: String,
    pub secret: Option<String>,
    pub created_at: i64,
    pub photos: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct TrackRequest {
    pub tracking_code: String,
    #[serde(default)]
    pub secret: Option<String>,
}

/// One line of a report's public timeline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct PublicEvent {
    pub at: i64,
    /// received, acknowledged, opened, citizen_note, ...
    pub kind: String,
    /// Which role acted ("head", "committee"), never who.
    pub by_role: Option<String>,
    pub text: String,
}

/// What a tracking code (and secret) shows: never internal notes, never the reporter's identity.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct ReportView {
    pub tracking_code: String,
    pub kind: ReportKind,
    pub category: ReportCategory,
    pub unit_name: String,
    pub counter_name: Option<String>,
    pub status: String,
    pub anonymous: bool,
    pub description: String,
    pub created_at: i64,
    pub photos: Vec<String>,
    pub wants_meeting: bool,
    pub timeline: Vec<PublicEvent>,
}

pub const DESCRIPTION_MIN: usize = 10;
pub const DESCRIPTION_MAX: usize = 5000;
pub const MAX_PHOTOS: usize = 5;

/// "ABCD-EFGH-JKMN-PQRS": Crockford base32, so it reads aloud and types easily; case and
/// spacing are forgiven, and I/L/O are read as 1/1/0.
pub fn normalise_code(input: &str) -> String {
    input
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| match c.to_ascii_uppercase() {
            'I' | 'L' => '1',
            'O' => '0',
            c => c,
        })
        .collect()
}

fn is_phone(s: &str) -> bool {
    let digits: String = s
        .chars()
        .filter(|c| !matches!(c, ' ' | '.' | '-'))
        .collect();
    let d = digits
        .strip_prefix("+84")
        .map(|r| format!("0{r}"))
        .unwrap_or(digits);
    (10..=11).contains(&d.len()) && d.starts_with('0') && d.chars().all(|c| c.is_ascii_digit())
}

fn is_email(s: &str) -> bool {
    match s.split_once('@') {
        Some((user, host)) => {
            !user.is_empty() && host.contains('.') && !host.starts_with('.') && !s.contains(' ')
        }
        None => false,
    }
}

pub fn new_report(input: &NewReport) -> Result<NewReport, ApiError> {
    let mut c = Checker::new();
    check_idempotency_key(&mut c, &input.idempotency_key);
    let counter_token = input
        .counter_token
        .as_deref()
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(str::to_string);
    let unit_id = input
        .unit_id
        .as_deref()
        .filter(|s| !s.trim().is_empty())
        .map(|s| c.id("unit_id", s));
    if counter_token.is_none() && unit_id.is_none() {
        c.push(
            "unit_id",
            FieldCode::Required,
            "Vui lòng chọn đơn vị bạn muốn phản ánh.",
            "Please choose the unit your report is about.",
        );
    }
    let staff_id = input
        .staff_id
        .as_deref()
        .filter(|s| !s.trim().is_empty())
        .map(|s| c.id("staff_id", s));
    let description = c.text(
        "description",
        ("nội dung sự việc", "description"),
        &input.description,
        DESCRIPTION_MIN,
        DESCRIPTION_MAX,
    );
    let reporter = match &input.reporter {
        None => None,
        Some(r) => {
            let full_name = c.text(
                "reporter.full_name",
                ("họ và tên", "full name"),
                &r.full_name,
                2,
                120,
            );
            let phone = crate::validate::clean(&r.phone);
            if !is_phone(&phone) {
                c.push(
                    "reporter.phone",
                    FieldCode::InvalidFormat,
                    "Số điện thoại chưa đúng (ví dụ 0912 345 678).",
                    "The phone number is not valid (e.g. 0912 345 678).",
                );
            }
            let email = r
                .email
                .as_deref()
                .map(crate::validate::clean)
                .filter(|e| !e.is_empty());
            if let Some(e) = &email {
                if e.len() > 200 || !is_email(e) {
                    c.push(
                        "reporter.email",
                        FieldCode::InvalidFormat,
                        "Địa chỉ thư điện tử chưa đúng.",
                        "The e-mail address is not valid.",
                    );
                }
            }
            if !r.consent {
                c.push(
                    "reporter.consent",
                    FieldCode::Required,
                    "Vui lòng đồng ý cho cơ quan xử lý thông tin cá nhân của bạn, hoặc gửi ẩn danh.",
                    "Please agree that your personal details are processed, or report anonymously.",
                );
            }
            Some(Reporter {
                full_name,
                phone,
                email,
                consent: r.consent,
            })
        }
    };
    c.finish()?;
    Ok(NewReport {
        kind: input.kind,
        category: input.category,
        counter_token,
        unit_id,
        staff_id,
        occurred_at: input.occurred_at,
        description,
        reporter,
        wants_meeting: input.wants_meeting,
        idempotency_key: input.idempotency_key.clone(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn report() -> NewReport {
        NewReport {
            kind: ReportKind::Denunciation,
            category: ReportCategory::AskingMoney,
            counter_token: Some("tok-123".into()),
            unit_id: None,
            staff_id: None,
            occurred_at: None,
            description: "Cán bộ yêu cầu 200.000 đồng để giải quyết nhanh hồ sơ.".into(),
            reporter: None,
            wants_meeting: false,
            idempotency_key: "0123456789abcdef0123".into(),
        }
    }

    #[test]
    fn an_anonymous_report_needs_no_identity() {
        assert!(new_report(&report()).is_ok());
    }

    #[test]
    fn an_identified_report_needs_a_valid_phone_and_consent() {
        let mut r = report();
        r.reporter = Some(Reporter {
            full_name: "Nguyễn Văn An".into(),
            phone: "12345".into(),
            email: Some("not-an-email".into()),
            consent: false,
        });
        let err = new_report(&r).unwrap_err();
        let fields: Vec<&str> = err.fields.iter().map(|f| f.field.as_str()).collect();
        assert_eq!(
            fields,
            ["reporter.phone", "reporter.email", "reporter.consent"]
        );
        r.reporter = Some(Reporter {
            full_name: "Nguyễn Văn An".into(),
            phone: "+84 912 345 678".into(),
            email: None,
            consent: true,
        });
        assert!(new_report(&r).is_ok());
    }

    #[test]
    fn codes_forgive_case_spaces_and_lookalikes() {
        assert_eq!(normalise_code(" abcd-efgh ijkl-mnop "), "ABCDEFGH1JK1MN0P");
    }
}
