//! What every request handler can reach: settings, the database, the signing keys and the
//! rate limits.

use crate::auth::JwtKeys;
use crate::config::Config;
use crate::db::Db;
use std::sync::Arc;

pub struct AppStateInner {
    pub config: Config,
    pub db: Db,
    pub jwt: JwtKeys,
    /// Sign-in, submission and tracking limits (in memory, or shared in the database).
    pub limits: crate::limits::Limits,
    /// Key for the hashes of devices and networks kept with ratings, and for deriving the
    /// secret of an anonymous report from its idempotency key.
    pub pseudonym_key: Vec<u8>,
    /// Encrypts reporters' identity fields.
    pub data_key: crate::crypto::DataKey,
    /// Stores ratings in batches, one commit for all those waiting.
    pub rating_writer: crate::rating_writer::RatingWriter,
    /// Photos decoded at once. A 12 MP photo takes about 50 MB while it is decoded, so forty
    /// citizens uploading together must queue rather than take the server's memory.
    pub photo_decodes: tokio::sync::Semaphore,
    /// Where report photos' bytes are kept (the database, or an object store).
    pub photo_store: crate::photo_store::PhotoStore,
    /// The public pages' figures, computed once per unit per few minutes.
    pub public_figures: crate::public_figures::PublicFiguresCache,
}

/// Cheap to clone; shared by every worker.
#[derive(Clone)]
pub struct AppState(pub Arc<AppStateInner>);

impl std::ops::Deref for AppState {
    type Target = AppStateInner;
    fn deref(&self) -> &AppStateInner {
        &self.0
    }
}
