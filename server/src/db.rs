//! One code path over two databases. A pool is either SQLite (embedded default) or PostgreSQL;
//! `db_run!` compiles a block of diesel code once per backend, so every query is checked
//! against both at build time. All database work runs on the blocking thread pool through
//! [`Db::run`], never on the async workers.

use crate::error::{AppError, AppResult};
use diesel::connection::SimpleConnection;
use diesel::r2d2::{ConnectionManager, CustomizeConnection, Pool, PooledConnection};
use diesel::{Connection, PgConnection, SqliteConnection};
use diesel_migrations::{embed_migrations, EmbeddedMigrations, MigrationHarness};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

pub const SQLITE_MIGRATIONS: EmbeddedMigrations = embed_migrations!("../migrations/sqlite");
pub const POSTGRES_MIGRATIONS: EmbeddedMigrations = embed_migrations!("../migrations/postgres");

/// Any key will do, as long as every Minh Bạch process uses the same one.
const MIGRATION_LOCK_KEY: i64 = 0x4d42_4d49_4752;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

pub enum DbPool {
    Sqlite(Pool<ConnectionManager<SqliteConnection>>),
    Postgres(Pool<ConnectionManager<PgConnection>>),
}

pub enum DbConn {
    Sqlite(PooledConnection<ConnectionManager<SqliteConnection>>),
    Postgres(PooledConnection<ConnectionManager<PgConnection>>),
}

/// Runs `$body` with `$conn` bound to the concrete connection of whichever backend is in use.
#[macro_export]
macro_rules! db_run {
    ($conn:ident, $body:expr) => {
        match $conn {
            $crate::db::DbConn::Sqlite($conn) => {
                #[allow(unused_variables)]
                let $conn: &mut ::diesel::SqliteConnection = &mut *$conn;
                $body
            }
            $crate::db::DbConn::Postgres($conn) => {
                #[allow(unused_variables)]
                let $conn: &mut ::diesel::PgConnection = &mut *$conn;
                $body
            }
        }
    };
}

/// SQLite settings applied to every pooled connection: write-ahead log so readers never wait
/// for the writer, a busy timeout so writers queue instead of failing, foreign keys enforced,
/// a full sync on commit so that an acknowledged write survives a crash, and deleted content
/// overwritten (erased photos and identities must not linger in the file's free pages).
#[derive(Debug)]
struct SqlitePragmas;

impl CustomizeConnection<SqliteConnection, diesel::r2d2::Error> for SqlitePragmas {
    fn on_acquire(&self, conn: &mut SqliteConnection) -> Result<(), diesel::r2d2::Error> {
        conn.batch_execute(
            "PRAGMA busy_timeout = 10000;
             PRAGMA journal_mode = WAL;
             PRAGMA synchronous = FULL;
             PRAGMA secure_delete = ON;
             PRAGMA foreign_keys = ON;",
        )
        .map_err(diesel::r2d2::Error::QueryError)
    }
}

#[derive(Clone)]
pub struct Db {
    pool: Arc<DbPool>,
    /// Connections taken from the pool since start (`/metrics`): what a page costs the
    /// database, e.g. nothing for a warm public page.
    calls: Arc<AtomicU64>,
    /// This server's name among all those on the database, as holder of background jobs'
    /// leases (`services::jobs`).
    lease_holder: Arc<str>,
}

impl Db {
    /// Opens the pool for `sqlite://PATH` or `postgres://…`, creating the SQLite file and its
    /// directory if needed.
    pub fn connect(url: &str, pool_size: u32) -> anyhow::Result<Db> {
        let pool = if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            let manager = ConnectionManager::<PgConnection>::new(url);
            DbPool::Postgres(
                Pool::builder()
                    .max_size(pool_size.max(1))
                    .connection_timeout(Duration::from_secs(10))
                    .build(manager)?,
            )
        } else {
            let path = sqlite_path(url)?;
            if let Some(dir) = std::path::Path::new(&path).parent() {
                if !dir.as_os_str().is_empty() {
                    std::fs::create_dir_all(dir)?;
                }
            }
            let manager = ConnectionManager::<SqliteConnection>::new(path);
            DbPool::Sqlite(
                Pool::builder()
                    .max_size(pool_size.max(1))
                    .connection_timeout(Duration::from_secs(10))
                    .connection_customizer(Box::new(SqlitePragmas))
                    .build(manager)?,
            )
        };
        Ok(Db {
            pool: Arc::new(pool),
            calls: Arc::new(AtomicU64::new(0)),
            lease_holder: format!("{}-{}", std::process::id(), uuid::Uuid::new_v4().simple())
                .into(),
        })
    }

    /// This server's name as the holder of job leases.
    pub fn lease_holder(&self) -> &str {
        &self.lease_holder
    }

    /// Connections taken from the pool since start.
    pub fn calls(&self) -> u64 {
        self.calls.load(Ordering::Relaxed)
    }

    pub fn backend(&self) -> Backend {
        match &*self.pool {
            DbPool::Sqlite(_) => Backend::Sqlite,
            DbPool::Postgres(_) => Backend::Postgres,
        }
    }

    pub fn get(&self) -> Result<DbConn, r2d2::Error> {
        self.calls.fetch_add(1, Ordering::Relaxed);
        self.get_uncounted()
    }

    /// A connection that `/metrics` does not count: for the scrape's own query only.
    pub fn get_uncounted(&self) -> Result<DbConn, r2d2::Error> {
        Ok(match &*self.pool {
            DbPool::Sqlite(p) => DbConn::Sqlite(p.get()?),
            DbPool::Postgres(p) => DbConn::Postgres(p.get()?),
        })
    }

    /// (connections held, idle ones, the pool's size), for `/metrics`.
    pub fn pool_state(&self) -> (u32, u32, u32) {
        let (state, max) = match &*self.pool {
            DbPool::Sqlite(p) => (p.state(), p.max_size()),
            DbPool::Postgres(p) => (p.state(), p.max_size()),
        };
        (state.connections, state.idle_connections, max)
    }

    /// Runs blocking database work on the blocking thread pool.
    pub async fn run<T, F>(&self, f: F) -> AppResult<T>
    where
        F: FnOnce(&mut DbConn) -> AppResult<T> + Send + 'static,
        T: Send + 'static,
    {
        let db = self.clone();
        tokio::task::spawn_blocking(move || {
            let mut conn = db.get()?;
            f(&mut conn)
        })
        .await
        .map_err(AppError::internal)?
    }

    /// Applies pending migrations under a lock, so that several processes starting together
    /// migrate once: a PostgreSQL advisory lock held for the transaction, or SQLite's write
    /// lock taken by an immediate transaction (each migration runs in a savepoint inside it).
    pub fn migrate(&self) -> anyhow::Result<usize> {
        let mut conn = self.get()?;
        let applied = match &mut conn {
            DbConn::Postgres(c) => c.transaction::<_, anyhow::Error, _>(|c| {
                c.batch_execute(&format!(
                    "SELECT pg_advisory_xact_lock({MIGRATION_LOCK_KEY})"
                ))?;
                Ok(c.run_pending_migrations(POSTGRES_MIGRATIONS)
                    .map_err(|e| anyhow::anyhow!(e))?
                    .len())
            })?,
            DbConn::Sqlite(c) => c.immediate_transaction::<_, anyhow::Error, _>(|c| {
                Ok(c.run_pending_migrations(SQLITE_MIGRATIONS)
                    .map_err(|e| anyhow::anyhow!(e))?
                    .len())
            })?,
        };
        Ok(applied)
    }

    /// `SELECT 1`, for the readiness probe.
    pub fn ping(&self) -> AppResult<()> {
        let mut conn = self.get()?;
        let conn = &mut conn;
        db_run!(conn, conn.batch_execute("SELECT 1")).map_err(AppError::from)
    }
}

/// Runs `f` in one transaction on whichever backend, so a failure half-way writes nothing.
/// On SQLite the transaction takes the write lock at once (`BEGIN IMMEDIATE`), so a
/// read-then-write inside it cannot fail half-way on a lock upgrade.
pub fn in_transaction<T>(
    conn: &mut DbConn,
    f: impl FnOnce(&mut DbConn) -> AppResult<T>,
) -> AppResult<T> {
    let begin = match conn {
        DbConn::Sqlite(_) => "BEGIN IMMEDIATE",
        DbConn::Postgres(_) => "BEGIN",
    };
    db_run!(conn, conn.batch_execute(begin))?;
    match f(conn) {
        Ok(value) => {
            db_run!(conn, conn.batch_execute("COMMIT"))?;
            Ok(value)
        }
        Err(e) => {
            let _ = db_run!(conn, conn.batch_execute("ROLLBACK"));
            Err(e)
        }
    }
}

/// The file of a `sqlite://PATH` (or `sqlite:PATH`, or bare path) database URL.
pub fn sqlite_path(url: &str) -> anyhow::Result<String> {
    let path = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))
        .unwrap_or(url);
    if path.is_empty() {
        anyhow::bail!("DATABASE_URL has no SQLite file path");
    }
    Ok(path.to_string())
}

pub fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}

/// A time-ordered id (UUIDv7): its first 48 bits are the creation time in milliseconds.
pub fn new_id() -> String {
    uuid::Uuid::now_v7().to_string()
}

/// An id that says nothing about when it was made (UUIDv4, 122 random bits), for rows of an
/// anonymous report: their ids travel (photo addresses, tracking access) and must not be
/// matched in time against other rows of the same phone.
pub fn new_random_id() -> String {
    uuid::Uuid::new_v4().to_string()
}
