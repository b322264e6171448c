//! Rate limits on sign-ins, citizen submissions and tracking look-ups.
//!
//! Every limit is the generic cell rate algorithm: a subject may make `burst` requests at
//! once, then one more every `interval`. Where the count lives depends on how many processes
//! serve the database:
//! - in the process's memory (the `governor` crate), the default on SQLite, where one process
//!   serves the file: no database write per request, which matters because SQLite has one
//!   writer at a time and the ratings' batch writer should not queue behind limit counters;
//! - in the database (`rate_limits`), the default on PostgreSQL, where several processes
//!   behind a load balancer must count together or a sender would get one allowance per
//!   process. Each check is one upsert in its own short transaction; on PostgreSQL it commits
//!   without waiting for the disk (a counter lost in a crash only forgets a few requests).
//!
//! Subjects are stored as keyed hashes: the database never holds a network address.

use crate::config::Config;
use crate::db::{in_transaction, now_ms, Backend, Db, DbConn};
use crate::db_run;
use crate::error::AppResult;
use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Text};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use std::num::NonZeroU32;
use std::time::Duration;

/// One limit: its name in the database, its burst and the time it takes to earn one more.
pub struct Limit {
    scope: &'static str,
    interval_ms: i64,
    burst: u32,
    memory: DefaultKeyedRateLimiter<String>,
}

impl Limit {
    fn new(scope: &'static str, interval: Duration, burst: u32) -> Limit {
        let burst = burst.max(1);
        let quota = Quota::with_period(interval)
            .expect("a limit's interval is not zero")
            .allow_burst(NonZeroU32::new(burst).expect("at least one"));
        Limit {
            scope,
            interval_ms: interval.as_millis() as i64,
            burst,
            memory: RateLimiter::keyed(quota),
        }
    }

    /// `per_minute` requests a minute, all of them at once if need be. (Over 60,000 a minute,
    /// one more each millisecond after the burst: the counts are in milliseconds.)
    fn per_minute(scope: &'static str, per_minute: u32) -> Limit {
        let n = per_minute.max(1);
        Limit::new(scope, Duration::from_millis((60_000 / n as u64).max(1)), n)
    }
}

/// Every limit of the platform, and where they are counted.
pub struct Limits {
    /// The database, when the counts are shared by every process on it.
    shared: Option<Db>,
    /// Key of the subjects' hashes in the database.
    key: Vec<u8>,
    login_account: Limit,
    login_address: Limit,
    citizen_device: Limit,
    citizen_network: Limit,
    track_network: Limit,
}

/// A check the database makes: (scope, hashed subject, interval ms, burst).
type SharedCheck = (&'static str, String, i64, i64);

impl Limits {
    pub fn new(config: &Config, db: &Db, key: &[u8]) -> Limits {
        let shared = config
            .shared_limits
            .unwrap_or(db.backend() == Backend::Postgres);
        Limits {
            shared: shared.then(|| db.clone()),
            key: key.to_vec(),
            login_account: Limit::new(
                "login-account",
                Duration::from_secs(30),
                config.login_burst_per_account,
            ),
            login_address: Limit::new(
                "login-address",
                Duration::from_secs(2),
                config.login_burst_per_address,
            ),
            citizen_device: Limit::per_minute(
                "citizen-device",
                config.citizen_per_device_per_minute,
            ),
            citizen_network: Limit::per_minute(
                "citizen-network",
                config.citizen_per_network_per_minute,
            ),
            track_network: Limit::per_minute("track-network", config.track_per_network_per_minute),
        }
    }

    /// Whether the counts live in the database (shared by every process).
    pub fn shared(&self) -> bool {
        self.shared.is_some()
    }

    /// One sign-in attempt for this account from this address: false when either is over.
    pub async fn login(&self, username: &str, address: &str) -> AppResult<bool> {
        self.take(&[
            (&self.login_address, address),
            (&self.login_account, username),
        ])
        .await
    }

    /// One citizen submission from this device and network: false when either is over.
    pub async fn citizen(&self, device: &str, network: &str) -> AppResult<bool> {
        self.take(&[
            (&self.citizen_network, network),
            (&self.citizen_device, device),
        ])
        .await
    }

    /// One citizen upload from this network (the device is known only once the form is read).
    pub async fn citizen_network(&self, network: &str) -> AppResult<bool> {
        self.take(&[(&self.citizen_network, network)]).await
    }

    /// One tracking look-up from this network.
    pub async fn track(&self, network: &str) -> AppResult<bool> {
        self.take(&[(&self.track_network, network)]).await
    }

    /// Takes one request from each limit for its subject; true when every one allowed it.
    /// Each limit counts the request even when another refuses it, so a refused sender
    /// cannot probe one limit through the other.
    async fn take(&self, wanted: &[(&Limit, &str)]) -> AppResult<bool> {
        let Some(db) = &self.shared else {
            // Every limit is asked (collected first): `all` alone would stop at a refusal.
            let allowed: Vec<bool> = wanted
                .iter()
                .map(|(limit, subject)| limit.memory.check_key(&subject.to_string()).is_ok())
                .collect();
            return Ok(allowed.iter().all(|ok| *ok));
        };
        let checks: Vec<SharedCheck> = wanted
            .iter()
            .map(|(limit, subject)| {
                (
                    limit.scope,
                    hex::encode(crate::citizen::keyed_digest(
                        &self.key,
                        limit.scope,
                        subject,
                    )),
                    limit.interval_ms,
                    limit.burst as i64,
                )
            })
            .collect();
        db.run(move |conn| take_shared(conn, &checks, now_ms()))
            .await
    }
}

#[derive(QueryableByName)]
struct FullAt {
    #[diesel(sql_type = BigInt)]
    #[allow(dead_code)]
    full_at: i64,
}

/// The cell rate step as one statement: a new subject starts one interval from full; a known
/// one moves one interval on from its moment (or from now, if that has passed), but only if
/// that stays within the burst. No row back means refused, and nothing changed.
const TAKE_SQL: &str = "INSERT INTO rate_limits (scope, subject, full_at) VALUES ($1, $2, $3 + $4)
 ON CONFLICT (scope, subject) DO UPDATE SET full_at = GREATEST(rate_limits.full_at, $3) + $4
 WHERE GREATEST(rate_limits.full_at, $3) + $4 - $3 <= $4 * $5
 RETURNING full_at";

/// Runs the checks in one short transaction; true when all allowed.
pub fn take_shared(conn: &mut DbConn, checks: &[SharedCheck], now: i64) -> AppResult<bool> {
    in_transaction(conn, |conn| {
        let sql = match conn {
            DbConn::Postgres(c) => {
                // A lost counter costs nothing worth a disk flush per request.
                c.batch_execute("SET LOCAL synchronous_commit TO OFF")?;
                TAKE_SQL.to_string()
            }
            // SQLite spells GREATEST as the two-argument MAX, and numbers its parameters ?N.
            DbConn::Sqlite(_) => TAKE_SQL.replace("GREATEST", "MAX").replace('$', "?"),
        };
        let mut all = true;
        for (scope, subject, interval_ms, burst) in checks {
            let taken: Vec<FullAt> = db_run!(conn, {
                diesel::sql_query(sql.as_str())
                    .bind::<Text, _>(*scope)
                    .bind::<Text, _>(subject)
                    .bind::<BigInt, _>(now)
                    .bind::<BigInt, _>(*interval_ms)
                    .bind::<BigInt, _>(*burst)
                    .load(conn)
            })?;
            all &= !taken.is_empty();
        }
        Ok(all)
    })
}

/// Deletes the counts whose allowance is whole again (they say no more than no row does).
pub fn sweep(conn: &mut DbConn, now: i64) -> AppResult<usize> {
    use crate::schema::rate_limits;
    Ok(db_run!(conn, {
        diesel::delete(rate_limits::table.filter(rate_limits::full_at.lt(now))).execute(conn)
    })?)
}

/// Sweeps the shared counts every ten minutes in one process at a time.
pub fn spawn_sweep(db: Db) {
    crate::services::jobs::spawn_leased(db, "rate-limit-sweep", Duration::from_secs(600), |conn| {
        sweep(conn, now_ms()).map(|_| ())
    });
}
