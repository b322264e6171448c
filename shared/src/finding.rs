//! The inspection committee's findings on a report (kết luận), the discipline decided
//! (hình thức kỷ luật, from a configurable list) and referrals (chuyển cơ quan có thẩm quyền),
//! and an officer's record: the history of the reports about them with these findings.
//!
//! A finding is about one report and, usually, one officer (by default the officer the report
//! names; it may be about no officer in particular). There may be several per report: one per
//! officer concerned. A finding is never changed: a committee that concludes differently later
//! records a revision, which names the finding it replaces (`revises`); the replaced one stays,
//! marked as superseded. So for each report and officer there is one current finding and a
//! history behind it.

use crate::case::Choice;
use crate::error::ApiError;
use crate::model::Staff;
use crate::report::{ReportCategory, ReportKind};
use crate::validate::Checker;
use crate::workflow::{ReportStatus, REASON_MIN_CHARS};
use crate::{FieldCode, Lang};
use serde::{Deserialize, Deserializer, Serialize};

#[cfg(feature = "openapi")]
use utoipa::ToSchema;

labelled_enum! {
    /// The conclusion on what was reported (kết luận nội dung tố cáo, Law on Denunciations 2018,
    /// art. 35): the report was right, partly right, or wrong.
    Conclusion {
        Founded = "founded", "Đúng", "Founded";
        PartlyFounded = "partly_founded", "Đúng một phần", "Partly founded";
        Unfounded = "unfounded", "Sai", "Unfounded";
    }
}

impl Conclusion {
    /// Discipline follows only a wrong that was found: never an unfounded report.
    pub fn allows_discipline(self) -> bool {
        self != Conclusion::Unfounded
    }
}

labelled_enum! {
    /// Where a matter goes beyond the committee: signs of a crime go to the investigation
    /// agency or the procuracy; discipline is decided by the officer's managing authority.
    ReferralTarget {
        InvestigationAgency = "investigation_agency", "Cơ quan điều tra", "Investigation agency";
        Procuracy = "procuracy", "Viện kiểm sát nhân dân", "People's Procuracy";
        Inspectorate = "inspectorate", "Cơ quan thanh tra", "Inspectorate";
        ManagingAuthority = "managing_authority", "Cơ quan quản lý cán bộ, công chức", "The officer's managing authority";
        Other = "other", "Cơ quan, tổ chức có thẩm quyền khác", "Another competent body";
    }
}

/// One form of discipline of the configurable list (khiển trách, cảnh cáo, …), in order of
/// severity. A retired measure is no longer offered but stays on the findings that chose it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct DisciplineMeasure {
    pub id: String,
    pub name_vi: String,
    pub name_en: String,
    /// 1 for the lightest; the list is shown in this order.
    pub position: i32,
    /// Offered for new findings.
    pub active: bool,
}

impl DisciplineMeasure {
    pub fn name(&self, lang: Lang) -> &str {
        lang.pick(&self.name_vi, &self.name_en)
    }
}

/// The list of discipline measures, lightest first, retired ones included, and whether the
/// reader may edit it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct DisciplineMeasures {
    pub items: Vec<DisciplineMeasure>,
    pub can_edit: bool,
}

/// A measure to add at the end of the list.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(default, deny_unknown_fields)]
pub struct NewDisciplineMeasure {
    pub name_vi: String,
    pub name_en: String,
}

/// A change to a measure: rename it, move it to another place in the list (1 = first; the
/// others shift), retire it (`active: false`) or offer it again.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(default, deny_unknown_fields)]
pub struct DisciplineMeasurePatch {
    pub name_vi: Option<String>,
    pub name_en: Option<String>,
    pub position: Option<u32>,
    pub active: Option<bool>,
}

/// The longest name of a measure, in characters.
pub const MEASURE_NAME_MAX: usize = 100;

fn measure_name(c: &mut Checker, field: &str, lang_label: (&str, &str), value: &str) -> String {
    c.text(field, lang_label, value, 2, MEASURE_NAME_MAX)
}

/// Checks a new measure's names (both languages are required: every screen shows both).
pub fn check_new_measure(input: &NewDisciplineMeasure) -> Result<NewDisciplineMeasure, ApiError> {
    let mut c = Checker::new();
    let name_vi = measure_name(
        &mut c,
        "name_vi",
        ("tên tiếng Việt", "Vietnamese name"),
        &input.name_vi,
    );
    let name_en = measure_name(
        &mut c,
        "name_en",
        ("tên tiếng Anh", "English name"),
        &input.name_en,
    );
    c.finish()?;
    Ok(NewDisciplineMeasure { name_vi, name_en })
}

/// Checks a change to a measure; names are cleaned, a place is at least 1.
pub fn check_measure_patch(
    input: &DisciplineMeasurePatch,
) -> Result<DisciplineMeasurePatch, ApiError> {
    let mut c = Checker::new();
    let name_vi = input
        .name_vi
        .as_deref()
        .map(|v| measure_name(&mut c, "name_vi", ("tên tiếng Việt", "Vietnamese name"), v));
    let name_en = input
        .name_en
        .as_deref()
        .map(|v| measure_name(&mut c, "name_en", ("tên tiếng Anh", "English name"), v));
    if input.position == Some(0) {
        c.push(
            "position",
            FieldCode::InvalidValue,
            "Vị trí phải từ 1 trở lên.",
            "The place must be 1 or more.",
        );
    }
    c.finish()?;
    Ok(DisciplineMeasurePatch {
        name_vi,
        name_en,
        position: input.position,
        active: input.active,
    })
}

/// A finding as the committee reads it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct Finding {
    pub id: String,
    pub report_id: String,
    /// The officer the finding is about; `None`: about no officer in particular.
    pub staff_id: Option<String>,
    pub staff_name: Option<String>,
    pub conclusion: Conclusion,
    /// The discipline decided, as the list names it now (retired or not).
    pub discipline: Option<DisciplineMeasure>,
    pub referral_to: Option<ReferralTarget>,
    /// What was referred and why (the referral's text).
    pub referral_text: Option<String>,
    /// The committee's written reasoning.
    pub note: String,
    pub recorded_by: String,
    pub recorded_at: i64,
    /// The finding this one replaces.
    pub revises: Option<String>,
    /// The finding that replaced this one; `None` for the current finding.
    pub superseded_by: Option<String>,
}

impl Finding {
    pub fn is_current(&self) -> bool {
        self.superseded_by.is_none()
    }
}

/// The findings on one report, newest first, with what the form to record one offers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct CaseFindings {
    pub report_id: String,
    /// The officer the report names: the form's default.
    pub named_staff_id: Option<String>,
    pub findings: Vec<Finding>,
    /// Officers a new finding may be about: the staff of the report's unit and the named one.
    pub officers: Vec<Choice>,
    /// The discipline measures offered now (active ones), lightest first.
    pub measures: Vec<DisciplineMeasure>,
}

impl CaseFindings {
    /// The current finding about an officer (`None`: about no officer in particular).
    pub fn current_for(&self, staff_id: Option<&str>) -> Option<&Finding> {
        self.findings
            .iter()
            .find(|f| f.is_current() && f.staff_id.as_deref() == staff_id)
    }
}

/// Tells a field that is absent (`None`) from one that is `null` (`Some(None)`).
fn present<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Option<String>>, D::Error> {
    Option::<String>::deserialize(d).map(Some)
}

/// A finding to record.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(default, deny_unknown_fields)]
pub struct NewFinding {
    /// The officer it is about. Absent: the officer the report names (or none); `null`: no
    /// officer in particular. A revision is about the officer of the finding it revises.
    #[serde(deserialize_with = "present", skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub staff_id: Option<Option<String>>,
    pub conclusion: Option<Conclusion>,
    /// An active measure of the list; only with a founded or partly founded conclusion.
    pub discipline_id: Option<String>,
    pub referral_to: Option<ReferralTarget>,
    pub referral_text: Option<String>,
    pub note: String,
    /// The current finding this one replaces (required when the officer has one already).
    pub revises: Option<String>,
}

/// The longest note or referral text, in characters.
pub const FINDING_TEXT_MAX: usize = 10_000;

/// Checks a finding before it is recorded, naming every field at fault: a conclusion and a
/// note are required; a discipline only with a founded or partly founded conclusion; a referral
/// names both to whom and what.
pub fn check_finding(input: &NewFinding) -> Result<NewFinding, ApiError> {
    let mut c = Checker::new();
    fn blank(v: &Option<String>) -> Option<&str> {
        v.as_deref().map(str::trim).filter(|s| !s.is_empty())
    }
    let staff_id = input
        .staff_id
        .as_ref()
        .map(|s| blank(s).map(|id| c.id("staff_id", id)));
    if input.conclusion.is_none() {
        c.push(
            "conclusion",
            FieldCode::Required,
            "Vui lòng chọn kết luận: đúng, đúng một phần hoặc sai.",
            "Please choose the conclusion: founded, partly founded or unfounded.",
        );
    }
    let discipline_id = blank(&input.discipline_id).map(|id| c.id("discipline_id", id));
    if discipline_id.is_some() && input.conclusion == Some(Conclusion::Unfounded) {
        c.push(
            "discipline_id",
            FieldCode::InvalidValue,
            "Không áp dụng hình thức kỷ luật khi kết luận nội dung phản ánh là sai.",
            "No discipline may follow an unfounded conclusion.",
        );
    }
    let referral_text = blank(&input.referral_text).map(|t| {
        c.multiline(
            "referral_text",
            ("nội dung chuyển", "referral text"),
            t,
            REASON_MIN_CHARS,
            FINDING_TEXT_MAX,
        )
    });
    match (input.referral_to, &referral_text) {
        (Some(_), None) => c.push(
            "referral_text",
            FieldCode::Required,
            "Vui lòng ghi nội dung chuyển (vụ việc gì, vì sao).",
            "Please write what is referred and why.",
        ),
        (None, Some(_)) => c.push(
            "referral_to",
            FieldCode::Required,
            "Vui lòng chọn cơ quan nhận hồ sơ chuyển.",
            "Please choose where the matter is referred.",
        ),
        _ => {}
    }
    let note = c.multiline(
        "note",
        ("nội dung kết luận", "finding's reasoning"),
        &input.note,
        REASON_MIN_CHARS,
        FINDING_TEXT_MAX,
    );
    let revises = blank(&input.revises).map(|id| c.id("revises", id));
    c.finish()?;
    Ok(NewFinding {
        staff_id,
        conclusion: input.conclusion,
        discipline_id,
        referral_to: input.referral_to,
        referral_text,
        note,
        revises,
    })
}

/// How the reports about an officer were concluded: each report counts once, by its current
/// finding about the officer.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct RecordCounts {
    pub reports: u32,
    pub without_finding: u32,
    pub founded: u32,
    pub partly_founded: u32,
    pub unfounded: u32,
    pub disciplined: u32,
    pub referred: u32,
}

/// How many current findings about the officer decided one measure.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct MeasureCount {
    pub measure: DisciplineMeasure,
    pub count: u32,
}

/// One report in an officer's record, with the findings about that officer on it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct RecordItem {
    pub report_id: String,
    pub tracking_code: String,
    pub kind: ReportKind,
    pub category: ReportCategory,
    pub status: ReportStatus,
    pub unit_name: String,
    pub received_at: i64,
    /// The report itself names the officer (else only a finding does).
    pub named_in_report: bool,
    /// The findings about the officer on this report, newest first (history included).
    pub findings: Vec<Finding>,
}

/// An officer's record: every report about them the reader may see, newest first, with the
/// findings, discipline and referrals.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct OfficerRecord {
    pub staff: Staff,
    pub unit_name: String,
    pub counts: RecordCounts,
    pub discipline: Vec<MeasureCount>,
    pub items: Vec<RecordItem>,
    /// More reports exist than the record lists (the oldest are left out; counts too).
    pub truncated: bool,
}

impl OfficerRecord {
    /// The counts of a list of record items (each report by its current finding).
    pub fn count(items: &[RecordItem]) -> (RecordCounts, Vec<MeasureCount>) {
        let mut counts = RecordCounts::default();
        let mut measures: Vec<MeasureCount> = Vec::new();
        for item in items {
            counts.reports += 1;
            let Some(current) = item.findings.iter().find(|f| f.is_current()) else {
                counts.without_finding += 1;
                continue;
            };
            match current.conclusion {
                Conclusion::Founded => counts.founded += 1,
                Conclusion::PartlyFounded => counts.partly_founded += 1,
                Conclusion::Unfounded => counts.unfounded += 1,
            }
            if current.referral_to.is_some() {
                counts.referred += 1;
            }
            if let Some(m) = &current.discipline {
                counts.disciplined += 1;
                match measures.iter_mut().find(|c| c.measure.id == m.id) {
                    Some(c) => c.count += 1,
                    None => measures.push(MeasureCount {
                        measure: m.clone(),
                        count: 1,
                    }),
                }
            }
        }
        measures.sort_by_key(|c| c.measure.position);
        (counts, measures)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn valid() -> NewFinding {
        NewFinding {
            conclusion: Some(Conclusion::Founded),
            note: "Xác minh qua camera và lời khai: cán bộ đã nhận tiền.".into(),
            ..Default::default()
        }
    }

    fn fields(e: ApiError) -> Vec<String> {
        e.fields.into_iter().map(|f| f.field).collect()
    }

    #[test]
    fn a_conclusion_and_a_note_are_required() {
        let e = check_finding(&NewFinding::default()).unwrap_err();
        assert_eq!(fields(e), ["conclusion", "note"]);
        assert!(check_finding(&valid()).is_ok());
    }

    #[test]
    fn no_discipline_after_an_unfounded_conclusion() {
        let mut f = valid();
        f.discipline_id = Some("canh-cao".into());
        assert!(check_finding(&f).is_ok());
        f.conclusion = Some(Conclusion::Unfounded);
        assert_eq!(fields(check_finding(&f).unwrap_err()), ["discipline_id"]);
        // An empty select is no discipline.
        f.discipline_id = Some("  ".into());
        assert_eq!(check_finding(&f).unwrap().discipline_id, None);
    }

    #[test]
    fn a_referral_names_where_and_what() {
        let mut f = valid();
        f.referral_to = Some(ReferralTarget::InvestigationAgency);
        assert_eq!(fields(check_finding(&f).unwrap_err()), ["referral_text"]);
        f.referral_text = Some("Có dấu hiệu tội nhận hối lộ.".into());
        assert!(check_finding(&f).is_ok());
        f.referral_to = None;
        assert_eq!(fields(check_finding(&f).unwrap_err()), ["referral_to"]);
    }

    #[test]
    fn absent_and_null_officer_differ() {
        let absent: NewFinding = serde_json::from_str(r#"{"note": "x"}"#).unwrap();
        assert_eq!(absent.staff_id, None);
        let null: NewFinding = serde_json::from_str(r#"{"staff_id": null}"#).unwrap();
        assert_eq!(null.staff_id, Some(None));
        let one: NewFinding = serde_json::from_str(r#"{"staff_id": "abc"}"#).unwrap();
        assert_eq!(one.staff_id, Some(Some("abc".into())));
        // An empty choice in a form is "no officer in particular".
        let mut f = valid();
        f.staff_id = Some(Some(String::new()));
        assert_eq!(check_finding(&f).unwrap().staff_id, Some(None));
    }

    #[test]
    fn measure_names_in_both_languages() {
        let e = check_new_measure(&NewDisciplineMeasure {
            name_vi: "Cảnh cáo".into(),
            name_en: String::new(),
        })
        .unwrap_err();
        assert_eq!(fields(e), ["name_en"]);
        let e = check_measure_patch(&DisciplineMeasurePatch {
            position: Some(0),
            ..Default::default()
        })
        .unwrap_err();
        assert_eq!(fields(e), ["position"]);
    }

    fn finding(conclusion: Conclusion, discipline: Option<&str>, current: bool) -> Finding {
        Finding {
            id: "f".into(),
            report_id: "r".into(),
            staff_id: Some("s".into()),
            staff_name: None,
            conclusion,
            discipline: discipline.map(|id| DisciplineMeasure {
                id: id.into(),
                name_vi: id.into(),
                name_en: id.into(),
                position: if id == "canh-cao" { 2 } else { 1 },
                active: true,
            }),
            referral_to: None,
            referral_text: None,
            note: String::new(),
            recorded_by: String::new(),
            recorded_at: 0,
            revises: None,
            superseded_by: (!current).then(|| "g".to_string()),
        }
    }

    #[test]
    fn a_report_counts_once_by_its_current_finding() {
        let item = |findings: Vec<Finding>| RecordItem {
            report_id: "r".into(),
            tracking_code: "c".into(),
            kind: ReportKind::Denunciation,
            category: ReportCategory::AskingMoney,
            status: ReportStatus::Accepted,
            unit_name: String::new(),
            received_at: 0,
            named_in_report: true,
            findings,
        };
        let items = [
            // Revised from founded with a warning to unfounded.
            item(vec![
                finding(Conclusion::Unfounded, None, true),
                finding(Conclusion::Founded, Some("canh-cao"), false),
            ]),
            item(vec![finding(Conclusion::Founded, Some("canh-cao"), true)]),
            item(vec![finding(
                Conclusion::PartlyFounded,
                Some("khien-trach"),
                true,
            )]),
            item(vec![]),
        ];
        let (counts, measures) = OfficerRecord::count(&items);
        assert_eq!(
            counts,
            RecordCounts {
                reports: 4,
                without_finding: 1,
                founded: 1,
                partly_founded: 1,
                unfounded: 1,
                disciplined: 2,
                referred: 0,
            }
        );
        let named: Vec<(&str, u32)> = measures
            .iter()
            .map(|m| (m.measure.id.as_str(), m.count))
            .collect();
        assert_eq!(named, [("khien-trach", 1), ("canh-cao", 1)]);
    }
}
