//! The server's error type: an `ApiError` from `shared` (the one JSON shape clients see) built
//! from whatever failed underneath. Internal causes are logged here, once, and never sent out.

use actix_web::{http::StatusCode, HttpResponse, ResponseError};
use shared::{ApiError, ErrorCode};
use std::fmt;

pub struct AppError(pub ApiError);

/// Only the code: request middleware logs errors with `{:?}`, and messages can quote input.
impl fmt::Debug for AppError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "AppError({})", self.0.code)
    }
}

pub type AppResult<T> = Result<T, AppError>;

impl AppError {
    pub fn code(code: ErrorCode) -> Self {
        AppError(ApiError::new(code))
    }

    pub fn not_found() -> Self {
        AppError::code(ErrorCode::NotFound)
    }

    pub fn forbidden() -> Self {
        AppError::code(ErrorCode::Forbidden)
    }

    /// Logs the real cause and answers with a bare "internal" error.
    pub fn internal(cause: impl fmt::Display) -> Self {
        tracing::error!(error = %cause, "internal error");
        AppError::code(ErrorCode::Internal)
    }
}

impl fmt::Display for AppError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

impl From<ApiError> for AppError {
    fn from(e: ApiError) -> Self {
        AppError(e)
    }
}

impl From<diesel::result::Error> for AppError {
    fn from(e: diesel::result::Error) -> Self {
        use diesel::result::{DatabaseErrorKind, Error};
        match e {
            Error::NotFound => AppError::not_found(),
            Error::DatabaseError(DatabaseErrorKind::UniqueViolation, _) => {
                AppError::code(ErrorCode::Conflict)
            }
            Error::DatabaseError(DatabaseErrorKind::ForeignKeyViolation, _) => {
                AppError(ApiError::with_message(
                    ErrorCode::ValidationFailed,
                    "Dữ liệu tham chiếu không tồn tại.",
                    "A referenced record does not exist.",
                ))
            }
            Error::DatabaseError(DatabaseErrorKind::SerializationFailure, _) => {
                AppError::code(ErrorCode::Unavailable)
            }
            other => AppError::internal(other),
        }
    }
}

impl From<r2d2::Error> for AppError {
    fn from(e: r2d2::Error) -> Self {
        tracing::error!(error = %e, "database pool exhausted or unreachable");
        AppError::code(ErrorCode::Unavailable)
    }
}

impl ResponseError for AppError {
    fn status_code(&self) -> StatusCode {
        StatusCode::from_u16(self.0.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
    }

    fn error_response(&self) -> HttpResponse {
        let mut res = HttpResponse::build(self.status_code());
        if self.0.code == ErrorCode::RateLimited {
            res.insert_header(("Retry-After", "60"));
        }
        res.json(&self.0)
    }
}

/// Turns actix's own refusals of a body (bad JSON, wrong content type, too large) into the
/// API's error shape, with the reason in both languages.
pub fn json_config(limit: usize) -> actix_web::web::JsonConfig {
    actix_web::web::JsonConfig::default()
        .limit(limit)
        .error_handler(|err, _req| {
            use actix_web::error::JsonPayloadError as J;
            let api = match &err {
                J::OverflowKnownLength { .. } | J::Overflow { .. } => {
                    ApiError::new(ErrorCode::PayloadTooLarge)
                }
                J::ContentType => ApiError::with_message(
                    ErrorCode::UnsupportedMediaType,
                    "Dữ liệu phải ở dạng JSON (Content-Type: application/json).",
                    "The body must be JSON (Content-Type: application/json).",
                ),
                J::Deserialize(e) => ApiError::with_message(
                    ErrorCode::MalformedRequest,
                    format!("Dữ liệu JSON không hợp lệ: {e}"),
                    format!("The JSON body is not valid: {e}"),
                ),
                _ => ApiError::new(ErrorCode::MalformedRequest),
            };
            AppError(api).into()
        })
}

pub fn query_config() -> actix_web::web::QueryConfig {
    actix_web::web::QueryConfig::default().error_handler(|err, _req| {
        AppError(ApiError::with_message(
            ErrorCode::MalformedRequest,
            format!("Tham số truy vấn không hợp lệ: {err}"),
            format!("The query parameters are not valid: {err}"),
        ))
        .into()
    })
}

pub fn path_config() -> actix_web::web::PathConfig {
    actix_web::web::PathConfig::default()
        .error_handler(|_err, _req| AppError::code(ErrorCode::NotFound).into())
}
