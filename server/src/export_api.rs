//! The downloads of the figures, mounted inside the `/api/v1` scope of [`crate::api`]: a
//! dashboard's tables, an officer's scorecard, and every rating of a month. The pages link to
//! them and the browser downloads them with its session cookie, as it does the reception log;
//! API clients send their bearer token.
//!
//! Each download is checked (the role, the unit within the reader's units, the format, the
//! table, the month) before anything is recorded or sent: a refusal is a 400/403/404 with its
//! message in both languages, and nothing is written. A download that is allowed is recorded in
//! the audit log before the file is sent.

use crate::auth::Actor;
use crate::db::Db;
use crate::error::{AppError, AppResult};
use crate::export::{self, FileFormat, XlsxStream};
use crate::services::exports::{self, RatingPages, RatingsScope};
use crate::services::figures;
use crate::state::AppState;
use actix_web::http::header;
use actix_web::web::{self, Bytes};
use actix_web::{HttpResponse, HttpResponseBuilder};
use futures_util::stream::{self, Stream};
use shared::figures::{FiguresQuery, PeriodKind, UnitSort};
use shared::table::{
    dashboard_tables, scorecard_tables, Table, DASHBOARD_TABLES, SCORECARD_TABLES,
};
use shared::{ApiError, FieldCode, Lang};
use utoipa::OpenApi;

type State = web::Data<AppState>;

/// Chunks of a streamed file waiting for a slow client (each a page of ratings, or 64 KiB of a
/// workbook): beyond them the reading waits, so a download over a slow line holds a few pages
/// in memory, never the month.
const CHANNEL_CHUNKS: usize = 4;

/// How much of an assembled workbook is read from its temporary file at a time.
const FILE_CHUNK: usize = 64 * 1024;

/// The routes, relative to the `/api/v1` scope.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/figures/export", web::get().to(export_dashboard))
        .route(
            "/figures/officers/{staff_id}/export",
            web::get().to(export_scorecard),
        )
        .route("/exports/ratings", web::get().to(export_ratings));
}

#[derive(OpenApi)]
#[openapi(
    paths(export_dashboard, export_scorecard, export_ratings),
    tags((name = "exports", description = "Tải số liệu (.xlsx, CSV) / Downloads of the figures (.xlsx, CSV)"))
)]
pub struct ExportApiDoc;

/// `GET /api/v1/figures/export`: the dashboard's query, and which table in which format.
#[derive(Debug, Default, serde::Deserialize, utoipa::IntoParams)]
pub struct FiguresExportQuery {
    /// The unit (with its subtree); the reader's own by default.
    #[serde(default)]
    pub unit_id: Option<String>,
    #[serde(default)]
    #[param(inline)]
    pub period: Option<PeriodKind>,
    /// The day the period is around, `YYYY-MM-DD` (or `dd/mm/yyyy`); today by default.
    #[serde(default)]
    #[param(format = Date)]
    pub day: Option<String>,
    /// The first day of a `custom` period, `YYYY-MM-DD` (or `dd/mm/yyyy`).
    #[serde(default)]
    #[param(format = Date)]
    pub from: Option<String>,
    /// The last day of a `custom` period, included.
    #[serde(default)]
    #[param(format = Date)]
    pub to: Option<String>,
    /// How the table of units is ranked (satisfaction by default).
    #[serde(default)]
    #[param(inline)]
    pub sort: Option<UnitSort>,
    /// One table: `summary`, `units`, `counters`, `officers`, `sipas`, `kinds`, `categories`,
    /// `statuses`, `deadlines`, `months`, `weeks`; or `all` (the default, .xlsx only: one
    /// worksheet per table).
    #[serde(default)]
    pub table: Option<String>,
    /// `xlsx` (the default) or `csv`.
    #[serde(default)]
    pub format: Option<String>,
    /// The language of headers and labels: `vi` (the default) or `en`.
    #[serde(default)]
    pub lang: Option<String>,
}

/// `GET /api/v1/figures/officers/{staff_id}/export`.
#[derive(Debug, Default, serde::Deserialize, utoipa::IntoParams)]
pub struct ScorecardExportQuery {
    /// `YYYY-MM` or `mm/yyyy`; the current month by default.
    #[serde(default)]
    #[param(pattern = r"^(\d{4}-\d{1,2}|\d{1,2}/\d{4})$")]
    pub month: Option<String>,
    /// `scorecard`, `sipas`, `reports`, or `all` (the default, .xlsx only).
    #[serde(default)]
    pub table: Option<String>,
    /// `xlsx` (the default) or `csv`.
    #[serde(default)]
    pub format: Option<String>,
    /// `vi` (the default) or `en`.
    #[serde(default)]
    pub lang: Option<String>,
}

/// `GET /api/v1/exports/ratings`.
#[derive(Debug, Default, serde::Deserialize, utoipa::IntoParams)]
pub struct RatingsExportQuery {
    /// The unit (with its subtree); the reader's own by default.
    #[serde(default)]
    pub unit_id: Option<String>,
    /// `YYYY-MM` or `mm/yyyy`, a month in Vietnam time; the current month by default.
    #[serde(default)]
    #[param(pattern = r"^(\d{4}-\d{1,2}|\d{1,2}/\d{4})$")]
    pub month: Option<String>,
    /// `xlsx` (the default) or `csv`.
    #[serde(default)]
    pub format: Option<String>,
    /// `vi` (the default) or `en`.
    #[serde(default)]
    pub lang: Option<String>,
}

fn lang_of(value: Option<&str>) -> Lang {
    value.map(Lang::parse).unwrap_or_default()
}

/// The table asked for among `keys`: `None` for all of them. A CSV file holds one table.
fn chosen_table(
    value: Option<&str>,
    keys: &[&'static str],
    format: FileFormat,
) -> AppResult<Option<&'static str>> {
    let value = value.map(str::trim).filter(|v| !v.is_empty());
    let chosen = match value {
        None | Some("all") => None,
        Some(v) => match keys.iter().find(|k| **k == v) {
            Some(k) => Some(*k),
            None => {
                let list = keys.join(", ");
                return Err(AppError(ApiError::field(
                    "table",
                    FieldCode::InvalidValue,
                    &format!("Không có bảng này. Chọn một trong: {list}, hoặc all."),
                    &format!("There is no such table. Choose one of: {list}, or all."),
                )));
            }
        },
    };
    if chosen.is_none() && format == FileFormat::Csv {
        return Err(AppError(ApiError::field(
            "table",
            FieldCode::Required,
            &format!(
                "Một tệp CSV chứa một bảng: hãy chọn bảng (table=), một trong: {}.",
                keys.join(", ")
            ),
            &format!(
                "A CSV file holds one table: choose it (table=), one of: {}.",
                keys.join(", ")
            ),
        )));
    }
    Ok(chosen)
}

/// The headers every download carries: its type, a file name in ASCII (no encoding needed in
/// the header), and no caching of figures that are personal to the reader's units.
fn download(format: FileFormat, file_name: &str) -> HttpResponseBuilder {
    let mut res = HttpResponse::Ok();
    res.content_type(format.content_type())
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"{file_name}\""),
        ))
        .insert_header((header::CACHE_CONTROL, "no-store"));
    res
}

/// Writes the chosen tables (all when `key` is `None`) as one file, on the blocking pool (the
/// workbook is zipped).
async fn render(
    tables: Vec<Table>,
    key: Option<&'static str>,
    format: FileFormat,
    lang: Lang,
) -> AppResult<Vec<u8>> {
    let tables: Vec<Table> = tables
        .into_iter()
        .filter(|t| key.is_none_or(|k| t.key == k))
        .collect();
    tokio::task::spawn_blocking(move || match format {
        FileFormat::Xlsx => export::tables_xlsx(&tables, lang),
        FileFormat::Csv => match tables.first() {
            Some(t) => export::table_csv(t, lang),
            None => Err(AppError::internal("no table to write")),
        },
    })
    .await
    .map_err(AppError::internal)?
}

/// The dashboard's tables as a file: every table (one worksheet each) or the one named by
/// `table` (.xlsx or CSV). The same figures as `GET /api/v1/figures` with the same query; a rate
/// under the minimum number of ratings is an empty cell, never 0. Recorded in the audit log.
#[utoipa::path(get, path = "/api/v1/figures/export", tag = "exports", params(FiguresExportQuery), security(("bearer" = [])),
    responses(
        (status = 200, description = "thong-ke-<unit code>-<from>-<to>[-<table>].xlsx|csv", content(
            (String = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
            (String = "text/csv"))),
        (status = 400, body = ApiError), (status = 401, body = ApiError), (status = 403, body = ApiError), (status = 404, body = ApiError)))]
async fn export_dashboard(
    state: State,
    actor: Actor,
    q: web::Query<FiguresExportQuery>,
) -> AppResult<HttpResponse> {
    let q = q.into_inner();
    let format = FileFormat::parse(q.format.as_deref())?;
    let key = chosen_table(q.table.as_deref(), DASHBOARD_TABLES, format)?;
    let lang = lang_of(q.lang.as_deref());
    let query = FiguresQuery {
        unit_id: q.unit_id,
        period: q.period,
        day: q.day,
        from: q.from,
        to: q.to,
        sort: q.sort,
    };
    let min = state.config.min_ratings;
    let (dashboard, code) = state
        .db
        .run(move |c| {
            let d = figures::dashboard(c, &actor, &query, min)?;
            let code = exports::unit_code(c, &d.unit_id)?;
            exports::record_figures_export(
                c,
                &actor,
                &d.unit_id,
                serde_json::json!({
                    "from": d.from, "to": d.to,
                    "table": key.unwrap_or("all"), "format": format.extension(),
                }),
            )?;
            Ok((d, code))
        })
        .await?;
    let name = format!(
        "thong-ke-{code}-{}-{}{}.{}",
        dashboard.from,
        dashboard.to,
        key.map(|k| format!("-{k}")).unwrap_or_default(),
        format.extension()
    );
    let bytes = render(dashboard_tables(&dashboard, lang), key, format, lang).await?;
    Ok(download(format, &name).body(bytes))
}

/// An officer's monthly scorecard as a file: the officer's ratings and deadlines, the SIPAS
/// criteria, the reports about them by category (.xlsx: one worksheet each; CSV: the one named
/// by `table`). Recorded in the audit log.
#[utoipa::path(get, path = "/api/v1/figures/officers/{staff_id}/export", tag = "exports", params(("staff_id" = String, Path), ScorecardExportQuery), security(("bearer" = [])),
    responses(
        (status = 200, description = "phieu-danh-gia-<badge>-<YYYY-MM>[-<table>].xlsx|csv", content(
            (String = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
            (String = "text/csv"))),
        (status = 400, body = ApiError), (status = 401, body = ApiError), (status = 403, body = ApiError), (status = 404, body = ApiError)))]
async fn export_scorecard(
    state: State,
    actor: Actor,
    path: web::Path<String>,
    q: web::Query<ScorecardExportQuery>,
) -> AppResult<HttpResponse> {
    let (staff_id, q) = (path.into_inner(), q.into_inner());
    let format = FileFormat::parse(q.format.as_deref())?;
    let key = chosen_table(q.table.as_deref(), SCORECARD_TABLES, format)?;
    let lang = lang_of(q.lang.as_deref());
    let min = state.config.min_ratings;
    let card = state
        .db
        .run(move |c| {
            let s = figures::scorecard(c, &actor, &staff_id, q.month.as_deref(), min)?;
            exports::record_scorecard_export(
                c,
                &actor,
                &staff_id,
                serde_json::json!({
                    "from": s.from, "to": s.to,
                    "table": key.unwrap_or("all"), "format": format.extension(),
                }),
            )?;
            Ok(s)
        })
        .await?;
    let who = match exports::file_part(&card.badge_number) {
        b if b.is_empty() => "can-bo".to_string(),
        b => b,
    };
    let name = format!(
        "phieu-danh-gia-{who}-{}{}.{}",
        card.from.get(..7).unwrap_or(&card.from),
        key.map(|k| format!("-{k}")).unwrap_or_default(),
        format.extension()
    );
    let bytes = render(scorecard_tables(&card, lang), key, format, lang).await?;
    Ok(download(format, &name).body(bytes))
}

/// Every rating of a month (Vietnam time) in a unit's subtree, oldest first: time, unit,
/// counter, officer and badge, the overall answer, the five SIPAS scores, comment, dossier code,
/// and whether it counts in the figures (counted, flagged and awaiting review, rejected). Never
/// the device's or network's hashes. CSV is streamed page by page as it is read; .xlsx is
/// assembled row by row in a temporary file, then sent. Heads, committee members and
/// administrators over their units (403 for officers, 404 for a unit outside theirs). Recorded
/// in the audit log.
#[utoipa::path(get, path = "/api/v1/exports/ratings", tag = "exports", params(RatingsExportQuery), security(("bearer" = [])),
    responses(
        (status = 200, description = "danh-gia-<unit code>-<YYYY-MM>.xlsx|csv", content(
            (String = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
            (String = "text/csv"))),
        (status = 400, body = ApiError), (status = 401, body = ApiError), (status = 403, body = ApiError), (status = 404, body = ApiError)))]
async fn export_ratings(
    state: State,
    actor: Actor,
    q: web::Query<RatingsExportQuery>,
) -> AppResult<HttpResponse> {
    let q = q.into_inner();
    let format = FileFormat::parse(q.format.as_deref())?;
    let lang = lang_of(q.lang.as_deref());
    let scope = state
        .db
        .run(move |c| {
            exports::start_ratings_export(
                c,
                &actor,
                q.unit_id.as_deref(),
                q.month.as_deref(),
                format.extension(),
            )
        })
        .await?;
    let name = format!(
        "danh-gia-{}-{}.{}",
        scope.unit_code,
        scope.month,
        format.extension()
    );
    let db = state.db.clone();
    match format {
        FileFormat::Csv => Ok(download(format, &name).streaming(ratings_csv(db, scope, lang)?)),
        FileFormat::Xlsx => {
            let (file, len) = ratings_xlsx(db, scope, lang).await?;
            Ok(download(format, &name)
                .no_chunking(len)
                .streaming(file_chunks(file)))
        }
    }
}

/// The month's ratings as CSV, sent as they are read: a task reads a page at a time on the
/// blocking pool (each page its own connection, given back before the page is sent, so a slow
/// client holds no connection) and passes it, as CSV, through a bounded channel to the
/// response. A failure half-way ends the response with an error, so the client sees a broken
/// download rather than a file that looks complete.
fn ratings_csv(
    db: Db,
    scope: RatingsScope,
    lang: Lang,
) -> AppResult<impl Stream<Item = Result<Bytes, std::io::Error>>> {
    let header = export::csv_header(&exports::rating_columns(), lang)?;
    let (tx, rx) = tokio::sync::mpsc::channel::<Result<Bytes, std::io::Error>>(CHANNEL_CHUNKS);
    tokio::spawn(async move {
        if tx.send(Ok(Bytes::from(header))).await.is_err() {
            return;
        }
        let mut pages = RatingPages::new(scope, lang);
        loop {
            let read = db
                .run(move |c| {
                    let rows = pages.next_page(c)?;
                    let chunk = if rows.is_empty() {
                        None
                    } else {
                        Some(export::csv_rows(&rows)?)
                    };
                    Ok((pages, chunk))
                })
                .await;
            match read {
                Ok((next, Some(chunk))) => {
                    pages = next;
                    if tx.send(Ok(Bytes::from(chunk))).await.is_err() {
                        tracing::info!(rows = pages.rows_read, "ratings export: the client left");
                        return;
                    }
                }
                Ok((done, None)) => {
                    tracing::info!(rows = done.rows_read, "ratings export sent (csv)");
                    return;
                }
                Err(e) => {
                    tracing::error!(error = %e.0.message.en, "ratings export failed half-way");
                    let _ = tx
                        .send(Err(std::io::Error::other("the export failed")))
                        .await;
                    return;
                }
            }
        }
    });
    Ok(stream::unfold(rx, |mut rx| async move {
        rx.recv().await.map(|item| (item, rx))
    }))
}

/// The month's ratings as a workbook in a temporary file (constant-memory worksheets: each row
/// goes to disk as it is written), read a page at a time on the blocking pool. The file is
/// already unlinked: it disappears when the download ends, or if the process dies.
async fn ratings_xlsx(
    db: Db,
    scope: RatingsScope,
    lang: Lang,
) -> AppResult<(tokio::fs::File, u64)> {
    let title = lang.pick("Đánh giá", "Ratings");
    let mut book = XlsxStream::new(
        title,
        exports::rating_columns(),
        exports::rating_widths(),
        lang,
    );
    let mut pages = RatingPages::new(scope, lang);
    loop {
        let (p, b, more) = db
            .run(move |c| {
                let rows = pages.next_page(c)?;
                for row in &rows {
                    book.write_row(row)?;
                }
                Ok((pages, book, !rows.is_empty()))
            })
            .await?;
        (pages, book) = (p, b);
        if !more {
            break;
        }
    }
    let rows = pages.rows_read;
    let file = tokio::task::spawn_blocking(move || -> AppResult<std::fs::File> {
        use std::io::{Seek, SeekFrom};
        let mut file = tempfile::tempfile().map_err(AppError::internal)?;
        book.finish(&mut file)?;
        file.seek(SeekFrom::Start(0)).map_err(AppError::internal)?;
        Ok(file)
    })
    .await
    .map_err(AppError::internal)??;
    let len = file.metadata().map_err(AppError::internal)?.len();
    tracing::info!(rows, bytes = len, "ratings export assembled (xlsx)");
    Ok((tokio::fs::File::from_std(file), len))
}

/// A file read in chunks as the client takes them.
fn file_chunks(file: tokio::fs::File) -> impl Stream<Item = Result<Bytes, std::io::Error>> {
    stream::unfold(Some(file), |file| async move {
        use tokio::io::AsyncReadExt;
        let mut file = file?;
        let mut buf = vec![0u8; FILE_CHUNK];
        match file.read(&mut buf).await {
            Ok(0) => None,
            Ok(n) => {
                buf.truncate(n);
                Some((Ok(Bytes::from(buf)), Some(file)))
            }
            Err(e) => {
                tracing::error!(error = %e, "reading the assembled export failed");
                Some((Err(e), None))
            }
        }
    })
}
