//! The citizen's side: what a counter's QR page shows, the satisfaction rating on the one-stop
//! scale used in Vietnam with the optional SIPAS criteria, and their validation.

use crate::error::ApiError;
use crate::validate::Checker;
use crate::{FieldCode, Lang};
use serde::{Deserialize, Serialize};

#[cfg(feature = "openapi")]
use utoipa::ToSchema;

/// The overall rating: Rất hài lòng / Hài lòng / Không hài lòng.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Satisfaction {
    VerySatisfied,
    Satisfied,
    NotSatisfied,
}

impl Satisfaction {
    pub const ALL: [Satisfaction; 3] = [
        Satisfaction::VerySatisfied,
        Satisfaction::Satisfied,
        Satisfaction::NotSatisfied,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Satisfaction::VerySatisfied => "very_satisfied",
            Satisfaction::Satisfied => "satisfied",
            Satisfaction::NotSatisfied => "not_satisfied",
        }
    }

    pub fn parse(s: &str) -> Option<Satisfaction> {
        Satisfaction::ALL.into_iter().find(|x| x.as_str() == s)
    }

    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            Satisfaction::VerySatisfied => lang.pick("Rất hài lòng", "Very satisfied"),
            Satisfaction::Satisfied => lang.pick("Hài lòng", "Satisfied"),
            Satisfaction::NotSatisfied => lang.pick("Không hài lòng", "Not satisfied"),
        }
    }

    /// Counts towards the satisfaction rate (rất hài lòng + hài lòng).
    pub fn is_satisfied(self) -> bool {
        !matches!(self, Satisfaction::NotSatisfied)
    }
}

/// The criteria of the national satisfaction index (SIPAS), each rated 1 (very poor) to 5 (very good).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum SipasCriterion {
    Access,
    Procedure,
    Attitude,
    Timeliness,
    FeedbackHandling,
}

impl SipasCriterion {
    pub const ALL: [SipasCriterion; 5] = [
        SipasCriterion::Access,
        SipasCriterion::Procedure,
        SipasCriterion::Attitude,
        SipasCriterion::Timeliness,
        SipasCriterion::FeedbackHandling,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            SipasCriterion::Access => "access",
            SipasCriterion::Procedure => "procedure",
            SipasCriterion::Attitude => "attitude",
            SipasCriterion::Timeliness => "timeliness",
            SipasCriterion::FeedbackHandling => "feedback_handling",
        }
    }

    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            SipasCriterion::Access => lang.pick(
                "Tiếp cận dịch vụ (nơi làm thủ tục, chỗ ngồi, hướng dẫn)",
                "Access to the service (place, seating, signs)",
            ),
            SipasCriterion::Procedure => lang.pick(
                "Thủ tục hành chính (công khai, đúng quy định, phí)",
                "The procedure (posted, as the rules say, fees)",
            ),
            SipasCriterion::Attitude => lang.pick(
                "Thái độ, hướng dẫn của công chức",
                "The officer's attitude and guidance",
            ),
            SipasCriterion::Timeliness => lang.pick("Kết quả đúng hẹn", "Result delivered on time"),
            SipasCriterion::FeedbackHandling => {
                lang.pick("Tiếp nhận, xử lý góp ý", "Handling of feedback")
            }
        }
    }
}

/// The words of the 5-level scale, 1 to 5.
pub fn scale_label(level: u8, lang: Lang) -> &'static str {
    match level {
        1 => lang.pick("Rất kém", "Very poor"),
        2 => lang.pick("Kém", "Poor"),
        3 => lang.pick("Bình thường", "Fair"),
        4 => lang.pick("Tốt", "Good"),
        _ => lang.pick("Rất tốt", "Very good"),
    }
}

/// An officer as a citizen sees them at the counter: enough to say who served them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct PublicOfficer {
    pub id: String,
    pub full_name: String,
    pub title: String,
    pub badge_number: String,
    pub has_photo: bool,
    pub photo_version: i64,
}

/// What a counter's QR code opens.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct PublicCounter {
    pub token: String,
    pub counter_name: String,
    pub unit_name: String,
    pub unit_address: String,
    pub officers: Vec<PublicOfficer>,
}

/// SIPAS scores, each 1..=5 when given.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct SipasScores {
    pub access: Option<u8>,
    pub procedure: Option<u8>,
    pub attitude: Option<u8>,
    pub timeliness: Option<u8>,
    pub feedback_handling: Option<u8>,
}

impl SipasScores {
    pub fn get(&self, c: SipasCriterion) -> Option<u8> {
        match c {
            SipasCriterion::Access => self.access,
            SipasCriterion::Procedure => self.procedure,
            SipasCriterion::Attitude => self.attitude,
            SipasCriterion::Timeliness => self.timeliness,
            SipasCriterion::FeedbackHandling => self.feedback_handling,
        }
    }

    pub fn set(&mut self, c: SipasCriterion, v: Option<u8>) {
        match c {
            SipasCriterion::Access => self.access = v,
            SipasCriterion::Procedure => self.procedure = v,
            SipasCriterion::Attitude => self.attitude = v,
            SipasCriterion::Timeliness => self.timeliness = v,
            SipasCriterion::FeedbackHandling => self.feedback_handling = v,
        }
    }
}

/// A satisfaction rating. The idempotency key is made by the page (or app) once per form, so a
/// retried submission is stored once and answered with the same receipt.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct NewRating {
    pub counter_token: String,
    pub overall: Satisfaction,
    #[serde(default)]
    pub staff_id: Option<String>,
    #[serde(default)]
    pub sipas: SipasScores,
    #[serde(default)]
    pub comment: Option<String>,
    #[serde(default)]
    pub dossier_code: Option<String>,
    pub idempotency_key: String,
}

/// The optional detail a citizen adds right after the one-tap rating.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct RatingDetail {
    #[serde(default)]
    pub staff_id: Option<String>,
    #[serde(default)]
    pub sipas: SipasScores,
    #[serde(default)]
    pub comment: Option<String>,
    #[serde(default)]
    pub dossier_code: Option<String>,
}

/// What the citizen is told once the rating is stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct RatingReceipt {
    pub id: String,
    pub counter_token: String,
    pub overall: Satisfaction,
    pub staff_id: Option<String>,
    pub created_at: i64,
}

pub const COMMENT_MAX: usize = 2000;
pub const DOSSIER_CODE_MAX: usize = 40;
pub const TOKEN_MAX: usize = 64;

fn optional_text(
    c: &mut Checker,
    field: &str,
    label: (&str, &str),
    value: &Option<String>,
    max: usize,
) -> Option<String> {
    let v = value.as_deref().unwrap_or("");
    let cleaned = c.text(field, label, v, 0, max);
    (!cleaned.is_empty()).then_some(cleaned)
}

fn check_sipas(c: &mut Checker, scores: &SipasScores) {
    for criterion in SipasCriterion::ALL {
        if let Some(v) = scores.get(criterion) {
            if !(1..=5).contains(&v) {
                c.push(
                    &format!("sipas.{}", criterion.as_str()),
                    FieldCode::InvalidValue,
                    "Mức đánh giá phải từ 1 đến 5.",
                    "A score must be from 1 to 5.",
                );
            }
        }
    }
}

/// A random key from the page: printable ASCII, 16 to 64 characters.
pub fn check_idempotency_key(c: &mut Checker, key: &str) {
    let ok = (16..=64).contains(&key.len())
        && key
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    if !ok {
        c.push(
            "idempotency_key",
            FieldCode::InvalidFormat,
            "Mã gửi không hợp lệ. Vui lòng tải lại trang.",
            "The submission key is not valid. Please reload the page.",
        );
    }
}

pub fn rating_detail(input: &RatingDetail) -> Result<RatingDetail, ApiError> {
    let mut c = Checker::new();
    let staff_id = input
        .staff_id
        .as_deref()
        .filter(|s| !s.is_empty())
        .map(|s| c.id("staff_id", s));
    check_sipas(&mut c, &input.sipas);
    // A comment comes from a textarea: its line breaks are kept.
    let comment = Some(c.multiline(
        "comment",
        ("ý kiến", "comment"),
        input.comment.as_deref().unwrap_or(""),
        0,
        COMMENT_MAX,
    ))
    .filter(|v| !v.is_empty());
    let dossier_code = optional_text(
        &mut c,
        "dossier_code",
        ("mã hồ sơ", "dossier code"),
        &input.dossier_code,
        DOSSIER_CODE_MAX,
    );
    c.finish()?;
    Ok(RatingDetail {
        staff_id,
        sipas: input.sipas.clone(),
        comment,
        dossier_code,
    })
}

pub fn new_rating(input: &NewRating) -> Result<NewRating, ApiError> {
    let mut c = Checker::new();
    let token = input.counter_token.trim().to_string();
    if token.is_empty() || token.len() > TOKEN_MAX {
        c.push(
            "counter_token",
            FieldCode::InvalidFormat,
            "Mã quầy không hợp lệ. Vui lòng quét lại mã QR.",
            "The counter code is not valid. Please scan the QR code again.",
        );
    }
    check_idempotency_key(&mut c, &input.idempotency_key);
    let detail = rating_detail(&RatingDetail {
        staff_id: input.staff_id.clone(),
        sipas: input.sipas.clone(),
        comment: input.comment.clone(),
        dossier_code: input.dossier_code.clone(),
    });
    if let Err(e) = detail.as_ref() {
        c.errors.extend(e.fields.iter().cloned());
    }
    c.finish()?;
    let detail = detail?;
    Ok(NewRating {
        counter_token: token,
        overall: input.overall,
        staff_id: detail.staff_id,
        sipas: detail.sipas,
        comment: detail.comment,
        dossier_code: detail.dossier_code,
        idempotency_key: input.idempotency_key.clone(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rating() -> NewRating {
        NewRating {
            counter_token: "abcdefghijklmnopqrstuv".into(),
            overall: Satisfaction::Satisfied,
            staff_id: None,
            sipas: SipasScores::default(),
            comment: Some("  Cán bộ hướng dẫn tận tình  ".into()),
            dossier_code: None,
            idempotency_key: "0123456789abcdef0123".into(),
        }
    }

    #[test]
    fn a_plain_rating_is_cleaned() {
        let r = new_rating(&rating()).unwrap();
        assert_eq!(r.comment.as_deref(), Some("Cán bộ hướng dẫn tận tình"));
    }

    #[test]
    fn every_bad_field_is_named_at_once() {
        let mut r = rating();
        r.idempotency_key = "short".into();
        r.sipas.attitude = Some(9);
        r.comment = Some("x".repeat(COMMENT_MAX + 1));
        let err = new_rating(&r).unwrap_err();
        let fields: Vec<&str> = err.fields.iter().map(|f| f.field.as_str()).collect();
        assert_eq!(fields, ["idempotency_key", "sipas.attitude", "comment"]);
    }

    #[test]
    fn satisfaction_round_trips_its_names() {
        for s in Satisfaction::ALL {
            assert_eq!(Satisfaction::parse(s.as_str()), Some(s));
        }
        assert!(Satisfaction::VerySatisfied.is_satisfied());
        assert!(!Satisfaction::NotSatisfied.is_satisfied());
    }
}
