//! The inspection committee's findings on cases, the discipline decided and the referrals
//! made (`shared::finding`), the configurable list of discipline measures, and an officer's
//! record.
//!
//! Who: only a committee member whose units include the case's unit records or reads findings
//! (`cases::role_on_case` answers `Committee`). Heads and officers never see them, not even on
//! the cases they handle: a finding is the committee's conclusion about people, often about the
//! very head or officer who handles the case, and PRODUCT.md gives it to the committee alone.
//! So recording a finding writes nothing onto the case's timeline, which the handling side
//! reads; it writes an audit entry, in the same transaction.
//!
//! History: a finding is never changed (the database refuses UPDATE and DELETE). For each
//! report and officer (or "no officer in particular") the first finding is recorded as such;
//! any later one must name the current finding it revises, so a member working from a stale
//! page is told (409) instead of silently replacing a colleague's conclusion. Two unique
//! indexes make the same hold when two members save at the same moment.

use super::cases::{load_case, role_on_case, CaseRow};
use super::{audit, subtree_range};
use crate::auth::Actor;
use crate::db::{in_transaction, new_id, now_ms, DbConn};
use crate::db_run;
use crate::error::{AppError, AppResult};
use crate::schema::{accounts, discipline_measures, findings, reports, staff, units};
use diesel::prelude::*;
use shared::audit::action as audit_action;
use shared::case::Choice;
use shared::finding::{
    check_finding, check_measure_patch, check_new_measure, CaseFindings, Conclusion,
    DisciplineMeasure, DisciplineMeasurePatch, DisciplineMeasures, Finding, NewDisciplineMeasure,
    NewFinding, OfficerRecord, RecordItem, ReferralTarget,
};
use shared::model::Role;
use shared::workflow::Actor as CaseActor;
use shared::{ApiError, ErrorCode, FieldCode};

// ---------------------------------------------------------------------------------------------
// The list of discipline measures

type MeasureTuple = (String, String, String, i32, bool);

fn measure((id, name_vi, name_en, position, active): MeasureTuple) -> DisciplineMeasure {
    DisciplineMeasure {
        id,
        name_vi,
        name_en,
        position,
        active,
    }
}

/// Every measure, lightest first, retired ones included.
fn all_measures(conn: &mut DbConn) -> AppResult<Vec<DisciplineMeasure>> {
    let rows: Vec<MeasureTuple> = db_run!(conn, {
        discipline_measures::table
            .order((
                discipline_measures::position.asc(),
                discipline_measures::id.asc(),
            ))
            .select((
                discipline_measures::id,
                discipline_measures::name_vi,
                discipline_measures::name_en,
                discipline_measures::position,
                discipline_measures::active,
            ))
            .load(conn)
    })?;
    Ok(rows.into_iter().map(measure).collect())
}

/// The list holds for every unit of the deployment, as the law's forms of discipline do: a
/// national administrator or the administrator of a province edits it, never the
/// administrator of a commune or department under the province.
fn may_edit_measures(actor: &Actor) -> bool {
    // "" (national) or "/province/": a top-level unit's path has two slashes.
    actor.is_admin() && actor.scope_path.matches('/').count() <= 2
}

fn require_measure_editor(actor: &Actor) -> AppResult<()> {
    if may_edit_measures(actor) {
        Ok(())
    } else {
        Err(AppError(ApiError::with_message(
            ErrorCode::Forbidden,
            "Chỉ quản trị viên cấp tỉnh hoặc cấp quốc gia được sửa danh mục hình thức kỷ luật.",
            "Only a province or national administrator may change the discipline measures.",
        )))
    }
}

/// The list; any signed-in account reads it.
pub fn measures(conn: &mut DbConn, actor: &Actor) -> AppResult<DisciplineMeasures> {
    Ok(DisciplineMeasures {
        items: all_measures(conn)?,
        can_edit: may_edit_measures(actor),
    })
}

/// A name must not be another measure's (retired ones included: restore that one instead),
/// in either language, whatever the letter case.
fn check_unique_names(
    all: &[DisciplineMeasure],
    except: Option<&str>,
    name_vi: Option<&str>,
    name_en: Option<&str>,
) -> AppResult<()> {
    let same = |a: &str, b: &str| a.to_lowercase() == b.to_lowercase();
    let others = || all.iter().filter(|m| Some(m.id.as_str()) != except);
    let mut fields = Vec::new();
    if let Some(v) = name_vi {
        if others().any(|m| same(&m.name_vi, v)) {
            fields.push("name_vi");
        }
    }
    if let Some(v) = name_en {
        if others().any(|m| same(&m.name_en, v)) {
            fields.push("name_en");
        }
    }
    if fields.is_empty() {
        return Ok(());
    }
    Err(AppError(ApiError::validation(
        fields
            .into_iter()
            .map(|f| shared::FieldError {
                field: f.to_string(),
                code: FieldCode::Duplicate,
                message: shared::Msg::new(
                    "Đã có hình thức kỷ luật mang tên này (có thể đã thôi áp dụng: hãy áp dụng lại hình thức đó).",
                    "A measure with this name exists (perhaps retired: offer that one again).",
                ),
                line: None,
            })
            .collect(),
    )))
}

fn measure_entry(actor: &Actor, m: &DisciplineMeasure, detail: serde_json::Value) -> audit::Entry {
    // Names of measures are public law, not personal data: the entry says what changed.
    audit::Entry::by(
        actor,
        audit_action::DISCIPLINE_MEASURE_SAVE,
        "discipline_measure",
        &m.id,
    )
    .with_detail(detail)
}

/// Adds a measure at the end of the list (the heaviest); move it with [`update_measure`].
pub fn create_measure(
    conn: &mut DbConn,
    actor: &Actor,
    input: &NewDisciplineMeasure,
) -> AppResult<DisciplineMeasure> {
    require_measure_editor(actor)?;
    let input = check_new_measure(input)?;
    in_transaction(conn, |conn| {
        let all = all_measures(conn)?;
        check_unique_names(&all, None, Some(&input.name_vi), Some(&input.name_en))?;
        let created = DisciplineMeasure {
            id: new_id(),
            name_vi: input.name_vi.clone(),
            name_en: input.name_en.clone(),
            position: all.iter().map(|m| m.position).max().unwrap_or(0) + 1,
            active: true,
        };
        let now = now_ms();
        let row = (
            discipline_measures::id.eq(created.id.clone()),
            discipline_measures::name_vi.eq(created.name_vi.clone()),
            discipline_measures::name_en.eq(created.name_en.clone()),
            discipline_measures::position.eq(created.position),
            discipline_measures::active.eq(true),
            discipline_measures::created_at.eq(now),
            discipline_measures::updated_at.eq(now),
        );
        db_run!(conn, {
            diesel::insert_into(discipline_measures::table)
                .values(row.clone())
                .execute(conn)
        })?;
        audit::append(
            conn,
            measure_entry(
                actor,
                &created,
                serde_json::json!({ "change": "create", "after": created }),
            ),
        )?;
        Ok(created)
    })
}

/// Renames, moves (the others shift to make room; places stay 1, 2, 3…), retires or offers
/// again a measure. Findings keep the measure they chose whatever happens to it here.
pub fn update_measure(
    conn: &mut DbConn,
    actor: &Actor,
    id: &str,
    patch: &DisciplineMeasurePatch,
) -> AppResult<DisciplineMeasure> {
    require_measure_editor(actor)?;
    let patch = check_measure_patch(patch)?;
    in_transaction(conn, |conn| {
        let mut all = all_measures(conn)?;
        let at = all
            .iter()
            .position(|m| m.id == id)
            .ok_or_else(AppError::not_found)?;
        check_unique_names(
            &all,
            Some(id),
            patch.name_vi.as_deref(),
            patch.name_en.as_deref(),
        )?;
        let before = all.remove(at);
        let mut changed = before.clone();
        if let Some(v) = &patch.name_vi {
            changed.name_vi = v.clone();
        }
        if let Some(v) = &patch.name_en {
            changed.name_en = v.clone();
        }
        if let Some(v) = patch.active {
            changed.active = v;
        }
        let place = patch
            .position
            .map(|p| (p as usize).clamp(1, all.len() + 1))
            .unwrap_or(at + 1);
        all.insert(place - 1, changed);
        let now = now_ms();
        let mut after = None;
        for (i, m) in all.iter_mut().enumerate() {
            let position = i as i32 + 1;
            let is_target = m.id == id;
            if m.position == position && !is_target {
                continue;
            }
            m.position = position;
            if is_target {
                after = Some(m.clone());
                if *m == before {
                    continue;
                }
            }
            let (mid, name_vi, name_en, active) =
                (m.id.clone(), m.name_vi.clone(), m.name_en.clone(), m.active);
            db_run!(conn, {
                diesel::update(discipline_measures::table.find(&mid))
                    .set((
                        discipline_measures::name_vi.eq(&name_vi),
                        discipline_measures::name_en.eq(&name_en),
                        discipline_measures::position.eq(position),
                        discipline_measures::active.eq(active),
                        discipline_measures::updated_at.eq(now),
                    ))
                    .execute(conn)
            })?;
        }
        let after = after.ok_or_else(|| AppError::internal("the measure left the list"))?;
        if after != before {
            audit::append(
                conn,
                measure_entry(
                    actor,
                    &after,
                    serde_json::json!({ "change": "update", "before": before, "after": after }),
                ),
            )?;
        }
        Ok(after)
    })
}

// ---------------------------------------------------------------------------------------------
// Findings

/// Only the committee covering the case: "not found" for whoever may not see the case at all,
/// "forbidden" for the heads and officers who handle it.
fn require_committee(actor: &Actor, case: &CaseRow) -> AppResult<()> {
    match role_on_case(actor, case) {
        Some(CaseActor::Committee) => Ok(()),
        Some(_) => Err(AppError(ApiError::with_message(
            ErrorCode::Forbidden,
            "Chỉ ủy ban kiểm tra phụ trách đơn vị được xem và ghi kết luận.",
            "Only the inspection committee overseeing the unit reads and records findings.",
        ))),
        None => Err(AppError::not_found()),
    }
}

/// A finding as stored, with the officer's name, the measure and the recorder's name.
type FindingTuple = (
    String,
    String,
    Option<String>,
    Option<String>,
    String,
    Option<MeasureTuple>,
    Option<String>,
    Option<String>,
    String,
    String,
    i64,
    Option<String>,
);

/// Which findings to load.
enum Of<'a> {
    Report(&'a str),
    /// About one officer, on these reports.
    Officer(&'a str, &'a [String]),
}

/// Findings, newest first, each knowing the finding that replaced it (if that is loaded too:
/// a revision is always on the same report and about the same officer).
fn load_findings(conn: &mut DbConn, of: Of) -> AppResult<Vec<Finding>> {
    let (report, officer, reports_of_officer) = match of {
        Of::Report(r) => (Some(r.to_string()), None, Vec::new()),
        Of::Officer(s, ids) => (None, Some(s.to_string()), ids.to_vec()),
    };
    let rows: Vec<FindingTuple> = db_run!(conn, {
        let mut query = findings::table
            .left_join(discipline_measures::table)
            .left_join(staff::table.on(staff::id.nullable().eq(findings::staff_id)))
            .inner_join(accounts::table.on(accounts::id.eq(findings::recorded_by)))
            .into_boxed();
        if let Some(r) = &report {
            query = query.filter(findings::report_id.eq(r.clone()));
        }
        if let Some(s) = &officer {
            query = query
                .filter(findings::staff_id.eq(s.clone()))
                .filter(findings::report_id.eq_any(reports_of_officer.clone()));
        }
        query
            .order((findings::recorded_at.desc(), findings::id.desc()))
            .select((
                findings::id,
                findings::report_id,
                findings::staff_id,
                staff::full_name.nullable(),
                findings::conclusion,
                (
                    discipline_measures::id,
                    discipline_measures::name_vi,
                    discipline_measures::name_en,
                    discipline_measures::position,
                    discipline_measures::active,
                )
                    .nullable(),
                findings::referral_to,
                findings::referral_text,
                findings::note,
                accounts::full_name,
                findings::recorded_at,
                findings::revises,
            ))
            .load(conn)
    })?;
    let mut out = rows
        .into_iter()
        .map(
            |(
                id,
                report_id,
                staff_id,
                staff_name,
                conclusion,
                discipline,
                referral_to,
                referral_text,
                note,
                recorded_by,
                recorded_at,
                revises,
            )| {
                Ok(Finding {
                    conclusion: Conclusion::parse(&conclusion)
                        .ok_or_else(|| AppError::internal("stored conclusion"))?,
                    referral_to: referral_to
                        .as_deref()
                        .map(|r| {
                            ReferralTarget::parse(r)
                                .ok_or_else(|| AppError::internal("stored referral target"))
                        })
                        .transpose()?,
                    discipline: discipline.map(measure),
                    id,
                    report_id,
                    staff_id,
                    staff_name,
                    referral_text,
                    note,
                    recorded_by,
                    recorded_at,
                    revises,
                    superseded_by: None,
                })
            },
        )
        .collect::<AppResult<Vec<Finding>>>()?;
    let revisions: Vec<(String, String)> = out
        .iter()
        .filter_map(|f| f.revises.clone().map(|old| (old, f.id.clone())))
        .collect();
    for f in &mut out {
        f.superseded_by = revisions
            .iter()
            .find(|(old, _)| *old == f.id)
            .map(|(_, new)| new.clone());
    }
    Ok(out)
}

/// The officers a finding on this case may be about, for the form: the active staff of the
/// case's unit and its subtree, and the officer the report names. Never the reader themself.
fn officers_for(conn: &mut DbConn, actor: &Actor, case: &CaseRow) -> AppResult<Vec<Choice>> {
    let (lo, hi) = subtree_range(&case.unit_path)
        .ok_or_else(|| AppError::internal("a case's unit has a path"))?;
    let named = case.named_staff_id.clone();
    let rows: Vec<(String, String, String)> = db_run!(conn, {
        staff::table
            .inner_join(units::table)
            .filter(units::path.ge(lo.clone()).and(units::path.lt(hi.clone())))
            .filter(
                staff::active
                    .eq(true)
                    .or(staff::id.nullable().eq(named.clone())),
            )
            .order((staff::full_name.asc(), staff::badge_number.asc()))
            .limit(1000)
            .select((staff::id, staff::full_name, staff::badge_number))
            .load(conn)
    })?;
    Ok(rows
        .into_iter()
        .filter(|(id, _, _)| actor.staff_id.as_deref() != Some(id.as_str()))
        .map(|(id, name, badge)| Choice {
            id,
            name: format!("{name} ({badge})"),
        })
        .collect())
}

fn case_findings_of(conn: &mut DbConn, actor: &Actor, case: &CaseRow) -> AppResult<CaseFindings> {
    Ok(CaseFindings {
        report_id: case.id.clone(),
        named_staff_id: case.named_staff_id.clone(),
        findings: load_findings(conn, Of::Report(&case.id))?,
        officers: officers_for(conn, actor, case)?,
        measures: all_measures(conn)?
            .into_iter()
            .filter(|m| m.active)
            .collect(),
    })
}

/// The findings on a case, newest first, and what the form to record one offers.
pub fn case_findings(conn: &mut DbConn, actor: &Actor, case_id: &str) -> AppResult<CaseFindings> {
    let case = load_case(conn, case_id)?.ok_or_else(AppError::not_found)?;
    require_committee(actor, &case)?;
    case_findings_of(conn, actor, &case)
}

fn refused(field: &str, code: FieldCode, vi: &str, en: &str) -> AppError {
    AppError(ApiError::field(field, code, vi, en))
}

/// The officer of a new finding: a staff record in the reader's units, not the reader's own.
fn check_officer(conn: &mut DbConn, actor: &Actor, staff_id: &str) -> AppResult<()> {
    if actor.staff_id.as_deref() == Some(staff_id) {
        return Err(refused(
            "staff_id",
            FieldCode::InvalidValue,
            "Không được ghi kết luận về chính mình.",
            "You may not record a finding about yourself.",
        ));
    }
    match super::staff::visible(conn, actor, staff_id) {
        Ok(_) => Ok(()),
        Err(AppError(e)) if e.code == ErrorCode::NotFound => Err(refused(
            "staff_id",
            FieldCode::NotFound,
            "Không có cán bộ này trong các đơn vị bạn phụ trách.",
            "There is no such officer in the units you oversee.",
        )),
        Err(e) => Err(e),
    }
}

/// The discipline of a finding: a measure of the list still offered.
fn check_measure(conn: &mut DbConn, id: &str) -> AppResult<()> {
    let mid = id.to_string();
    let active: Option<bool> = db_run!(conn, {
        discipline_measures::table
            .find(&mid)
            .select(discipline_measures::active)
            .first(conn)
            .optional()
    })?;
    match active {
        Some(true) => Ok(()),
        Some(false) => Err(refused(
            "discipline_id",
            FieldCode::InvalidValue,
            "Hình thức kỷ luật này đã thôi áp dụng.",
            "This discipline measure is retired.",
        )),
        None => Err(refused(
            "discipline_id",
            FieldCode::NotFound,
            "Không có hình thức kỷ luật này.",
            "There is no such discipline measure.",
        )),
    }
}

/// Records a finding on a case (a first one for its officer, or a revision of the current
/// one) and the audit entry, in one transaction. Answers with the case's findings as they now
/// stand.
pub fn record(
    conn: &mut DbConn,
    actor: &Actor,
    case_id: &str,
    input: &NewFinding,
) -> AppResult<CaseFindings> {
    let case = in_transaction(conn, |conn| {
        let case = load_case(conn, case_id)?.ok_or_else(AppError::not_found)?;
        require_committee(actor, &case)?;
        let input = check_finding(input)?;
        let conclusion = input
            .conclusion
            .ok_or_else(|| AppError::internal("a checked finding has a conclusion"))?;
        let existing = load_findings(conn, Of::Report(&case.id))?;
        let staff_id = match &input.revises {
            Some(revised) => {
                let old = existing.iter().find(|f| f.id == *revised).ok_or_else(|| {
                    refused(
                        "revises",
                        FieldCode::NotFound,
                        "Phản ánh này không có kết luận được sửa đổi.",
                        "This case has no such finding to revise.",
                    )
                })?;
                if !old.is_current() {
                    return Err(AppError(ApiError::with_message(
                        ErrorCode::Conflict,
                        "Kết luận này đã được sửa đổi trước đó. Hãy tải lại trang để xem kết luận hiện hành.",
                        "This finding has already been revised. Reload the page to see the current one.",
                    )));
                }
                if input.staff_id.as_ref().is_some_and(|s| *s != old.staff_id) {
                    return Err(refused(
                        "staff_id",
                        FieldCode::InvalidValue,
                        "Kết luận sửa đổi phải về cùng cán bộ với kết luận được sửa.",
                        "A revision is about the officer of the finding it revises.",
                    ));
                }
                old.staff_id.clone()
            }
            None => {
                let staff_id = match &input.staff_id {
                    Some(chosen) => chosen.clone(),
                    None => case.named_staff_id.clone(),
                };
                if existing
                    .iter()
                    .any(|f| f.is_current() && f.staff_id == staff_id)
                {
                    return Err(AppError(ApiError::with_message(
                        ErrorCode::Conflict,
                        "Đã có kết luận về cán bộ này trong phản ánh. Muốn thay đổi, hãy ghi kết luận sửa đổi kết luận đó.",
                        "There is already a finding about this officer on this case. To change it, record a revision of it.",
                    )));
                }
                staff_id
            }
        };
        if let Some(s) = &staff_id {
            check_officer(conn, actor, s)?;
        }
        if let Some(m) = &input.discipline_id {
            check_measure(conn, m)?;
        }
        let id = new_id();
        let row = (
            findings::id.eq(id.clone()),
            findings::report_id.eq(case.id.clone()),
            findings::staff_id.eq(staff_id.clone()),
            findings::conclusion.eq(conclusion.as_str()),
            findings::discipline_id.eq(input.discipline_id.clone()),
            findings::referral_to.eq(input.referral_to.map(|r| r.as_str())),
            findings::referral_text.eq(input.referral_text.clone()),
            findings::note.eq(input.note.clone()),
            findings::recorded_by.eq(actor.account_id.clone()),
            findings::recorded_at.eq(now_ms()),
            findings::revises.eq(input.revises.clone()),
        );
        db_run!(conn, {
            diesel::insert_into(findings::table)
                .values(row.clone())
                .execute(conn)
        })?;
        // Ids and codes only: the note and the referral's text stay with the finding.
        audit::append(
            conn,
            audit::Entry::by(actor, audit_action::FINDING_RECORD, "case", &case.id)
                .in_unit(Some(case.unit_path.clone()))
                .with_detail(serde_json::json!({
                    "finding_id": id,
                    "staff_id": staff_id,
                    "conclusion": conclusion.as_str(),
                    "discipline_id": input.discipline_id,
                    "referral_to": input.referral_to.map(|r| r.as_str()),
                    "revises": input.revises,
                })),
        )?;
        Ok(case)
    })?;
    case_findings_of(conn, actor, &case)
}

// ---------------------------------------------------------------------------------------------
// An officer's record

/// The most reports an officer's record lists (newest first).
pub const RECORD_MAX: usize = 500;

/// An officer's record: every report naming them, or with a finding about them, that the
/// reader may see as the committee ([`role_on_case`], case by case), newest first, with the
/// findings about them (history included), and the counts. For members of an inspection
/// committee, about staff of the units they oversee; a member's own record is hidden from
/// them, as the reports about them are.
pub fn officer_record(
    conn: &mut DbConn,
    actor: &Actor,
    staff_id: &str,
) -> AppResult<OfficerRecord> {
    if actor.role != Role::Committee {
        return Err(AppError(ApiError::with_message(
            ErrorCode::Forbidden,
            "Chỉ ủy ban kiểm tra được xem quá trình xử lý của cán bộ.",
            "Only the inspection committee reads an officer's record.",
        )));
    }
    if actor.staff_id.as_deref() == Some(staff_id) {
        return Err(AppError::not_found());
    }
    let officer = super::staff::visible(conn, actor, staff_id)?;
    let unit_name = super::units::find(conn, &officer.unit_id)?
        .map(|u| u.name)
        .unwrap_or_default();
    let sid = staff_id.to_string();
    let range = subtree_range(&actor.scope_path);
    // The reports in the reader's units that name the officer or have a finding about them;
    // each is then checked with the one rule of who sees a case.
    let ids: Vec<String> = db_run!(conn, {
        let about_officer = findings::table
            .filter(findings::staff_id.eq(sid.clone()))
            .select(findings::report_id);
        let mut query = reports::table
            .inner_join(units::table)
            .filter(
                reports::staff_id
                    .eq(sid.clone())
                    .or(reports::id.eq_any(about_officer)),
            )
            .into_boxed();
        if let Some((lo, hi)) = &range {
            query = query
                .filter(units::path.ge(lo.clone()))
                .filter(units::path.lt(hi.clone()));
        }
        query
            .order((reports::created_at.desc(), reports::id.desc()))
            .limit(RECORD_MAX as i64 + 1)
            .select(reports::id)
            .load(conn)
    })?;
    let truncated = ids.len() > RECORD_MAX;
    let mut cases = Vec::new();
    for id in ids.iter().take(RECORD_MAX) {
        if let Some(case) = load_case(conn, id)? {
            if role_on_case(actor, &case) == Some(CaseActor::Committee) {
                cases.push(case);
            }
        }
    }
    let case_ids: Vec<String> = cases.iter().map(|c| c.id.clone()).collect();
    let mut about = load_findings(conn, Of::Officer(staff_id, &case_ids))?;
    let items: Vec<RecordItem> = cases
        .into_iter()
        .map(|case| {
            let (mine, rest): (Vec<Finding>, Vec<Finding>) = std::mem::take(&mut about)
                .into_iter()
                .partition(|f| f.report_id == case.id);
            about = rest;
            RecordItem {
                named_in_report: case.named_staff_id.as_deref() == Some(staff_id),
                report_id: case.id,
                tracking_code: case.tracking_code,
                kind: case.kind,
                category: case.category,
                status: case.status,
                unit_name: case.unit_name,
                received_at: case.created_at,
                findings: mine,
            }
        })
        .collect();
    let (counts, discipline) = OfficerRecord::count(&items);
    Ok(OfficerRecord {
        staff: officer.into_api(),
        unit_name,
        counts,
        discipline,
        items,
        truncated,
    })
}
