//! The versioned JSON API under `/api/v1`, described by the OpenAPI document it serves at
//! `/api/v1/openapi.json`. Handlers only translate HTTP; the rules live in `services`.

use crate::auth::{client_address, Actor};
use crate::error::{json_config, path_config, query_config, AppError, AppResult};
use crate::services::{accounts, auth as auth_svc, cases, counters, import, ratings, staff, units};
use crate::state::AppState;
use actix_web::{web, HttpRequest, HttpResponse};
use shared::case::{
    CaseDeadline, CaseDetail, CaseEvent, CasePage, CaseQuery, CaseSummary, RevealRequest,
    RevealedIdentity,
};
use shared::model::*;
use shared::review::{FlaggedQuery, FlaggedRating, ReviewReceipt, ReviewRequest};
use shared::workflow::{Action, ActionKind, Actor as CaseActor, ReportStatus};
use shared::{ApiError, ErrorCode};
use utoipa::OpenApi;

type Json<T> = web::Json<T>;
type State = web::Data<AppState>;

/// A request body that must be a JSON object. `web::Json` alone lets serde read a struct from
/// an array too, field by field in declaration order, so `[]` was an empty edit and
/// `["Quầy 2", false]` renamed and closed a counter: no client means that.
pub struct JsonBody<T>(pub T);

impl<T> JsonBody<T> {
    pub fn into_inner(self) -> T {
        self.0
    }
}

impl<T> std::ops::Deref for JsonBody<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.0
    }
}

impl<T: serde::de::DeserializeOwned + 'static> actix_web::FromRequest for JsonBody<T> {
    type Error = actix_web::Error;
    type Future = futures_util::future::LocalBoxFuture<'static, Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, payload: &mut actix_web::dev::Payload) -> Self::Future {
        // Size, content type and syntax are checked by `web::Json` with the scope's JsonConfig.
        let object =
            web::Json::<serde_json::Map<String, serde_json::Value>>::from_request(req, payload);
        Box::pin(async move {
            let object = object.await?.into_inner();
            from_json_object(object).map(JsonBody).map_err(Into::into)
        })
    }
}

/// Reads a type from a JSON object, refusing it with the API's error shape.
fn from_json_object<T: serde::de::DeserializeOwned>(
    object: serde_json::Map<String, serde_json::Value>,
) -> AppResult<T> {
    serde_json::from_value(serde_json::Value::Object(object)).map_err(|e| {
        AppError(ApiError::with_message(
            ErrorCode::MalformedRequest,
            format!("Dữ liệu JSON không hợp lệ: {e}"),
            format!("The JSON body is not valid: {e}"),
        ))
    })
}

const JSON_LIMIT: usize = 64 * 1024;
const CSV_LIMIT: usize = 20 * 1024 * 1024;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::scope("/api/v1")
            .app_data(json_config(JSON_LIMIT))
            .app_data(query_config())
            .app_data(path_config())
            .route("/openapi.json", web::get().to(openapi_json))
            .route("/auth/login", web::post().to(login))
            .route("/auth/refresh", web::post().to(refresh))
            .route("/auth/logout", web::post().to(logout))
            .route("/auth/me", web::get().to(me))
            .route("/units", web::get().to(list_units))
            .route("/units", web::post().to(create_unit))
            .route("/units/{id}", web::get().to(get_unit))
            .route("/units/{id}", web::patch().to(update_unit))
            .route("/counters", web::get().to(list_counters))
            .route("/counters", web::post().to(create_counter))
            .route("/counters/{id}", web::get().to(get_counter))
            .route("/counters/{id}", web::patch().to(update_counter))
            .route(
                "/counters/{id}/rotate-token",
                web::post().to(rotate_counter_token),
            )
            .route("/staff", web::get().to(list_staff))
            .route("/staff", web::post().to(create_staff))
            .route("/staff/{id}", web::get().to(get_staff))
            .route("/staff/{id}", web::patch().to(update_staff))
            .route("/staff/{id}/photo", web::get().to(get_staff_photo))
            .route("/staff/{id}/photo", web::put().to(put_staff_photo))
            .route("/accounts", web::get().to(list_accounts))
            .route("/accounts", web::post().to(create_account))
            .route("/accounts/{id}", web::get().to(get_account))
            .route("/accounts/{id}", web::patch().to(update_account))
            .route("/ratings/flagged", web::get().to(list_flagged_ratings))
            .route("/ratings/review", web::post().to(review_ratings))
            .route("/calendar/{year}", web::get().to(get_calendar_year))
            .route("/calendar/{year}", web::put().to(put_calendar_year))
            .route("/deadline-rules", web::get().to(get_deadline_rules))
            .route("/deadline-rules", web::put().to(put_deadline_rules))
            .route("/reception/sessions", web::post().to(open_reception))
            .route("/reception/sessions/{id}", web::get().to(get_reception))
            .route(
                "/reception/sessions/{id}/entries",
                web::post().to(record_reception_entry),
            )
            .route(
                "/reception/sessions/{id}/log.xlsx",
                web::get().to(reception_log_xlsx),
            )
            .route("/cases", web::get().to(list_cases))
            .route("/cases/{id}", web::get().to(get_case))
            .route(
                "/cases/{id}/photos/{photo_id}",
                web::get().to(get_case_photo),
            )
            .route(
                "/cases/{id}/photos/{photo_id}/redaction",
                web::put().to(put_photo_redaction),
            )
            .route("/cases/{id}/actions", web::post().to(act_on_case))
            .route("/cases/{id}/identity", web::post().to(reveal_identity))
            .route("/oversight/patterns", web::get().to(oversight_patterns))
            .route("/audit", web::get().to(list_audit))
            .route("/import/units", web::post().to(import_units))
            .route("/import/staff", web::post().to(import_staff))
            .configure(crate::findings_api::configure)
            .configure(crate::figures_api::configure)
            .configure(crate::export_api::configure)
            .default_service(web::to(|| async {
                Err::<HttpResponse, _>(AppError(ApiError::with_message(
                    ErrorCode::NotFound,
                    "Không có địa chỉ API này.",
                    "There is no such API endpoint.",
                )))
            })),
    );
}

#[derive(OpenApi)]
#[openapi(
    info(title = "Minh Bạch API", version = "1", description = "API phản ánh, đánh giá dịch vụ công / Citizen-feedback API for Vietnamese public offices."),
    paths(
        login, refresh, logout, me,
        list_units, create_unit, get_unit, update_unit,
        list_counters, create_counter, get_counter, update_counter, rotate_counter_token,
        list_staff, create_staff, get_staff, update_staff, get_staff_photo, put_staff_photo,
        list_accounts, create_account, get_account, update_account,
        list_flagged_ratings, review_ratings,
        list_cases, get_case, get_case_photo, put_photo_redaction, act_on_case, reveal_identity, oversight_patterns, get_calendar_year, put_calendar_year,
        open_reception, get_reception, record_reception_entry, reception_log_xlsx,
        get_deadline_rules, put_deadline_rules,
        import_units, import_staff, list_audit,
        crate::startup::healthz, crate::startup::readyz,
    ),
    components(schemas(ApiError, ErrorCode, shared::FieldError, shared::FieldCode, shared::Msg, Role, UnitKind, Health,
        FlaggedRating, ReviewRequest, ReviewReceipt, shared::review::ReviewOutcome,
        CaseSummary, CasePage, CaseDetail, CaseEvent, CaseDeadline, shared::case::ApologyDraft, RevealRequest, RevealedIdentity, shared::case::IdentityReveal, shared::reception::ReceptionSession, shared::reception::ReceptionEntry, shared::reception::NewReceptionEntry, OpenReception, shared::calendar::CalendarYear, shared::calendar::DayOff, shared::calendar::MakeUpDay, Action, ActionKind, CaseActor, ReportStatus,
        shared::calendar::Stage, shared::calendar::DeadlineState,
        shared::audit::AuditEntry, shared::audit::AuditPage,
        shared::redaction::RedactionRequest, shared::redaction::RedactionRegion, shared::redaction::RedactionMode, shared::redaction::PhotoRedaction)),
    modifiers(&BearerAuth),
    tags(
        (name = "auth", description = "Đăng nhập / Sign-in"),
        (name = "units", description = "Đơn vị / Units"),
        (name = "counters", description = "Quầy / Counters"),
        (name = "staff", description = "Cán bộ / Staff"),
        (name = "accounts", description = "Tài khoản / Accounts"),
        (name = "cases", description = "Xử lý phản ánh / Case handling"),
        (name = "reception", description = "Tiếp công dân định kỳ / Weekly citizen reception"),
        (name = "calendar", description = "Lịch ngày nghỉ, ngày làm bù / Days off and make-up days"),
        (name = "deadlines", description = "Thời hạn giải quyết theo luật / Deadline settings within the law"),
        (name = "rating-review", description = "Xem xét đánh giá bị gắn cờ / Review of flagged ratings"),
        (name = "import", description = "Nhập CSV / CSV import"),
        (name = "audit", description = "Nhật ký kiểm toán / Audit log"),
        (name = "health", description = "Giám sát / Health"),
    )
)]
pub struct ApiDoc;

struct BearerAuth;

impl utoipa::Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("JWT")
                    .build(),
            ),
        );
    }
}

async fn openapi_json() -> HttpResponse {
    let mut doc = ApiDoc::openapi();
    doc.merge(crate::citizen::CitizenApiDoc::openapi());
    doc.merge(crate::report_api::ReportApiDoc::openapi());
    doc.merge(crate::qr::QrApiDoc::openapi());
    doc.merge(crate::findings_api::FindingsApiDoc::openapi());
    doc.merge(crate::figures_api::FiguresApiDoc::openapi());
    doc.merge(crate::export_api::ExportApiDoc::openapi());
    document_extractor_refusals(&mut doc);
    HttpResponse::Ok().json(doc)
}

/// Adds to every operation the refusals that come from what its handler takes, not from the
/// handler itself, so each operation's responses list every status it can answer with:
/// - a signed-in operation (`security`): 401 without a valid token or session (`Actor`), 403
///   for a disabled account;
/// - an operation that changes something (PUT, POST, PATCH, DELETE): 403 for a cross-site
///   request that carries no bearer token (`startup::csrf_guard`);
/// - a JSON body (`JsonBody` with [`crate::error::json_config`]): 400 when it is not valid
///   JSON of the right shape, 413 over the size limit, 415 without `application/json`;
/// - any other body (CSV, an image, a multipart form, read by [`read_body`] or the upload
///   readers): 400 when it cannot be read, 413 over the size limit;
/// - query parameters (`web::Query` with [`crate::error::query_config`]): 400 when one is
///   not of its type;
/// - path parameters (`web::Path` with [`crate::error::path_config`]): 404, for an id that
///   names nothing or is not of its type.
///
/// A status the operation documents already keeps its own description.
pub fn document_extractor_refusals(doc: &mut utoipa::openapi::OpenApi) {
    use utoipa::openapi::path::{Operation, ParameterIn};
    use utoipa::openapi::{ContentBuilder, Ref, RefOr, ResponseBuilder};

    fn refusal(operation: &mut Operation, status: u16, description: &str) {
        let response = ResponseBuilder::new()
            .description(description)
            .content(
                "application/json",
                ContentBuilder::new()
                    .schema(Some(Ref::from_schema_name("ApiError")))
                    .build(),
            )
            .build();
        operation
            .responses
            .responses
            .entry(status.to_string())
            .or_insert(RefOr::T(response));
    }

    for item in doc.paths.paths.values_mut() {
        let operations = [
            (&mut item.get, false),
            (&mut item.put, true),
            (&mut item.post, true),
            (&mut item.delete, true),
            (&mut item.patch, true),
        ];
        for (operation, changes) in operations {
            let Some(operation) = operation else { continue };
            let signed_in = operation.security.as_ref().is_some_and(|s| !s.is_empty());
            if signed_in {
                refusal(operation, 401, "Chưa đăng nhập, hoặc phiên không hợp lệ / Not signed in, or the session is not valid");
                refusal(operation, 403, "Không có quyền, hoặc tài khoản bị khóa / Not allowed, or the account is disabled");
            }
            if changes {
                // `startup::csrf_guard`: a request without a bearer token from another site.
                refusal(
                    operation,
                    403,
                    "Yêu cầu từ trang khác bị từ chối / A cross-site request is refused",
                );
            }
            if let Some(body) = &operation.request_body {
                let json = body.content.contains_key("application/json");
                refusal(
                    operation,
                    400,
                    "Dữ liệu gửi lên không hợp lệ / The body is not valid",
                );
                refusal(
                    operation,
                    413,
                    "Dữ liệu gửi lên quá lớn / The body is too large",
                );
                if json {
                    refusal(
                        operation,
                        415,
                        "Dữ liệu phải ở dạng JSON / The body must be JSON",
                    );
                }
            }
            let parameters = operation.parameters.as_deref().unwrap_or_default();
            let has = |place: ParameterIn| parameters.iter().any(|p| p.parameter_in == place);
            let (query, path) = (has(ParameterIn::Query), has(ParameterIn::Path));
            if query {
                refusal(
                    operation,
                    400,
                    "Tham số truy vấn không hợp lệ / A query parameter is not valid",
                );
            }
            if path {
                refusal(operation, 404, "Không tìm thấy / Not found");
            }
        }
    }
}

fn rate_limited() -> AppError {
    AppError::code(ErrorCode::RateLimited)
}

#[utoipa::path(post, path = "/api/v1/auth/login", tag = "auth", request_body = LoginRequest,
    responses((status = 200, body = TokenResponse), (status = 400, body = ApiError), (status = 401, body = ApiError), (status = 403, body = ApiError), (status = 429, body = ApiError)))]
async fn login(
    state: State,
    req: HttpRequest,
    body: JsonBody<LoginRequest>,
) -> AppResult<Json<TokenResponse>> {
    let input = shared::validate::login(&body)?;
    let from = client_address(&req, state.config.trust_proxy);
    if !state.limits.login(&input.username, &from).await? {
        return Err(rate_limited());
    }
    let st = state.get_ref().clone();
    let res = state
        .db
        .run(move |c| auth_svc::api_login(&st, c, &input, &from))
        .await?;
    Ok(web::Json(res))
}

#[utoipa::path(post, path = "/api/v1/auth/refresh", tag = "auth", request_body = RefreshRequest,
    responses((status = 200, body = TokenResponse), (status = 401, body = ApiError)))]
async fn refresh(state: State, body: JsonBody<RefreshRequest>) -> AppResult<Json<TokenResponse>> {
    let token = body.into_inner().refresh_token;
    if token.is_empty() || token.len() > 256 {
        return Err(AppError::code(ErrorCode::TokenInvalid));
    }
    let st = state.get_ref().clone();
    let res = state
        .db
        .run(move |c| auth_svc::refresh(&st, c, &token))
        .await?;
    Ok(web::Json(res))
}

#[utoipa::path(post, path = "/api/v1/auth/logout", tag = "auth", security(("bearer" = [])),
    responses((status = 204), (status = 401, body = ApiError)))]
async fn logout(state: State, actor: Actor) -> AppResult<HttpResponse> {
    state.db.run(move |c| auth_svc::logout(c, &actor)).await?;
    Ok(HttpResponse::NoContent().finish())
}

#[utoipa::path(get, path = "/api/v1/auth/me", tag = "auth", security(("bearer" = [])),
    responses((status = 200, body = Me), (status = 401, body = ApiError)))]
async fn me(state: State, actor: Actor) -> AppResult<Json<Me>> {
    Ok(web::Json({
        let key = state.data_key.clone();
        state.db.run(move |c| auth_svc::me(c, &actor, &key)).await?
    }))
}

/// Generates a list handler, a get handler and so on without repeating the plumbing:
/// each runs its service call on the blocking pool with the signed-in actor.
macro_rules! with_db {
    ($state:expr, $actor:ident, |$c:ident| $body:expr) => {{
        let $actor = $actor;
        $state.db.run(move |$c| $body).await.map(web::Json)
    }};
}

#[utoipa::path(get, path = "/api/v1/units", tag = "units", params(ListQuery), security(("bearer" = [])),
    responses((status = 200, body = Page<Unit>), (status = 401, body = ApiError), (status = 404, description = "Không có đơn vị `unit_id` trong phạm vi được xem / `unit_id` names no unit within the reader's units", body = ApiError)))]
async fn list_units(
    state: State,
    actor: Actor,
    q: web::Query<ListQuery>,
) -> AppResult<Json<Page<Unit>>> {
    let q = q.into_inner();
    with_db!(state, actor, |c| units::list(c, &actor, &q))
}

#[utoipa::path(post, path = "/api/v1/units", tag = "units", request_body = NewUnit, security(("bearer" = [])),
    responses((status = 200, body = Unit), (status = 400, body = ApiError), (status = 403, body = ApiError)))]
async fn create_unit(state: State, actor: Actor, body: JsonBody<NewUnit>) -> AppResult<Json<Unit>> {
    let body = body.into_inner();
    with_db!(state, actor, |c| units::create(c, &actor, &body))
}

#[utoipa::path(get, path = "/api/v1/units/{id}", tag = "units", params(("id" = String, Path)), security(("bearer" = [])),
    responses((status = 200, body = Unit), (status = 404, body = ApiError)))]
async fn get_unit(state: State, actor: Actor, id: web::Path<String>) -> AppResult<Json<Unit>> {
    let id = id.into_inner();
    with_db!(state, actor, |c| units::visible(c, &actor, &id)
        .map(|u| u.into_api()))
}

#[utoipa::path(patch, path = "/api/v1/units/{id}", tag = "units", params(("id" = String, Path)), request_body = UnitPatch, security(("bearer" = [])),
    responses((status = 200, body = Unit), (status = 400, body = ApiError), (status = 403, body = ApiError), (status = 404, body = ApiError)))]
async fn update_unit(
    state: State,
    actor: Actor,
    id: web::Path<String>,
    body: JsonBody<UnitPatch>,
) -> AppResult<Json<Unit>> {
    let (id, body) = (id.into_inner(), body.into_inner());
    with_db!(state, actor, |c| units::update(c, &actor, &id, &body))
}

#[utoipa::path(get, path = "/api/v1/counters", tag = "counters", params(ListQuery), security(("bearer" = [])),
    responses((status = 200, body = Page<Counter>), (status = 401, body = ApiError), (status = 404, description = "Không có đơn vị `unit_id` trong phạm vi được xem / `unit_id` names no unit within the reader's units", body = ApiError)))]
async fn list_counters(
    state: State,
    actor: Actor,
    q: web::Query<ListQuery>,
) -> AppResult<Json<Page<Counter>>> {
    let q = q.into_inner();
    with_db!(state, actor, |c| counters::list(c, &actor, &q))
}

#[utoipa::path(post, path = "/api/v1/counters", tag = "counters", request_body = NewCounter, security(("bearer" = [])),
    responses((status = 200, body = Counter), (status = 400, body = ApiError), (status = 403, body = ApiError)))]
async fn create_counter(
    state: State,
    actor: Actor,
    body: JsonBody<NewCounter>,
) -> AppResult<Json<Counter>> {
    let body = body.into_inner();
    with_db!(state, actor, |c| counters::create(c, &actor, &body))
}

#[utoipa::path(get, path = "/api/v1/counters/{id}", tag = "counters", params(("id" = String, Path)), security(("bearer" = [])),
    responses((status = 200, body = Counter), (status = 404, body = ApiError)))]
async fn get_counter(
    state: State,
    actor: Actor,
    id: web::Path<String>,
) -> AppResult<Json<Counter>> {
    let id = id.into_inner();
    with_db!(state, actor, |c| counters::visible(c, &actor, &id)
        .map(|x| x.into_api()))
}

#[utoipa::path(patch, path = "/api/v1/counters/{id}", tag = "counters", params(("id" = String, Path)), request_body = CounterPatch, security(("bearer" = [])),
    responses((status = 200, body = Counter), (status = 400, body = ApiError), (status = 404, body = ApiError)))]
async fn update_counter(
    state: State,
    actor: Actor,
    id: web::Path<String>,
    body: JsonBody<CounterPatch>,
) -> AppResult<Json<Counter>> {
    let (id, body) = (id.into_inner(), body.into_inner());
    with_db!(state, actor, |c| counters::update(c, &actor, &id, &body))
}

#[utoipa::path(post, path = "/api/v1/counters/{id}/rotate-token", tag = "counters", params(("id" = String, Path)), security(("bearer" = [])),
    responses((status = 200, body = Counter), (status = 404, body = ApiError)))]
async fn rotate_counter_token(
    state: State,
    actor: Actor,
    id: web::Path<String>,
) -> AppResult<Json<Counter>> {
    let id = id.into_inner();
    with_db!(state, actor, |c| counters::rotate_token(c, &actor, &id))
}

#[utoipa::path(get, path = "/api/v1/staff", tag = "staff", params(ListQuery), security(("bearer" = [])),
    responses((status = 200, body = Page<Staff>), (status = 401, body = ApiError), (status = 404, description = "Không có đơn vị `unit_id` trong phạm vi được xem / `unit_id` names no unit within the reader's units", body = ApiError)))]
async fn list_staff(
    state: State,
    actor: Actor,
    q: web::Query<ListQuery>,
) -> AppResult<Json<Page<Staff>>> {
    let q = q.into_inner();
    with_db!(state, actor, |c| staff::list(c, &actor, &q))
}

#[utoipa::path(post, path = "/api/v1/staff", tag = "staff", request_body = NewStaff, security(("bearer" = [])),
    responses((status = 200, body = Staff), (status = 400, body = ApiError), (status = 403, body = ApiError)))]
async fn create_staff(
    state: State,
    actor: Actor,
    body: JsonBody<NewStaff>,
) -> AppResult<Json<Staff>> {
    let body = body.into_inner();
    with_db!(state, actor, |c| staff::create(c, &actor, &body))
}

#[utoipa::path(get, path = "/api/v1/staff/{id}", tag = "staff", params(("id" = String, Path)), security(("bearer" = [])),
    responses((status = 200, body = Staff), (status = 404, body = ApiError)))]
async fn get_staff(state: State, actor: Actor, id: web::Path<String>) -> AppResult<Json<Staff>> {
    let id = id.into_inner();
    with_db!(state, actor, |c| staff::visible(c, &actor, &id)
        .map(|x| x.into_api()))
}

#[utoipa::path(patch, path = "/api/v1/staff/{id}", tag = "staff", params(("id" = String, Path)), request_body = StaffPatch, security(("bearer" = [])),
    responses((status = 200, body = Staff), (status = 400, body = ApiError), (status = 404, body = ApiError)))]
async fn update_staff(
    state: State,
    actor: Actor,
    id: web::Path<String>,
    body: JsonBody<StaffPatch>,
) -> AppResult<Json<Staff>> {
    let (id, body) = (id.into_inner(), body.into_inner());
    with_db!(state, actor, |c| staff::update(c, &actor, &id, &body))
}

/// Officers' photos are public: citizens see them on the counter page to say who served them.
#[utoipa::path(get, path = "/api/v1/staff/{id}/photo", tag = "staff", params(("id" = String, Path)),
    responses((status = 200, content_type = "image/jpeg", body = Vec<u8>), (status = 404, body = ApiError)))]
async fn get_staff_photo(state: State, id: web::Path<String>) -> AppResult<HttpResponse> {
    let id = id.into_inner();
    let (content_type, bytes) = state.db.run(move |c| staff::photo(c, &id)).await?;
    Ok(HttpResponse::Ok()
        .content_type(content_type)
        .insert_header(("Cache-Control", "public, max-age=300"))
        .body(bytes))
}

#[utoipa::path(put, path = "/api/v1/staff/{id}/photo", tag = "staff", params(("id" = String, Path)),
    request_body(content = Vec<u8>, content_type = "image/jpeg"), security(("bearer" = [])),
    responses((status = 200, body = Staff), (status = 413, body = ApiError), (status = 415, body = ApiError)))]
async fn put_staff_photo(
    state: State,
    actor: Actor,
    id: web::Path<String>,
    payload: web::Payload,
) -> AppResult<Json<Staff>> {
    // Read as a stream: the `web::Bytes` extractor stopped at actix's 256 KiB default with a
    // plain-text 413, refusing ordinary phone photos.
    let body = read_body(payload, crate::photo::MAX_UPLOAD_BYTES).await?;
    let jpeg = tokio::task::spawn_blocking(move || crate::photo::portrait_jpeg(&body))
        .await
        .map_err(AppError::internal)??;
    let id = id.into_inner();
    with_db!(state, actor, |c| staff::set_photo(c, &actor, &id, jpeg))
}

#[utoipa::path(get, path = "/api/v1/accounts", tag = "accounts", params(ListQuery), security(("bearer" = [])),
    responses((status = 200, body = Page<Account>), (status = 403, body = ApiError), (status = 404, description = "Không có đơn vị `unit_id` trong phạm vi được xem / `unit_id` names no unit within the reader's units", body = ApiError)))]
async fn list_accounts(
    state: State,
    actor: Actor,
    q: web::Query<ListQuery>,
) -> AppResult<Json<Page<Account>>> {
    let q = q.into_inner();
    let key = state.data_key.clone();
    with_db!(state, actor, |c| accounts::list(c, &actor, &q, &key))
}

pub async fn create_account_for(
    state: &AppState,
    actor: Actor,
    body: NewAccount,
) -> AppResult<Account> {
    let a = actor.clone();
    let input = state
        .db
        .run(move |c| accounts::prepare_create(c, &a, &body))
        .await?;
    let password = input.password.clone();
    let hash = tokio::task::spawn_blocking(move || crate::auth::hash_password(&password))
        .await
        .map_err(AppError::internal)??;
    let key = state.data_key.clone();
    state
        .db
        .run(move |c| accounts::create(c, &actor, &input, &hash, &key))
        .await
}

pub async fn update_account_for(
    state: &AppState,
    actor: Actor,
    id: String,
    body: AccountPatch,
) -> AppResult<Account> {
    let (a, i) = (actor.clone(), id.clone());
    let patch = state
        .db
        .run(move |c| accounts::prepare_update(c, &a, &i, &body))
        .await?;
    let new_hash = match patch.password.clone() {
        Some(p) => Some(
            tokio::task::spawn_blocking(move || crate::auth::hash_password(&p))
                .await
                .map_err(AppError::internal)??,
        ),
        None => None,
    };
    let key = state.data_key.clone();
    state
        .db
        .run(move |c| accounts::apply_update(c, &actor, &id, &patch, new_hash, &key))
        .await
}

#[utoipa::path(post, path = "/api/v1/accounts", tag = "accounts", request_body = NewAccount, security(("bearer" = [])),
    responses((status = 200, body = Account), (status = 400, body = ApiError), (status = 403, body = ApiError)))]
async fn create_account(
    state: State,
    actor: Actor,
    body: JsonBody<NewAccount>,
) -> AppResult<Json<Account>> {
    create_account_for(&state, actor, body.into_inner())
        .await
        .map(web::Json)
}

#[utoipa::path(get, path = "/api/v1/accounts/{id}", tag = "accounts", params(("id" = String, Path)), security(("bearer" = [])),
    responses((status = 200, body = Account), (status = 403, body = ApiError), (status = 404, body = ApiError)))]
async fn get_account(
    state: State,
    actor: Actor,
    id: web::Path<String>,
) -> AppResult<Json<Account>> {
    let id = id.into_inner();
    let key = state.data_key.clone();
    with_db!(state, actor, |c| accounts::visible(c, &actor, &id)
        .map(|a| a.into_api(&key)))
}

#[utoipa::path(patch, path = "/api/v1/accounts/{id}", tag = "accounts", params(("id" = String, Path)), request_body = AccountPatch, security(("bearer" = [])),
    responses((status = 200, body = Account), (status = 400, body = ApiError), (status = 403, body = ApiError), (status = 404, body = ApiError)))]
async fn update_account(
    state: State,
    actor: Actor,
    id: web::Path<String>,
    body: JsonBody<AccountPatch>,
) -> AppResult<Json<Account>> {
    update_account_for(&state, actor, id.into_inner(), body.into_inner())
        .await
        .map(web::Json)
}

/// Flagged ratings (bursts) that no one has reviewed yet, in the units the reader covers (an
/// administrator or head of unit), newest first. Never shows the device or network hashes.
#[utoipa::path(get, path = "/api/v1/ratings/flagged", tag = "rating-review", params(FlaggedQuery), security(("bearer" = [])),
    responses((status = 200, body = Page<FlaggedRating>), (status = 401, body = ApiError), (status = 403, body = ApiError), (status = 404, body = ApiError)))]
async fn list_flagged_ratings(
    state: State,
    actor: Actor,
    q: web::Query<FlaggedQuery>,
) -> AppResult<Json<Page<FlaggedRating>>> {
    let q = q.into_inner();
    with_db!(state, actor, |c| ratings::awaiting_review(c, &actor, &q))
}

/// Reviews one or many flagged ratings: `counted` puts them into the published figures,
/// `rejected` keeps them out. All or none: a rating outside the reader's units is 404, one
/// already reviewed (or not flagged) is 409, and then nothing is changed.
#[utoipa::path(post, path = "/api/v1/ratings/review", tag = "rating-review", request_body = ReviewRequest, security(("bearer" = [])),
    responses((status = 200, body = ReviewReceipt), (status = 400, body = ApiError), (status = 401, body = ApiError), (status = 403, body = ApiError), (status = 404, body = ApiError), (status = 409, body = ApiError)))]
async fn review_ratings(
    state: State,
    actor: Actor,
    body: JsonBody<ReviewRequest>,
) -> AppResult<Json<ReviewReceipt>> {
    let body = body.into_inner();
    with_db!(state, actor, |c| ratings::review(c, &actor, &body))
}

/// The inbox: cases of the reader's units (an officer: those assigned to them), most urgent
/// first, each with its deadline clock.
#[utoipa::path(get, path = "/api/v1/cases", tag = "cases", params(CaseQuery), security(("bearer" = [])),
    responses((status = 200, body = CasePage), (status = 400, body = ApiError), (status = 401, body = ApiError), (status = 403, body = ApiError), (status = 404, description = "Không có đơn vị `unit_id` trong phạm vi được xem / `unit_id` names no unit within the reader's units", body = ApiError)))]
async fn list_cases(
    state: State,
    actor: Actor,
    q: web::Query<CaseQuery>,
) -> AppResult<Json<CasePage>> {
    let q = q.into_inner();
    with_db!(state, actor, |c| cases::inbox(c, &actor, &q))
}

/// A case with its whole timeline and the actions the reader may take. The first reading by
/// the handling side is recorded, and the citizen sees that it was read (by role).
#[utoipa::path(get, path = "/api/v1/cases/{id}", tag = "cases", params(("id" = String, Path)), security(("bearer" = [])),
    responses((status = 200, body = CaseDetail), (status = 401, body = ApiError), (status = 404, body = ApiError)))]
async fn get_case(
    state: State,
    actor: Actor,
    id: web::Path<String>,
) -> AppResult<Json<CaseDetail>> {
    let id = id.into_inner();
    let key = state.data_key.clone();
    with_db!(state, actor, |c| cases::detail(c, &actor, &key, &id))
}

#[derive(serde::Deserialize, utoipa::IntoParams)]
struct PhotoSize {
    /// `true`: the 320 px thumbnail instead of the full photo.
    #[serde(default)]
    thumb: bool,
    /// `true`: the original of a redacted photo, for the committee only (404 for anyone else).
    #[serde(default)]
    original: bool,
}

/// A photo of a case, to those who may read the case (the same check as the case itself:
/// the routing of `shared::routing` and the reader's role); never cached by a shared cache.
/// Once the photo is redacted, its redacted copy; the original only to the committee, with
/// `original=true`.
#[utoipa::path(get, path = "/api/v1/cases/{id}/photos/{photo_id}", tag = "cases",
    params(("id" = String, Path), ("photo_id" = String, Path), PhotoSize), security(("bearer" = [])),
    responses((status = 200, content_type = "image/jpeg", body = Vec<u8>), (status = 401, body = ApiError), (status = 404, body = ApiError)))]
async fn get_case_photo(
    state: State,
    actor: Actor,
    path: web::Path<(String, String)>,
    size: web::Query<PhotoSize>,
) -> AppResult<HttpResponse> {
    let (id, photo_id) = path.into_inner();
    let variant = crate::services::redaction::PhotoVariant {
        thumb: size.thumb,
        original: size.original,
    };
    let (content_type, body) = state
        .db
        .run(move |c| cases::photo(c, &actor, &id, &photo_id, variant))
        .await?;
    let bytes = state.photo_store.get(body).await?;
    Ok(HttpResponse::Ok()
        .content_type(content_type)
        .insert_header(("Cache-Control", "private, no-store"))
        .body(bytes))
}

/// Redacts a photo of a case: `{"regions": [{"x": 100, "y": 250, "w": 200, "h": 300, "mode":
/// "blur"}]}`, each rectangle in thousandths of the photo's width and height, 1 to 20 of them,
/// `black` or `blur`. Replaces any earlier redaction; the original is kept and stays visible to
/// the committee alone. For the committee over the case and the head handling it (403 for an
/// assigned officer); bad regions are 400 and change nothing. Written to the audit log.
#[utoipa::path(put, path = "/api/v1/cases/{id}/photos/{photo_id}/redaction", tag = "cases",
    params(("id" = String, Path), ("photo_id" = String, Path)), request_body = shared::redaction::RedactionRequest, security(("bearer" = [])),
    responses((status = 200, body = shared::redaction::PhotoRedaction), (status = 400, body = ApiError), (status = 401, body = ApiError), (status = 403, body = ApiError), (status = 404, body = ApiError)))]
async fn put_photo_redaction(
    state: State,
    actor: Actor,
    path: web::Path<(String, String)>,
    body: JsonBody<shared::redaction::RedactionRequest>,
) -> AppResult<Json<shared::redaction::PhotoRedaction>> {
    let (id, photo_id) = path.into_inner();
    crate::services::redaction::redact(
        &state.db,
        &state.photo_store,
        actor,
        id,
        photo_id,
        body.into_inner(),
    )
    .await
    .map(web::Json)
}

/// Takes an action on a case (`{"action": "accept"}`, `{"action": "decline", "reason":
/// "…"}`, …). An action the state machine does not allow now is refused (409; 403 for an
/// action this role never takes) and changes nothing.
#[utoipa::path(post, path = "/api/v1/cases/{id}/actions", tag = "cases", params(("id" = String, Path)), request_body = Action, security(("bearer" = [])),
    responses((status = 200, body = CaseDetail), (status = 400, body = ApiError), (status = 401, body = ApiError), (status = 403, body = ApiError), (status = 404, body = ApiError), (status = 409, body = ApiError)))]
async fn act_on_case(
    state: State,
    actor: Actor,
    id: web::Path<String>,
    body: JsonBody<Action>,
) -> AppResult<Json<CaseDetail>> {
    let (id, action) = (id.into_inner(), body.into_inner());
    let key = state.data_key.clone();
    with_db!(state, actor, |c| cases::act(c, &actor, &key, &id, &action))
}

/// Reveals an identified reporter to a member of a committee over the case, who writes why
/// (at least `REVEAL_REASON_MIN_CHARS` characters). The reveal is kept, shown to the rest of the
/// committee on the case page and appended to the audit log. 403 for anyone else who may read
/// the case; 409 for an anonymous report.
#[utoipa::path(post, path = "/api/v1/cases/{id}/identity", tag = "cases", params(("id" = String, Path)), request_body = RevealRequest, security(("bearer" = [])),
    responses((status = 200, body = RevealedIdentity), (status = 400, body = ApiError), (status = 401, body = ApiError), (status = 403, body = ApiError), (status = 404, body = ApiError), (status = 409, body = ApiError)))]
async fn reveal_identity(
    state: State,
    actor: Actor,
    id: web::Path<String>,
    body: JsonBody<RevealRequest>,
) -> AppResult<Json<RevealedIdentity>> {
    let (id, req) = (id.into_inner(), body.into_inner());
    let key = state.data_key.clone();
    with_db!(state, actor, |c| crate::services::identity::reveal(
        c, &actor, &key, &id, &req
    ))
}

/// The committee's patterns of a period (default: the last 30 days): officers and counters
/// with repeated reports or a low satisfaction rate, units whose satisfaction fell or whose
/// overdue rate rose from the period before. Committee members only (403 for anyone else).
#[utoipa::path(get, path = "/api/v1/oversight/patterns", tag = "cases", params(shared::oversight::PatternQuery), security(("bearer" = [])),
    responses((status = 200, body = shared::oversight::Patterns), (status = 400, body = ApiError), (status = 401, body = ApiError), (status = 403, body = ApiError), (status = 404, description = "Không có đơn vị `unit_id` trong phạm vi được xem / `unit_id` names no unit within the reader's units", body = ApiError)))]
async fn oversight_patterns(
    state: State,
    actor: Actor,
    q: web::Query<shared::oversight::PatternQuery>,
) -> AppResult<Json<shared::oversight::Patterns>> {
    let q = q.into_inner();
    with_db!(state, actor, |c| crate::services::oversight::patterns(
        c, &actor, &q
    ))
}

/// Which unit's session to open (default: the head's own unit).
#[derive(Debug, Default, serde::Deserialize, utoipa::ToSchema)]
pub struct OpenReception {
    #[serde(default)]
    pub unit_id: Option<String>,
}

/// Opens this week's reception session of the head's unit (or finds it open) and returns it
/// with its agenda: citizens who asked to meet, cases due or overdue, the meetings recorded.
#[utoipa::path(post, path = "/api/v1/reception/sessions", tag = "reception", request_body = OpenReception, security(("bearer" = [])),
    responses((status = 200, body = shared::reception::ReceptionSession), (status = 403, body = ApiError), (status = 404, description = "Không có đơn vị `unit_id` trong phạm vi được xem / `unit_id` names no unit within the reader's units", body = ApiError)))]
async fn open_reception(
    state: State,
    actor: Actor,
    body: JsonBody<OpenReception>,
) -> AppResult<Json<shared::reception::ReceptionSession>> {
    let unit_id = body.into_inner().unit_id;
    let key = state.clone();
    with_db!(state, actor, |c| {
        crate::services::reception::open_this_week(c, &actor, unit_id.as_deref())
            .and_then(|id| crate::services::reception::session(c, &actor, &key.data_key, &id))
    })
}

#[utoipa::path(get, path = "/api/v1/reception/sessions/{id}", tag = "reception", params(("id" = String, Path)), security(("bearer" = [])),
    responses((status = 200, body = shared::reception::ReceptionSession), (status = 404, body = ApiError)))]
async fn get_reception(
    state: State,
    actor: Actor,
    id: web::Path<String>,
) -> AppResult<Json<shared::reception::ReceptionSession>> {
    let (id, key) = (id.into_inner(), state.clone());
    with_db!(state, actor, |c| crate::services::reception::session(
        c,
        &actor,
        &key.data_key,
        &id
    ))
}

/// Records a meeting in the session's reception log; a meeting about a case goes onto its
/// timeline (a public reply when marked public, else an internal note).
#[utoipa::path(post, path = "/api/v1/reception/sessions/{id}/entries", tag = "reception", params(("id" = String, Path)), request_body = shared::reception::NewReceptionEntry, security(("bearer" = [])),
    responses((status = 200, body = shared::reception::ReceptionSession), (status = 400, body = ApiError), (status = 403, body = ApiError), (status = 404, body = ApiError)))]
async fn record_reception_entry(
    state: State,
    actor: Actor,
    id: web::Path<String>,
    body: JsonBody<shared::reception::NewReceptionEntry>,
) -> AppResult<Json<shared::reception::ReceptionSession>> {
    let (id, input, key) = (id.into_inner(), body.into_inner(), state.clone());
    with_db!(state, actor, |c| crate::services::reception::record(
        c,
        &actor,
        &key.data_key,
        &id,
        &input
    ))
}

/// The session's reception log as an .xlsx workbook.
#[utoipa::path(get, path = "/api/v1/reception/sessions/{id}/log.xlsx", tag = "reception", params(("id" = String, Path)), security(("bearer" = [])),
    responses((status = 200, content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"), (status = 404, body = ApiError)))]
async fn reception_log_xlsx(
    state: State,
    actor: Actor,
    id: web::Path<String>,
) -> AppResult<HttpResponse> {
    let (id, key) = (id.into_inner(), state.clone());
    let (date, bytes) = state
        .db
        .run(move |c| {
            let s = crate::services::reception::session(c, &actor, &key.data_key, &id)?;
            let bytes = crate::services::reception::log_xlsx(&s)?;
            crate::services::reception::record_export(c, &actor, &s)?;
            Ok((s.date.clone(), bytes))
        })
        .await?;
    Ok(HttpResponse::Ok()
        .content_type("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        .insert_header((
            actix_web::http::header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"so-tiep-cong-dan-{date}.xlsx\""),
        ))
        .insert_header((actix_web::http::header::CACHE_CONTROL, "no-store"))
        .body(bytes))
}

/// One year of the working-day calendar: days off (holidays, Tết, swapped days) and make-up
/// working days.
#[utoipa::path(get, path = "/api/v1/calendar/{year}", tag = "calendar", params(("year" = i32, Path)), security(("bearer" = [])),
    responses((status = 200, body = shared::calendar::CalendarYear), (status = 400, body = ApiError), (status = 401, body = ApiError)))]
async fn get_calendar_year(
    state: State,
    actor: Actor,
    year: web::Path<i32>,
) -> AppResult<Json<shared::calendar::CalendarYear>> {
    let year = year.into_inner();
    with_db!(state, actor, |c| crate::services::calendar::year(
        c, &actor, year
    ))
}

/// Replaces one year of the calendar (national administrators). The deadlines of the open
/// cases are then computed again, in the background.
#[utoipa::path(put, path = "/api/v1/calendar/{year}", tag = "calendar", params(("year" = i32, Path)), request_body = shared::calendar::CalendarYear, security(("bearer" = [])),
    responses((status = 200, body = shared::calendar::CalendarYear), (status = 400, body = ApiError), (status = 403, body = ApiError)))]
async fn put_calendar_year(
    state: State,
    actor: Actor,
    year: web::Path<i32>,
    body: JsonBody<shared::calendar::CalendarYear>,
) -> AppResult<Json<shared::calendar::CalendarYear>> {
    let mut input = body.into_inner();
    input.year = year.into_inner();
    save_calendar(&state, actor, input).await.map(web::Json)
}

/// Saves a year of the calendar, then recomputes the open cases' clocks without making the
/// administrator wait.
pub async fn save_calendar(
    state: &AppState,
    actor: Actor,
    input: shared::calendar::CalendarYear,
) -> AppResult<shared::calendar::CalendarYear> {
    let saved = state
        .db
        .run(move |c| crate::services::calendar::save_year(c, &actor, &input))
        .await?;
    recompute_open_deadlines(state, "calendar");
    Ok(saved)
}

/// Stores the clocks of every open case again, in the background, after an edit of what they
/// are computed with (`edited`: "calendar", "deadline settings").
fn recompute_open_deadlines(state: &AppState, edited: &'static str) {
    let db = state.db.clone();
    tokio::spawn(async move {
        match db
            .run(|c| crate::services::cases::store_open_deadlines(c, false))
            .await
        {
            Ok(n) => tracing::info!(cases = n, edited, "deadlines recomputed after an edit"),
            Err(e) => {
                tracing::warn!(error = %e.0.message.en, edited, "recomputing deadlines failed")
            }
        }
    });
}

/// The deadline settings as they apply now: each period (days, working or calendar days), the
/// extension caps, the near-deadline flag. The law's values until a national administrator
/// changes them.
#[utoipa::path(get, path = "/api/v1/deadline-rules", tag = "deadlines", security(("bearer" = [])),
    responses((status = 200, body = shared::calendar::DeadlineRules), (status = 401, body = ApiError)))]
async fn get_deadline_rules(
    state: State,
    actor: Actor,
) -> AppResult<Json<shared::calendar::DeadlineRules>> {
    with_db!(state, actor, |c| crate::services::deadline_rules::get(
        c, &actor
    ))
}

/// Replaces the deadline settings (national administrators). A setting left out takes the
/// law's value; an unknown one is refused. Each period must stay within the law where the law
/// fixes it (400 names every setting at fault, and nothing changes). The deadlines of the open
/// cases are then computed again, in the background.
#[utoipa::path(put, path = "/api/v1/deadline-rules", tag = "deadlines", request_body = shared::calendar::DeadlineRules, security(("bearer" = [])),
    responses((status = 200, body = shared::calendar::DeadlineRules), (status = 400, body = ApiError), (status = 401, body = ApiError), (status = 403, body = ApiError)))]
async fn put_deadline_rules(
    state: State,
    actor: Actor,
    body: JsonBody<serde_json::Map<String, serde_json::Value>>,
) -> AppResult<Json<shared::calendar::DeadlineRules>> {
    let body = body.into_inner();
    shared::deadline_settings::check_field_names(body.keys().map(String::as_str))?;
    let input: shared::calendar::DeadlineRules = from_json_object(body)?;
    save_deadline_rules(&state, actor, input)
        .await
        .map(web::Json)
}

/// Saves the deadline settings, then recomputes the open cases' clocks without making the
/// administrator wait.
pub async fn save_deadline_rules(
    state: &AppState,
    actor: Actor,
    input: shared::calendar::DeadlineRules,
) -> AppResult<shared::calendar::DeadlineRules> {
    let saved = state
        .db
        .run(move |c| crate::services::deadline_rules::save(c, &actor, &input))
        .await?;
    recompute_open_deadlines(state, "deadline settings");
    Ok(saved)
}

/// Reads a raw body of at most `limit` bytes, refusing a larger one with the API's error shape.
async fn read_body(mut payload: web::Payload, limit: usize) -> AppResult<Vec<u8>> {
    use futures_util::StreamExt;
    let mut body = Vec::new();
    while let Some(chunk) = payload.next().await {
        let chunk = chunk.map_err(|_| AppError::code(ErrorCode::MalformedRequest))?;
        if body.len() + chunk.len() > limit {
            return Err(AppError::code(ErrorCode::PayloadTooLarge));
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

#[utoipa::path(post, path = "/api/v1/import/units", tag = "import",
    request_body(content = String, content_type = "text/csv", description = "code,name,kind,parent_code,address,reception_weekday,reception_start,reception_end"),
    security(("bearer" = [])),
    responses((status = 200, body = ImportReport), (status = 400, body = ApiError), (status = 403, body = ApiError)))]
async fn import_units(
    state: State,
    actor: Actor,
    payload: web::Payload,
) -> AppResult<Json<ImportReport>> {
    let body = read_body(payload, CSV_LIMIT).await?;
    with_db!(state, actor, |c| import::import_units(c, &actor, &body))
}

#[utoipa::path(post, path = "/api/v1/import/staff", tag = "import",
    request_body(content = String, content_type = "text/csv", description = "unit_code,full_name,title,badge_number,counter_name"),
    security(("bearer" = [])),
    responses((status = 200, body = ImportReport), (status = 400, body = ApiError), (status = 403, body = ApiError)))]
async fn import_staff(
    state: State,
    actor: Actor,
    payload: web::Payload,
) -> AppResult<Json<ImportReport>> {
    let body = read_body(payload, CSV_LIMIT).await?;
    with_db!(state, actor, |c| import::import_staff(c, &actor, &body))
}

/// The tamper-evident audit log, newest first, for members of the inspection committee (the
/// units they oversee, and what holds everywhere); every other role is refused (403). Pages are
/// cursors: pass the answer's `next` as `after`.
#[utoipa::path(get, path = "/api/v1/audit", tag = "audit", params(shared::audit::AuditQuery), security(("bearer" = [])),
    responses((status = 200, body = shared::audit::AuditPage), (status = 400, body = ApiError), (status = 401, body = ApiError), (status = 403, body = ApiError)))]
async fn list_audit(
    state: State,
    actor: Actor,
    q: web::Query<shared::audit::AuditQuery>,
) -> AppResult<Json<shared::audit::AuditPage>> {
    let q = q.into_inner();
    with_db!(state, actor, |c| crate::services::audit::list(
        c, &actor, &q
    ))
}
