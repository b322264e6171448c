//! The citizen's reports over HTTP: submitting one (multipart: the report as JSON plus up to
//! five photos) and following it with its tracking code. An anonymous report is handled
//! without reading the device cookie and nothing about the request is stored or logged.

use crate::api::JsonBody;
use crate::auth::client_address;
use crate::error::{json_config, path_config, AppError, AppResult};
use crate::pages::lang_of;
use crate::photo_store::PhotoBytes;
use crate::services::reports::{self, PreparedReport, StoredPhoto};
use crate::state::AppState;
use actix_web::{web, HttpRequest, HttpResponse};
use intake::multipart::{json_part, read_multipart, FormParts};
use sha2::{Digest, Sha256};
use shared::forms::{CitizenActionForm, ErasureForm, TrackForm};
use shared::report::{CitizenAddition, NewReport, ReportReceipt, ReportView, TrackRequest};
use shared::{ApiError, ErrorCode};
use utoipa::OpenApi;

pub fn configure(cfg: &mut web::ServiceConfig) {
    let api = |path: &str| {
        web::resource(path)
            .app_data(json_config(16 * 1024))
            .app_data(path_config())
    };
    cfg.service(api("/api/v1/reports").route(web::post().to(post_report)))
        .service(api("/api/v1/reports/track").route(web::post().to(track)))
        .service(api("/api/v1/reports/track/add").route(web::post().to(post_addition)))
        .service(api("/api/v1/reports/track/action").route(web::post().to(post_citizen_action)))
        .service(api("/api/v1/reports/track/erase").route(web::post().to(post_erasure)))
        // `route`: a GET of these paths falls through to the form pages.
        .route("/report", web::post().to(report_form))
        .route("/track", web::post().to(track_form))
        .route("/track/add", web::post().to(addition_form))
        .route("/track/action", web::post().to(citizen_action_form))
        .route("/track/erase", web::post().to(erasure_form));
}

#[derive(OpenApi)]
#[openapi(
    paths(post_report, track, post_addition, post_citizen_action, post_erasure),
    components(schemas(
        NewReport,
        ReportReceipt,
        ReportView,
        TrackRequest,
        shared::report::CitizenAddition,
        shared::case::CitizenActionRequest,
        shared::report::ErasureRequest,
        shared::report::ReportKind,
        shared::report::ReportCategory,
        shared::report::Reporter,
        shared::report::PublicEvent
    ))
)]
pub struct ReportApiDoc;

/// The parts of a report submission.
pub struct ReportUpload {
    pub report: NewReport,
    pub photos: Vec<Vec<u8>>,
}

/// A citizen's multipart upload (a report or an addition, from the API or a form), read only
/// if the sender's network is within its limit. The network is never stored with a report
/// (a shared limit keeps its keyed hash, and only until its allowance is whole again).
async fn citizen_upload(
    state: &AppState,
    req: &HttpRequest,
    form: actix_multipart::Multipart,
) -> Result<FormParts, ApiError> {
    let network = client_address(req, state.config.trust_proxy);
    if !state
        .limits
        .citizen_network(&network)
        .await
        .map_err(|e| e.0)?
    {
        crate::metrics::upload_rejected(ErrorCode::RateLimited);
        return Err(ApiError::new(ErrorCode::RateLimited));
    }
    read_multipart(form, state.config.max_photo_bytes)
        .await
        .inspect_err(|e| crate::metrics::upload_rejected(e.code))
}

/// The secret of an anonymous report, derived from its idempotency key with a server key:
/// a retried submission gets the same secret back, yet the database holds neither the key
/// (only its SHA-256) nor the secret (only its argon2id hash).
fn secret_for(state: &AppState, idempotency_key: &str) -> String {
    reports::code_from_digest(&crate::citizen::keyed_digest(
        &state.pseudonym_key,
        "report-secret",
        idempotency_key,
    ))
}

/// How long after a report is stored a replay of its submission still gets the secret back
/// (a retry after a lost answer); later, the receipt comes without it.
const SECRET_REPLAY_MS: i64 = 15 * 60 * 1000;

/// The receipt as the citizen gets it: with the secret of an anonymous report, derived again
/// from the key, only while the report is fresh.
fn with_secret(
    state: &AppState,
    receipt: ReportReceipt,
    anonymous: bool,
    key: &str,
) -> ReportReceipt {
    let fresh = crate::db::now_ms() - receipt.created_at < SECRET_REPLAY_MS;
    ReportReceipt {
        secret: (anonymous && fresh).then(|| reports::grouped(&secret_for(state, key))),
        ..receipt
    }
}

fn idempotency_hash(key: &str) -> String {
    hex::encode(Sha256::digest(format!("report:{key}").as_bytes()))
}

fn processing_failed() -> AppError {
    AppError::internal("photo processing task failed")
}

/// Decodes, re-encodes without metadata and shrinks each photo off the async workers; a
/// photo that fails is refused by number ("Ảnh 2: ...") and nothing of it is kept. With an
/// object store, each photo is put there before the report's row names it.
async fn process_photos(state: &AppState, uploads: Vec<Vec<u8>>) -> AppResult<Vec<StoredPhoto>> {
    let limit = crate::photo::PhotoLimits {
        max_bytes: state.config.max_photo_bytes,
        ..Default::default()
    };
    let mut photos = Vec::with_capacity(uploads.len());
    for (i, bytes) in uploads.into_iter().enumerate() {
        let limit = limit.clone();
        // Held until this photo is done; never closed, so `acquire` cannot fail.
        let _permit = state
            .photo_decodes
            .acquire()
            .await
            .map_err(|_| processing_failed())?;
        let processed =
            tokio::task::spawn_blocking(move || crate::photo::process_report_photo(&bytes, &limit))
                .await
                .map_err(|_| processing_failed())?
                .map_err(|mut e| {
                    crate::metrics::upload_rejected(e.code);
                    // Say which photo: "Ảnh 2: ..."
                    e.message.vi = format!("Ảnh {}: {}", i + 1, e.message.vi);
                    e.message.en = format!("Photo {}: {}", i + 1, e.message.en);
                    AppError(e)
                })?;
        let (object_key, bytes) = state
            .photo_store
            .put(PhotoBytes {
                full: processed.full,
                thumb: processed.thumb,
            })
            .await?;
        photos.push(StoredPhoto {
            content_type: processed.content_type.to_string(),
            full: bytes.full,
            thumb: bytes.thumb,
            object_key,
            width: processed.width,
            height: processed.height,
        });
    }
    Ok(photos)
}

/// Validates, processes the photos, stores the report; the whole of the citizen's journey
/// from "send" to the receipt. Used by the JSON API and by the page's form post.
pub async fn submit_report(state: &AppState, upload: ReportUpload) -> AppResult<ReportReceipt> {
    let input = shared::report::new_report(&upload.report)?;
    let key = input.idempotency_key.clone();
    let id_hash = idempotency_hash(&key);
    let request_hash = reports::request_hash(&input, &upload.photos)?;
    let anonymous = input.reporter.is_none();
    // A retry of a stored report is answered without redoing the slow work; the same key
    // with another report is refused.
    let (h, rh) = (id_hash.clone(), request_hash.clone());
    let stored = state
        .db
        .run(move |c| reports::receipt_by_idempotency(c, &h, &rh))
        .await?;
    if let Some(receipt) = stored {
        return Ok(with_secret(state, receipt, anonymous, &key));
    }
    let photos = process_photos(state, upload.photos).await?;
    let secret = anonymous.then(|| secret_for(state, &key));
    let secret_hash = match secret {
        Some(s) => Some(
            tokio::task::spawn_blocking(move || crate::auth::hash_password(&s))
                .await
                .map_err(|_| processing_failed())??,
        ),
        None => None,
    };
    let enc = |v: Option<&str>| v.map(|x| state.data_key.encrypt(x));
    let reporter = input.reporter.clone();
    let prepared = PreparedReport {
        name_enc: enc(reporter.as_ref().map(|r| r.full_name.as_str())),
        phone_enc: enc(reporter.as_ref().map(|r| r.phone.as_str())),
        email_enc: enc(reporter.as_ref().and_then(|r| r.email.as_deref())),
        input,
        idempotency_hash: id_hash,
        request_hash,
        tracking_code: reports::random_code(),
        secret_hash,
        photos,
    };
    // The stored report (this one, or its twin if a retry won the race) with the same
    // secret as the one hashed above: both come from the key.
    let receipt = state
        .db
        .run(move |c| match reports::submit(c, &prepared) {
            // Its twin, sent through another process at the same moment, committed first and
            // the unique key refused this one; the second pass finds the twin and answers
            // with its receipt, as a retry after the fact would get.
            Err(AppError(e)) if e.code == ErrorCode::Conflict => reports::submit(c, &prepared),
            other => other,
        })
        .await?;
    crate::metrics::stored("report");
    Ok(with_secret(state, receipt, anonymous, &key))
}

/// Finds the report a tracking code (and secret) opens, or refuses without saying which was
/// wrong. Guesses are limited per network (in memory, or as a keyed hash in the database when the
/// limits are shared); nothing else about them is stored.
pub async fn open_report(
    state: &AppState,
    req: &HttpRequest,
    code: &str,
    secret: Option<&str>,
) -> AppResult<String> {
    let network = client_address(req, state.config.trust_proxy);
    if !state.limits.track(&network).await? {
        return Err(AppError(ApiError::with_message(
            ErrorCode::RateLimited,
            "Bạn đã tra cứu quá nhiều lần. Vui lòng thử lại sau ít phút.",
            "Too many look-ups. Please try again in a few minutes.",
        )));
    }
    let code = shared::report::normalise_code(code);
    if code.len() != reports::CODE_LEN {
        return Err(reports::wrong_code());
    }
    let found = state
        .db
        .run(move |c| reports::find_by_code(c, &code))
        .await?;
    let Some((id, secret_hash)) = found else {
        return Err(reports::wrong_code());
    };
    if let Some(hash) = secret_hash {
        let given = shared::report::normalise_code(secret.unwrap_or(""));
        let ok = tokio::task::spawn_blocking(move || crate::auth::verify_password(&given, &hash))
            .await
            .map_err(|_| processing_failed())?;
        if !ok {
            return Err(reports::wrong_code());
        }
    }
    Ok(id)
}

#[utoipa::path(post, path = "/api/v1/reports", tag = "citizen",
    request_body(content_type = "multipart/form-data", description = "`report`: the NewReport as JSON; `photos`: up to 5 images (JPEG, PNG, WebP)"),
    responses((status = 200, body = ReportReceipt), (status = 400, body = ApiError), (status = 409, description = "the idempotency key was already used with another report", body = ApiError), (status = 413, body = ApiError), (status = 415, body = ApiError), (status = 429, body = ApiError)))]
async fn post_report(
    state: web::Data<AppState>,
    req: HttpRequest,
    form: actix_multipart::Multipart,
) -> AppResult<HttpResponse> {
    let (fields, photos) = citizen_upload(&state, &req, form).await?;
    let upload = ReportUpload {
        report: json_part(&fields, "report")?,
        photos,
    };
    let receipt = submit_report(&state, upload).await?;
    Ok(HttpResponse::Ok().json(receipt))
}

#[utoipa::path(post, path = "/api/v1/reports/track", tag = "citizen", request_body = TrackRequest,
    responses((status = 200, body = ReportView), (status = 404, body = ApiError), (status = 429, body = ApiError)))]
async fn track(
    state: web::Data<AppState>,
    req: HttpRequest,
    body: JsonBody<TrackRequest>,
) -> AppResult<web::Json<ReportView>> {
    let body = body.into_inner();
    let id = open_report(&state, &req, &body.tracking_code, body.secret.as_deref()).await?;
    Ok(web::Json(opened_view(&state, id).await?))
}

/// How long the access given with a tracking answer lets the citizen add to the report.
const ACCESS_TTL_MS: i64 = 60 * 60 * 1000;

/// "report id.expiry.HMAC": proof that whoever holds it opened the report with its code (and
/// secret) within the hour, so the secret need not be typed again nor kept in the page.
fn access_token(state: &AppState, report_id: &str, now: i64) -> String {
    let body = format!("{report_id}.{}", now + ACCESS_TTL_MS);
    let mac = crate::citizen::keyed_digest(&state.pseudonym_key, "track-access", &body);
    format!("{body}.{}", hex::encode(mac))
}

/// The report an access token names, if the token is genuine and fresh.
fn report_by_access(state: &AppState, token: &str, now: i64) -> AppResult<String> {
    use subtle::ConstantTimeEq;
    let expired = || {
        AppError(ApiError::with_message(
            ErrorCode::TokenExpired,
            "Phiên tra cứu đã hết hạn. Vui lòng tra cứu lại bằng mã của bạn.",
            "The look-up has expired. Please look the report up again with your codes.",
        ))
    };
    let (body, mac) = token.rsplit_once('.').ok_or_else(expired)?;
    let (report_id, expiry) = body.split_once('.').ok_or_else(expired)?;
    let expected = crate::citizen::keyed_digest(&state.pseudonym_key, "track-access", body);
    let given = hex::decode(mac).map_err(|_| expired())?;
    let genuine: bool = expected.ct_eq(&given).into();
    let fresh = expiry.parse::<i64>().is_ok_and(|e| e > now);
    if !genuine || !fresh {
        return Err(expired());
    }
    Ok(report_id.to_string())
}

/// The public view of a report just opened by its holder, with a fresh access token.
async fn opened_view(state: &AppState, report_id: String) -> AppResult<ReportView> {
    let access = access_token(state, &report_id, crate::db::now_ms());
    let mut view = state
        .db
        .run(move |c| reports::public_view(c, &report_id))
        .await?;
    view.access = Some(access);
    Ok(view)
}

/// Stores a citizen's addition (text, photos) to the report the access token names.
async fn add_to_report(
    state: &AppState,
    input: CitizenAddition,
    photos: Vec<Vec<u8>>,
) -> AppResult<ReportView> {
    let input = shared::report::check_addition(&input, photos.len())?;
    let report_id = report_by_access(state, &input.access, crate::db::now_ms())?;
    let id_hash = idempotency_hash(&format!("addition:{}", input.idempotency_key));
    let photos = process_photos(state, photos).await?;
    let rid = report_id.clone();
    state
        .db
        .run(move |c| reports::add_citizen_info(c, &rid, &input.text, &id_hash, &photos))
        .await?;
    opened_view(state, report_id).await
}

#[utoipa::path(post, path = "/api/v1/reports/track/add", tag = "citizen",
    request_body(content_type = "multipart/form-data", description = "`addition`: a CitizenAddition as JSON (with `access` from the tracking answer); `photos`: up to 5 images"),
    responses((status = 200, body = ReportView), (status = 400, body = ApiError), (status = 401, body = ApiError), (status = 409, body = ApiError), (status = 413, body = ApiError), (status = 429, body = ApiError)))]
async fn post_addition(
    state: web::Data<AppState>,
    req: HttpRequest,
    form: actix_multipart::Multipart,
) -> AppResult<web::Json<ReportView>> {
    let (fields, photos) = citizen_upload(&state, &req, form).await?;
    let input: CitizenAddition = json_part(&fields, "addition")?;
    Ok(web::Json(add_to_report(&state, input, photos).await?))
}

/// The tracking page's "add information" form post: the report again, with the addition.
async fn addition_form(
    state: web::Data<AppState>,
    req: HttpRequest,
    form: actix_multipart::Multipart,
) -> HttpResponse {
    let lang = lang_of(&req);
    let (fields, photos) = match citizen_upload(&state, &req, form).await {
        Ok(read) => read,
        Err(e) => return refusal_page(lang, e, true),
    };
    let input = shared::forms::addition_from_form(&fields);
    match add_to_report(&state, input, photos).await {
        Ok(view) => tracking_page(lang, view, true),
        Err(AppError(e)) => refusal_page(lang, e, true),
    }
}

/// A citizen's action from the tracking page (the answer satisfied them or not; reopen or
/// appeal once; withdraw), checked by the one state machine as the actor `Citizen`.
async fn citizen_action(
    state: &AppState,
    access: &str,
    action: shared::workflow::Action,
) -> AppResult<ReportView> {
    let report_id = report_by_access(state, access, crate::db::now_ms())?;
    // Information and photos come through their own form (`/track/add`).
    if !shared::case::CITIZEN_PAGE_ACTIONS.contains(&action.kind()) {
        return Err(AppError(
            shared::workflow::TransitionError::ActorNotAllowed {
                action: action.kind(),
                actor: shared::workflow::Actor::Citizen,
            }
            .into(),
        ));
    }
    let rid = report_id.clone();
    state
        .db
        .run(move |c| {
            crate::services::cases::apply(
                c,
                &rid,
                crate::services::cases::Who::Citizen,
                &action,
                None,
            )
        })
        .await?;
    opened_view(state, report_id).await
}

#[utoipa::path(post, path = "/api/v1/reports/track/action", tag = "citizen", request_body = shared::case::CitizenActionRequest,
    responses((status = 200, body = ReportView), (status = 400, body = ApiError), (status = 401, body = ApiError), (status = 403, body = ApiError), (status = 409, body = ApiError)))]
async fn post_citizen_action(
    state: web::Data<AppState>,
    body: JsonBody<shared::case::CitizenActionRequest>,
) -> AppResult<web::Json<ReportView>> {
    let body = body.into_inner();
    Ok(web::Json(
        citizen_action(&state, &body.access, body.action).await?,
    ))
}

/// The tracking page's buttons without JavaScript: the report again, as it now stands.
async fn citizen_action_form(
    state: web::Data<AppState>,
    req: HttpRequest,
    form: web::Form<CitizenActionForm>,
) -> HttpResponse {
    let lang = lang_of(&req);
    let form = form.into_inner();
    let Some(action) = form.action() else {
        return refusal_page(lang, ApiError::new(ErrorCode::MalformedRequest), true);
    };
    match citizen_action(&state, &form.access, action).await {
        Ok(view) => tracking_page(lang, view, false),
        Err(AppError(e)) => refusal_page(lang, e, true),
    }
}

/// A citizen's request to erase their personal data from the report the access token names:
/// recorded now, done by the lifecycle job within 72 hours.
async fn request_erasure(state: &AppState, access: &str) -> AppResult<ReportView> {
    let now = crate::db::now_ms();
    let report_id = report_by_access(state, access, now)?;
    let rid = report_id.clone();
    state
        .db
        .run(move |c| crate::services::lifecycle::request_erasure(c, &rid, now))
        .await?;
    opened_view(state, report_id).await
}

#[utoipa::path(post, path = "/api/v1/reports/track/erase", tag = "citizen", request_body = shared::report::ErasureRequest,
    responses((status = 200, body = ReportView), (status = 401, body = ApiError)))]
async fn post_erasure(
    state: web::Data<AppState>,
    body: JsonBody<shared::report::ErasureRequest>,
) -> AppResult<web::Json<ReportView>> {
    Ok(web::Json(
        request_erasure(&state, &body.into_inner().access).await?,
    ))
}

/// The tracking page's erasure button without JavaScript: the report again, saying so.
async fn erasure_form(
    state: web::Data<AppState>,
    req: HttpRequest,
    form: web::Form<ErasureForm>,
) -> HttpResponse {
    let lang = lang_of(&req);
    match request_erasure(&state, &form.into_inner().access).await {
        Ok(view) => tracking_page(lang, view, false),
        Err(AppError(e)) => refusal_page(lang, e, true),
    }
}

/// The tracking result page; `added` thanks the citizen for what they just added.
fn tracking_page(lang: shared::Lang, view: ReportView, added: bool) -> HttpResponse {
    let addition_key = uuid::Uuid::new_v4().to_string();
    html(
        actix_web::http::StatusCode::OK,
        app::pages::report::document(lang, &view.tracking_code.clone(), move || {
            use leptos::prelude::*;
            view! { <app::pages::report::TrackingView view_data=view lang addition_key added /> }
                .into_any()
        }),
    )
}

fn html(status: actix_web::http::StatusCode, body: String) -> HttpResponse {
    HttpResponse::build(status)
        .content_type("text/html; charset=utf-8")
        // The receipt holds the secret: keep it out of every cache.
        .insert_header((actix_web::http::header::CACHE_CONTROL, "no-store"))
        .body(body)
}

fn refusal_page(lang: shared::Lang, err: ApiError, back_hint: bool) -> HttpResponse {
    let status = actix_web::http::StatusCode::from_u16(err.status())
        .unwrap_or(actix_web::http::StatusCode::BAD_REQUEST);
    let title = lang.pick("Chưa gửi được", "Not sent yet");
    html(
        status,
        app::pages::report::document(lang, title, move || {
            use leptos::prelude::*;
            view! { <app::pages::report::RefusalView error=err lang back_hint /> }.into_any()
        }),
    )
}

/// The report page's plain form post: stores the report and answers with the receipt page
/// (never a redirect: the secret must not land in a URL).
async fn report_form(
    state: web::Data<AppState>,
    req: HttpRequest,
    form: actix_multipart::Multipart,
) -> HttpResponse {
    let lang = lang_of(&req);
    let (fields, photos) = match citizen_upload(&state, &req, form).await {
        Ok(read) => read,
        Err(e) => return refusal_page(lang, e, true),
    };
    let report = match shared::report::report_from_form(&fields) {
        Ok(r) => r,
        Err(e) => return refusal_page(lang, e, true),
    };
    match submit_report(&state, ReportUpload { report, photos }).await {
        Ok(receipt) => html(
            actix_web::http::StatusCode::OK,
            app::pages::report::document(
                lang,
                lang.pick("Đã tiếp nhận phản ánh", "Report received"),
                move || {
                    use leptos::prelude::*;
                    view! { <app::pages::report::ReceiptView receipt lang /> }.into_any()
                },
            ),
        ),
        Err(AppError(e)) => refusal_page(lang, e, true),
    }
}

/// The tracking page's form post: the report's status and timeline, or a refusal.
async fn track_form(
    state: web::Data<AppState>,
    req: HttpRequest,
    form: web::Form<TrackForm>,
) -> HttpResponse {
    let lang = lang_of(&req);
    let secret = form.secret();
    let opened = open_report(&state, &req, &form.tracking_code, secret).await;
    let view = match opened {
        Ok(id) => opened_view(&state, id).await,
        Err(e) => Err(e),
    };
    match view {
        Ok(v) => tracking_page(lang, v, false),
        Err(AppError(e)) => {
            let status = actix_web::http::StatusCode::from_u16(e.status())
                .unwrap_or(actix_web::http::StatusCode::BAD_REQUEST);
            html(
                status,
                app::pages::report::document(
                    lang,
                    lang.pick("Tra cứu phản ánh", "Follow a report"),
                    move || {
                        use leptos::prelude::*;
                        view! {
                        <main class="citizen">
                            <h1>{lang.pick("Tra cứu phản ánh", "Follow a report")}</h1>
                            <div class="notice error" role="alert"><p>{e.message.get(lang).to_string()}</p></div>
                            <app::pages::report::TrackForm lang />
                        </main>
                    }
                    .into_any()
                    },
                ),
            )
        }
    }
}
