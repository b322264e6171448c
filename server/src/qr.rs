//! Counters' QR codes (SVG and PNG, made with the `qrcode` crate) and the printable posters an
//! administrator puts up at each counter: one A4 or A5 page per counter, or a sheet of every
//! counter of a unit. The code carries the counter's random token, never its id.

use crate::auth::Actor;
use crate::error::{AppError, AppResult};
use crate::services::{counters, units};
use crate::state::AppState;
use actix_web::http::header;
use actix_web::{web, HttpRequest, HttpResponse};
use qrcode::{EcLevel, QrCode};

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/api/v1/counters/{id}/qr.svg", web::get().to(qr_svg))
        .route("/api/v1/counters/{id}/qr.png", web::get().to(qr_png))
        .route("/admin/counters/{id}/poster", web::get().to(poster))
        .route("/admin/units/{id}/qr-sheet", web::get().to(unit_sheet));
}

/// Where a citizen's phone goes when it reads the code.
fn base_url(state: &AppState, req: &HttpRequest) -> String {
    match &state.config.public_url {
        Some(u) => u.trim_end_matches('/').to_string(),
        None => {
            let info = req.connection_info();
            format!("{}://{}", info.scheme(), info.host())
        }
    }
}

pub fn counter_url(base: &str, token: &str) -> String {
    format!("{base}/q/{token}")
}

fn code(url: &str) -> AppResult<QrCode> {
    // Level M survives a scratched or smudged poster while keeping the modules large.
    QrCode::with_error_correction_level(url.as_bytes(), EcLevel::M).map_err(AppError::internal)
}

pub fn svg(url: &str) -> AppResult<String> {
    Ok(code(url)?
        .render::<qrcode::render::svg::Color>()
        .min_dimensions(240, 240)
        .quiet_zone(true)
        .build())
}

pub fn png(url: &str) -> AppResult<Vec<u8>> {
    let img = code(url)?
        .render::<image::Luma<u8>>()
        .min_dimensions(600, 600)
        .quiet_zone(true)
        .build();
    let mut out = Vec::new();
    image::DynamicImage::ImageLuma8(img)
        .write_to(&mut std::io::Cursor::new(&mut out), image::ImageFormat::Png)
        .map_err(AppError::internal)?;
    Ok(out)
}

async fn counter_for(
    state: &AppState,
    actor: Actor,
    id: String,
) -> AppResult<counters::CounterRow> {
    state
        .db
        .run(move |c| counters::visible(c, &actor, &id))
        .await
}

fn file_name(name: &str, ext: &str) -> String {
    let ascii: String = name
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect();
    format!("qr-{}.{ext}", ascii.trim_matches('-'))
}

#[derive(utoipa::OpenApi)]
#[openapi(paths(qr_svg, qr_png))]
pub struct QrApiDoc;

#[utoipa::path(get, path = "/api/v1/counters/{id}/qr.svg", tag = "counters", params(("id" = String, Path)), security(("bearer" = [])),
    responses((status = 200, content_type = "image/svg+xml", body = String), (status = 404, body = shared::ApiError)))]
async fn qr_svg(
    state: web::Data<AppState>,
    req: HttpRequest,
    actor: Actor,
    id: web::Path<String>,
) -> AppResult<HttpResponse> {
    let counter = counter_for(&state, actor, id.into_inner()).await?;
    let body = svg(&counter_url(&base_url(&state, &req), &counter.qr_token))?;
    Ok(HttpResponse::Ok()
        .content_type("image/svg+xml")
        .insert_header((header::CACHE_CONTROL, "private, no-cache"))
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!("inline; filename=\"{}\"", file_name(&counter.name, "svg")),
        ))
        .body(body))
}

#[utoipa::path(get, path = "/api/v1/counters/{id}/qr.png", tag = "counters", params(("id" = String, Path)), security(("bearer" = [])),
    responses((status = 200, content_type = "image/png", body = Vec<u8>), (status = 404, body = shared::ApiError)))]
async fn qr_png(
    state: web::Data<AppState>,
    req: HttpRequest,
    actor: Actor,
    id: web::Path<String>,
) -> AppResult<HttpResponse> {
    let counter = counter_for(&state, actor, id.into_inner()).await?;
    let url = counter_url(&base_url(&state, &req), &counter.qr_token);
    let body = web::block(move || png(&url))
        .await
        .map_err(AppError::internal)??;
    Ok(HttpResponse::Ok()
        .content_type("image/png")
        .insert_header((header::CACHE_CONTROL, "private, no-cache"))
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!(
                "attachment; filename=\"{}\"",
                file_name(&counter.name, "png")
            ),
        ))
        .body(body))
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

const POSTER_STYLE: &str = "
  * { box-sizing: border-box; }
  body { margin: 0; font-family: system-ui, 'Segoe UI', Roboto, 'Noto Sans', Arial, sans-serif; color: #1b1f24; }
  .poster { display: flex; flex-direction: column; align-items: center; justify-content: space-between;
            text-align: center; padding: 12mm; border: 1px solid #c9d1d9; page-break-after: always; break-after: page; }
  .poster .unit { font-size: 1.6em; font-weight: 700; margin: 0; }
  .poster .counter { font-size: 1.2em; margin: 0.3em 0 0; }
  .poster .call { font-size: 1.4em; font-weight: 700; margin: 0.4em 0; color: #0b4f8a; }
  .poster .qr svg { width: 100%; height: auto; }
  .poster .url { font-family: ui-monospace, monospace; font-size: 0.8em; word-break: break-all; color: #4a5560; }
  .poster .note { font-size: 0.9em; color: #4a5560; }
  .a4 { width: 210mm; min-height: 297mm; font-size: 16pt; }
  .a4 .qr { width: 130mm; }
  .a5 { width: 148mm; min-height: 210mm; font-size: 11pt; }
  .a5 .qr { width: 95mm; }
  .toolbar { padding: 1em; font-size: 14pt; }
  .toolbar a { margin-right: 1em; }
  @media print { .toolbar { display: none; } .poster { border: none; } }
";

fn poster_html(size: &str, unit: &str, counter: &str, url: &str, qr_svg: &str) -> String {
    format!(
        "<section class=\"poster {size}\">\
           <div><p class=\"unit\">{unit}</p><p class=\"counter\">{counter}</p></div>\
           <p class=\"call\">Quét mã QR để đánh giá mức độ hài lòng</p>\
           <div class=\"qr\">{qr_svg}</div>\
           <p class=\"note\">Đánh giá không cần tên, số điện thoại. Bạn cũng có thể phản ánh, kiến nghị \
              (kể cả ẩn danh) và theo dõi trả lời.<br>Scan to rate this service or report a problem.</p>\
           <p class=\"url\">{url}</p>\
         </section>",
        unit = escape(unit),
        counter = escape(counter),
        url = escape(url),
    )
}

fn print_document(title: &str, size: &str, body: &str) -> HttpResponse {
    let page = if size == "a5" { "A5" } else { "A4" };
    HttpResponse::Ok()
        .content_type("text/html; charset=utf-8")
        .body(format!(
            "<!DOCTYPE html><html lang=\"vi\"><head><meta charset=\"utf-8\">\
             <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
             <title>{}</title><style>@page {{ size: {page}; margin: 0; }}{POSTER_STYLE}</style></head>\
             <body><p class=\"toolbar\"><a href=\"javascript:history.back()\">‹ Quay lại</a>\
             Dùng lệnh In của trình duyệt (Ctrl+P), khổ {page}.</p>{body}</body></html>",
            escape(title)
        ))
}

#[derive(serde::Deserialize)]
struct SizeQuery {
    size: Option<String>,
}

fn paper(q: &SizeQuery) -> &'static str {
    match q.size.as_deref() {
        Some("a5") => "a5",
        _ => "a4",
    }
}

async fn poster(
    state: web::Data<AppState>,
    req: HttpRequest,
    actor: Actor,
    id: web::Path<String>,
    q: web::Query<SizeQuery>,
) -> AppResult<HttpResponse> {
    let a = actor.clone();
    let counter = counter_for(&state, actor, id.into_inner()).await?;
    let unit_id = counter.unit_id.clone();
    let unit = state
        .db
        .run(move |c| units::visible(c, &a, &unit_id))
        .await?;
    let url = counter_url(&base_url(&state, &req), &counter.qr_token);
    let size = paper(&q);
    let body = poster_html(size, &unit.name, &counter.name, &url, &svg(&url)?);
    Ok(print_document(
        &format!("Mã QR — {}", counter.name),
        size,
        &body,
    ))
}

async fn unit_sheet(
    state: web::Data<AppState>,
    req: HttpRequest,
    actor: Actor,
    id: web::Path<String>,
    q: web::Query<SizeQuery>,
) -> AppResult<HttpResponse> {
    let id = id.into_inner();
    let a = actor.clone();
    let (unit, list) = state
        .db
        .run(move |c| {
            let unit = units::visible(c, &a, &id)?;
            let list = counters::list(
                c,
                &a,
                &shared::model::ListQuery {
                    unit_id: Some(unit.id.clone()),
                    per_page: Some(shared::model::ListQuery::MAX_PER_PAGE),
                    ..Default::default()
                },
            )?;
            Ok((unit, list))
        })
        .await?;
    let base = base_url(&state, &req);
    let size = paper(&q);
    let mut body = String::new();
    // Only the unit's own counters, not those of units below it.
    for c in list.items.iter().filter(|c| c.unit_id == unit.id) {
        let url = counter_url(&base, &c.qr_token);
        body.push_str(&poster_html(size, &unit.name, &c.name, &url, &svg(&url)?));
    }
    if body.is_empty() {
        body = "<p class=\"toolbar\">Đơn vị chưa có quầy nào đang mở.</p>".into();
    }
    Ok(print_document(
        &format!("Mã QR — {}", unit.name),
        size,
        &body,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_code_carries_the_counter_url_and_renders_both_ways() {
        let url = counter_url("https://minhbach.example.vn", "Ab3_x-Token");
        assert_eq!(url, "https://minhbach.example.vn/q/Ab3_x-Token");
        let s = svg(&url).unwrap();
        assert!(s.starts_with("<?xml") && s.contains("<svg"));
        let p = png(&url).unwrap();
        let img = image::load_from_memory(&p).unwrap().to_luma8();
        assert!(img.width() >= 600);
        // What a phone's camera would read.
        let mut prepared = rqrr::PreparedImage::prepare(img);
        let grids = prepared.detect_grids();
        assert_eq!(grids.len(), 1);
        let (_, content) = grids[0].decode().unwrap();
        assert_eq!(content, url);
    }

    #[test]
    fn poster_text_is_escaped() {
        let html = poster_html("a4", "UBND <xã>", "Quầy \"1\"", "u", "");
        assert!(html.contains("UBND &lt;xã&gt;") && html.contains("Quầy &quot;1&quot;"));
    }
}
