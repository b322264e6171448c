//! The citizen's reports over HTTP: submitting one (multipart: the report as JSON plus up to
//! five photos) and following it with its tracking code. An anonymous report is handled
//! without reading the device cookie and nothing about the request is stored or logged.

use crate::api::JsonBody;
use crate::auth::client_address;
use crate::error::{json_config, path_config, AppError, AppResult};
use crate::pages::lang_of;
use crate::services::reports::{self, PreparedReport, StoredPhoto};
use crate::state::AppState;
use actix_web::{web, HttpRequest, HttpResponse};
use futures_util::StreamExt;
use sha2::{Digest, Sha256};
use shared::report::{NewReport, ReportReceipt, ReportView, TrackRequest, MAX_PHOTOS};
use shared::{ApiError, ErrorCode};
use utoipa::OpenApi;

const REPORT_JSON_LIMIT: usize = 64 * 1024;
/// The report form has about fifteen fields and five photos: anything far beyond is not a form.
const MAX_PARTS: usize = 40;

fn too_many_parts() -> ApiError {
    ApiError::with_message(
        ErrorCode::MalformedRequest,
        "Biểu mẫu có quá nhiều phần.",
        "The form has too many parts.",
    )
}

pub fn configure(cfg: &mut web::ServiceConfig) {
    let api = |path: &str| {
        web::resource(path)
            .app_data(json_config(16 * 1024))
            .app_data(path_config())
    };
    cfg.service(api("/api/v1/reports").route(web::post().to(post_report)))
        .service(api("/api/v1/reports/track").route(web::post().to(track)))
        // `route`: a GET of these paths falls through to the form pages.
        .route("/report", web::post().to(report_form))
        .route("/track", web::post().to(track_form));
}

#[derive(OpenApi)]
#[openapi(
    paths(post_report, track),
    components(schemas(
        NewReport,
        ReportReceipt,
        ReportView,
        TrackRequest,
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

fn too_many_photos() -> ApiError {
    ApiError::field(
        "photos",
        shared::FieldCode::TooLong,
        "Chỉ gửi được tối đa 5 ảnh.",
        "You can send at most 5 photos.",
    )
}

fn photo_too_large(limit: usize) -> ApiError {
    ApiError::with_message(
        ErrorCode::PayloadTooLarge,
        format!("Ảnh quá lớn (tối đa {} MB mỗi ảnh).", limit / (1024 * 1024)),
        format!(
            "A photo is too large (at most {} MB each).",
            limit / (1024 * 1024)
        ),
    )
}

/// Reads a field to the end, refusing it past `limit` bytes as soon as it gets there.
async fn read_field(
    field: &mut actix_multipart::Field,
    limit: usize,
    too_large: impl Fn() -> ApiError,
) -> Result<Vec<u8>, ApiError> {
    let mut bytes = Vec::new();
    while let Some(chunk) = field.next().await {
        let chunk = chunk.map_err(|_| ApiError::new(ErrorCode::MalformedRequest))?;
        if bytes.len() + chunk.len() > limit {
            return Err(too_large());
        }
        bytes.extend_from_slice(&chunk);
    }
    Ok(bytes)
}

/// Reads a multipart report: a `report` part (JSON) and `photos` parts. Empty file parts (a
/// form's unused file inputs) are skipped.
pub async fn read_report_upload(
    mut form: actix_multipart::Multipart,
    max_photo_bytes: usize,
) -> Result<ReportUpload, ApiError> {
    let mut report: Option<NewReport> = None;
    let mut photos = Vec::new();
    let mut parts = 0;
    while let Some(field) = form.next().await {
        parts += 1;
        if parts > MAX_PARTS {
            return Err(too_many_parts());
        }
        let mut field = field.map_err(|_| ApiError::new(ErrorCode::MalformedRequest))?;
        let name = field.name().unwrap_or("").to_string();
        match name.as_str() {
            "report" => {
                let bytes = read_field(&mut field, REPORT_JSON_LIMIT, || {
                    ApiError::new(ErrorCode::PayloadTooLarge)
                })
                .await?;
                let parsed: NewReport = serde_json::from_slice(&bytes).map_err(|e| {
                    ApiError::with_message(
                        ErrorCode::MalformedRequest,
                        format!("Dữ liệu JSON không hợp lệ: {e}"),
                        format!("The JSON body is not valid: {e}"),
                    )
                })?;
                report = Some(parsed);
            }
            "photos" => {
                let bytes = read_field(&mut field, max_photo_bytes, || {
                    photo_too_large(max_photo_bytes)
                })
                .await?;
                if bytes.is_empty() {
                    continue;
                }
                if photos.len() == MAX_PHOTOS {
                    return Err(too_many_photos());
                }
                photos.push(bytes);
            }
            _ => {
                // Unknown parts are read and dropped, within the photo limit.
                read_field(&mut field, max_photo_bytes, || {
                    photo_too_large(max_photo_bytes)
                })
                .await?;
            }
        }
    }
    let report = report.ok_or_else(|| {
        ApiError::field(
            "report",
            shared::FieldCode::Required,
            "Thiếu nội dung phản ánh.",
            "The report is missing.",
        )
    })?;
    Ok(ReportUpload { report, photos })
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

fn idempotency_hash(key: &str) -> String {
    hex::encode(Sha256::digest(format!("report:{key}").as_bytes()))
}

fn processing_failed() -> AppError {
    AppError::internal("photo processing task failed")
}

/// Validates, processes the photos, stores the report; the whole of the citizen's journey
/// from "send" to the receipt. Used by the JSON API and by the page's form post.
pub async fn submit_report(state: &AppState, upload: ReportUpload) -> AppResult<ReportReceipt> {
    let input = shared::report::new_report(&upload.report)?;
    let key = input.idempotency_key.clone();
    let id_hash = idempotency_hash(&key);
    let anonymous = input.reporter.is_none();
    // A retry of a stored report is answered without redoing the slow work.
    let h = id_hash.clone();
    let code = state
        .db
        .run(move |c| reports::receipt_by_idempotency(c, &h))
        .await?;
    if let Some(receipt) = code {
        return Ok(ReportReceipt {
            secret: anonymous.then(|| reports::grouped(&secret_for(state, &key))),
            ..receipt
        });
    }
    let limit = crate::photo::PhotoLimits {
        max_bytes: state.config.max_photo_bytes,
        ..Default::default()
    };
    let mut photos = Vec::with_capacity(upload.photos.len());
    for (i, bytes) in upload.photos.into_iter().enumerate() {
        let limit = limit.clone();
        let processed =
            tokio::task::spawn_blocking(move || crate::photo::process_report_photo(&bytes, &limit))
                .await
                .map_err(|_| processing_failed())?
                .map_err(|mut e| {
                    // Say which photo: "Ảnh 2: ..."
                    e.message.vi = format!("Ảnh {}: {}", i + 1, e.message.vi);
                    e.message.en = format!("Photo {}: {}", i + 1, e.message.en);
                    AppError(e)
                })?;
        photos.push(StoredPhoto {
            content_type: processed.content_type.to_string(),
            full: processed.full,
            thumb: processed.thumb,
            width: processed.width,
            height: processed.height,
        });
    }
    let secret = anonymous.then(|| secret_for(state, &key));
    let secret_hash = match secret.clone() {
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
        tracking_code: reports::random_code(),
        secret_hash,
        photos,
    };
    let receipt = state.db.run(move |c| reports::submit(c, prepared)).await?;
    Ok(ReportReceipt {
        secret: secret.map(|s| reports::grouped(&s)),
        ..receipt
    })
}

/// Finds the report a tracking code (and secret) opens, or refuses without saying which was
/// wrong. Guesses are limited per network in memory; nothing about them is stored.
pub async fn open_report(
    state: &AppState,
    req: &HttpRequest,
    code: &str,
    secret: Option<&str>,
) -> AppResult<String> {
    let network = client_address(req, state.config.trust_proxy);
    if state.track_limits.check_key(&network).is_err() {
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
    responses((status = 200, body = ReportReceipt), (status = 400, body = ApiError), (status = 413, body = ApiError), (status = 415, body = ApiError), (status = 429, body = ApiError)))]
async fn post_report(
    state: web::Data<AppState>,
    req: HttpRequest,
    form: actix_multipart::Multipart,
) -> AppResult<HttpResponse> {
    // In memory only: the network is never stored with a report.
    let network = client_address(&req, state.config.trust_proxy);
    if state
        .citizen_limits
        .per_network
        .check_key(&network)
        .is_err()
    {
        return Err(AppError::code(ErrorCode::RateLimited));
    }
    let upload = read_report_upload(form, state.config.max_photo_bytes).await?;
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
    Ok(web::Json(
        state.db.run(move |c| reports::public_view(c, &id)).await?,
    ))
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

/// The form fields of the report page, turned into the API's report.
fn report_from_form(
    fields: &[(String, String)],
    lang: shared::Lang,
) -> Result<NewReport, ApiError> {
    let get = |name: &str| {
        fields
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.trim().to_string())
            .filter(|v| !v.is_empty())
    };
    let kind = get("kind")
        .and_then(|k| shared::report::ReportKind::parse(&k))
        .ok_or_else(|| {
            ApiError::field(
                "kind",
                shared::FieldCode::Required,
                "Vui lòng chọn loại phản ánh.",
                "Please choose the kind of report.",
            )
        })?;
    let category = get("category")
        .and_then(|k| shared::report::ReportCategory::parse(&k))
        .unwrap_or(shared::report::ReportCategory::Other);
    let reporter =
        (get("identity").as_deref() == Some("named")).then(|| shared::report::Reporter {
            full_name: get("full_name").unwrap_or_default(),
            phone: get("phone").unwrap_or_default(),
            email: get("email"),
            consent: get("consent").is_some(),
        });
    // <input type="datetime-local"> sends Vietnam wall-clock time, "2026-11-23T08:30".
    let occurred_at = get("occurred_at").and_then(|v| parse_local_datetime(&v));
    let _ = lang;
    Ok(NewReport {
        kind,
        category,
        counter_token: get("counter_token"),
        unit_id: get("unit_id"),
        staff_id: get("staff_id"),
        occurred_at,
        description: get("description").unwrap_or_default(),
        reporter,
        wants_meeting: get("wants_meeting").is_some(),
        idempotency_key: get("idempotency_key").unwrap_or_default(),
    })
}

/// "YYYY-MM-DDTHH:MM" in Vietnam time (UTC+7) to milliseconds since the epoch.
fn parse_local_datetime(v: &str) -> Option<i64> {
    let (date, time) = v.split_once('T')?;
    let mut d = date.splitn(3, '-').map(|x| x.parse::<i64>().ok());
    let (y, m, day) = (d.next()??, d.next()??, d.next()??);
    let mut t = time.splitn(3, ':').map(|x| x.parse::<i64>().ok());
    let (h, min) = (t.next()??, t.next()??);
    if !(1..=12).contains(&m)
        || !(1..=31).contains(&day)
        || !(0..24).contains(&h)
        || !(0..60).contains(&min)
    {
        return None;
    }
    // Days from the civil date (Howard Hinnant's days_from_civil).
    let y2 = if m <= 2 { y - 1 } else { y };
    let era = y2.div_euclid(400);
    let yoe = y2 - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    Some(((days * 24 + h) * 60 + min) * 60_000 - 7 * 3_600_000)
}

/// The report page's plain form post: stores the report and answers with the receipt page
/// (never a redirect: the secret must not land in a URL).
async fn report_form(
    state: web::Data<AppState>,
    req: HttpRequest,
    mut form: actix_multipart::Multipart,
) -> HttpResponse {
    let lang = lang_of(&req);
    let network = client_address(&req, state.config.trust_proxy);
    if state
        .citizen_limits
        .per_network
        .check_key(&network)
        .is_err()
    {
        return refusal_page(lang, ApiError::new(ErrorCode::RateLimited), true);
    }
    let mut fields: Vec<(String, String)> = Vec::new();
    let mut photos = Vec::new();
    let read: Result<(), ApiError> = async {
        let mut parts = 0;
        while let Some(field) = form.next().await {
            parts += 1;
            if parts > MAX_PARTS {
                return Err(too_many_parts());
            }
            let mut field = field.map_err(|_| ApiError::new(ErrorCode::MalformedRequest))?;
            let name = field.name().unwrap_or("").to_string();
            if name == "photos" {
                let limit = state.config.max_photo_bytes;
                let bytes = read_field(&mut field, limit, || photo_too_large(limit)).await?;
                if bytes.is_empty() {
                    continue;
                }
                if photos.len() == MAX_PHOTOS {
                    return Err(too_many_photos());
                }
                photos.push(bytes);
            } else {
                let bytes = read_field(&mut field, REPORT_JSON_LIMIT, || {
                    ApiError::new(ErrorCode::PayloadTooLarge)
                })
                .await?;
                let text = String::from_utf8(bytes)
                    .map_err(|_| ApiError::new(ErrorCode::MalformedRequest))?;
                fields.push((name, text));
            }
        }
        Ok(())
    }
    .await;
    if let Err(e) = read {
        return refusal_page(lang, e, true);
    }
    let report = match report_from_form(&fields, lang) {
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

#[derive(serde::Deserialize)]
struct TrackForm {
    #[serde(default)]
    tracking_code: String,
    #[serde(default)]
    secret: String,
}

/// The tracking page's form post: the report's status and timeline, or a refusal.
async fn track_form(
    state: web::Data<AppState>,
    req: HttpRequest,
    form: web::Form<TrackForm>,
) -> HttpResponse {
    let lang = lang_of(&req);
    let secret = Some(form.secret.as_str()).filter(|s| !s.trim().is_empty());
    let opened = open_report(&state, &req, &form.tracking_code, secret).await;
    let view = match opened {
        Ok(id) => state.db.run(move |c| reports::public_view(c, &id)).await,
        Err(e) => Err(e),
    };
    match view {
        Ok(v) => html(
            actix_web::http::StatusCode::OK,
            app::pages::report::document(lang, &v.tracking_code.clone(), move || {
                use leptos::prelude::*;
                view! { <app::pages::report::TrackingView view_data=v lang /> }.into_any()
            }),
        ),
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

#[cfg(test)]
mod tests {
    use super::parse_local_datetime;

    #[test]
    fn a_vietnam_wall_clock_time_is_seven_hours_ahead_of_utc() {
        // 23/11/2026 08:30 in Hà Nội is 01:30 UTC.
        assert_eq!(
            parse_local_datetime("2026-11-23T08:30"),
            Some(1_795_397_400_000)
        );
        assert_eq!(parse_local_datetime("1970-01-01T07:00"), Some(0));
        assert_eq!(parse_local_datetime("2026-13-01T08:30"), None);
        assert_eq!(parse_local_datetime("hôm qua"), None);
    }
}
