//! Ratings arrive in bursts when offices open. Each must be durable before the citizen is told
//! "thank you", and a durable commit costs a disk flush; one flush per rating caps SQLite at a
//! few hundred ratings a second. So ratings go through one writer thread that takes every
//! rating waiting at that moment, stores them in one transaction (each in its own savepoint,
//! so one refusal does not undo the others), commits once, and only then answers each of
//! them. A lone rating waits for nobody: the writer commits whatever it has as soon as it has
//! it.
//!
//! One batch at a time, whatever the number of processes: SQLite has one writer anyway, and on
//! PostgreSQL each batch first takes one advisory lock for its transaction. Two batches side
//! by side deadlocked there: each rating adds to its unit's day and month roll-up rows (the
//! triggers of `rating_unit_days`), so a batch holding unit A's row and wanting unit B's met
//! one holding B's and wanting A's (64 connections of `tests/bench/scale-out.sh`: a deadlock
//! a second). Taking turns also keeps the one-rating-per-window rule from racing: a batch
//! sees every rating the batches before it committed. A batch of 512 takes milliseconds, so
//! taking turns costs little; each process's writer gathers the next batch meanwhile.

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

/// Any key will do, as long as every Minh Bạch process uses the same one.
const RATING_BATCH_LOCK: i64 = 0x4d42_5241_5445;

#[derive(Clone)]
pub struct RatingWriter {
    jobs: mpsc::Sender<Job>,
}

impl RatingWriter {
    /// Starts the writer thread. It ends when every sender is dropped (the server stops).
    pub fn start(db: Db, rules: RatingRules) -> RatingWriter {
        let (jobs, rx) = mpsc::channel(4 * MAX_BATCH);
        std::thread::Builder::new()
            .name("rating-writer".into())
            .spawn(move || write_loop(db, rules, rx))
            .expect("start the rating writer thread");
        RatingWriter { jobs }
    }

    /// Stores a validated rating; returns once it is committed (or refused).
    pub async fn submit(&self, input: NewRating, source: RatingSource) -> AppResult<RatingReceipt> {
        let (reply, answer) = oneshot::channel();
        self.jobs
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
                none_stored(&batch)
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
    // On PostgreSQL the batch waits for its turn first (see the module's comment).
    let begin = match conn {
        DbConn::Sqlite(_) => "BEGIN IMMEDIATE".to_string(),
        DbConn::Postgres(_) => format!("BEGIN; SELECT pg_advisory_xact_lock({RATING_BATCH_LOCK})"),
    };
    if let Err(e) = db_run!(conn, conn.batch_execute(&begin)) {
        tracing::error!(error = %e, "could not begin a rating batch");
        // Nothing of the batch was written; end whatever the failed begin left open.
        let _ = db_run!(conn, conn.batch_execute("ROLLBACK"));
        return none_stored(batch);
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
            none_stored(batch)
        }
    }
}

/// The answer to every rating of a batch of which nothing was stored: try again later.
fn none_stored(batch: &[Job]) -> Vec<AppResult<RatingReceipt>> {
    batch
        .iter()
        .map(|_| Err(AppError::code(shared::ErrorCode::Unavailable)))
        .collect()
}
