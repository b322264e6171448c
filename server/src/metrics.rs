//! Prometheus metrics at `/metrics` (the `prometheus-client` crate, the Prometheus project's
//! own Rust client): requests and their latency per route, the database pool, the outbox's
//! depth, background job runs, refused uploads and stored submissions. One registry per
//! process (a static), so every part of the server can count without carrying a handle
//! (the database's figures are read per server at each scrape);
//! Prometheus scrapes each process and sums them. The proxy does not serve `/metrics`
//! (deploy/nginx-minhbach.conf): it is scraped on each process's own port.

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::middleware::Next;
use actix_web::HttpResponse;
use prometheus_client::encoding::{text, EncodeLabelSet};
use prometheus_client::metrics::counter::{ConstCounter, Counter};
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::ConstGauge;
use prometheus_client::metrics::histogram::{exponential_buckets, Histogram};
use prometheus_client::registry::Registry;
use std::sync::LazyLock;

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct RequestLabels {
    pub method: String,
    /// The route's pattern (`/api/v1/reports/{id}`), never the raw path: one series per route
    /// whatever the ids, and "other" for what matched none (scanners' 404s).
    pub route: String,
    pub status: u16,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct RouteLabels {
    pub method: String,
    pub route: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct JobLabels {
    pub job: String,
    /// `ran`, `skipped` (another process holds the lease) or `failed`.
    pub outcome: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct ReasonLabels {
    /// The error code the citizen was answered with (`payload_too_large`, `invalid_photo`…).
    pub reason: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct KindLabels {
    pub kind: String,
}

fn latency_histogram() -> Histogram {
    // 1 ms to about 16 s.
    Histogram::new(exponential_buckets(0.001, 2.0, 15))
}

pub struct Metrics {
    registry: Registry,
    pub requests: Family<RequestLabels, Counter>,
    pub latency: Family<RouteLabels, Histogram, fn() -> Histogram>,
    pub job_runs: Family<JobLabels, Counter>,
    pub rejected_uploads: Family<ReasonLabels, Counter>,
    pub stored: Family<KindLabels, Counter>,
}

pub static METRICS: LazyLock<Metrics> = LazyLock::new(Metrics::new);

impl Metrics {
    fn new() -> Metrics {
        let mut registry = Registry::with_prefix("minhbach");
        let requests = Family::default();
        let latency = Family::new_with_constructor(latency_histogram as fn() -> Histogram);
        let job_runs = Family::default();
        let rejected_uploads = Family::default();
        let stored = Family::default();
        registry.register(
            "http_requests",
            "HTTP requests answered, by method, route and status",
            requests.clone(),
        );
        registry.register(
            "http_request_duration_seconds",
            "Time from a request's arrival to its answer, by method and route",
            latency.clone(),
        );
        registry.register(
            "job_runs",
            "Background job ticks, by job and outcome (ran, skipped: another process holds the lease, failed)",
            job_runs.clone(),
        );
        registry.register(
            "rejected_uploads",
            "Citizen uploads refused, by the error code answered",
            rejected_uploads.clone(),
        );
        registry.register(
            "stored_submissions",
            "Citizen submissions stored (rating, report)",
            stored.clone(),
        );
        Metrics {
            registry,
            requests,
            latency,
            job_runs,
            rejected_uploads,
            stored,
        }
    }

    /// The text exposition: this process's counters, then what `db` says now (its pool, its
    /// outbox, the connections it handed out).
    pub fn render(&self, db: &DbGauges) -> String {
        let mut local = Registry::with_prefix("minhbach");
        local.register(
            "db_calls",
            "Database connections taken from the pool",
            ConstCounter::new(db.calls),
        );
        local.register(
            "db_pool_connections",
            "Connections the pool holds (busy and idle)",
            ConstGauge::new(db.pool_connections as i64),
        );
        local.register(
            "db_pool_idle_connections",
            "Idle connections in the pool",
            ConstGauge::new(db.pool_idle as i64),
        );
        local.register(
            "db_pool_max_connections",
            "The pool's size",
            ConstGauge::new(db.pool_max as i64),
        );
        local.register(
            "outbox_pending_messages",
            "Messages to citizens and staff not yet delivered (SMS, Zalo, e-mail)",
            ConstGauge::new(db.outbox_pending),
        );
        local.register(
            "outbox_oldest_pending_seconds",
            "Age of the oldest undelivered message (0 when none)",
            ConstGauge::new(db.outbox_oldest_secs),
        );
        let mut out = String::new();
        text::encode_registry(&mut out, &self.registry)
            .and_then(|()| text::encode_registry(&mut out, &local))
            .and_then(|()| text::encode_eof(&mut out))
            .expect("writing to a String does not fail");
        out
    }
}

/// What one database says at a scrape. Kept apart from the process's registry because tests
/// run several servers in one process, each on its own database.
pub struct DbGauges {
    pub calls: u64,
    pub pool_connections: u32,
    pub pool_idle: u32,
    pub pool_max: u32,
    pub outbox_pending: i64,
    pub outbox_oldest_secs: i64,
}

/// `GET /metrics`. Not behind a sign-in: the proxy does not pass it on, and it names no person.
pub async fn endpoint(state: actix_web::web::Data<crate::state::AppState>) -> HttpResponse {
    let db = state.db.clone();
    // The calls before this scrape's own query, which is not counted either: a scrape does
    // not change what the next one reads (the figures tests compare two scrapes).
    let calls = db.calls();
    let gauges = tokio::task::spawn_blocking(move || {
        let (pool_connections, pool_idle, pool_max) = db.pool_state();
        let (outbox_pending, outbox_oldest_secs) = db
            .get_uncounted()
            .map_err(crate::error::AppError::from)
            .and_then(|mut c| crate::services::outbox::depth(&mut c, crate::db::now_ms()))
            .unwrap_or((-1, -1));
        DbGauges {
            calls,
            pool_connections,
            pool_idle,
            pool_max,
            outbox_pending,
            outbox_oldest_secs,
        }
    })
    .await;
    match gauges {
        Ok(gauges) => HttpResponse::Ok()
            .content_type("application/openmetrics-text; version=1.0.0; charset=utf-8")
            .body(METRICS.render(&gauges)),
        Err(_) => HttpResponse::InternalServerError().finish(),
    }
}

/// Counts each answered request and its latency, by route pattern.
pub async fn record_requests(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let started = std::time::Instant::now();
    let method = match req.method().as_str() {
        m @ ("GET" | "HEAD" | "POST" | "PUT" | "PATCH" | "DELETE" | "OPTIONS") => m,
        _ => "other",
    }
    .to_string();
    let res = next.call(req).await?;
    let route = res
        .request()
        .match_pattern()
        .unwrap_or_else(|| "other".to_string());
    METRICS
        .requests
        .get_or_create(&RequestLabels {
            method: method.clone(),
            route: route.clone(),
            status: res.status().as_u16(),
        })
        .inc();
    METRICS
        .latency
        .get_or_create(&RouteLabels { method, route })
        .observe(started.elapsed().as_secs_f64());
    Ok(res)
}

/// Counts a refused upload.
pub fn upload_rejected(code: shared::ErrorCode) {
    METRICS
        .rejected_uploads
        .get_or_create(&ReasonLabels {
            reason: code.as_str().to_string(),
        })
        .inc();
}

/// Counts a stored citizen submission.
pub fn stored(kind: &str) {
    METRICS
        .stored
        .get_or_create(&KindLabels {
            kind: kind.to_string(),
        })
        .inc();
}

/// Counts one tick of a background job.
pub fn job_run(job: &str, outcome: &str) {
    METRICS
        .job_runs
        .get_or_create(&JobLabels {
            job: job.to_string(),
            outcome: outcome.to_string(),
        })
        .inc();
}
