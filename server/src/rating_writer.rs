//! Ratings arrive in bursts when offices open. Each must be durable before the citizen is told
//! "thank you", and a durable commit costs a disk flush; one flush per rating caps SQLite at a
//! few hundred ratings a second. So ratings go through one writer thread that takes every
//! rating waiting at that moment, stores them in one transaction (each in its own savepoint,
//! so one refusal does not undo the others), commits once, and only then answers each of
//! them. A lone rating waits for nobody: the writer commits whatever it has as soon as it has
//! it. SQLite has one writer at a time anyway; on PostgreSQL several writers run side by side,
//! each phone's ratings always going to the same one, and a lock per phone (taken for the
//! whole batch first) keeps the one-rating-per-window rule from racing with a writer of
//! another process.

use crate::db::{Db, DbConn};
use crate::db_run;
use crate::error::{AppError, AppResult};
use crate::services::ratings::{self, RatingRules, RatingSource};
use diesel::connection::SimpleConnection;
use shared::citizen::{NewRating, RatingReceipt};
use tokio::sync::{mpsc, oneshot};

/// At most this many ratings share one commit.
const MAX_BATCH: usize = 512;

struct Job {
    input: NewRating,
    source: RatingSource,
    reply: oneshot::Sender<AppResult<RatingReceipt>>,
}

/// At most this many writers on PostgreSQL; each holds a pooled connection while it writes,
/// so there are never more than half the pool's connections.
const MAX_POSTGRES_WRITERS: u32 = 4;

#[derive(Clone)]
pub struct RatingWriter {
    writers: Vec<mpsc::Sender<Job>>,
}

impl RatingWriter {
    /// Starts the writer threads. They end when every sender is dropped (the server stops).
    pub fn start(db: Db, rules: RatingRules, pool_size: u32) -> RatingWriter {
        let count = match db.backend() {
            crate::db::Backend::Sqlite => 1,
            crate::db::Backend::Postgres => (pool_size / 2).clamp(1, MAX_POSTGRES_WRITERS) as usize,
        };
        let writers = (0..count)
            .map(|i| {
                let (jobs, rx) = mpsc::channel(4 * MAX_BATCH);
                let (db, rules) = (db.clone(), rules.clone());
                std::thread::Builder::new()
                    .name(format!("rating-writer-{i}"))
                    .spawn(move || write_loop(db, rules, rx))
                    .expect("start a rating writer thread");
                jobs
            })
            .collect();
        RatingWriter { writers }
    }

    /// The writer of this phone: always the same one.
    fn writer_for(&self, source: &RatingSource) -> &mpsc::Sender<Job> {
        let shard = source
            .device_hash
            .bytes()
            .fold(0usize, |h, b| h.wrapping_mul(31).wrapping_add(b as usize));
        &self.writers[shard % self.writers.len()]
    }

    /// Stores a validated rating; returns once it is committed (or refused).
    pub async fn submit(&self, input: NewRating, source: RatingSource) -> AppResult<RatingReceipt> {
        let (reply, answer) = oneshot::channel();
        self.writer_for(&source)
            .send(Job {
                input,
                source,
                reply,
            })
            .await
            .map_err(|_| AppError::internal("the rating writer has stopped"))?;
        answer
            .await
            .map_err(|_| AppError::internal("the rating writer dropped a rating"))?
    }
}

fn write_loop(db: Db, rules: RatingRules, mut rx: mpsc::Receiver<Job>) {
    while let Some(first) = rx.blocking_recv() {
        let mut batch = vec![first];
        while batch.len() < MAX_BATCH {
            match rx.try_recv() {
                Ok(job) => batch.push(job),
                Err(_) => break,
            }
        }
        let outcomes = match db.get() {
            Ok(mut conn) => write_batch(&mut conn, &rules, &batch),
            Err(e) => {
                tracing::error!(error = %e, "rating writer has no database connection");
                batch
                    .iter()
                    .map(|_| Err(AppError::code(shared::ErrorCode::Unavailable)))
                    .collect()
            }
        };
        for (job, outcome) in batch.into_iter().zip(outcomes) {
            // The citizen may have gone (closed the page); the rating is stored all the same.
            let _ = job.reply.send(outcome);
        }
    }
}

/// One transaction for the batch; each rating in a savepoint. If the commit fails, every
/// rating of the batch is answered with that failure: none was acknowledged.
fn write_batch(
    conn: &mut DbConn,
    rules: &RatingRules,
    batch: &[Job],
) -> Vec<AppResult<RatingReceipt>> {
    let begin = match conn {
        DbConn::Sqlite(_) => "BEGIN IMMEDIATE",
        DbConn::Postgres(_) => "BEGIN",
    };
    if let Err(e) = db_run!(conn, conn.batch_execute(begin)) {
        tracing::error!(error = %e, "could not begin a rating batch");
        return batch
            .iter()
            .map(|_| Err(AppError::code(shared::ErrorCode::Unavailable)))
            .collect();
    }
    let devices: Vec<&str> = batch
        .iter()
        .map(|j| j.source.device_hash.as_str())
        .collect();
    if let Err(e) = ratings::lock_devices(conn, &devices) {
        tracing::error!(error = %e.0.message.en, "could not lock the batch's phones");
        let _ = db_run!(conn, conn.batch_execute("ROLLBACK"));
        return batch
            .iter()
            .map(|_| Err(AppError::code(shared::ErrorCode::Unavailable)))
            .collect();
    }
    let mut outcomes = Vec::with_capacity(batch.len());
    for job in batch {
        let _ = db_run!(conn, conn.batch_execute("SAVEPOINT rating"));
        let outcome = ratings::submit_one(conn, &job.input, &job.source, rules);
        let end = if outcome.is_ok() {
            "RELEASE SAVEPOINT rating"
        } else {
            "ROLLBACK TO SAVEPOINT rating; RELEASE SAVEPOINT rating"
        };
        let _ = db_run!(conn, conn.batch_execute(end));
        outcomes.push(outcome);
    }
    match db_run!(conn, conn.batch_execute("COMMIT")) {
        Ok(()) => outcomes,
        Err(e) => {
            tracing::error!(error = %e, "a rating batch did not commit");
            let _ = db_run!(conn, conn.batch_execute("ROLLBACK"));
            batch
                .iter()
                .map(|_| Err(AppError::code(shared::ErrorCode::Unavailable)))
                .collect()
        }
    }
}
