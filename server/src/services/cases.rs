//! Handling a case: the head's inbox, the case page, and every action on a case, checked by
//! the one state machine in `shared::workflow` and recorded on the case's timeline in the same
//! transaction as the new status. The citizen's actions from the tracking page come through
//! here too, as the actor `Citizen`.

use super::{audit, subtree_range};
use crate::auth::Actor as Account;
use crate::crypto::DataKey;
use crate::db::{in_transaction, new_id, now_ms, DbConn};
use crate::db_run;
use crate::error::{AppError, AppResult};
use crate::schema::{accounts, case_apologies, counters, report_events, reports, staff, units};
use diesel::prelude::*;
use shared::audit::action as audit_action;
use shared::calendar::{Date, DeadlineRules, WorkingCalendar};
use shared::case::{
    ApologyDraft, CaseClock, CaseCursor, CaseDeadline, CaseDetail, CaseEvent, CasePage, CaseQuery,
    CaseSummary, Choice, CITIZEN_PAGE_ACTIONS,
};
use shared::model::Role;
use shared::report::{ReportCategory, ReportKind};
use shared::workflow::{
    allowed_actions, Action, ActionKind, Actor, CaseFacts, ReportStatus, TransitionRecord,
};
use shared::{ApiError, ErrorCode, FieldCode};
use std::sync::Arc;

/// A case as stored, with what scope checks need.
#[derive(Debug, Clone)]
pub struct CaseRow {
    pub id: String,
    pub tracking_code: String,
    pub kind: ReportKind,
    pub category: ReportCategory,
    pub unit_id: String,
    pub unit_path: String,
    pub unit_name: String,
    pub counter_name: Option<String>,
    pub status: ReportStatus,
    pub anonymous: bool,
    pub wants_meeting: bool,
    pub assigned_account_id: Option<String>,
    pub created_at: i64,
    /// The stored clock: its stage and due date (ISO), recomputed at every transition.
    pub deadline_stage: Option<String>,
    pub due_on: Option<String>,
    pub opened_at: Option<i64>,
    /// Withheld from the unit's own heads and officers (`shared::routing`).
    pub withheld_from_unit: bool,
    /// The officer the report names, never shown it.
    pub named_staff_id: Option<String>,
}

type CaseTuple = (
    String,
    String,
    String,
    String,
    String,
    String,
    String,
    Option<String>,
    String,
    bool,
    bool,
    Option<String>,
    i64,
    Option<String>,
    Option<String>,
    Option<i64>,
    bool,
    Option<String>,
);

fn case_row(t: CaseTuple) -> AppResult<CaseRow> {
    let (
        id,
        code,
        kind,
        category,
        unit_id,
        unit_path,
        unit_name,
        counter_name,
        status,
        anon,
        meet,
        assigned,
        at,
        deadline_stage,
        due_on,
        opened_at,
        withheld_from_unit,
        named_staff_id,
    ) = t;
    Ok(CaseRow {
        kind: ReportKind::parse(&kind).ok_or_else(|| AppError::internal("stored report kind"))?,
        category: ReportCategory::parse(&category)
            .ok_or_else(|| AppError::internal("stored report category"))?,
        status: ReportStatus::parse(&status)
            .ok_or_else(|| AppError::internal("stored report status"))?,
        id,
        tracking_code: crate::services::reports::grouped(&code),
        unit_id,
        unit_path,
        unit_name,
        counter_name,
        anonymous: anon,
        wants_meeting: meet,
        assigned_account_id: assigned,
        created_at: at,
        deadline_stage,
        due_on,
        opened_at,
        withheld_from_unit,
        named_staff_id,
    })
}

macro_rules! case_columns {
    () => {
        (
            reports::id,
            reports::tracking_code,
            reports::kind,
            reports::category,
            reports::unit_id,
            units::path,
            units::name,
            counters::name.nullable(),
            reports::status,
            reports::anonymous,
            reports::wants_meeting,
            reports::assigned_account_id,
            reports::created_at,
            reports::deadline_stage,
            reports::due_on,
            reports::opened_at,
            reports::withheld_from_unit,
            reports::staff_id,
        )
    };
}

pub fn load_case(conn: &mut DbConn, id: &str) -> AppResult<Option<CaseRow>> {
    let id = id.to_string();
    let found: Option<CaseTuple> = db_run!(conn, {
        reports::table
            .inner_join(units::table)
            .left_join(counters::table.on(counters::id.nullable().eq(reports::counter_id)))
            .filter(reports::id.eq(&id))
            .select(case_columns!())
            .first(conn)
            .optional()
    })?;
    found.map(case_row).transpose()
}

/// A timeline row: (id, at, kind, by_role, public, body, reason, from, to, account id).
type EventTuple = (
    String,
    i64,
    String,
    Option<String>,
    bool,
    String,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
);

fn events_of(conn: &mut DbConn, report_id: &str) -> AppResult<Vec<EventTuple>> {
    let rid = report_id.to_string();
    Ok(db_run!(conn, {
        report_events::table
            .filter(report_events::report_id.eq(&rid))
            .order((report_events::created_at.asc(), report_events::id.asc()))
            .select((
                report_events::id,
                report_events::created_at,
                report_events::kind,
                report_events::by_role,
                report_events::public,
                report_events::body,
                report_events::reason,
                report_events::from_status,
                report_events::to_status,
                report_events::actor_account_id,
            ))
            .load(conn)
    })?)
}

/// What the state machine and the deadline clock need to know, read off the timeline (and
/// the unit's remote-area flag).
fn facts_and_clock(
    case: &CaseRow,
    events: &[EventTuple],
    rules: &DeadlineRules,
    remote: bool,
) -> (CaseFacts, CaseClock) {
    let mut facts = CaseFacts::with_rules(case.kind, case.anonymous, rules);
    let mut clock = CaseClock {
        received: Date::from_unix_ms_vietnam(case.created_at),
        resolve_start: None,
        resolve_extensions: 0,
        intake_extended: false,
        complex: false,
        remote,
    };
    let kind_of = |k: &str| ActionKind::parse(k);
    for (_, at, kind, _, _, _, _, from, to, _) in events {
        let Some(kind) = kind_of(kind) else { continue };
        let from = from.as_deref().and_then(ReportStatus::parse);
        let to = to.as_deref().and_then(ReportStatus::parse);
        match kind {
            ActionKind::FirstOpen => facts.opened = true,
            ActionKind::Reopen | ActionKind::Appeal => facts.reopened_before = true,
            ActionKind::CitizenFeedback => facts.feedback_given = true,
            // A new answer (after a reopening) may be rated again.
            ActionKind::Answer => facts.feedback_given = false,
            ActionKind::Extend if from == Some(ReportStatus::Received) => {
                facts.intake_extended = true;
                clock.intake_extended = true;
            }
            ActionKind::Extend => {
                facts.extensions_used += 1;
                clock.resolve_extensions += 1;
            }
            ActionKind::DeclareComplex => {
                facts.complex = true;
                clock.complex = true;
            }
            _ => {}
        }
        if matches!(
            to,
            Some(ReportStatus::Accepted | ReportStatus::Escalated | ReportStatus::Reopened)
        ) && from != to
        {
            clock.resolve_start = Some(Date::from_unix_ms_vietnam(*at));
            clock.resolve_extensions = 0;
            facts.extensions_used = 0;
        }
    }
    (facts, clock)
}

/// A case with its whole timeline, what the state machine and the clock read off it, and the
/// deadline settings they were read with.
struct LoadedCase {
    case: CaseRow,
    events: Vec<EventTuple>,
    facts: CaseFacts,
    clock: CaseClock,
    rules: Arc<DeadlineRules>,
}

fn load_with_timeline(conn: &mut DbConn, id: &str) -> AppResult<LoadedCase> {
    let case = load_case(conn, id)?.ok_or_else(AppError::not_found)?;
    let events = events_of(conn, id)?;
    let rules = super::deadline_rules::current(conn)?;
    let remote = super::units::remote_area(conn, &case.unit_id)?;
    let (facts, clock) = facts_and_clock(&case, &events, &rules, remote);
    Ok(LoadedCase {
        case,
        events,
        facts,
        clock,
        rules,
    })
}

/// The codes of the statuses in which a deadline clock runs (the "open" cases).
pub fn open_status_codes() -> Vec<&'static str> {
    ReportStatus::ALL
        .iter()
        .filter(|s| s.is_open())
        .map(|s| s.as_str())
        .collect()
}

fn today() -> Date {
    Date::from_unix_ms_vietnam(now_ms())
}

/// The clock of a case as the timeline says now (for storing it).
fn computed_deadline(
    case: &CaseRow,
    clock: &CaseClock,
    cal: &WorkingCalendar,
    rules: &DeadlineRules,
) -> Option<CaseDeadline> {
    CaseDeadline::compute(
        rules,
        cal,
        case.kind,
        case.anonymous,
        case.status,
        clock,
        today(),
    )
}

/// The stored clock of a case and where it stands today.
fn stored_deadline(
    case: &CaseRow,
    cal: &WorkingCalendar,
    rules: &DeadlineRules,
) -> Option<CaseDeadline> {
    let stage = shared::calendar::Stage::parse(case.deadline_stage.as_deref()?)?;
    let due = Date::parse(case.due_on.as_deref()?)?;
    Some(CaseDeadline {
        stage,
        due: due.iso(),
        state: rules.state(cal, today(), due),
    })
}

/// Recomputes and stores the clock of a case from its timeline (inside the transaction of
/// the change that moved it), so that the inbox sorts by due date in SQL.
pub fn store_deadline(conn: &mut DbConn, case_id: &str) -> AppResult<()> {
    let LoadedCase {
        case,
        events,
        clock,
        rules,
        ..
    } = load_with_timeline(conn, case_id)?;
    let opened_at = events
        .iter()
        .find(|e| e.2 == ActionKind::FirstOpen.as_str())
        .map(|e| e.1);
    let cal = super::calendar::current(conn)?;
    let deadline = computed_deadline(&case, &clock, &cal, &rules);
    let stage = deadline.as_ref().map(|d| d.stage.as_str());
    let due = deadline.map(|d| d.due);
    let rid = case_id.to_string();
    db_run!(conn, {
        diesel::update(reports::table.filter(reports::id.eq(&rid)))
            .set((
                reports::deadline_stage.eq(stage),
                reports::due_on.eq(due.clone()),
                reports::opened_at.eq(opened_at),
            ))
            .execute(conn)
    })?;
    Ok(())
}

/// Stores the clocks of the open cases again, each in its own transaction: all of them after
/// a calendar or deadline-settings edit, or (`only_missing`) those without one, at start-up
/// after the migrations (reports received before clocks were stored). Returns how many.
pub fn store_open_deadlines(conn: &mut DbConn, only_missing: bool) -> AppResult<usize> {
    store_open_deadlines_where(conn, only_missing, None)
}

/// Stores the clocks of one unit's open cases again (its remote-area flag changed).
pub fn store_open_deadlines_of_unit(conn: &mut DbConn, unit_id: &str) -> AppResult<usize> {
    store_open_deadlines_where(conn, false, Some(unit_id))
}

fn store_open_deadlines_where(
    conn: &mut DbConn,
    only_missing: bool,
    unit_id: Option<&str>,
) -> AppResult<usize> {
    let open = open_status_codes();
    let unit_id = unit_id.map(str::to_string);
    let ids: Vec<String> = db_run!(conn, {
        let mut query = reports::table
            .filter(reports::status.eq_any(open.clone()))
            .select(reports::id)
            .into_boxed();
        if only_missing {
            query = query.filter(reports::due_on.is_null());
        }
        if let Some(unit) = &unit_id {
            query = query.filter(reports::unit_id.eq(unit.clone()));
        }
        query.load(conn)
    })?;
    for id in &ids {
        in_transaction(conn, |conn| store_deadline(conn, id))?;
    }
    Ok(ids.len())
}

/// How a signed-in account acts on a case, or `None` when the case is not theirs to see.
/// Heads and committee members act on cases of the units their account covers; an officer only
/// on cases assigned to them; administrators configure the platform and read no case.
///
/// The routing of `shared::routing` holds before any role: a case withheld from its unit is
/// invisible to that unit's heads and officers, and a case naming an officer is invisible to
/// that officer. The inbox's queries ([`inbox_filter`]) apply the same two rules.
pub fn role_on_case(account: &Account, case: &CaseRow) -> Option<Actor> {
    if case.named_staff_id.is_some() && case.named_staff_id == account.staff_id {
        return None;
    }
    let withheld_here =
        case.withheld_from_unit && account.unit_id.as_deref() == Some(case.unit_id.as_str());
    match account.role {
        Role::Committee if account.covers(&case.unit_path) => Some(Actor::Committee),
        _ if withheld_here => None,
        Role::Head if account.covers(&case.unit_path) => Some(Actor::Head),
        Role::Officer if case.assigned_account_id.as_deref() == Some(&account.account_id) => {
            Some(Actor::AssignedOfficer)
        }
        _ => None,
    }
}

/// Who takes an action: a signed-in account, the citizen holding the tracking code, the
/// system (the overdue job).
pub enum Who<'a> {
    Staff(&'a Account),
    Citizen,
    System,
}

/// Takes the lock on the case's row for the rest of the transaction: on PostgreSQL a row lock,
/// so two heads acting at once are serialised; on SQLite the immediate transaction already
/// holds the write lock and this is a no-op write.
fn lock_case(conn: &mut DbConn, id: &str) -> AppResult<()> {
    let id = id.to_string();
    db_run!(conn, {
        diesel::update(reports::table.filter(reports::id.eq(&id)))
            .set(reports::updated_at.eq(reports::updated_at))
            .execute(conn)
    })?;
    Ok(())
}

/// Side data an action needs checked against the database before it is recorded.
fn check_targets(conn: &mut DbConn, case: &CaseRow, action: &Action) -> AppResult<Option<String>> {
    match action {
        Action::Assign { officer_id } => {
            let oid = officer_id.trim().to_string();
            let found: Option<(String, String, bool, Option<String>)> = db_run!(conn, {
                accounts::table
                    .inner_join(units::table)
                    .filter(accounts::id.eq(&oid))
                    .select((
                        accounts::role,
                        units::path,
                        accounts::active,
                        accounts::staff_id,
                    ))
                    .first(conn)
                    .optional()
            })?;
            // An officer of the unit handling the case: of its subtree, or, for a case
            // withheld from its unit, of a unit above it (the unit's own officers are the
            // head's people). Never the officer the report names.
            let may_handle = |path: &str, staff_id: &Option<String>| {
                let in_reach = if case.withheld_from_unit {
                    case.unit_path.starts_with(path) && path != case.unit_path
                } else {
                    path.starts_with(&case.unit_path)
                };
                in_reach && (staff_id.is_none() || *staff_id != case.named_staff_id)
            };
            match found {
                Some((role, path, true, staff_id))
                    if role == Role::Officer.as_str() && may_handle(&path, &staff_id) =>
                {
                    Ok(None)
                }
                _ => Err(AppError(ApiError::field(
                    "officer_id",
                    FieldCode::NotFound,
                    "Không tìm thấy cán bộ này trong đơn vị xử lý phản ánh.",
                    "This officer was not found in the unit handling the report.",
                ))),
            }
        }
        Action::Forward { to_unit_id, .. } => {
            let uid = to_unit_id.trim().to_string();
            let name: Option<String> = db_run!(conn, {
                units::table
                    .filter(units::id.eq(&uid))
                    .filter(units::active.eq(true))
                    .select(units::name)
                    .first(conn)
                    .optional()
            })?;
            match name {
                Some(n) if uid != case.unit_id => Ok(Some(n)),
                _ => Err(AppError(ApiError::field(
                    "to_unit_id",
                    FieldCode::NotFound,
                    "Không tìm thấy cơ quan nhận chuyển đơn.",
                    "The body to forward the report to was not found.",
                ))),
            }
        }
        _ => Ok(None),
    }
}

/// Applies an action to a case in one transaction: checks it against the state machine with
/// the facts read off the timeline, writes the timeline event (who, when, why, public or not)
/// and the new status together. `idempotency_hash` makes a retried citizen action a no-op.
pub fn apply(
    conn: &mut DbConn,
    case_id: &str,
    who: Who<'_>,
    action: &Action,
    idempotency_hash: Option<&str>,
) -> AppResult<ReportStatus> {
    in_transaction(conn, |conn| {
        apply_in_transaction(conn, case_id, who, action, idempotency_hash)
    })
}

/// [`apply`] inside a transaction the caller holds (the reception log records a meeting and
/// its case's timeline entry together).
pub fn apply_in_transaction(
    conn: &mut DbConn,
    case_id: &str,
    who: Who<'_>,
    action: &Action,
    idempotency_hash: Option<&str>,
) -> AppResult<ReportStatus> {
    lock_case(conn, case_id)?;
    let LoadedCase { case, facts, .. } = load_with_timeline(conn, case_id)?;
    if let Some(h) = idempotency_hash {
        if event_recorded(conn, h)? {
            return Ok(case.status);
        }
    }
    let (actor, account_id) = match &who {
        Who::Staff(account) => (
            role_on_case(account, &case).ok_or_else(AppError::not_found)?,
            Some(account.account_id.clone()),
        ),
        Who::Citizen => (Actor::Citizen, None),
        Who::System => (Actor::System, None),
    };
    let now = now_ms();
    let record = TransitionRecord::new(case.status, action, actor, &facts, account_id, now)
        .map_err(|e| AppError(e.into()))?;
    let target_name = check_targets(conn, &case, action)?;
    let text = match (action, target_name) {
        (Action::Forward { .. }, Some(unit)) => format!("Chuyển đến: {unit}"),
        (Action::Extend { decision_no, .. }, _) => decision_no
            .as_deref()
            .map(|n| format!("Quyết định gia hạn số {}", shared::validate::clean(n)))
            .unwrap_or_default(),
        (Action::DeclareComplex { decision_no, .. }, _) => decision_no
            .as_deref()
            .map(|n| format!("Quyết định số {}", shared::validate::clean(n)))
            .unwrap_or_default(),
        _ => record.text.clone().unwrap_or_default(),
    };
    insert_record(conn, case_id, &record, &text, idempotency_hash)?;
    let rid = case_id.to_string();
    let to = record.to.as_str();
    let assigned = match action {
        Action::Assign { officer_id } => Some(officer_id.trim().to_string()),
        _ => case.assigned_account_id.clone(),
    };
    db_run!(conn, {
        diesel::update(reports::table.filter(reports::id.eq(&rid)))
            .set((
                reports::status.eq(to),
                reports::assigned_account_id.eq(assigned.clone()),
                reports::updated_at.eq(now),
            ))
            .execute(conn)
    })?;
    store_deadline(conn, case_id)?;
    // The identified reporter hears of every change of status (first reading too: "đã xem"
    // is no status). In this transaction: the message exists exactly when the change does.
    if record.to != record.from {
        super::outbox::enqueue_status_change(conn, case_id, record.to)?;
    }
    if record.action == ActionKind::ReplyPublic {
        // The head sent the apology (edited or not) as this public reply.
        let rid = case_id.to_string();
        db_run!(conn, {
            diesel::update(
                case_apologies::table
                    .filter(case_apologies::report_id.eq(&rid))
                    .filter(case_apologies::sent_at.is_null()),
            )
            .set(case_apologies::sent_at.eq(Some(now)))
            .execute(conn)
        })?;
    }
    // Last, so the log's lock is held for the shortest time; in this transaction, so the entry
    // exists exactly when the change does.
    let name = format!("{}{}", audit_action::CASE_PREFIX, record.action.as_str());
    let entry = match who {
        Who::Staff(account) => audit::Entry::by(account, &name, "case", case_id),
        Who::Citizen => audit::Entry::anonymous("citizen", &name, "case", case_id),
        Who::System => audit::Entry::anonymous("system", &name, "case", case_id),
    };
    audit::append(
        conn,
        entry
            .in_unit(Some(case.unit_path.clone()))
            .with_detail(serde_json::json!({
                "from": record.from.as_str(),
                "to": record.to.as_str(),
            })),
    )?;
    Ok(record.to)
}

/// Whether a timeline event was already stored under this idempotency hash (a retry).
pub fn event_recorded(conn: &mut DbConn, idempotency_hash: &str) -> AppResult<bool> {
    let h = idempotency_hash.to_string();
    let seen: i64 = db_run!(conn, {
        report_events::table
            .filter(report_events::idempotency_key.eq(&h))
            .count()
            .get_result(conn)
    })?;
    Ok(seen > 0)
}

/// Writes one timeline event from a checked transition record; returns its id.
pub fn insert_record(
    conn: &mut DbConn,
    report_id: &str,
    record: &TransitionRecord,
    body: &str,
    idempotency_hash: Option<&str>,
) -> AppResult<String> {
    let id = new_id();
    let row = (
        report_events::id.eq(id.clone()),
        report_events::report_id.eq(report_id.to_string()),
        report_events::kind.eq(record.action.as_str()),
        report_events::public.eq(record.public),
        report_events::by_role.eq(Some(record.actor.as_str())),
        report_events::body.eq(body.to_string()),
        report_events::created_at.eq(record.at),
        report_events::idempotency_key.eq(idempotency_hash.map(str::to_string)),
        report_events::actor_account_id.eq(record.actor_account_id.clone()),
        report_events::reason.eq(record.reason.clone()),
        report_events::from_status.eq(Some(record.from.as_str())),
        report_events::to_status.eq(Some(record.to.as_str())),
    );
    db_run!(conn, {
        diesel::insert_into(report_events::table)
            .values(row.clone())
            .execute(conn)
    })?;
    Ok(id)
}

/// The deadline and the citizen's possible actions (adding information included), for the
/// tracking page.
pub fn citizen_outlook(
    conn: &mut DbConn,
    report_id: &str,
) -> AppResult<(Option<CaseDeadline>, Vec<ActionKind>)> {
    let LoadedCase {
        case, facts, rules, ..
    } = load_with_timeline(conn, report_id)?;
    let actions = allowed_actions(case.status, Actor::Citizen, &facts)
        .into_iter()
        .filter(|a| CITIZEN_PAGE_ACTIONS.contains(a) || *a == ActionKind::CitizenAddInfo)
        .collect();
    let cal = super::calendar::current(conn)?;
    Ok((stored_deadline(&case, &cal, &rules), actions))
}

/// Checks that the citizen may add information now (the state machine's `citizen_add_info`)
/// and returns the case's status.
pub fn check_citizen_addition(conn: &mut DbConn, report_id: &str) -> AppResult<ReportStatus> {
    let LoadedCase { case, facts, .. } = load_with_timeline(conn, report_id)?;
    if case.status == ReportStatus::Closed {
        return Err(AppError(ApiError::with_message(
            ErrorCode::Conflict,
            "Phản ánh này đã đóng nên không bổ sung được. Nếu chưa hài lòng, bạn có thể mở lại phản ánh.",
            "This report is closed, so nothing can be added. If you are not satisfied, you can reopen it.",
        )));
    }
    shared::workflow::check(
        case.status,
        ActionKind::CitizenAddInfo,
        Actor::Citizen,
        &facts,
    )
    .map_err(|e| AppError(e.into()))?;
    Ok(case.status)
}

fn summary(case: &CaseRow, cal: &WorkingCalendar, rules: &DeadlineRules) -> CaseSummary {
    CaseSummary {
        id: case.id.clone(),
        tracking_code: case.tracking_code.clone(),
        kind: case.kind,
        category: case.category,
        unit_name: case.unit_name.clone(),
        counter_name: case.counter_name.clone(),
        status: case.status,
        anonymous: case.anonymous,
        wants_meeting: case.wants_meeting,
        created_at: case.created_at,
        deadline: stored_deadline(case, cal, rules),
        unread: case.opened_at.is_none(),
    }
}

/// What an inbox list holds: the reader's scope and the query's filters, resolved.
#[derive(Debug, Clone, Default)]
struct InboxFilter {
    /// The units of the scope; `None`: every unit (a province-wide reader).
    unit_ids: Option<Vec<String>>,
    /// `None`: every status.
    statuses: Option<Vec<&'static str>>,
    /// An officer sees only the cases assigned to them.
    assigned_to: Option<String>,
    kind: Option<&'static str>,
    category: Option<&'static str>,
    counter_id: Option<String>,
    staff_id: Option<String>,
    /// Only the citizens who asked to meet the head (the reception agenda).
    wants_meeting: bool,
    /// Only the cases due on or before this ISO day (the reception agenda).
    due_by: Option<String>,
    /// The reader's own unit, whose withheld cases they never see (`shared::routing`); `None`
    /// for a committee member, who sees every case of the units they oversee.
    withheld_unit: Option<String>,
    /// The reader's own staff record: the cases naming them are left out.
    named_staff: Option<String>,
    /// Only the cases withheld from their unit (the committee's review queue).
    only_withheld: bool,
}

impl InboxFilter {
    /// Whether the list can hold cases with a running clock (which come first, by due date)
    /// and cases without one (which follow, oldest first).
    fn halves(&self) -> (bool, bool) {
        match &self.statuses {
            None => (true, self.due_by.is_none()),
            Some(list) => {
                let clocked =
                    |s: &&str| ReportStatus::parse(s).is_some_and(|x| x.stage().is_some());
                (
                    list.iter().any(clocked),
                    self.due_by.is_none() && !list.iter().all(clocked),
                )
            }
        }
    }
}

/// The filters on `reports` of an inbox list (a macro: the boxed query's type differs per
/// backend and per join).
macro_rules! inbox_filtered {
    ($query:expr, $f:expr) => {{
        let f: &InboxFilter = $f;
        let mut query = $query;
        match f.unit_ids.as_deref() {
            Some([one]) => query = query.filter(reports::unit_id.eq(one.clone())),
            Some(many) => query = query.filter(reports::unit_id.eq_any(many.to_vec())),
            None => {}
        }
        if let Some(statuses) = &f.statuses {
            query = query.filter(reports::status.eq_any(statuses.clone()));
        }
        if let Some(me) = &f.assigned_to {
            query = query.filter(reports::assigned_account_id.eq(me.clone()));
        }
        if let Some(kind) = f.kind {
            query = query.filter(reports::kind.eq(kind));
        }
        if let Some(category) = f.category {
            query = query.filter(reports::category.eq(category));
        }
        if let Some(counter) = &f.counter_id {
            query = query.filter(reports::counter_id.eq(counter.clone()));
        }
        if let Some(officer) = &f.staff_id {
            query = query.filter(reports::staff_id.eq(officer.clone()));
        }
        if f.wants_meeting {
            query = query.filter(reports::wants_meeting.eq(true));
        }
        if let Some(day) = &f.due_by {
            query = query.filter(reports::due_on.le(day.clone()));
        }
        // The routing (see `role_on_case`): a walk of the reader's own unit drops its withheld
        // cases; a walk of several units drops those of the reader's unit among them.
        if let Some(own) = &f.withheld_unit {
            match f.unit_ids.as_deref() {
                Some([one]) if one == own => {
                    query = query.filter(reports::withheld_from_unit.eq(false))
                }
                Some([_]) => {}
                _ => {
                    query = query.filter(
                        reports::withheld_from_unit
                            .eq(false)
                            .or(reports::unit_id.ne(own.clone())),
                    )
                }
            }
        }
        if f.only_withheld {
            query = query.filter(reports::withheld_from_unit.eq(true));
        }
        if let Some(me) = &f.named_staff {
            query = query.filter(
                reports::staff_id
                    .is_null()
                    .or(reports::staff_id.ne(me.clone())),
            );
        }
        query
    }};
}

/// The reader's scope and the query, checked: an unknown status or a unit outside the scope
/// is refused.
fn inbox_filter(conn: &mut DbConn, account: &Account, q: &CaseQuery) -> AppResult<InboxFilter> {
    if !matches!(account.role, Role::Head | Role::Committee | Role::Officer) {
        return Err(AppError::forbidden());
    }
    let root = match &q.unit_id {
        Some(id) if !id.is_empty() => super::units::visible(conn, account, id)?.path,
        _ => account.scope_path.clone(),
    };
    let statuses: Option<Vec<&'static str>> = match q.status.as_deref().unwrap_or("open") {
        "all" => None,
        "open" => Some(open_status_codes()),
        other => Some(vec![ReportStatus::parse(other)
            .ok_or_else(|| {
                AppError(ApiError::field(
                    "status",
                    FieldCode::InvalidValue,
                    "Trạng thái không hợp lệ.",
                    "Unknown status.",
                ))
            })?
            .as_str()]),
    };
    // The units in the reader's scope, looked up first: a filter on `reports.unit_id` lets the
    // database walk the (unit_id, due_on, created_at, id) index in order.
    let unit_ids = match subtree_range(&root) {
        Some((lo, hi)) => Some(db_run!(conn, {
            units::table
                .filter(units::path.ge(lo.clone()).and(units::path.lt(hi.clone())))
                .select(units::id)
                .load(conn)
        })?),
        None => None,
    };
    let non_empty = |v: &Option<String>| v.clone().filter(|s| !s.is_empty());
    Ok(InboxFilter {
        unit_ids,
        statuses,
        assigned_to: (account.role == Role::Officer).then(|| account.account_id.clone()),
        kind: q.kind.map(|k| k.as_str()),
        category: q.category.map(|c| c.as_str()),
        counter_id: non_empty(&q.counter_id),
        staff_id: non_empty(&q.staff_id),
        wants_meeting: false,
        due_by: None,
        withheld_unit: match account.role {
            Role::Committee => None,
            _ => account.unit_id.clone(),
        },
        named_staff: account.staff_id.clone(),
        only_withheld: q.review == Some(true),
    })
}

/// How many cases a list holds. Unit, status, kind and category are summed from the counts
/// the database keeps per unit (`case_counts`, kept by triggers); a counter, officer or
/// assignee filter is counted over its own index.
fn inbox_total(conn: &mut DbConn, f: &InboxFilter) -> AppResult<i64> {
    use crate::schema::case_counts;
    use diesel::dsl::{count_star, sql};
    use diesel::sql_types::BigInt;
    let kept = f.assigned_to.is_none()
        && f.counter_id.is_none()
        && f.staff_id.is_none()
        && !f.wants_meeting
        && f.due_by.is_none();
    let counted = |conn: &mut DbConn, f: &InboxFilter| -> AppResult<i64> {
        Ok(db_run!(conn, {
            inbox_filtered!(reports::table.into_boxed(), f)
                .select(count_star())
                .first(conn)
        })?)
    };
    if !kept {
        return counted(conn, f);
    }
    // The cases naming the reader, which the kept counts cannot tell apart: counted over the
    // staff index (a handful) and taken off.
    let naming_reader = match &f.named_staff {
        Some(me) => {
            let naming = InboxFilter {
                staff_id: Some(me.clone()),
                named_staff: None,
                ..f.clone()
            };
            counted(conn, &naming)?
        }
        None => 0,
    };
    let kept_total: i64 = db_run!(conn, {
        let mut query = case_counts::table.into_boxed();
        match f.unit_ids.as_deref() {
            Some([one]) => query = query.filter(case_counts::unit_id.eq(one.clone())),
            Some(many) => query = query.filter(case_counts::unit_id.eq_any(many.to_vec())),
            None => {}
        }
        if let Some(statuses) = &f.statuses {
            query = query.filter(case_counts::status.eq_any(statuses.clone()));
        }
        if let Some(kind) = f.kind {
            query = query.filter(case_counts::kind.eq(kind));
        }
        if let Some(category) = f.category {
            query = query.filter(case_counts::category.eq(category));
        }
        if f.only_withheld {
            query = query.filter(case_counts::withheld.eq(true));
        }
        if let Some(own) = &f.withheld_unit {
            query = query.filter(
                case_counts::withheld
                    .eq(false)
                    .or(case_counts::unit_id.ne(own.clone())),
            );
        }
        // SUM of a BIGINT is NUMERIC on PostgreSQL: cast back.
        query
            .select(sql::<BigInt>("CAST(COALESCE(SUM(n), 0) AS BIGINT)"))
            .first(conn)
    })?;
    Ok(kept_total - naming_reader)
}

/// Up to `limit` cases of a list after `after`, in the inbox's order: the cases with a clock
/// by due date (the most urgent first), then those without one, oldest first; the time
/// received and then the id break ties, so the order is total and a cursor is exact. Each half
/// is one walk of the (unit_id, due_on, created_at, id) index from the cursor on, however deep
/// the page.
fn inbox_rows(
    conn: &mut DbConn,
    f: &InboxFilter,
    after: Option<&CaseCursor>,
    limit: i64,
) -> AppResult<Vec<CaseTuple>> {
    // Several units (a district's head): the index gives each unit's cases in order, not the
    // units' together, so each unit is walked on its own and the walks merged; one query over
    // them all would sort every open case of the district for each page. A scope of very many
    // units (a province) is read in one query: there the filter passes most cases anyway.
    match f.unit_ids.as_deref() {
        Some(units) if units.len() > 1 && units.len() <= MERGED_UNITS_MAX => {
            let mut rows = Vec::new();
            for unit in units {
                let one = InboxFilter {
                    unit_ids: Some(vec![unit.clone()]),
                    ..f.clone()
                };
                rows.extend(inbox_rows(conn, &one, after, limit)?);
            }
            rows.sort_by(|a, b| inbox_order_key(a).cmp(&inbox_order_key(b)));
            rows.truncate(limit.max(0) as usize);
            Ok(rows)
        }
        _ => inbox_rows_in_one_walk(conn, f, after, limit),
    }
}

/// The most units whose inbox walks are merged (see [`inbox_rows`]).
const MERGED_UNITS_MAX: usize = 64;

/// A row's place in the inbox's order: clocked cases by due date, then the rest; then the time
/// received and the id. Compared byte-wise here and by the database's collation in SQL: the
/// same order, since due dates are ISO days and ids lowercase UUIDs with their hyphens at the
/// same places.
fn inbox_order_key(row: &CaseTuple) -> (bool, Option<&str>, i64, &str) {
    (row.14.is_none(), row.14.as_deref(), row.12, row.0.as_str())
}

fn inbox_rows_in_one_walk(
    conn: &mut DbConn,
    f: &InboxFilter,
    after: Option<&CaseCursor>,
    limit: i64,
) -> AppResult<Vec<CaseTuple>> {
    use diesel::dsl::sql;
    use diesel::sql_types::{BigInt, Bool, Text};
    let (clocked, clockless) = f.halves();
    let mut rows: Vec<CaseTuple> = Vec::new();
    let in_clocked_half = after.is_none_or(|c| c.due_on.is_some());
    if clocked && in_clocked_half {
        rows = db_run!(conn, {
            let mut query = inbox_filtered!(
                reports::table
                    .inner_join(units::table)
                    .left_join(counters::table.on(counters::id.nullable().eq(reports::counter_id)))
                    .into_boxed(),
                f
            )
            .filter(reports::due_on.is_not_null());
            if let Some(CaseCursor {
                due_on: Some(due),
                created_at,
                id,
            }) = after
            {
                // A row-value comparison: both databases start their index walk right
                // after the cursor. Spelled out as `due > d OR (due = d AND …)`, PostgreSQL
                // starts at `d` and fetches every earlier case of that day to discard it
                // (45 ms on a deep page of 216,667 open cases instead of 0.7 ms).
                query = query.filter(
                    sql::<Bool>("(reports.due_on, reports.created_at, reports.id) > (")
                        .bind::<Text, _>(due.clone())
                        .sql(", ")
                        .bind::<BigInt, _>(*created_at)
                        .sql(", ")
                        .bind::<Text, _>(id.clone())
                        .sql(")"),
                );
            }
            query
                .select(case_columns!())
                .order((
                    reports::due_on.asc(),
                    reports::created_at.asc(),
                    reports::id.asc(),
                ))
                .limit(limit)
                .load(conn)
        })?;
    }
    let left = limit - rows.len() as i64;
    if clockless && left > 0 {
        let more: Vec<CaseTuple> = db_run!(conn, {
            let mut query = inbox_filtered!(
                reports::table
                    .inner_join(units::table)
                    .left_join(counters::table.on(counters::id.nullable().eq(reports::counter_id)))
                    .into_boxed(),
                f
            )
            .filter(reports::due_on.is_null());
            if let Some(CaseCursor {
                due_on: None,
                created_at,
                id,
            }) = after
            {
                query = query.filter(
                    sql::<Bool>("(reports.created_at, reports.id) > (")
                        .bind::<BigInt, _>(*created_at)
                        .sql(", ")
                        .bind::<Text, _>(id.clone())
                        .sql(")"),
                );
            }
            query
                .select(case_columns!())
                .order((reports::created_at.asc(), reports::id.asc()))
                .limit(left)
                .load(conn)
        })?;
        rows.extend(more);
    }
    Ok(rows)
}

/// The inbox: the cases of the reader's units (an officer: those assigned to them), filtered,
/// most urgent first, a page at a time by cursor.
pub fn inbox(conn: &mut DbConn, account: &Account, q: &CaseQuery) -> AppResult<CasePage> {
    let filter = inbox_filter(conn, account, q)?;
    inbox_of(conn, &filter, q)
}

/// The inbox read as [`inbox`] reads it, with the reader's access checks or without them: for
/// `minhbach bench access-checks` only, which measures what the checks cost. Without them, the
/// routing predicates (cases withheld from the reader's unit, cases naming the reader) are
/// dropped, and so is a committee's subtree (its list of units) unless the query names a unit:
/// on the benchmark's data every unit is in the committee's province, so both read the same
/// rows.
pub fn inbox_for_benchmark(
    conn: &mut DbConn,
    account: &Account,
    q: &CaseQuery,
    checks: bool,
) -> AppResult<CasePage> {
    let mut filter = inbox_filter(conn, account, q)?;
    if !checks {
        filter.withheld_unit = None;
        filter.named_staff = None;
        if account.role == Role::Committee && q.unit_id.is_none() {
            filter.unit_ids = None;
        }
    }
    inbox_of(conn, &filter, q)
}

fn inbox_of(conn: &mut DbConn, filter: &InboxFilter, q: &CaseQuery) -> AppResult<CasePage> {
    let after = match q.after.as_deref().filter(|a| !a.is_empty()) {
        None => None,
        Some(text) => Some(CaseCursor::decode(text).ok_or_else(|| {
            AppError(ApiError::field(
                "after",
                FieldCode::InvalidValue,
                "Vị trí trang không hợp lệ; hãy mở lại trang đầu của hộp thư.",
                "Invalid page position; open the first page of the inbox again.",
            ))
        })?),
    };
    let per_page = shared::model::ListQuery {
        per_page: q.per_page,
        ..Default::default()
    }
    .per_page();
    let total = inbox_total(conn, filter)?;
    // One more than a page: whether a next page exists, without counting.
    let mut rows = inbox_rows(conn, filter, after.as_ref(), per_page as i64 + 1)?;
    let more = rows.len() > per_page as usize;
    rows.truncate(per_page as usize);
    let cal = super::calendar::current(conn)?;
    let rules = super::deadline_rules::current(conn)?;
    let cases = rows
        .into_iter()
        .map(case_row)
        .collect::<AppResult<Vec<_>>>()?;
    let next = more.then(|| cases.last()).flatten().map(|last| {
        CaseCursor {
            due_on: last.due_on.clone(),
            created_at: last.created_at,
            id: last.id.clone(),
        }
        .encode()
    });
    Ok(CasePage {
        items: cases
            .iter()
            .map(|case| summary(case, &cal, &rules))
            .collect(),
        total,
        per_page,
        next,
    })
}

/// This week's reception agenda of a unit: the open cases whose citizen asked to meet the
/// head, and the open cases due by the session's day (overdue ones first), each up to `limit`.
pub fn reception_agenda(
    conn: &mut DbConn,
    account: &Account,
    unit_id: &str,
    session_day: &str,
    limit: i64,
) -> AppResult<(Vec<CaseSummary>, Vec<CaseSummary>)> {
    let base = inbox_filter(
        conn,
        account,
        &CaseQuery {
            unit_id: Some(unit_id.to_string()),
            ..Default::default()
        },
    )?;
    let booked = InboxFilter {
        wants_meeting: true,
        ..base.clone()
    };
    let due = InboxFilter {
        due_by: Some(session_day.to_string()),
        ..base
    };
    let cal = super::calendar::current(conn)?;
    let rules = super::deadline_rules::current(conn)?;
    let mut lists = Vec::with_capacity(2);
    for f in [booked, due] {
        let cases = inbox_rows(conn, &f, None, limit)?
            .into_iter()
            .map(|row| case_row(row).map(|case| summary(&case, &cal, &rules)))
            .collect::<AppResult<Vec<_>>>()?;
        lists.push(cases);
    }
    let due = lists.pop().unwrap_or_default();
    let booked = lists.pop().unwrap_or_default();
    Ok((booked, due))
}

/// A photo of a case, for a reader who may see the case ([`role_on_case`]); otherwise "not
/// found", as for the case itself. A redacted photo is served as its redacted copy
/// ([`super::redaction::photo_for`]).
pub fn photo(
    conn: &mut DbConn,
    account: &Account,
    case_id: &str,
    photo_id: &str,
    variant: super::redaction::PhotoVariant,
) -> AppResult<(String, crate::photo_store::PhotoBody)> {
    let case = load_case(conn, case_id)?.ok_or_else(AppError::not_found)?;
    let role = role_on_case(account, &case).ok_or_else(AppError::not_found)?;
    super::redaction::photo_for(conn, role, case_id, photo_id, variant)
}

/// The case page. The first time the handling side opens a case, the citizen's timeline says
/// so ("đã xem", by role, never by name).
pub fn detail(
    conn: &mut DbConn,
    account: &Account,
    key: &DataKey,
    id: &str,
) -> AppResult<CaseDetail> {
    let case = load_case(conn, id)?.ok_or_else(AppError::not_found)?;
    let role = role_on_case(account, &case).ok_or_else(AppError::not_found)?;
    // The stored `opened_at` answers "opened before?" without reading the timeline; `apply`
    // checks again with the timeline's facts.
    let unopened = CaseFacts::new(case.kind, case.anonymous);
    if case.opened_at.is_none()
        && shared::workflow::check(case.status, ActionKind::FirstOpen, role, &unopened).is_ok()
    {
        match apply(conn, id, Who::Staff(account), &Action::FirstOpen, None) {
            // Someone else opened it at the same moment: the reading is recorded once.
            Err(AppError(e)) if e.code == ErrorCode::Conflict => {}
            other => {
                other?;
            }
        }
    }
    let page = case_page(conn, account, key, id)?;
    // Who read a denunciation, every time: the person it is about must not learn of it, and
    // the committee must be able to see who looked.
    if case.kind == ReportKind::Denunciation {
        audit::record(
            conn,
            audit::Entry::by(account, audit_action::CASE_READ, "case", id)
                .in_unit(Some(case.unit_path.clone())),
        )?;
    }
    Ok(page)
}

fn case_page(
    conn: &mut DbConn,
    account: &Account,
    key: &DataKey,
    id: &str,
) -> AppResult<CaseDetail> {
    let LoadedCase {
        case,
        events,
        facts,
        rules,
        ..
    } = load_with_timeline(conn, id)?;
    let role = role_on_case(account, &case).ok_or_else(AppError::not_found)?;
    let rid = id.to_string();
    let (description, occurred_at, staff_name): (String, Option<i64>, Option<String>) =
        db_run!(conn, {
            reports::table
                .left_join(staff::table.on(staff::id.nullable().eq(reports::staff_id)))
                .filter(reports::id.eq(&rid))
                .select((
                    reports::description,
                    reports::occurred_at,
                    staff::full_name.nullable(),
                ))
                .first(conn)
        })?;
    let assigned_to: Option<String> = match &case.assigned_account_id {
        Some(aid) => {
            let aid = aid.clone();
            db_run!(conn, {
                accounts::table
                    .filter(accounts::id.eq(&aid))
                    .select(accounts::full_name)
                    .first(conn)
                    .optional()
            })?
        }
        None => None,
    };
    let photos = super::reports::photo_ids(conn, id)?;
    let photo_redactions = super::redaction::of_case(conn, id)?;
    let may_redact_photos = !photos.is_empty() && shared::redaction::may_redact(role);
    let names: Vec<(String, String)> = {
        let ids: Vec<String> = events.iter().filter_map(|e| e.9.clone()).collect();
        db_run!(conn, {
            accounts::table
                .filter(accounts::id.eq_any(ids.clone()))
                .select((accounts::id, accounts::full_name))
                .load(conn)
        })?
    };
    let name_of = |id: &Option<String>| {
        id.as_ref()
            .and_then(|id| names.iter().find(|(k, _)| k == id).map(|(_, n)| n.clone()))
    };
    let timeline = events
        .iter()
        .map(
            |(_, at, kind, by_role, public, body, reason, from, to, acct)| CaseEvent {
                at: *at,
                kind: kind.clone(),
                by_role: by_role.clone(),
                by_name: name_of(acct),
                public: *public,
                text: body.clone(),
                reason: reason.clone(),
                from_status: from.as_deref().and_then(ReportStatus::parse),
                to_status: to.as_deref().and_then(ReportStatus::parse),
            },
        )
        .collect();
    let allowed: Vec<ActionKind> = allowed_actions(case.status, role, &facts)
        .into_iter()
        .filter(|a| *a != ActionKind::FirstOpen)
        .collect();
    let officers = if allowed.contains(&ActionKind::Assign) {
        officers_of(conn, &case.unit_path)?
    } else {
        Vec::new()
    };
    let forward_units = if allowed.contains(&ActionKind::Forward) {
        let own = case.unit_id.clone();
        let rows: Vec<(String, String)> = db_run!(conn, {
            units::table
                .filter(units::active.eq(true))
                .filter(units::id.ne(&own))
                .order(units::path.asc())
                .limit(500)
                .select((units::id, units::name))
                .load(conn)
        })?;
        rows.into_iter()
            .map(|(id, name)| Choice { id, name })
            .collect()
    } else {
        Vec::new()
    };
    // The reporter's identity and who revealed it are the committee's alone.
    let (identity, identity_reveals) = if role == Actor::Committee {
        (
            super::identity::shown_to(conn, account, key, id)?,
            super::identity::reveals_of(conn, id)?,
        )
    } else {
        (None, Vec::new())
    };
    let may_reveal = super::identity::may_reveal(role, &case);
    let cal = super::calendar::current(conn)?;
    let apologies: Vec<(String, String, String, i64, Option<i64>)> = db_run!(conn, {
        case_apologies::table
            .filter(case_apologies::report_id.eq(&rid))
            .order(case_apologies::created_at.asc())
            .select((
                case_apologies::missed_due_on,
                case_apologies::new_due_on,
                case_apologies::body,
                case_apologies::created_at,
                case_apologies::sent_at,
            ))
            .load(conn)
    })?;
    Ok(CaseDetail {
        apologies: apologies
            .into_iter()
            .map(
                |(missed_due, new_due, body, created_at, sent_at)| ApologyDraft {
                    missed_due,
                    new_due,
                    body,
                    created_at,
                    sent_at,
                },
            )
            .collect(),
        summary: summary(&case, &cal, &rules),
        description,
        occurred_at,
        staff_name,
        assigned_to,
        photos,
        photo_redactions,
        may_redact_photos,
        timeline,
        your_role: role,
        allowed_actions: allowed,
        officers,
        forward_units,
        may_reveal,
        identity,
        identity_reveals,
    })
}

/// The active officer accounts of the unit handling a case (and of its subtree).
fn officers_of(conn: &mut DbConn, unit_path: &str) -> AppResult<Vec<Choice>> {
    let Some((lo, hi)) = subtree_range(unit_path) else {
        return Ok(Vec::new());
    };
    let rows: Vec<(String, String)> = db_run!(conn, {
        accounts::table
            .inner_join(units::table)
            .filter(accounts::role.eq(Role::Officer.as_str()))
            .filter(accounts::active.eq(true))
            .filter(units::path.ge(lo.clone()).and(units::path.lt(hi.clone())))
            .order(accounts::full_name.asc())
            .select((accounts::id, accounts::full_name))
            .load(conn)
    })?;
    Ok(rows
        .into_iter()
        .map(|(id, name)| Choice { id, name })
        .collect())
}

/// A signed-in account's action on a case; answers with the case page as it now stands.
pub fn act(
    conn: &mut DbConn,
    account: &Account,
    key: &DataKey,
    id: &str,
    action: &Action,
) -> AppResult<CaseDetail> {
    apply(conn, id, Who::Staff(account), action, None)?;
    case_page(conn, account, key, id)
}
