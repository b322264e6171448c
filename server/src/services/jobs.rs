//! Background jobs that run in one server process at a time, whichever holds the job's lease
//! (a row of `job_leases`): several processes behind a load balancer run each job once, and a
//! process that dies hands over when its lease lapses. Everything a job needs is in the
//! database, so a restart loses nothing; each job is also safe to run twice (its own unique
//! keys), since a lease that lapsed during a slow run lets another process in.

use crate::db::{in_transaction, now_ms, Db, DbConn};
use crate::db_run;
use crate::error::AppResult;
use crate::schema::job_leases;
use diesel::prelude::*;
use std::time::Duration;

/// Takes the job's lease for `holder`, or renews it; `true` when `holder` may run the job now.
/// Two processes asking at once: the row (or its primary key) lets exactly one win.
pub fn claim_lease(
    conn: &mut DbConn,
    name: &str,
    holder: &str,
    now: i64,
    ttl_ms: i64,
) -> AppResult<bool> {
    in_transaction(conn, |conn| {
        let (n, h) = (name.to_string(), holder.to_string());
        let renewed = db_run!(conn, {
            diesel::update(
                job_leases::table.filter(job_leases::name.eq(&n)).filter(
                    job_leases::lease_until
                        .lt(now)
                        .or(job_leases::holder.eq(&h)),
                ),
            )
            .set((
                job_leases::holder.eq(&h),
                job_leases::lease_until.eq(now + ttl_ms),
                job_leases::last_run_at.eq(Some(now)),
            ))
            .execute(conn)
        })?;
        if renewed == 1 {
            return Ok(true);
        }
        let inserted = db_run!(conn, {
            diesel::insert_into(job_leases::table)
                .values((
                    job_leases::name.eq(&n),
                    job_leases::holder.eq(&h),
                    job_leases::lease_until.eq(now + ttl_ms),
                    job_leases::last_run_at.eq(Some(now)),
                ))
                .on_conflict_do_nothing()
                .execute(conn)
        })?;
        Ok(inserted == 1)
    })
}

/// Runs `job` when `holder` holds the lease of `name` (or takes it) at `now`; `None` when
/// another process holds it.
pub fn run_leased<T>(
    conn: &mut DbConn,
    name: &str,
    holder: &str,
    now: i64,
    ttl_ms: i64,
    job: impl FnOnce(&mut DbConn) -> AppResult<T>,
) -> AppResult<Option<T>> {
    if !claim_lease(conn, name, holder, now, ttl_ms)? {
        return Ok(None);
    }
    job(conn).map(Some)
}

/// Gives up every lease `holder` holds (at a graceful shutdown), so that another process runs
/// the jobs at its next tick instead of waiting for the leases to lapse (three intervals: three
/// hours for the data lifecycle job). Returns how many were released.
pub fn release_leases(conn: &mut DbConn, holder: &str) -> AppResult<usize> {
    let h = holder.to_string();
    Ok(db_run!(conn, {
        diesel::update(job_leases::table.filter(job_leases::holder.eq(&h)))
            .set(job_leases::lease_until.eq(0i64))
            .execute(conn)
    })?)
}

/// Runs `job` every `interval` in this process whenever it holds the lease of `name` (held
/// for three intervals, renewed at each run, so a process that dies hands over after that).
/// A failed run is logged and tried again at the next tick.
pub fn spawn_leased<F>(db: Db, name: &'static str, interval: Duration, job: F)
where
    F: Fn(&mut DbConn) -> AppResult<()> + Send + Sync + Clone + 'static,
{
    let holder = db.lease_holder().to_string();
    let ttl = 3 * interval.as_millis() as i64;
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(interval);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            let (holder, job) = (holder.clone(), job.clone());
            let result = db
                .run(move |conn| run_leased(conn, name, &holder, now_ms(), ttl, job))
                .await;
            match result {
                Ok(Some(())) => crate::metrics::job_run(name, "ran"),
                Ok(None) => crate::metrics::job_run(name, "skipped"),
                Err(e) => {
                    crate::metrics::job_run(name, "failed");
                    tracing::warn!(job = name, error = %e.0.message.en, "background job failed; retrying at the next tick");
                }
            }
        }
    });
}
