//! The public page's figures, served from memory: a unit's page is computed from the database
//! at most once per unit per `MINHBACH_PUBLIC_CACHE_SECS` (default 5 minutes) and process,
//! however many citizens open it, so a traffic spike (a link shared on Zalo, a news article)
//! costs the database nothing. Concurrent misses of one unit wait for the same computation
//! instead of each running it. Unknown codes are remembered too (as "no such unit"), so a
//! crawler walking made-up codes costs one query per code and period, and the cache's size is
//! bounded so that cannot grow memory without end.
//!
//! `moka`'s future cache does the time-to-live, the bound and the coalescing of concurrent
//! loads (`try_get_with`); written by hand each of those is a classic source of bugs.

use crate::db::Db;
use crate::error::{AppError, AppResult};
use moka::future::Cache;
use shared::figures::PublicFigures;
use std::sync::Arc;
use std::time::Duration;

/// Unit codes longer than this are not codes: answered "not found" without a look.
const CODE_MAX: usize = 64;
/// Units remembered at once (a province has a few hundred; a country some ten thousand).
const CAPACITY: u64 = 20_000;

#[derive(Clone)]
pub struct PublicFiguresCache {
    cache: Cache<String, Arc<Option<PublicFigures>>>,
    min_ratings: i64,
    ttl: Duration,
}

impl PublicFiguresCache {
    pub fn new(ttl: Duration, min_ratings: i64) -> PublicFiguresCache {
        PublicFiguresCache {
            cache: Cache::builder()
                .max_capacity(CAPACITY)
                .time_to_live(ttl)
                .build(),
            min_ratings,
            ttl,
        }
    }

    /// Lets browsers and any proxy in front keep the figures as long as the server does.
    pub fn cache_control(&self) -> String {
        format!("public, max-age={}", self.ttl.as_secs())
    }

    /// The unit's published figures, or `None` when no active unit has this code.
    pub async fn get(&self, db: &Db, code: &str) -> AppResult<Option<PublicFigures>> {
        let code = code.trim().to_string();
        if code.is_empty() || code.len() > CODE_MAX {
            return Ok(None);
        }
        let (db, min_ratings, key) = (db.clone(), self.min_ratings, code.clone());
        self.cache
            .try_get_with(code, async move {
                db.run(move |c| crate::services::figures::public(c, &key, min_ratings))
                    .await
                    .map(Arc::new)
            })
            .await
            .map(|figures| (*figures).clone())
            .map_err(|e: Arc<AppError>| AppError(e.0.clone()))
    }
}
