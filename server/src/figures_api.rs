//! The figures' JSON API: a unit's dashboard, an officer's monthly scorecard (staff), and a
//! unit's published figures (no login, from the cache of [`crate::public_figures`]).

use crate::auth::Actor;
use crate::error::{AppError, AppResult};
use crate::state::AppState;
use actix_web::web::{self, Json};
use actix_web::HttpResponse;
use shared::figures::{Dashboard, FiguresQuery, PublicFigures, Scorecard};
use shared::ApiError;
use utoipa::OpenApi;

type State = web::Data<AppState>;

/// The routes, relative to the `/api/v1` scope.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/figures", web::get().to(dashboard))
        .route("/figures/officers/{staff_id}", web::get().to(scorecard))
        .route("/public/units/{code}", web::get().to(public_unit));
}

#[derive(OpenApi)]
#[openapi(
    paths(dashboard, scorecard, public_unit),
    components(schemas(
        Dashboard,
        Scorecard,
        PublicFigures,
        shared::figures::PublicPeriod,
        shared::figures::PublicUnit,
        shared::figures::Rate,
        shared::figures::RatingCounts,
        shared::figures::CaseCounts,
        shared::figures::DeadlineCounts,
        shared::figures::TrendPoint,
        shared::figures::UnitFigures,
        shared::figures::SubjectFigures,
        shared::figures::ScorecardReports,
        shared::figures::PeriodKind,
        shared::figures::UnitSort,
    )),
    tags((name = "figures", description = "Thống kê và công khai / Figures and publication"))
)]
pub struct FiguresApiDoc;

/// A unit's dashboard (the reader's own unit by default) for a period: satisfaction and
/// on-time rates, counts, trends by month and week, its units ranked, its counters and
/// officers. Heads, committee members and administrators over their units.
#[utoipa::path(get, path = "/api/v1/figures", tag = "figures", params(FiguresQuery), security(("bearer" = [])),
    responses((status = 200, body = Dashboard), (status = 400, body = ApiError), (status = 401, body = ApiError), (status = 403, body = ApiError), (status = 404, body = ApiError)))]
pub async fn dashboard(
    state: State,
    actor: Actor,
    q: web::Query<FiguresQuery>,
) -> AppResult<Json<Dashboard>> {
    let q = q.into_inner();
    let min = state.config.min_ratings;
    state
        .db
        .run(move |c| crate::services::figures::dashboard(c, &actor, &q, min))
        .await
        .map(Json)
}

#[derive(Debug, Default, serde::Deserialize, utoipa::IntoParams)]
pub struct MonthQuery {
    /// `YYYY-MM` or `mm/yyyy`; the current month by default.
    #[serde(default)]
    #[param(pattern = r"^(\d{4}-\d{1,2}|\d{1,2}/\d{4})$")]
    pub month: Option<String>,
}

/// An officer's scorecard for the month (the monthly A/B/C classification meeting): ratings,
/// the satisfaction rate, reports about the officer by category and outcome, the deadlines of
/// the cases assigned to them.
#[utoipa::path(get, path = "/api/v1/figures/officers/{staff_id}", tag = "figures", params(("staff_id" = String, Path), MonthQuery), security(("bearer" = [])),
    responses((status = 200, body = Scorecard), (status = 400, body = ApiError), (status = 403, body = ApiError), (status = 404, body = ApiError)))]
pub async fn scorecard(
    state: State,
    actor: Actor,
    path: web::Path<String>,
    q: web::Query<MonthQuery>,
) -> AppResult<Json<Scorecard>> {
    let (staff_id, month) = (path.into_inner(), q.into_inner().month);
    let min = state.config.min_ratings;
    state
        .db
        .run(move |c| {
            crate::services::figures::scorecard(c, &actor, &staff_id, month.as_deref(), min)
        })
        .await
        .map(Json)
}

/// What a unit publishes, no login: this month's and this year's satisfaction and on-time
/// rates (each with its sample and 95% interval, or "not enough ratings yet"), reports
/// received and resolved, the reception day and hours, its units ranked. Served from memory.
#[utoipa::path(get, path = "/api/v1/public/units/{code}", tag = "figures", params(("code" = String, Path)),
    responses((status = 200, body = PublicFigures), (status = 404, body = ApiError)))]
pub async fn public_unit(state: State, path: web::Path<String>) -> AppResult<HttpResponse> {
    match state
        .public_figures
        .get(&state.db, &path.into_inner())
        .await?
    {
        Some(figures) => Ok(HttpResponse::Ok()
            .insert_header(("Cache-Control", state.public_figures.cache_control()))
            .json(figures)),
        None => Err(AppError::not_found()),
    }
}
