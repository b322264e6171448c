//! The citizen's doors into the server: the public JSON API of a counter and its ratings, and
//! the plain HTML form posts of the counter page (which work on a bare phone browser, before
//! or without the WASM bundle). No account: a random device cookie and the network address,
//! kept only as keyed hashes, hold back ballot stuffing.

use crate::api::JsonBody;
use crate::auth::client_address;
use crate::error::{json_config, path_config, AppError, AppResult};
use crate::pages::see_other;
use crate::services::ratings::{self, RatingSource};
use crate::state::AppState;
use actix_web::cookie::{Cookie, SameSite};
use actix_web::{web, HttpRequest, HttpResponse};
use hmac::{Hmac, Mac};
use sha2::Sha256;
use shared::citizen::{
    NewRating, PublicCounter, RatingDetail, RatingReceipt, Satisfaction, SipasCriterion,
    SipasScores,
};
use shared::forms::RateForm;
use shared::{ApiError, ErrorCode};
use utoipa::OpenApi;

pub const DEVICE_COOKIE: &str = "mb_device";
/// For apps and kiosks that keep their own device id instead of a cookie.
pub const DEVICE_HEADER: &str = "x-device-id";

const JSON_LIMIT: usize = 16 * 1024;

pub fn configure(cfg: &mut web::ServiceConfig) {
    let api = |path: &str| {
        web::resource(path)
            .app_data(json_config(JSON_LIMIT))
            .app_data(path_config())
    };
    cfg.service(api("/api/v1/public/counters/{token}").route(web::get().to(get_public_counter)))
        .service(api("/api/v1/ratings").route(web::post().to(post_rating)))
        .service(api("/api/v1/ratings/{id}/detail").route(web::post().to(post_rating_detail)))
        // `route`, not `resource`: a GET of the same path must fall through to the page.
        .route("/q/{token}/rate", web::post().to(rate_form))
        .route("/q/{token}/thanks/{id}", web::post().to(detail_form));
}

#[derive(OpenApi)]
#[openapi(
    paths(get_public_counter, post_rating, post_rating_detail),
    components(schemas(Satisfaction, SipasCriterion, SipasScores)),
    tags((name = "citizen", description = "Người dân: quầy, đánh giá / Citizens: counters, ratings"))
)]
pub struct CitizenApiDoc;

/// A device id as the browser keeps it: 22 to 64 URL-safe characters.
fn valid_device_id(v: &str) -> bool {
    (22..=64).contains(&v.len())
        && v.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// The device id of the request, and whether it is new (then the response must set it).
fn device_id(req: &HttpRequest) -> (String, bool) {
    let from_cookie = req.cookie(DEVICE_COOKIE).map(|c| c.value().to_string());
    let from_header = req
        .headers()
        .get(DEVICE_HEADER)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    match from_cookie.or(from_header).filter(|v| valid_device_id(v)) {
        Some(id) => (id, false),
        None => (crate::auth::random_token(), true),
    }
}

fn device_cookie(state: &AppState, id: String) -> Cookie<'static> {
    Cookie::build(DEVICE_COOKIE, id)
        .path("/")
        .http_only(true)
        .secure(state.config.cookies_secure())
        .same_site(SameSite::Lax)
        .max_age(actix_web::cookie::time::Duration::days(365))
        .finish()
}

/// HMAC-SHA256 of `kind:value` under a server key: a pseudonym that cannot be turned back
/// into the value, nor made by anyone without the key.
pub(crate) fn keyed_digest(key: &[u8], kind: &str, value: &str) -> Vec<u8> {
    let mut mac = Hmac::<Sha256>::new_from_slice(key).expect("HMAC takes any key length");
    mac.update(kind.as_bytes());
    mac.update(b":");
    mac.update(value.as_bytes());
    mac.finalize().into_bytes().to_vec()
}

fn keyed_hash(key: &[u8], kind: &str, value: &str) -> String {
    hex::encode(keyed_digest(key, kind, value))
}

/// The network a request came from: the address, or its /64 for IPv6 (one phone may use many
/// addresses inside its /64).
fn network_of(address: &str) -> String {
    match address.parse::<std::net::IpAddr>() {
        Ok(std::net::IpAddr::V6(v6)) => {
            let s = v6.segments();
            format!("{:x}:{:x}:{:x}:{:x}::/64", s[0], s[1], s[2], s[3])
        }
        _ => address.to_string(),
    }
}

/// Who sent a rating, as keyed hashes, plus the raw device id when it must be set as a cookie.
fn rating_source(state: &AppState, req: &HttpRequest) -> (RatingSource, Option<String>) {
    let (device, is_new) = device_id(req);
    let network = network_of(&client_address(req, state.config.trust_proxy));
    let source = RatingSource {
        device_hash: keyed_hash(&state.pseudonym_key, "device", &device),
        network_hash: keyed_hash(&state.pseudonym_key, "network", &network),
    };
    (source, is_new.then_some(device))
}

fn too_many() -> AppError {
    AppError(ApiError::with_message(
        ErrorCode::RateLimited,
        "Bạn gửi quá nhanh. Vui lòng thử lại sau ít phút.",
        "You are sending too fast. Please try again in a few minutes.",
    ))
}

/// Validates a rating, applies the per-phone and per-network limits, and stores it through
/// the batch writer.
pub async fn submit_rating(
    state: &AppState,
    input: NewRating,
    source: RatingSource,
) -> AppResult<RatingReceipt> {
    let input = shared::citizen::new_rating(&input)?;
    if !state
        .limits
        .citizen(&source.device_hash, &source.network_hash)
        .await?
    {
        return Err(too_many());
    }
    // A retry racing its twin in another process meets the unique key; a second pass finds
    // the twin's row and answers with its receipt.
    let stored = match state
        .rating_writer
        .submit(input.clone(), source.clone())
        .await
    {
        Err(AppError(e)) if e.code == ErrorCode::Conflict => {
            state.rating_writer.submit(input, source).await
        }
        other => other,
    };
    if stored.is_ok() {
        crate::metrics::stored("rating");
    }
    stored
}

async fn submit_detail(
    state: &AppState,
    rating_id: String,
    detail: RatingDetail,
    source: RatingSource,
) -> AppResult<RatingReceipt> {
    let detail = shared::citizen::rating_detail(&detail)?;
    let rules = state.config.rating_rules();
    state
        .db
        .run(move |c| ratings::add_detail(c, &rating_id, &detail, &source, &rules))
        .await
}

fn with_device_cookie(
    state: &AppState,
    mut res: HttpResponse,
    new_device: Option<String>,
) -> HttpResponse {
    if let Some(id) = new_device {
        let _ = res.add_cookie(&device_cookie(state, id));
    }
    res
}

#[utoipa::path(get, path = "/api/v1/public/counters/{token}", tag = "citizen",
    params(("token" = String, Path, description = "The random token in the counter's QR code")),
    responses((status = 200, body = PublicCounter), (status = 404, body = ApiError)))]
async fn get_public_counter(
    state: web::Data<AppState>,
    token: web::Path<String>,
) -> AppResult<web::Json<PublicCounter>> {
    let token = token.into_inner();
    if token.len() > shared::citizen::TOKEN_MAX {
        return Err(AppError::not_found());
    }
    Ok(web::Json(
        state
            .db
            .run(move |c| ratings::public_counter(c, &token))
            .await?,
    ))
}

#[utoipa::path(post, path = "/api/v1/ratings", tag = "citizen", request_body = NewRating,
    params(("x-device-id" = Option<String>, Header, description = "A device id kept by an app or kiosk (22-64 URL-safe characters); browsers use the mb_device cookie")),
    responses((status = 200, body = RatingReceipt), (status = 400, body = ApiError), (status = 404, body = ApiError), (status = 409, description = "the idempotency key was already used with another rating", body = ApiError), (status = 429, body = ApiError)))]
async fn post_rating(
    state: web::Data<AppState>,
    req: HttpRequest,
    body: JsonBody<NewRating>,
) -> AppResult<HttpResponse> {
    let (source, new_device) = rating_source(&state, &req);
    let receipt = submit_rating(&state, body.into_inner(), source).await?;
    Ok(with_device_cookie(
        &state,
        HttpResponse::Ok().json(receipt),
        new_device,
    ))
}

#[utoipa::path(post, path = "/api/v1/ratings/{id}/detail", tag = "citizen", request_body = RatingDetail,
    params(("id" = String, Path)),
    responses((status = 200, body = RatingReceipt), (status = 400, body = ApiError), (status = 404, body = ApiError)))]
async fn post_rating_detail(
    state: web::Data<AppState>,
    req: HttpRequest,
    id: web::Path<String>,
    body: JsonBody<RatingDetail>,
) -> AppResult<web::Json<RatingReceipt>> {
    let (source, _) = rating_source(&state, &req);
    Ok(web::Json(
        submit_detail(&state, id.into_inner(), body.into_inner(), source).await?,
    ))
}

/// The counter token as it may appear in a path we redirect to.
fn safe_token(token: &str) -> Option<&str> {
    (!token.is_empty()
        && token.len() <= shared::citizen::TOKEN_MAX
        && token
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'))
    .then_some(token)
}

/// The one-tap rating, posted as a plain HTML form.
async fn rate_form(
    state: web::Data<AppState>,
    req: HttpRequest,
    token: web::Path<String>,
    form: web::Form<RateForm>,
) -> HttpResponse {
    let Some(token) = safe_token(&token).map(str::to_string) else {
        return see_other("/");
    };
    let (source, new_device) = rating_source(&state, &req);
    let input = match form.into_inner().rating(token.clone()) {
        Ok(input) => input,
        Err(err) => {
            return with_device_cookie(&state, back_with(&format!("/q/{token}"), &err), new_device)
        }
    };
    let res = match submit_rating(&state, input, source).await {
        Ok(r) => see_other(&format!(
            "/q/{token}/thanks/{}?overall={}{}",
            r.id,
            r.overall.as_str(),
            r.staff_id
                .map(|s| format!("&staff={s}"))
                .unwrap_or_default()
        )),
        Err(AppError(e)) => back_with(&format!("/q/{token}"), &e),
    };
    with_device_cookie(&state, res, new_device)
}

fn back_with(path: &str, err: &ApiError) -> HttpResponse {
    see_other(&format!("{path}?err={}", app::error::encode_for_url(err)))
}

/// The optional detail after a rating: SIPAS scores (radio buttons named after each criterion),
/// a comment, the dossier code and the officer.
async fn detail_form(
    state: web::Data<AppState>,
    req: HttpRequest,
    path: web::Path<(String, String)>,
    form: web::Form<Vec<(String, String)>>,
) -> HttpResponse {
    let (token, id) = path.into_inner();
    let (Some(token), Some(id)) = (safe_token(&token), safe_token(&id)) else {
        return see_other("/");
    };
    let fields = form.into_inner();
    let detail = shared::forms::rating_detail_from_form(&fields);
    let overall = fields
        .iter()
        .find(|(k, _)| k == "overall")
        .map(|(_, v)| v.as_str())
        .unwrap_or_default();
    let page = format!(
        "/q/{token}/thanks/{id}?overall={}",
        safe_token(overall).unwrap_or("")
    );
    let (source, _) = rating_source(&state, &req);
    match submit_detail(&state, id.to_string(), detail, source).await {
        Ok(_) => see_other(&format!("{page}&ok=saved")),
        Err(AppError(e)) => see_other(&format!("{page}&err={}", app::error::encode_for_url(&e))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_ipv6_phone_is_one_network_across_its_64() {
        assert_eq!(
            network_of("2001:db8:1:2:aaaa::1"),
            network_of("2001:db8:1:2:bbbb::9")
        );
        assert_ne!(network_of("2001:db8:1:2::1"), network_of("2001:db8:1:3::1"));
        assert_eq!(network_of("203.0.113.7"), "203.0.113.7");
    }

    #[test]
    fn hashes_depend_on_the_key_and_the_kind() {
        let a = keyed_hash(b"k1", "device", "x");
        assert_eq!(a, keyed_hash(b"k1", "device", "x"));
        assert_ne!(a, keyed_hash(b"k2", "device", "x"));
        assert_ne!(a, keyed_hash(b"k1", "network", "x"));
    }

    #[test]
    fn device_ids_must_look_random() {
        assert!(valid_device_id(&crate::auth::random_token()));
        assert!(!valid_device_id("short"));
        assert!(!valid_device_id(&"a;".repeat(20)));
    }
}
