//! What every request handler can reach: settings, the database, the signing keys and the
//! sign-in rate limits.

use crate::auth::JwtKeys;
use crate::config::Config;
use crate::db::Db;
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use std::num::NonZeroU32;
use std::sync::Arc;
use std::time::Duration;

pub struct LoginLimits {
    pub per_account: DefaultKeyedRateLimiter<String>,
    pub per_address: DefaultKeyedRateLimiter<String>,
}

impl LoginLimits {
    pub fn new(config: &Config) -> LoginLimits {
        let burst = |n: u32| NonZeroU32::new(n.max(1)).expect("non-zero");
        let quota = |period: u64, n: u32| {
            Quota::with_period(Duration::from_secs(period))
                .expect("non-zero period")
                .allow_burst(burst(n))
        };
        LoginLimits {
            per_account: RateLimiter::keyed(quota(30, config.login_burst_per_account)),
            per_address: RateLimiter::keyed(quota(2, config.login_burst_per_address)),
        }
    }

    /// One sign-in attempt for this account from this address: false when either is over.
    pub fn check(&self, username: &str, address: &str) -> bool {
        let address_ok = self.per_address.check_key(&address.to_string()).is_ok();
        let account_ok = self.per_account.check_key(&username.to_string()).is_ok();
        address_ok && account_ok
    }
}

/// Per-phone and per-network limits on citizen submissions (no accounts to limit instead).
pub struct CitizenLimits {
    pub per_device: DefaultKeyedRateLimiter<String>,
    pub per_network: DefaultKeyedRateLimiter<String>,
}

impl CitizenLimits {
    pub fn new(config: &Config) -> CitizenLimits {
        let per_minute = |n: u32| Quota::per_minute(NonZeroU32::new(n.max(1)).expect("non-zero"));
        CitizenLimits {
            per_device: RateLimiter::keyed(per_minute(config.citizen_per_device_per_minute)),
            per_network: RateLimiter::keyed(per_minute(config.citizen_per_network_per_minute)),
        }
    }

    /// One submission from this device hash and network hash: false when either is over.
    pub fn check(&self, device: &str, network: &str) -> bool {
        let network_ok = self.per_network.check_key(&network.to_string()).is_ok();
        let device_ok = self.per_device.check_key(&device.to_string()).is_ok();
        network_ok && device_ok
    }
}

pub struct AppStateInner {
    pub config: Config,
    pub db: Db,
    pub jwt: JwtKeys,
    pub login_limits: LoginLimits,
    pub citizen_limits: CitizenLimits,
    /// Key for the hashes of devices and networks kept with ratings, and for deriving the
    /// secret of an anonymous report from its idempotency key.
    pub pseudonym_key: Vec<u8>,
    /// Encrypts reporters' identity fields.
    pub data_key: crate::crypto::DataKey,
    /// Stores ratings in batches, one commit for all those waiting.
    pub rating_writer: crate::rating_writer::RatingWriter,
    /// Tracking look-ups per network, against guessing.
    pub track_limits: DefaultKeyedRateLimiter<String>,
    /// Photos decoded at once. A 12 MP photo takes about 50 MB while it is decoded, so forty
    /// citizens uploading together must queue rather than take the server's memory.
    pub photo_decodes: tokio::sync::Semaphore,
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
