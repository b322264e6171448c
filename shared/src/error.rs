//! The one error shape of the API. Every refusal carries a stable machine code, a message in
//! Vietnamese and in English, and, for validation, the fields (or CSV lines) at fault.

use serde::{Deserialize, Serialize};
use std::fmt;

/// A message in both languages of the platform.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Msg {
    pub vi: String,
    pub en: String,
}

impl Msg {
    pub fn new(vi: impl Into<String>, en: impl Into<String>) -> Self {
        Msg {
            vi: vi.into(),
            en: en.into(),
        }
    }

    pub fn get(&self, lang: crate::Lang) -> &str {
        lang.pick(&self.vi, &self.en)
    }
}

/// Stable error codes: clients branch on these, never on the message text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    ValidationFailed,
    MalformedRequest,
    PayloadTooLarge,
    UnsupportedMediaType,
    Unauthenticated,
    TokenExpired,
    TokenInvalid,
    InvalidCredentials,
    AccountDisabled,
    Forbidden,
    CsrfRejected,
    NotFound,
    Conflict,
    CsvInvalid,
    RateLimited,
    Unavailable,
    Internal,
}

impl ErrorCode {
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorCode::ValidationFailed => "validation_failed",
            ErrorCode::MalformedRequest => "malformed_request",
            ErrorCode::PayloadTooLarge => "payload_too_large",
            ErrorCode::UnsupportedMediaType => "unsupported_media_type",
            ErrorCode::Unauthenticated => "unauthenticated",
            ErrorCode::TokenExpired => "token_expired",
            ErrorCode::TokenInvalid => "token_invalid",
            ErrorCode::InvalidCredentials => "invalid_credentials",
            ErrorCode::AccountDisabled => "account_disabled",
            ErrorCode::Forbidden => "forbidden",
            ErrorCode::CsrfRejected => "csrf_rejected",
            ErrorCode::NotFound => "not_found",
            ErrorCode::Conflict => "conflict",
            ErrorCode::CsvInvalid => "csv_invalid",
            ErrorCode::RateLimited => "rate_limited",
            ErrorCode::Unavailable => "unavailable",
            ErrorCode::Internal => "internal",
        }
    }

    /// The HTTP status this code is sent with.
    pub fn http_status(self) -> u16 {
        match self {
            ErrorCode::ValidationFailed | ErrorCode::MalformedRequest | ErrorCode::CsvInvalid => {
                400
            }
            ErrorCode::PayloadTooLarge => 413,
            ErrorCode::UnsupportedMediaType => 415,
            ErrorCode::Unauthenticated
            | ErrorCode::TokenExpired
            | ErrorCode::TokenInvalid
            | ErrorCode::InvalidCredentials => 401,
            ErrorCode::AccountDisabled | ErrorCode::Forbidden | ErrorCode::CsrfRejected => 403,
            ErrorCode::NotFound => 404,
            ErrorCode::Conflict => 409,
            ErrorCode::RateLimited => 429,
            ErrorCode::Unavailable => 503,
            ErrorCode::Internal => 500,
        }
    }

    /// The default message for this code, Vietnamese first.
    pub fn default_message(self) -> Msg {
        let (vi, en) = match self {
            ErrorCode::ValidationFailed => (
                "Thông tin chưa hợp lệ. Vui lòng kiểm tra các ô được đánh dấu.",
                "Some information is not valid. Please check the marked fields.",
            ),
            ErrorCode::MalformedRequest => (
                "Yêu cầu không đúng định dạng.",
                "The request is not in the expected format.",
            ),
            ErrorCode::PayloadTooLarge => ("Dữ liệu gửi lên quá lớn.", "The upload is too large."),
            ErrorCode::UnsupportedMediaType => (
                "Loại dữ liệu gửi lên không được hỗ trợ.",
                "This type of content is not supported.",
            ),
            ErrorCode::Unauthenticated => (
                "Vui lòng đăng nhập để tiếp tục.",
                "Please sign in to continue.",
            ),
            ErrorCode::TokenExpired => (
                "Phiên đăng nhập đã hết hạn. Vui lòng đăng nhập lại.",
                "Your session has expired. Please sign in again.",
            ),
            ErrorCode::TokenInvalid => (
                "Phiên đăng nhập không hợp lệ. Vui lòng đăng nhập lại.",
                "Your session is not valid. Please sign in again.",
            ),
            ErrorCode::InvalidCredentials => (
                "Tên đăng nhập hoặc mật khẩu không đúng.",
                "Wrong username or password.",
            ),
            ErrorCode::AccountDisabled => (
                "Tài khoản đã bị khóa. Vui lòng liên hệ quản trị viên.",
                "This account is disabled. Please contact your administrator.",
            ),
            ErrorCode::Forbidden => (
                "Bạn không có quyền thực hiện thao tác này.",
                "You are not allowed to do this.",
            ),
            ErrorCode::CsrfRejected => (
                "Yêu cầu bị từ chối vì không đến từ trang của hệ thống.",
                "The request was refused because it did not come from this site.",
            ),
            ErrorCode::NotFound => ("Không tìm thấy dữ liệu.", "Not found."),
            ErrorCode::Conflict => (
                "Dữ liệu trùng với một bản ghi đã có.",
                "This conflicts with an existing record.",
            ),
            ErrorCode::CsvInvalid => (
                "Tệp CSV có dòng lỗi; chưa có dòng nào được nhập.",
                "The CSV file has bad rows; nothing was imported.",
            ),
            ErrorCode::RateLimited => (
                "Bạn thao tác quá nhanh. Vui lòng thử lại sau ít phút.",
                "Too many attempts. Please try again in a few minutes.",
            ),
            ErrorCode::Unavailable => (
                "Hệ thống đang tạm thời gián đoạn. Vui lòng thử lại sau.",
                "The service is temporarily unavailable. Please try again later.",
            ),
            ErrorCode::Internal => (
                "Đã có lỗi xảy ra phía hệ thống. Vui lòng thử lại sau.",
                "Something went wrong on our side. Please try again later.",
            ),
        };
        Msg::new(vi, en)
    }
}

impl fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Why one field (or one CSV cell) was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum FieldCode {
    Required,
    TooShort,
    TooLong,
    InvalidFormat,
    InvalidValue,
    NotFound,
    Duplicate,
}

impl FieldCode {
    pub fn as_str(self) -> &'static str {
        match self {
            FieldCode::Required => "required",
            FieldCode::TooShort => "too_short",
            FieldCode::TooLong => "too_long",
            FieldCode::InvalidFormat => "invalid_format",
            FieldCode::InvalidValue => "invalid_value",
            FieldCode::NotFound => "not_found",
            FieldCode::Duplicate => "duplicate",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FieldError {
    /// The field name as in the request body (or the CSV column).
    pub field: String,
    pub code: FieldCode,
    pub message: Msg,
    /// For CSV imports: the 1-based line of the file (the header is line 1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub line: Option<u64>,
}

/// The body of every error response: `{"code": ..., "message": {"vi","en"}, "fields": [...]}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ApiError {
    pub code: ErrorCode,
    pub message: Msg,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub fields: Vec<FieldError>,
}

impl ApiError {
    pub fn new(code: ErrorCode) -> Self {
        ApiError {
            code,
            message: code.default_message(),
            fields: Vec::new(),
        }
    }

    pub fn with_message(code: ErrorCode, vi: impl Into<String>, en: impl Into<String>) -> Self {
        ApiError {
            code,
            message: Msg::new(vi, en),
            fields: Vec::new(),
        }
    }

    pub fn validation(fields: Vec<FieldError>) -> Self {
        ApiError {
            fields,
            ..ApiError::new(ErrorCode::ValidationFailed)
        }
    }

    pub fn field(field: &str, code: FieldCode, vi: &str, en: &str) -> Self {
        ApiError::validation(vec![FieldError {
            field: field.to_string(),
            code,
            message: Msg::new(vi, en),
            line: None,
        }])
    }

    pub fn status(&self) -> u16 {
        self.code.http_status()
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.code, self.message.en)
    }
}

impl std::error::Error for ApiError {}

impl std::str::FromStr for ApiError {
    type Err = serde_json::Error;

    /// Lets the web app carry an `ApiError` through a server function's error string.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        serde_json::from_str(s)
    }
}
