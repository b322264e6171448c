//! Photo redaction: the committee covering a case, or the head handling it, blacks out or blurs
//! regions of a citizen's photo (a bystander's face, the reporter's reflection) before anyone
//! else sees it. The server renders the redacted copy and keeps the original untouched; once a
//! photo has a redaction, only the committee may still open the original.
//!
//! Regions are rectangles in thousandths of the photo's width and height, so they do not depend
//! on the size a photo is shown or stored at. The validation lives here, once: the JSON API and
//! the case page's form (percentages) both go through [`RedactionRequest::validated`].

use crate::error::{ApiError, FieldCode, FieldError, Msg};
use crate::workflow::Actor;
use serde::{Deserialize, Serialize};

#[cfg(feature = "openapi")]
use utoipa::ToSchema;

/// The whole width or height of a photo, in the units of a region's coordinates.
pub const FULL: u16 = 1000;
/// The most regions one photo may carry.
pub const MAX_REGIONS: usize = 20;
/// The smallest side of a region (thousandths): half a percent, so that a region is never
/// empty and a slip of the mouse does not make one.
pub const MIN_SIDE: u16 = 5;

labelled_enum! {
    /// How a region is hidden.
    RedactionMode {
        /// Solid black: nothing of the region survives.
        Black = "black", "Bôi đen", "Black out";
        /// Smoothed to a few colours: the scene stays readable, a face or a text does not.
        Blur = "blur", "Làm mờ", "Blur";
    }
}

/// One rectangle to hide, in thousandths of the photo's width (`x`, `w`) and height (`y`, `h`)
/// from its top-left corner: `{"x": 100, "y": 250, "w": 200, "h": 300, "mode": "blur"}` is the
/// rectangle from 10 % to 30 % of the width and from 25 % to 55 % of the height.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct RedactionRegion {
    pub x: u16,
    pub y: u16,
    pub w: u16,
    pub h: u16,
    pub mode: RedactionMode,
}

/// `PUT /api/v1/cases/{id}/photos/{photo_id}/redaction`: the regions that replace the photo's
/// redaction (1 to [`MAX_REGIONS`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct RedactionRequest {
    pub regions: Vec<RedactionRegion>,
}

/// A photo's redaction as the case page shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct PhotoRedaction {
    pub photo_id: String,
    pub regions: Vec<RedactionRegion>,
    /// Unix milliseconds of the latest redaction (it also versions the photo's address, so a
    /// page shows the new rendering at once).
    pub redacted_at: i64,
    /// The staff member who made it.
    pub by_name: Option<String>,
}

/// Who may redact a case's photos: the committee covering the case and the head handling it.
pub fn may_redact(role: Actor) -> bool {
    matches!(role, Actor::Committee | Actor::Head)
}

/// Who may open the original of a redacted photo: the committee alone.
pub fn may_see_original(role: Actor) -> bool {
    role == Actor::Committee
}

fn field_error(field: String, code: FieldCode, vi: String, en: String) -> FieldError {
    FieldError {
        field,
        code,
        message: Msg::new(vi, en),
        line: None,
    }
}

impl RedactionRegion {
    /// What is wrong with this region (the `index`-th of the request), if anything.
    fn problems(&self, index: usize) -> Vec<FieldError> {
        let n = index + 1;
        let mut found = Vec::new();
        for (name, value) in [("x", self.x), ("y", self.y), ("w", self.w), ("h", self.h)] {
            if value > FULL {
                found.push(field_error(
                    format!("regions[{index}].{name}"),
                    FieldCode::InvalidValue,
                    format!("Vùng {n}: giá trị {name} phải từ 0 đến {FULL} (phần nghìn của ảnh)."),
                    format!("Region {n}: {name} must be between 0 and {FULL} (thousandths of the photo)."),
                ));
            }
        }
        if !found.is_empty() {
            return found;
        }
        for (name, side) in [("w", self.w), ("h", self.h)] {
            if side < MIN_SIDE {
                found.push(field_error(
                    format!("regions[{index}].{name}"),
                    FieldCode::TooShort,
                    format!("Vùng {n} quá nhỏ: mỗi cạnh ít nhất {MIN_SIDE} phần nghìn (0,5%) của ảnh."),
                    format!("Region {n} is too small: each side at least {MIN_SIDE} thousandths (0.5%) of the photo."),
                ));
            }
        }
        if self.x + self.w > FULL {
            found.push(field_error(
                format!("regions[{index}].w"),
                FieldCode::InvalidValue,
                format!("Vùng {n} vượt ra ngoài mép phải của ảnh (x + w phải ≤ {FULL})."),
                format!(
                    "Region {n} goes past the right edge of the photo (x + w must be ≤ {FULL})."
                ),
            ));
        }
        if self.y + self.h > FULL {
            found.push(field_error(
                format!("regions[{index}].h"),
                FieldCode::InvalidValue,
                format!("Vùng {n} vượt ra ngoài mép dưới của ảnh (y + h phải ≤ {FULL})."),
                format!(
                    "Region {n} goes past the bottom edge of the photo (y + h must be ≤ {FULL})."
                ),
            ));
        }
        found
    }
}

impl RedactionRequest {
    /// The regions when every one lies inside the photo, is not empty, and there are 1 to
    /// [`MAX_REGIONS`] of them; otherwise every problem found, by field.
    pub fn validated(&self) -> Result<Vec<RedactionRegion>, ApiError> {
        if self.regions.is_empty() {
            return Err(ApiError::field(
                "regions",
                FieldCode::Required,
                "Chưa có vùng nào cần che. Hãy nhập ít nhất một vùng.",
                "No region to hide. Give at least one region.",
            ));
        }
        if self.regions.len() > MAX_REGIONS {
            return Err(ApiError::field(
                "regions",
                FieldCode::TooLong,
                &format!("Một ảnh có tối đa {MAX_REGIONS} vùng che."),
                &format!("A photo takes at most {MAX_REGIONS} regions."),
            ));
        }
        let problems: Vec<FieldError> = self
            .regions
            .iter()
            .enumerate()
            .flat_map(|(i, r)| r.problems(i))
            .collect();
        if !problems.is_empty() {
            return Err(ApiError::validation(problems));
        }
        Ok(self.regions.clone())
    }
}

/// One row of the case page's redaction form, as typed: the rectangle in percent of the photo
/// (decimals with a comma or a dot) and the mode. A row left blank, or ticked "drop", is no
/// region.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RegionForm {
    #[serde(default)]
    pub x: String,
    #[serde(default)]
    pub y: String,
    #[serde(default)]
    pub w: String,
    #[serde(default)]
    pub h: String,
    #[serde(default)]
    pub mode: String,
    /// The "drop" checkbox: any value when ticked (a plain form sends nothing when it is not).
    #[serde(default)]
    pub drop: String,
}

/// A percentage as typed ("12", "12,5", "12.5 %") in thousandths, rounded; `None` when it is
/// not a number from 0 to 100.
pub fn percent_to_thousandths(text: &str) -> Option<u16> {
    let cleaned = text.trim().trim_end_matches('%').trim().replace(',', ".");
    if cleaned.is_empty() || !cleaned.chars().all(|c| c.is_ascii_digit() || c == '.') {
        return None;
    }
    let value: f64 = cleaned.parse().ok()?;
    (0.0..=100.0)
        .contains(&value)
        .then(|| (value * 10.0).round() as u16)
}

/// Thousandths shown as a percentage with at most one decimal, Vietnamese style ("12,5").
pub fn thousandths_to_percent(value: u16) -> String {
    if value.is_multiple_of(10) {
        (value / 10).to_string()
    } else {
        format!("{},{}", value / 10, value % 10)
    }
}

impl RegionForm {
    pub fn is_blank(&self) -> bool {
        [&self.x, &self.y, &self.w, &self.h]
            .iter()
            .all(|v| v.trim().is_empty())
    }

    /// The form row of a stored region.
    pub fn of(region: &RedactionRegion) -> RegionForm {
        RegionForm {
            x: thousandths_to_percent(region.x),
            y: thousandths_to_percent(region.y),
            w: thousandths_to_percent(region.w),
            h: thousandths_to_percent(region.h),
            mode: region.mode.as_str().to_string(),
            drop: String::new(),
        }
    }
}

/// The request the form's rows make (blank rows left out), or the rows at fault, numbered as the
/// page numbers them (from 1). The request must still pass [`RedactionRequest::validated`].
pub fn request_from_form(rows: &[RegionForm]) -> Result<RedactionRequest, ApiError> {
    let mut regions = Vec::new();
    let mut problems = Vec::new();
    for (i, row) in rows.iter().enumerate() {
        if row.is_blank() || !row.drop.is_empty() {
            continue;
        }
        let n = i + 1;
        let mut values = [0u16; 4];
        let mut ok = true;
        for (k, (name, text)) in [("x", &row.x), ("y", &row.y), ("w", &row.w), ("h", &row.h)]
            .into_iter()
            .enumerate()
        {
            match percent_to_thousandths(text) {
                Some(v) => values[k] = v,
                None => {
                    ok = false;
                    problems.push(field_error(
                        format!("regions[{i}].{name}"),
                        FieldCode::InvalidFormat,
                        format!("Vùng {n}: «{name}» phải là một số phần trăm từ 0 đến 100."),
                        format!("Region {n}: “{name}” must be a percentage from 0 to 100."),
                    ));
                }
            }
        }
        let mode = RedactionMode::parse(row.mode.trim());
        if mode.is_none() {
            ok = false;
            problems.push(field_error(
                format!("regions[{i}].mode"),
                FieldCode::InvalidValue,
                format!("Vùng {n}: hãy chọn cách che (bôi đen hoặc làm mờ)."),
                format!("Region {n}: choose how to hide it (black out or blur)."),
            ));
        }
        if let (true, Some(mode)) = (ok, mode) {
            let [x, y, w, h] = values;
            regions.push(RedactionRegion { x, y, w, h, mode });
        }
    }
    if !problems.is_empty() {
        return Err(ApiError::validation(problems));
    }
    Ok(RedactionRequest { regions })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn region(x: u16, y: u16, w: u16, h: u16) -> RedactionRegion {
        RedactionRegion {
            x,
            y,
            w,
            h,
            mode: RedactionMode::Black,
        }
    }

    fn fields(err: ApiError) -> Vec<String> {
        err.fields.into_iter().map(|f| f.field).collect()
    }

    #[test]
    fn regions_inside_the_photo_pass() {
        let req = RedactionRequest {
            regions: vec![region(0, 0, 1000, 1000), region(995, 995, 5, 5)],
        };
        assert_eq!(req.validated().unwrap().len(), 2);
    }

    #[test]
    fn outside_empty_too_many_or_none_are_refused_by_field() {
        let bad = |regions: Vec<RedactionRegion>| {
            fields(RedactionRequest { regions }.validated().unwrap_err())
        };
        assert_eq!(bad(vec![]), ["regions"]);
        assert_eq!(
            bad(vec![region(10, 10, 10, 10); MAX_REGIONS + 1]),
            ["regions"]
        );
        assert_eq!(bad(vec![region(900, 0, 200, 100)]), ["regions[0].w"]);
        assert_eq!(bad(vec![region(0, 950, 100, 51)]), ["regions[0].h"]);
        assert_eq!(
            bad(vec![region(0, 0, 100, 100), region(0, 0, 0, 4)]),
            ["regions[1].w", "regions[1].h"]
        );
        assert_eq!(bad(vec![region(1001, 0, 10, 10)]), ["regions[0].x"]);
        // No overflow from values near u16::MAX: each is checked against FULL first.
        assert_eq!(
            bad(vec![region(u16::MAX, u16::MAX, u16::MAX, 10)]),
            ["regions[0].x", "regions[0].y", "regions[0].w"]
        );
        let refused = RedactionRequest {
            regions: vec![region(990, 0, 20, 3)],
        }
        .validated()
        .unwrap_err();
        assert_eq!(refused.fields.len(), 2);
        for f in refused.fields {
            assert!(!f.message.vi.is_empty() && !f.message.en.is_empty());
        }
    }

    #[test]
    fn percentages_are_read_with_a_comma_or_a_dot() {
        assert_eq!(percent_to_thousandths("12"), Some(120));
        assert_eq!(percent_to_thousandths(" 12,5 "), Some(125));
        assert_eq!(percent_to_thousandths("12.54%"), Some(125));
        assert_eq!(percent_to_thousandths("100"), Some(1000));
        for bad in ["", "-1", "100.1", "abc", "1e2", "12,5,3", "NaN", "inf"] {
            assert_eq!(percent_to_thousandths(bad), None, "{bad}");
        }
        assert_eq!(thousandths_to_percent(125), "12,5");
        assert_eq!(thousandths_to_percent(300), "30");
        let r = RedactionRegion {
            x: 125,
            y: 0,
            w: 333,
            h: 1000,
            mode: RedactionMode::Blur,
        };
        let back = request_from_form(&[RegionForm::of(&r)]).unwrap();
        assert_eq!(back.regions, vec![r]);
    }

    #[test]
    fn blank_form_rows_are_skipped_and_bad_ones_named() {
        let row = |x: &str, mode: &str| RegionForm {
            x: x.into(),
            y: "10".into(),
            w: "20".into(),
            h: "20".into(),
            mode: mode.into(),
            drop: String::new(),
        };
        let req = request_from_form(&[
            RegionForm::default(),
            row("5", "blur"),
            RegionForm {
                mode: "black".into(),
                ..Default::default()
            },
            RegionForm {
                drop: "1".into(),
                ..row("50", "black")
            },
        ])
        .unwrap();
        assert_eq!(req.regions.len(), 1);
        assert_eq!(req.regions[0].x, 50);
        let err = request_from_form(&[row("x", "blur"), row("5", "paint")]).unwrap_err();
        assert_eq!(fields(err), ["regions[0].x", "regions[1].mode"]);
        // Nothing but blank rows: an empty request, which `validated` refuses.
        let empty = request_from_form(&[RegionForm::default()]).unwrap();
        assert!(empty.validated().is_err());
    }

    #[test]
    fn only_the_committee_and_the_head_redact_and_only_the_committee_sees_originals() {
        assert!(may_redact(Actor::Committee) && may_redact(Actor::Head));
        assert!(!may_redact(Actor::AssignedOfficer) && !may_redact(Actor::Citizen));
        assert!(may_see_original(Actor::Committee));
        assert!(!may_see_original(Actor::Head) && !may_see_original(Actor::AssignedOfficer));
    }
}
