//! The error type of the app's server functions: the API's own `ApiError`, so a page shows the
//! same bilingual message and field errors whether the form was sent by the WASM app or, with
//! JavaScript off, as a plain HTML form (then the error travels back in the `err` query).

use base64::Engine;
use leptos::server_fn::codec::JsonEncoding;
use leptos::server_fn::error::{FromServerFnError, ServerFnErrorErr};
use serde::{Deserialize, Serialize};
use shared::{ApiError, ErrorCode};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FnError(pub ApiError);

impl FromServerFnError for FnError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        let code = match value {
            ServerFnErrorErr::Request(_) | ServerFnErrorErr::Response(_) => ErrorCode::Unavailable,
            ServerFnErrorErr::Args(_) | ServerFnErrorErr::Deserialization(_) => {
                ErrorCode::MalformedRequest
            }
            _ => ErrorCode::Internal,
        };
        FnError(ApiError::new(code))
    }
}

impl From<ApiError> for FnError {
    fn from(e: ApiError) -> Self {
        FnError(e)
    }
}

impl std::fmt::Display for FnError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

/// Packs an error into a URL query value.
pub fn encode_for_url(err: &ApiError) -> String {
    let json = serde_json::to_vec(err).unwrap_or_default();
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(json)
}

/// Reads an error back from the `err` query value; anything unreadable is ignored.
pub fn decode_from_url(value: &str) -> Option<ApiError> {
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(value)
        .ok()?;
    serde_json::from_slice(&bytes).ok()
}
