//! What the pages need from the server, as a trait the server implements. The app cannot
//! depend on the server crate (the server depends on the app), so the server hands an
//! implementation to every render and server function through Leptos context.

use async_trait::async_trait;
use shared::model::*;
use shared::ApiError;
use std::sync::Arc;

/// The credential of a page request: the web session cookie, copied out of the request so
/// that it can cross awaits (actix's request is not `Send`).
#[derive(Debug, Clone, Default)]
pub struct PageAuth {
    pub session: Option<String>,
    /// The client's network address as the server reads it (its proxy setting applied), for
    /// the audit log of what staff do.
    pub address: Option<String>,
}

/// The client's network address, which the server puts in every request's extensions for the
/// server functions to copy into [`PageAuth`].
#[derive(Debug, Clone)]
pub struct ClientAddress(pub String);

type R<T> = Result<T, ApiError>;

#[async_trait]
pub trait Backend: Send + Sync {
    /// The signed-in account, or `None` when there is no valid session.
    async fn me(&self, auth: &PageAuth) -> R<Option<Me>>;
    async fn units(&self, auth: &PageAuth, q: ListQuery) -> R<Page<Unit>>;
    async fn unit(&self, auth: &PageAuth, id: String) -> R<Unit>;
    async fn create_unit(&self, auth: &PageAuth, input: NewUnit) -> R<Unit>;
    async fn update_unit(&self, auth: &PageAuth, id: String, patch: UnitPatch) -> R<Unit>;
    async fn counters(&self, auth: &PageAuth, q: ListQuery) -> R<Page<Counter>>;
    async fn create_counter(&self, auth: &PageAuth, input: NewCounter) -> R<Counter>;
    async fn update_counter(&self, auth: &PageAuth, id: String, patch: CounterPatch) -> R<Counter>;
    async fn rotate_counter_token(&self, auth: &PageAuth, id: String) -> R<Counter>;
    async fn staff_list(&self, auth: &PageAuth, q: ListQuery) -> R<Page<Staff>>;
    async fn staff(&self, auth: &PageAuth, id: String) -> R<Staff>;
    async fn create_staff(&self, auth: &PageAuth, input: NewStaff) -> R<Staff>;
    async fn update_staff(&self, auth: &PageAuth, id: String, patch: StaffPatch) -> R<Staff>;
    async fn accounts(&self, auth: &PageAuth, q: ListQuery) -> R<Page<Account>>;
    async fn account(&self, auth: &PageAuth, id: String) -> R<Account>;
    async fn create_account(&self, auth: &PageAuth, input: NewAccount) -> R<Account>;
    async fn update_account(&self, auth: &PageAuth, id: String, patch: AccountPatch) -> R<Account>;
    /// Flagged ratings awaiting review in the reader's units.
    async fn flagged_ratings(
        &self,
        auth: &PageAuth,
        q: shared::review::FlaggedQuery,
    ) -> R<Page<shared::review::FlaggedRating>>;
    /// Counts or rejects flagged ratings, all or none.
    async fn review_ratings(
        &self,
        auth: &PageAuth,
        input: shared::review::ReviewRequest,
    ) -> R<shared::review::ReviewReceipt>;
    /// The inbox of cases: the reader's units, most urgent first.
    async fn cases(&self, auth: &PageAuth, q: shared::case::CaseQuery)
        -> R<shared::case::CasePage>;
    /// A case page (the first reading by the handling side is recorded).
    async fn case(&self, auth: &PageAuth, id: String) -> R<shared::case::CaseDetail>;
    /// An action on a case, checked by the state machine.
    async fn case_action(
        &self,
        auth: &PageAuth,
        id: String,
        action: shared::workflow::Action,
    ) -> R<shared::case::CaseDetail>;
    /// The committee's patterns of a period.
    async fn oversight_patterns(
        &self,
        auth: &PageAuth,
        q: shared::oversight::PatternQuery,
    ) -> R<shared::oversight::Patterns>;
    /// Reveals an identified reporter to a committee member, who gives the reason.
    async fn reveal_identity(
        &self,
        auth: &PageAuth,
        id: String,
        reason: String,
    ) -> R<shared::case::RevealedIdentity>;
    /// Opens this week's reception session of the head's unit (or finds it open).
    async fn open_reception(&self, auth: &PageAuth) -> R<shared::reception::ReceptionSession>;
    async fn reception(
        &self,
        auth: &PageAuth,
        id: String,
    ) -> R<shared::reception::ReceptionSession>;
    /// Records a meeting in a session's reception log.
    async fn record_reception(
        &self,
        auth: &PageAuth,
        id: String,
        input: shared::reception::NewReceptionEntry,
    ) -> R<shared::reception::ReceptionSession>;
    /// One year of the working-day calendar.
    async fn calendar_year(&self, auth: &PageAuth, year: i32) -> R<shared::calendar::CalendarYear>;
    /// Replaces one year of the calendar (national administrators).
    async fn save_calendar_year(
        &self,
        auth: &PageAuth,
        input: shared::calendar::CalendarYear,
    ) -> R<shared::calendar::CalendarYear>;
    /// The deadline settings as they apply now.
    async fn deadline_rules(&self, auth: &PageAuth) -> R<shared::calendar::DeadlineRules>;
    /// Replaces the deadline settings (national administrators).
    async fn save_deadline_rules(
        &self,
        auth: &PageAuth,
        input: shared::calendar::DeadlineRules,
    ) -> R<shared::calendar::DeadlineRules>;
    /// The audit log (inspection committee only).
    async fn audit(
        &self,
        auth: &PageAuth,
        q: shared::audit::AuditQuery,
    ) -> R<shared::audit::AuditPage>;
    /// A counter as its QR page shows it to anyone (no sign-in).
    async fn public_counter(&self, token: String) -> R<shared::citizen::PublicCounter>;
    /// A unit's figures for a period (its dashboard).
    async fn figures(
        &self,
        auth: &PageAuth,
        q: shared::figures::FiguresQuery,
    ) -> R<shared::figures::Dashboard>;
    /// An officer's monthly scorecard.
    async fn scorecard(
        &self,
        auth: &PageAuth,
        staff_id: String,
        month: Option<String>,
    ) -> R<shared::figures::Scorecard>;
    /// What a unit publishes, from the server's memory; `None` for an unknown code.
    async fn public_figures(&self, code: String) -> R<Option<shared::figures::PublicFigures>>;
    /// The committee's findings on a case, with what the form to record one offers.
    async fn case_findings(
        &self,
        auth: &PageAuth,
        case_id: String,
    ) -> R<shared::finding::CaseFindings>;
    /// Records a finding (or a revision of the current one) on a case.
    async fn record_finding(
        &self,
        auth: &PageAuth,
        case_id: String,
        input: shared::finding::NewFinding,
    ) -> R<shared::finding::CaseFindings>;
    /// An officer's record of reports, findings, discipline and referrals (the committee).
    async fn officer_record(
        &self,
        auth: &PageAuth,
        staff_id: String,
    ) -> R<shared::finding::OfficerRecord>;
    /// The discipline measures, lightest first, retired ones included.
    async fn discipline_measures(&self, auth: &PageAuth) -> R<shared::finding::DisciplineMeasures>;
    async fn create_discipline_measure(
        &self,
        auth: &PageAuth,
        input: shared::finding::NewDisciplineMeasure,
    ) -> R<shared::finding::DisciplineMeasure>;
    async fn update_discipline_measure(
        &self,
        auth: &PageAuth,
        id: String,
        patch: shared::finding::DisciplineMeasurePatch,
    ) -> R<shared::finding::DisciplineMeasure>;
    /// Sets (or replaces) the redaction of a case's photo.
    async fn redact_photo(
        &self,
        auth: &PageAuth,
        case_id: String,
        photo_id: String,
        request: shared::redaction::RedactionRequest,
    ) -> R<shared::redaction::PhotoRedaction>;
}

pub type SharedBackend = Arc<dyn Backend>;

/// The name of the web session cookie (HttpOnly: no script on the page can read it).
pub const SESSION_COOKIE: &str = "mb_session";
