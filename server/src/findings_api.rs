//! The API of the committee's findings, the discipline list and an officer's record, mounted
//! inside the `/api/v1` scope of [`crate::api`]. Handlers only translate HTTP; the rules live
//! in `services::findings`.

use crate::api::JsonBody;
use crate::auth::Actor;
use crate::error::AppResult;
use crate::services::findings;
use crate::state::AppState;
use actix_web::web;
use shared::finding::{
    CaseFindings, DisciplineMeasure, DisciplineMeasurePatch, DisciplineMeasures,
    NewDisciplineMeasure, NewFinding, OfficerRecord,
};
use shared::ApiError;
use utoipa::OpenApi;

type Json<T> = web::Json<T>;
type State = web::Data<AppState>;

/// The routes, relative to the `/api/v1` scope.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/cases/{id}/findings", web::get().to(list_findings))
        .route("/cases/{id}/findings", web::post().to(record_finding))
        .route("/staff/{id}/record", web::get().to(officer_record))
        .route("/discipline-measures", web::get().to(list_measures))
        .route("/discipline-measures", web::post().to(create_measure))
        .route("/discipline-measures/{id}", web::patch().to(update_measure));
}

#[derive(OpenApi)]
#[openapi(
    paths(list_findings, record_finding, officer_record, list_measures, create_measure, update_measure),
    components(schemas(
        CaseFindings,
        NewFinding,
        shared::finding::Finding,
        shared::finding::Conclusion,
        shared::finding::ReferralTarget,
        OfficerRecord,
        shared::finding::RecordItem,
        shared::finding::RecordCounts,
        shared::finding::MeasureCount,
        DisciplineMeasure,
        DisciplineMeasures,
        NewDisciplineMeasure,
        DisciplineMeasurePatch,
    )),
    tags(
        (name = "findings", description = "Kết luận, kỷ luật, chuyển cơ quan có thẩm quyền / Findings, discipline and referrals"),
        (name = "discipline", description = "Danh mục hình thức kỷ luật / Discipline measures"),
    )
)]
pub struct FindingsApiDoc;

async fn run<T: Send + 'static>(
    state: &AppState,
    actor: Actor,
    f: impl FnOnce(&mut crate::db::DbConn, &Actor) -> AppResult<T> + Send + 'static,
) -> AppResult<Json<T>> {
    state.db.run(move |c| f(c, &actor)).await.map(web::Json)
}

/// The committee's findings on a case, newest first (revised ones marked with the finding
/// that replaced them), with the officers and the discipline measures a new finding may
/// name. Only a member of the committee overseeing the case's unit reads them: 403 for the
/// heads and officers who handle the case, 404 for whoever may not see it.
#[utoipa::path(get, path = "/api/v1/cases/{id}/findings", tag = "findings", params(("id" = String, Path)), security(("bearer" = [])),
    responses((status = 200, body = CaseFindings), (status = 401, body = ApiError), (status = 403, body = ApiError), (status = 404, body = ApiError)))]
async fn list_findings(
    state: State,
    actor: Actor,
    id: web::Path<String>,
) -> AppResult<Json<CaseFindings>> {
    let id = id.into_inner();
    run(&state, actor, move |c, a| {
        findings::case_findings(c, a, &id)
    })
    .await
}

/// Records a finding: the conclusion (founded, partly founded, unfounded), the discipline
/// decided (an active measure, only when founded or partly founded), a referral and the
/// reasoning, about the officer the report names unless `staff_id` says another (`null`: no
/// officer in particular). A second finding about the same officer must name the current one
/// in `revises` (409 otherwise); nothing is overwritten. Refused input (400) changes nothing.
#[utoipa::path(post, path = "/api/v1/cases/{id}/findings", tag = "findings", params(("id" = String, Path)), request_body = NewFinding, security(("bearer" = [])),
    responses((status = 200, body = CaseFindings), (status = 400, body = ApiError), (status = 401, body = ApiError), (status = 403, body = ApiError), (status = 404, body = ApiError), (status = 409, body = ApiError)))]
async fn record_finding(
    state: State,
    actor: Actor,
    id: web::Path<String>,
    body: JsonBody<NewFinding>,
) -> AppResult<Json<CaseFindings>> {
    let (id, input) = (id.into_inner(), body.into_inner());
    run(&state, actor, move |c, a| {
        findings::record(c, a, &id, &input)
    })
    .await
}

/// An officer's record, for the inspection committee: every report naming the officer (or
/// with a finding about them) that the reader may see, newest first, with the findings,
/// discipline and referrals, and the counts.
#[utoipa::path(get, path = "/api/v1/staff/{id}/record", tag = "findings", params(("id" = String, Path)), security(("bearer" = [])),
    responses((status = 200, body = OfficerRecord), (status = 401, body = ApiError), (status = 403, body = ApiError), (status = 404, body = ApiError)))]
async fn officer_record(
    state: State,
    actor: Actor,
    id: web::Path<String>,
) -> AppResult<Json<OfficerRecord>> {
    let id = id.into_inner();
    run(&state, actor, move |c, a| {
        findings::officer_record(c, a, &id)
    })
    .await
}

/// The discipline measures, lightest first, retired ones included; any signed-in account.
#[utoipa::path(get, path = "/api/v1/discipline-measures", tag = "discipline", security(("bearer" = [])),
    responses((status = 200, body = DisciplineMeasures), (status = 401, body = ApiError)))]
async fn list_measures(state: State, actor: Actor) -> AppResult<Json<DisciplineMeasures>> {
    run(&state, actor, findings::measures).await
}

/// Adds a measure at the end of the list (province or national administrators).
#[utoipa::path(post, path = "/api/v1/discipline-measures", tag = "discipline", request_body = NewDisciplineMeasure, security(("bearer" = [])),
    responses((status = 200, body = DisciplineMeasure), (status = 400, body = ApiError), (status = 401, body = ApiError), (status = 403, body = ApiError)))]
async fn create_measure(
    state: State,
    actor: Actor,
    body: JsonBody<NewDisciplineMeasure>,
) -> AppResult<Json<DisciplineMeasure>> {
    let input = body.into_inner();
    run(&state, actor, move |c, a| {
        findings::create_measure(c, a, &input)
    })
    .await
}

/// Renames a measure, moves it to another place (`position`, 1 = lightest), retires it
/// (`active: false`: no longer offered, kept on the findings that chose it) or offers it again.
#[utoipa::path(patch, path = "/api/v1/discipline-measures/{id}", tag = "discipline", params(("id" = String, Path)), request_body = DisciplineMeasurePatch, security(("bearer" = [])),
    responses((status = 200, body = DisciplineMeasure), (status = 400, body = ApiError), (status = 401, body = ApiError), (status = 403, body = ApiError), (status = 404, body = ApiError)))]
async fn update_measure(
    state: State,
    actor: Actor,
    id: web::Path<String>,
    body: JsonBody<DisciplineMeasurePatch>,
) -> AppResult<Json<DisciplineMeasure>> {
    let (id, patch) = (id.into_inner(), body.into_inner());
    run(&state, actor, move |c, a| {
        findings::update_measure(c, a, &id, &patch)
    })
    .await
}
