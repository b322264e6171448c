//! Photos: decoded with limits, turned upright, shrunk, and re-encoded as a fresh JPEG so that
//! no metadata of the original file survives. The pipeline lives in the `intake` crate (with its
//! tests), where the fuzz targets in `fuzz/` build it without the server; this module keeps its
//! old path for the rest of the server.

pub use intake::photo::*;
