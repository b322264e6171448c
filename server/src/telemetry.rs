//! Structured JSON logs with a request id on every line. The request span carries the method
//! and the path only: never the query string, headers, cookies or body, so no password, token
//! or personal field can reach a log line through it.

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::HttpMessage;
use tracing::Span;
use tracing_actix_web::{RequestId, RootSpanBuilder};
use tracing_subscriber::fmt::MakeWriter;
use tracing_subscriber::{fmt, EnvFilter};

pub fn init_logging() {
    init_logging_with_writer(std::io::stdout);
}

/// The same subscriber writing its lines to `make_writer` (the black-box tests use a buffer to
/// check what reaches the logs). Returns false when a global subscriber was already set.
pub fn init_logging_with_writer<W>(make_writer: W) -> bool
where
    W: for<'a> MakeWriter<'a> + Send + Sync + 'static,
{
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    fmt()
        .json()
        .with_current_span(true)
        .with_span_list(false)
        .with_env_filter(filter)
        .with_writer(make_writer)
        .try_init()
        .is_ok()
}

pub struct RequestSpan;

impl RootSpanBuilder for RequestSpan {
    fn on_request_start(request: &ServiceRequest) -> Span {
        let request_id = request
            .extensions()
            .get::<RequestId>()
            .map(|id| id.to_string())
            .unwrap_or_default();
        tracing::info_span!(
            "request",
            request_id = %request_id,
            method = %request.method(),
            path = %request.path(),
            status = tracing::field::Empty,
        )
    }

    fn on_request_end<B: MessageBody>(
        span: Span,
        outcome: &Result<ServiceResponse<B>, actix_web::Error>,
    ) {
        let status = match outcome {
            Ok(res) => res.status().as_u16(),
            Err(e) => e.as_response_error().status_code().as_u16(),
        };
        span.record("status", status);
        let _guard = span.enter();
        if status >= 500 {
            tracing::error!(status, "request failed");
        } else {
            tracing::info!(status, "request");
        }
    }
}
