//! Everything the Minh Bạch server and web app must agree on: the API's request and response
//! types, the error shape with its stable codes and bilingual messages, and the validation of
//! every input. No database, no server, no I/O: this crate also builds for `wasm32-unknown-unknown`
//! so that the browser validates exactly as the server does.

// First: its macro is used by the modules below.
#[macro_use]
mod labels;

pub mod audit;
pub mod calendar;
pub mod case;
pub mod citizen;
pub mod deadline_settings;
pub mod error;
pub mod figures;
pub mod finding;
pub mod forms;
pub mod i18n;
pub mod model;
pub mod oversight;
pub mod reception;
pub mod redaction;
pub mod report;
pub mod review;
pub mod routing;
pub mod table;
pub mod validate;
pub mod workflow;

pub use error::{ApiError, ErrorCode, FieldCode, FieldError, Msg};
pub use i18n::Lang;
