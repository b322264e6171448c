//! Reports from citizens (phản ánh, kiến nghị, khiếu nại, tố cáo): their kinds and categories,
//! what a citizen sends, what the tracking page shows, and the validation of all of it.

use crate::citizen::check_idempotency_key;
use crate::error::ApiError;
use crate::validate::Checker;
use crate::FieldCode;
use serde::{Deserialize, Serialize};

#[cfg(feature = "openapi")]
use utoipa::ToSchema;

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
    /// The report is about the unit's head or a deputy: it is withheld from the whole unit
    /// (see `routing`).
    #[serde(default)]
    pub about_head: bool,
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
    /// `received`, `acknowledged`, `meeting_requested`, or a [`crate::workflow::ActionKind`].
    pub kind: String,
    /// Which role acted ("head", "committee"), never who.
    pub by_role: Option<String>,
    pub text: String,
    /// The written reason of a decision (declined, forwarded, extended, reopened, …).
    #[serde(default)]
    pub reason: Option<String>,
    /// The status the event led to, when it changed it (a satisfied citizen's feedback closes
    /// the case; an unsatisfied one leaves it answered).
    #[serde(default)]
    pub to_status: Option<String>,
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
    /// Given to whoever opened the report with its code (and secret): lets them add to it for
    /// an hour without typing the secret again or keeping it in the page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub access: Option<String>,
    /// The clock that runs now (none once answered or closed).
    #[serde(default)]
    pub deadline: Option<crate::case::CaseDeadline>,
    /// For a citizen who asked to meet the head, while the case is open: the next session.
    #[serde(default)]
    pub meeting: Option<crate::case::MeetingSlot>,
    /// What the citizen may do now from the tracking page (say whether the answer satisfied
    /// them, reopen or appeal once, withdraw), from the one state machine.
    #[serde(default)]
    pub citizen_actions: Vec<crate::workflow::ActionKind>,
    /// When the citizen asked for their personal data to be erased (done within 72 hours).
    #[serde(default)]
    pub erasure_requested_at: Option<i64>,
    /// When the reporter's identity, the photos and the messages waiting for them were
    /// erased (at the citizen's request, or at the end of the retention period).
    #[serde(default)]
    pub personal_data_erased_at: Option<i64>,
}

/// A citizen's request to erase their personal data from a report (its name, phone, e-mail
/// and photos); the report's facts stay.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct ErasureRequest {
    /// `ReportView.access`, from opening the report with its code (and secret).
    pub access: String,
}

/// Personal data is erased within this long of the citizen's request (Decree 13/2023).
pub const ERASURE_WITHIN_MS: i64 = 72 * 3600 * 1000;

/// What a citizen adds to their report from the tracking page: more text and photos.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct CitizenAddition {
    /// `ReportView.access`, from opening the report with its code (and secret).
    pub access: String,
    #[serde(default)]
    pub text: String,
    /// A retried addition is stored once.
    pub idempotency_key: String,
}

pub const ADDITION_MAX: usize = 5000;

/// An addition needs some text or at least one photo.
pub fn check_addition(input: &CitizenAddition, photos: usize) -> Result<CitizenAddition, ApiError> {
    let mut c = Checker::new();
    check_idempotency_key(&mut c, &input.idempotency_key);
    let text = crate::validate::clean(&input.text);
    let text = if text.is_empty() && photos > 0 {
        text
    } else {
        c.multiline(
            "text",
            ("nội dung bổ sung", "added information"),
            &input.text,
            2,
            ADDITION_MAX,
        )
    };
    if photos > MAX_PHOTOS {
        c.push(
            "photos",
            FieldCode::TooLong,
            "Chỉ gửi được tối đa 5 ảnh.",
            "You can send at most 5 photos.",
        );
    }
    c.finish()?;
    Ok(CitizenAddition {
        access: input.access.trim().to_string(),
        text,
        idempotency_key: input.idempotency_key.clone(),
    })
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
    let description = c.multiline(
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
            let phone = c.phone("reporter.phone", &r.phone);
            let email = c.email("reporter.email", r.email.as_deref());
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
        about_head: input.about_head,
        occurred_at: input.occurred_at,
        description,
        reporter,
        wants_meeting: input.wants_meeting,
        idempotency_key: input.idempotency_key.clone(),
    })
}

/// The fields of the report page's form (a plain HTML post, or the same form read by the web
/// app before it uploads), turned into the API's report. One definition for both paths, so a
/// report sent with JavaScript off is the same report as one sent by the enhanced page.
pub fn report_from_form(fields: &[(String, String)]) -> Result<NewReport, ApiError> {
    let get = |name: &str| {
        fields
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.trim().to_string())
            .filter(|v| !v.is_empty())
    };
    let kind = get("kind")
        .and_then(|k| ReportKind::parse(&k))
        .ok_or_else(|| {
            ApiError::field(
                "kind",
                FieldCode::Required,
                "Vui lòng chọn loại phản ánh.",
                "Please choose the kind of report.",
            )
        })?;
    let category = get("category")
        .and_then(|k| ReportCategory::parse(&k))
        .unwrap_or(ReportCategory::Other);
    let reporter = (get("identity").as_deref() == Some("named")).then(|| Reporter {
        full_name: get("full_name").unwrap_or_default(),
        phone: get("phone").unwrap_or_default(),
        email: get("email"),
        consent: get("consent").is_some(),
    });
    // <input type="datetime-local"> sends Vietnam wall-clock time, "2026-11-23T08:30".
    let occurred_at = get("occurred_at").and_then(|v| parse_local_datetime(&v));
    Ok(NewReport {
        kind,
        category,
        counter_token: get("counter_token"),
        unit_id: get("unit_id"),
        staff_id: get("staff_id"),
        about_head: get("about_head").is_some(),
        occurred_at,
        description: get("description").unwrap_or_default(),
        reporter,
        wants_meeting: get("wants_meeting").is_some(),
        idempotency_key: get("idempotency_key").unwrap_or_default(),
    })
}

/// "YYYY-MM-DDTHH:MM" in Vietnam time (UTC+7) to milliseconds since the epoch.
pub fn parse_local_datetime(v: &str) -> Option<i64> {
    let (date, time) = v.split_once('T')?;
    let mut d = date.splitn(3, '-').map(|x| x.parse::<i64>().ok());
    let (y, m, day) = (d.next()??, d.next()??, d.next()??);
    let mut t = time.splitn(3, ':').map(|x| x.parse::<i64>().ok());
    let (h, min) = (t.next()??, t.next()??);
    if !(1..=12).contains(&m)
        || !(1..=31).contains(&day)
        || !(0..24).contains(&h)
        || !(0..60).contains(&min)
    {
        return None;
    }
    // Days from the civil date (Howard Hinnant's days_from_civil).
    let y2 = if m <= 2 { y - 1 } else { y };
    let era = y2.div_euclid(400);
    let yoe = y2 - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    Some(((days * 24 + h) * 60 + min) * 60_000 - 7 * 3_600_000)
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
            about_head: false,
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

    #[test]
    fn a_vietnam_wall_clock_time_is_seven_hours_ahead_of_utc() {
        // 23/11/2026 08:30 in Hà Nội is 01:30 UTC.
        assert_eq!(
            parse_local_datetime("2026-11-23T08:30"),
            Some(1_795_397_400_000)
        );
        assert_eq!(parse_local_datetime("1970-01-01T07:00"), Some(0));
        assert_eq!(parse_local_datetime("2026-13-01T08:30"), None);
        assert_eq!(parse_local_datetime("hôm qua"), None);
    }

    #[test]
    fn the_form_names_the_same_report_as_the_api() {
        let f = |k: &str, v: &str| (k.to_string(), v.to_string());
        let fields = vec![
            f("kind", "denunciation"),
            f("category", "asking_money"),
            f("counter_token", "tok"),
            f("staff_id", ""),
            f("description", "  Cán bộ đòi tiền  "),
            f("identity", "named"),
            f("full_name", "Nguyễn Văn A"),
            f("phone", "0912345678"),
            f("consent", "yes"),
            f("idempotency_key", "k1"),
        ];
        let r = report_from_form(&fields).unwrap();
        assert_eq!(r.kind, ReportKind::Denunciation);
        assert_eq!(r.category, ReportCategory::AskingMoney);
        assert_eq!(r.staff_id, None);
        assert_eq!(r.description, "Cán bộ đòi tiền");
        // A textarea's lines (CRLF from a browser) are kept; other control characters are not.
        let mut lines = fields.clone();
        lines[4] = f(
            "description",
            "Sáng 23/11:\r\n- cán bộ đòi 300.000 đồng\r\n\t- không có biên lai",
        );
        lines[9] = f("idempotency_key", "khoa-gui-0123456789");
        let r = new_report(&report_from_form(&lines).unwrap()).unwrap();
        assert_eq!(
            r.description,
            "Sáng 23/11:\n- cán bộ đòi 300.000 đồng\n\t- không có biên lai"
        );
        lines[4] = f("description", "Cán bộ đòi tiền \u{7} ở quầy số 3");
        assert!(new_report(&report_from_form(&lines).unwrap()).is_err());
        let who = r.reporter.unwrap();
        assert!(who.consent);
        assert_eq!(who.email, None);
        // Anonymous unless "named" is chosen, whatever else was typed.
        let mut anon = fields.clone();
        anon[5] = f("identity", "anonymous");
        assert!(report_from_form(&anon).unwrap().reporter.is_none());
        assert!(report_from_form(&fields[1..]).is_err());
    }
}
