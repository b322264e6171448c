//! The review of flagged ratings. Ratings that came in a burst (too many at one counter in a
//! minute, or from one network in ten minutes) are stored with a flag and left out of the
//! published figures until an administrator or the head of the unit reviews them: "counted"
//! puts a rating back into the figures, "rejected" keeps it out for good.

use crate::citizen::{Satisfaction, SipasScores};
use crate::error::ApiError;
use crate::validate::{clean, Checker};
use crate::{FieldCode, Lang};
use serde::{Deserialize, Serialize};

#[cfg(feature = "openapi")]
use utoipa::{IntoParams, ToSchema};

labelled_enum! {
    /// What a reviewer decided about a flagged rating; the label is the words of the button
    /// that decides it.
    ReviewOutcome {
        /// Tính vào số liệu: a genuine rating, published with the others.
        Counted = "counted", "Tính vào số liệu", "Count";
        /// Loại bỏ: ballot stuffing or a mistake, never published.
        Rejected = "rejected", "Loại bỏ", "Reject";
    }
}

/// Why a rating was flagged, in words; `reason` as stored (`counter_burst`, `network_burst`).
pub fn flag_reason_label(reason: &str, lang: Lang) -> &'static str {
    match reason {
        "counter_burst" => lang.pick(
            "Quá nhiều đánh giá tại quầy trong một phút",
            "Too many ratings at the counter within a minute",
        ),
        "network_burst" => lang.pick(
            "Quá nhiều đánh giá từ một mạng trong mười phút",
            "Too many ratings from one network within ten minutes",
        ),
        _ => lang.pick("Bất thường", "Unusual"),
    }
}

/// Which flagged ratings to list: those of a unit and the units below it (default: every unit
/// the reader covers), newest first.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(IntoParams))]
pub struct FlaggedQuery {
    /// Only this unit and the units below it.
    pub unit_id: Option<String>,
    /// 1-based page number.
    pub page: Option<u32>,
    /// Rows per page, at most 200.
    pub per_page: Option<u32>,
}

impl FlaggedQuery {
    pub const MAX_PER_PAGE: u32 = 200;

    pub fn page(&self) -> u32 {
        self.page.unwrap_or(1).max(1)
    }

    pub fn per_page(&self) -> u32 {
        self.per_page.unwrap_or(50).clamp(1, Self::MAX_PER_PAGE)
    }
}

/// A flagged rating awaiting review, as the reviewer sees it: what was rated, when, and why it
/// was flagged. Never the device or network hashes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct FlaggedRating {
    pub id: String,
    pub unit_id: String,
    pub unit_name: String,
    pub counter_id: String,
    pub counter_name: String,
    /// The officer the citizen chose, if any.
    pub staff_id: Option<String>,
    pub staff_name: Option<String>,
    pub overall: Satisfaction,
    pub sipas: SipasScores,
    pub comment: String,
    pub dossier_code: String,
    /// `counter_burst` or `network_burst`.
    pub flag_reason: String,
    /// When the rating was given (Unix milliseconds).
    pub created_at: i64,
}

/// At most this many ratings in one review.
pub const MAX_REVIEW_BATCH: usize = 200;
pub const NOTE_MAX: usize = 1000;

/// Reviews one or many flagged ratings with the same outcome. Either all of them are reviewed
/// or, when one of them cannot be, none is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ReviewRequest {
    pub rating_ids: Vec<String>,
    pub outcome: ReviewOutcome,
    /// Why, for the record (optional).
    #[serde(default)]
    pub note: Option<String>,
}

/// What a review did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct ReviewReceipt {
    pub rating_ids: Vec<String>,
    pub outcome: ReviewOutcome,
    pub reviewed_at: i64,
}

/// Checks a review: 1 to [`MAX_REVIEW_BATCH`] well-formed ids (repeats dropped, order kept),
/// and an optional note of at most [`NOTE_MAX`] characters (blank means none).
pub fn review_request(input: &ReviewRequest) -> Result<ReviewRequest, ApiError> {
    let mut c = Checker::new();
    let mut ids: Vec<String> = Vec::new();
    if input.rating_ids.is_empty() {
        c.push(
            "rating_ids",
            FieldCode::Required,
            "Vui lòng chọn ít nhất một đánh giá.",
            "Please choose at least one rating.",
        );
    } else if input.rating_ids.len() > MAX_REVIEW_BATCH {
        c.push(
            "rating_ids",
            FieldCode::TooLong,
            format!("Mỗi lần chỉ xem xét được tối đa {MAX_REVIEW_BATCH} đánh giá."),
            format!("At most {MAX_REVIEW_BATCH} ratings can be reviewed at once."),
        );
    } else {
        for id in &input.rating_ids {
            let before = c.errors.len();
            let id = c.id("rating_ids", id);
            if c.errors.len() > before {
                break;
            }
            if !ids.contains(&id) {
                ids.push(id);
            }
        }
    }
    let note = input
        .note
        .as_deref()
        .map(clean)
        .filter(|n| !n.is_empty())
        .map(|n| c.text("note", ("ghi chú", "note"), &n, 1, NOTE_MAX));
    c.finish()?;
    Ok(ReviewRequest {
        rating_ids: ids,
        outcome: input.outcome,
        note,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn req(ids: &[&str], note: Option<&str>) -> ReviewRequest {
        ReviewRequest {
            rating_ids: ids.iter().map(|s| s.to_string()).collect(),
            outcome: ReviewOutcome::Counted,
            note: note.map(str::to_string),
        }
    }

    #[test]
    fn ids_are_deduplicated_and_a_blank_note_is_none() {
        let ok = review_request(&req(&["a-1", " b-2 ", "a-1"], Some("   "))).unwrap();
        assert_eq!(ok.rating_ids, ["a-1", "b-2"]);
        assert_eq!(ok.note, None);
        let ok = review_request(&req(&["a-1"], Some("  Đã xác minh tại quầy "))).unwrap();
        assert_eq!(ok.note.as_deref(), Some("Đã xác minh tại quầy"));
    }

    #[test]
    fn bad_reviews_are_refused_field_by_field() {
        let fields = |r: &ReviewRequest| {
            review_request(r)
                .unwrap_err()
                .fields
                .into_iter()
                .map(|f| (f.field, f.code))
                .collect::<Vec<_>>()
        };
        assert_eq!(
            fields(&req(&[], None)),
            [("rating_ids".to_string(), FieldCode::Required)]
        );
        assert_eq!(
            fields(&req(
                &["x'; DROP TABLE ratings"],
                Some(&"n".repeat(NOTE_MAX + 1))
            )),
            [
                ("rating_ids".to_string(), FieldCode::InvalidFormat),
                ("note".to_string(), FieldCode::TooLong)
            ]
        );
        let many: Vec<String> = (0..=MAX_REVIEW_BATCH).map(|i| format!("id-{i}")).collect();
        let many: Vec<&str> = many.iter().map(String::as_str).collect();
        assert_eq!(
            fields(&req(&many, None)),
            [("rating_ids".to_string(), FieldCode::TooLong)]
        );
    }

    #[test]
    fn outcomes_round_trip() {
        for &o in ReviewOutcome::ALL {
            assert_eq!(ReviewOutcome::parse(o.as_str()), Some(o));
        }
        assert_eq!(ReviewOutcome::parse("maybe"), None);
    }
}
