//! Builds the application: database and migrations, state, middleware, the API and the pages.

use crate::auth::{JwtKeys, SESSION_COOKIE};
use crate::config::Config;
use crate::db::{now_ms, Db};
use crate::db_run;
use crate::error::AppError;
use crate::schema::server_secrets;
use crate::state::{AppState, AppStateInner};
use actix_web::body::MessageBody;
use actix_web::dev::{Server, ServiceRequest, ServiceResponse};
use actix_web::http::{header, Method};
use actix_web::middleware::{from_fn, Compress, DefaultHeaders, Next};
use actix_web::{web, App, HttpMessage, HttpResponse, HttpServer};
use diesel::prelude::*;
use shared::model::Health;
use shared::ErrorCode;
use std::net::TcpListener;
use std::sync::Arc;
use tracing_actix_web::TracingLogger;

pub struct Application {
    port: u16,
    server: Server,
    pub state: AppState,
}

impl Application {
    pub async fn build(config: Config) -> anyhow::Result<Application> {
        let db = Db::connect(&config.database_url, config.db_pool_size)?;
        let migrator = db.clone();
        let applied = tokio::task::spawn_blocking(move || migrator.migrate()).await??;
        if applied > 0 {
            tracing::info!(applied, "database migrations applied");
            // Reports received before deadlines were stored get theirs now.
            let filled = db
                .run(|c| crate::services::cases::store_open_deadlines(c, true))
                .await
                .map_err(|e| anyhow::anyhow!("storing the deadlines of open cases: {}", e.0))?;
            if filled > 0 {
                tracing::info!(filled, "deadlines stored for open cases");
            }
        }
        // The seeded years of the working-day calendar, on first start (an edited year stays).
        db.run(crate::services::calendar::seed)
            .await
            .map_err(|e| anyhow::anyhow!("seeding the calendar: {}", e.0))?;
        let secret = match &config.jwt_secret {
            Some(s) if s.len() >= 32 => s.clone(),
            Some(_) => anyhow::bail!("MINHBACH_JWT_SECRET must be at least 32 characters"),
            None => {
                let db = db.clone();
                tokio::task::spawn_blocking(move || stored_secret(&db, "jwt")).await??
            }
        };
        let pseudonym_key = {
            let db = db.clone();
            tokio::task::spawn_blocking(move || stored_secret(&db, "pseudonym")).await??
        };
        let data_key = match &config.data_key {
            Some(k) => crate::crypto::DataKey::from_base64(k)?,
            None => {
                tracing::warn!(
                    "MINHBACH_DATA_KEY is not set: using a key kept in the database; set one in production"
                );
                let db = db.clone();
                let stored = tokio::task::spawn_blocking(move || {
                    stored_secret_with(&db, "data-key", crate::crypto::DataKey::generate_base64)
                })
                .await??;
                crate::crypto::DataKey::from_base64(&stored)?
            }
        };
        let rating_writer =
            crate::rating_writer::RatingWriter::start(db.clone(), config.rating_rules());
        let state = AppState(Arc::new(AppStateInner {
            rating_writer,
            data_key,
            jwt: JwtKeys::new(secret.as_bytes()),
            limits: crate::limits::Limits::new(&config, &db, pseudonym_key.as_bytes()),
            pseudonym_key: pseudonym_key.into_bytes(),
            public_figures: crate::public_figures::PublicFiguresCache::new(
                std::time::Duration::from_secs(config.public_cache_secs),
                config.min_ratings,
            ),
            photo_store: crate::photo_store::PhotoStore::from_config(&config)?,
            photo_decodes: tokio::sync::Semaphore::new(
                std::thread::available_parallelism().map_or(2, |n| n.get()),
            ),
            db,
            config,
        }));
        if state.config.overdue_interval_secs > 0 {
            crate::services::overdue::spawn(
                state.db.clone(),
                std::time::Duration::from_secs(state.config.overdue_interval_secs),
            );
        }
        if state.config.reception_digest_interval_secs > 0 {
            crate::services::notifications::spawn_digests(
                state.db.clone(),
                std::time::Duration::from_secs(state.config.reception_digest_interval_secs),
                state.config.reception_digest_hour,
            );
        }
        if state.config.lifecycle_interval_secs > 0 {
            crate::services::lifecycle::spawn(
                state.db.clone(),
                state.photo_store.clone(),
                state.config.retention(),
                std::time::Duration::from_secs(state.config.lifecycle_interval_secs),
            );
        }
        if state.limits.shared() {
            crate::limits::spawn_sweep(state.db.clone());
        }
        match crate::services::outbox::Gateway::from_config(&state.config)? {
            Some(gateway) => crate::services::outbox::spawn(
                state.clone(),
                gateway,
                std::time::Duration::from_millis(state.config.notify_interval_ms.max(10)),
            ),
            None => {
                tracing::info!("no MINHBACH_NOTIFY_URL: messages wait in the outbox")
            }
        }
        let listener = TcpListener::bind(&state.config.addr)?;
        let port = listener.local_addr()?.port();
        let server = run(listener, state.clone())?;
        Ok(Application {
            port,
            server,
            state,
        })
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// Stops the server as SIGTERM does (for tests that stop one of several processes).
    pub fn server_handle(&self) -> actix_web::dev::ServerHandle {
        self.server.handle()
    }

    /// Serves until stopped (SIGTERM or SIGINT: requests in flight are finished first), then
    /// hands this server's job leases over to the other processes.
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        self.server.await?;
        let db = self.state.db.clone();
        let holder = db.lease_holder().to_string();
        match db
            .run(move |conn| crate::services::jobs::release_leases(conn, &holder))
            .await
        {
            Ok(released) => tracing::info!(released, "stopped; job leases released"),
            Err(e) => {
                tracing::warn!(error = %e.0.message.en, "stopped; job leases will lapse instead")
            }
        }
        Ok(())
    }
}

/// The JWT key kept in the database, made on first start. Every process on the same
/// database reads the same key; a race between two first starts is settled by the primary key.
fn stored_secret(db: &Db, name: &str) -> anyhow::Result<String> {
    stored_secret_with(db, name, || {
        crate::auth::random_token() + &crate::auth::random_token()
    })
}

/// A secret kept in the database, made by `make` on first start.
fn stored_secret_with(
    db: &Db,
    name: &str,
    make: impl FnOnce() -> String,
) -> anyhow::Result<String> {
    let mut conn = db.get()?;
    let conn = &mut conn;
    let read = |conn: &mut crate::db::DbConn| -> Result<Option<String>, diesel::result::Error> {
        let n = name.to_string();
        db_run!(conn, {
            server_secrets::table
                .find(n)
                .select(server_secrets::value)
                .first::<String>(conn)
                .optional()
        })
    };
    if let Some(v) = read(conn)? {
        return Ok(v);
    }
    let value = make();
    let n = name.to_string();
    let now = now_ms();
    let _ = db_run!(conn, {
        diesel::insert_into(server_secrets::table)
            .values((
                server_secrets::name.eq(n),
                server_secrets::value.eq(value),
                server_secrets::created_at.eq(now),
            ))
            .execute(conn)
    });
    read(conn)?.ok_or_else(|| anyhow::anyhow!("could not store the {name} secret"))
}

fn run(listener: TcpListener, state: AppState) -> anyhow::Result<Server> {
    let workers = state.config.workers;
    let hsts = state.config.cookies_secure();
    let leptos = crate::pages::LeptosSite::new(&state.config);
    if state.config.warm_assets {
        let assets = leptos.assets.clone();
        tokio::task::spawn_blocking(move || assets.warm());
    }
    let mut server = HttpServer::new(move || {
        let data = web::Data::new(state.clone());
        let app = App::new()
            .app_data(data)
            .wrap(from_fn(csrf_guard))
            .wrap(from_fn(client_address_for_pages))
            .wrap(from_fn(no_store_citizen_pages))
            .wrap(Compress::default())
            .wrap(security_headers(hsts))
            .wrap(from_fn(request_id_header))
            .wrap(from_fn(crate::metrics::record_requests))
            .wrap(TracingLogger::<crate::telemetry::RequestSpan>::new())
            .route("/healthz", web::get().to(healthz))
            .route("/readyz", web::get().to(readyz))
            .route("/metrics", web::get().to(crate::metrics::endpoint))
            // Before the staff API: its /api/v1 scope answers 404 for any path it does not know.
            .configure(crate::citizen::configure)
            .configure(crate::report_api::configure)
            .configure(crate::qr::configure)
            .configure(crate::api::configure);
        crate::pages::mount(app, &leptos, state.clone())
    })
    .shutdown_timeout(30)
    // Pages are streamed in several writes: with Nagle's algorithm on (the OS default) a write
    // after the first waits for the client's delayed ACK, 40 ms on Linux. Measured on the
    // public page (tests/bench/figures.sh): p99 44-48 ms and 250-1,050 req/s without, 5-6 ms
    // and 3,000 req/s with.
    .tcp_nodelay(true);
    if workers > 0 {
        server = server.workers(workers);
    }
    Ok(server.listen(listener)?.run())
}

/// The headers every response carries. `hsts`: the site is served over HTTPS (the same switch
/// as `Secure` cookies: on unless listening on loopback), so browsers are told to never try
/// plain HTTP for a year; on a developer's localhost it would pin HTTPS on every local port.
fn security_headers(hsts: bool) -> DefaultHeaders {
    let headers = DefaultHeaders::new()
        .add((header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        // Nothing here needs the camera, microphone, location or payments: the report form's
        // photos come from a file input, which no permission governs.
        .add((
            header::HeaderName::from_static("permissions-policy"),
            "camera=(), microphone=(), geolocation=(), payment=(), usb=()",
        ))
        .add((header::REFERRER_POLICY, "same-origin"))
        .add((header::X_FRAME_OPTIONS, "DENY"))
        // Pages set their own, with their scripts' nonce (`app::shell`): DefaultHeaders adds
        // a header only where the response has none.
        .add((
            header::CONTENT_SECURITY_POLICY,
            app::content_security_policy(None),
        ));
    if hsts {
        headers.add((
            header::STRICT_TRANSPORT_SECURITY,
            "max-age=31536000; includeSubDomains",
        ))
    } else {
        headers
    }
}

/// Returns the id the logs carry for this request (tracing-actix-web's) as `x-request-id`, so
/// that an error a user reports, or a proxy's log line, leads to the server's log lines.
async fn request_id_header(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let id = req
        .extensions()
        .get::<tracing_actix_web::RequestId>()
        .map(|id| id.to_string());
    let mut res = next.call(req).await?;
    if let Some(value) = id.and_then(|id| header::HeaderValue::from_str(&id).ok()) {
        res.headers_mut()
            .insert(header::HeaderName::from_static("x-request-id"), value);
    }
    Ok(res)
}

/// The citizen's pages: the counter page and everything under it, the report form and the
/// tracking page. Their forms carry a fresh idempotency key and their answers may hold a
/// receipt or a secret: a cache that kept one would hand the same key, or the secret, to the
/// next phone behind it.
fn is_citizen_page(path: &str) -> bool {
    path.starts_with("/q/") || matches!(path, "/report" | "/track")
}

/// `Cache-Control: no-store` on every answer of a citizen's page, whoever rendered it (the
/// Leptos pages, the form posts, their redirects).
async fn no_store_citizen_pages(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let no_store = is_citizen_page(req.path());
    let mut res = next.call(req).await?;
    if no_store {
        res.headers_mut().insert(
            header::CACHE_CONTROL,
            header::HeaderValue::from_static("no-store"),
        );
    }
    Ok(res)
}

/// Puts the client's address (as `auth::client_address` reads it, the proxy setting applied)
/// into the request's extensions, where the pages' server functions find it for the audit log:
/// the app cannot call the server's code, nor read its settings.
async fn client_address_for_pages(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let trust_proxy = req
        .app_data::<web::Data<AppState>>()
        .is_some_and(|s| s.config.trust_proxy);
    let address = crate::auth::client_address(req.request(), trust_proxy);
    req.extensions_mut()
        .insert(app::backend::ClientAddress(address));
    next.call(req).await
}

/// Refuses a state-changing request that a browser sent from another site. Requests with a
/// bearer token are not at risk (a browser never adds that header on its own); cookie-carrying
/// requests must show an Origin or Referer of this very host. The session cookie is also
/// SameSite=Strict; this is the second lock.
async fn csrf_guard(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let safe = matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS);
    if !safe && !req.headers().contains_key(header::AUTHORIZATION) {
        let host = req.connection_info().host().to_string();
        let origin_host = |value: &str| -> Option<String> {
            let rest = value.split_once("://")?.1;
            Some(rest.split('/').next().unwrap_or("").to_string())
        };
        let seen = req
            .headers()
            .get(header::ORIGIN)
            .or_else(|| req.headers().get(header::REFERER))
            .and_then(|v| v.to_str().ok())
            .map(|v| origin_host(v).unwrap_or_default());
        let has_cookie = req.cookie(SESSION_COOKIE).is_some();
        let ok = match seen {
            Some(h) => h == host,
            None => !has_cookie,
        };
        if !ok {
            tracing::warn!(path = %req.path(), "cross-site request refused");
            return Err(AppError::code(ErrorCode::CsrfRejected).into());
        }
    }
    next.call(req).await
}

#[utoipa::path(get, path = "/healthz", tag = "health", responses((status = 200, body = Health)))]
pub async fn healthz() -> HttpResponse {
    HttpResponse::Ok().json(Health {
        status: "ok".into(),
    })
}

#[utoipa::path(get, path = "/readyz", tag = "health", responses((status = 200, body = Health), (status = 503, body = shared::ApiError)))]
pub async fn readyz(state: web::Data<AppState>) -> Result<HttpResponse, AppError> {
    let db = state.db.clone();
    tokio::task::spawn_blocking(move || db.ping())
        .await
        .map_err(AppError::internal)?
        .map_err(|_| AppError::code(ErrorCode::Unavailable))?;
    Ok(HttpResponse::Ok().json(Health {
        status: "ready".into(),
    }))
}
