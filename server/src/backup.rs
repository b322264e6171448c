//! `minhbach backup` and `minhbach restore`: a consistent copy of the whole database, taken
//! while the server runs, and the way back from it. Photos live in the database (as BLOB or
//! BYTEA) by default, so the copy holds them too (with `MINHBACH_PHOTO_STORE=s3://…` they are
//! in the bucket, which the backup names but cannot hold: it says so); so does the reporters' data key when it is kept in the
//! database (without `MINHBACH_DATA_KEY`). With `MINHBACH_DATA_KEY` set, keep that key with
//! the backups: the names and phones in them are encrypted with it.
//!
//! - SQLite: `VACUUM INTO`, which reads the database in one read transaction (a consistent
//!   snapshot that writers do not wait for) and writes a compact copy, checked with
//!   `PRAGMA integrity_check` before it is given its name. Restoring copies the file back.
//! - PostgreSQL: `pg_dump --format=custom` (one snapshot of the whole database), restored by
//!   `pg_restore` in a single transaction into an empty database. Both tools come with the
//!   `postgresql-client` package, in the version of the server or newer.
//!
//! Either way the file is first written under a temporary name and renamed when complete, so
//! a backup cut off half-way never looks like a backup.

use crate::db::{Backend, Db, DbConn};
use crate::db_run;
use anyhow::{bail, Context};
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Text};
use std::path::{Path, PathBuf};
use std::process::Command;

/// What a backup or a restore holds, to print and to compare.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Contents {
    pub backend: Backend,
    pub bytes: u64,
    pub reports: i64,
    pub ratings: i64,
    pub photos: i64,
}

impl Contents {
    pub fn describe(&self) -> String {
        format!(
            "{} phản ánh, {} đánh giá, {} ảnh; {:.1} MB / {} reports, {} ratings, {} photos; {:.1} MB",
            self.reports,
            self.ratings,
            self.photos,
            self.bytes as f64 / 1e6,
            self.reports,
            self.ratings,
            self.photos,
            self.bytes as f64 / 1e6
        )
    }
}

#[derive(QueryableByName)]
struct Count {
    #[diesel(sql_type = BigInt)]
    n: i64,
}

/// Counts what a database holds (reports, ratings, photos of reports and additions).
fn counts(conn: &mut DbConn) -> anyhow::Result<(i64, i64, i64)> {
    let mut one = |sql: &str| -> anyhow::Result<i64> {
        let rows: Vec<Count> = db_run!(conn, diesel::sql_query(sql).load(conn))?;
        Ok(rows.first().map_or(0, |c| c.n))
    };
    Ok((
        one("SELECT count(*) AS n FROM reports")?,
        one("SELECT count(*) AS n FROM ratings")?,
        one("SELECT count(*) AS n FROM report_photos")?,
    ))
}

/// Photos kept in an object store (`MINHBACH_PHOTO_STORE=s3://…`) are named by the database
/// but not in it: the backup cannot hold them, and the operator must be told so.
fn warn_of_object_store_photos(conn: &mut DbConn) -> anyhow::Result<()> {
    let rows: Vec<Count> = db_run!(conn, {
        diesel::sql_query(
            "SELECT (SELECT count(*) FROM report_photos WHERE object_key IS NOT NULL) \
             + (SELECT count(*) FROM photo_redactions WHERE object_key IS NOT NULL) AS n",
        )
        .load(conn)
    })?;
    let n = rows.first().map_or(0, |c| c.n);
    if n > 0 {
        eprintln!(
            "Lưu ý: {n} ảnh nằm trong kho đối tượng (S3), không nằm trong bản sao lưu này; hãy \
             sao lưu bucket bằng công cụ của kho (bật versioning hoặc sao chép sang bucket khác). / \
             Note: {n} photos are in the object store (S3), not in this backup; back the bucket \
             up with the store's own tools (versioning, or replication to another bucket)."
        );
    }
    Ok(())
}

fn partial_name(path: &Path) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(".partial");
    PathBuf::from(name)
}

/// Writes a consistent copy of the database at `url` to `to` (which must not exist yet).
pub fn backup(url: &str, to: &Path) -> anyhow::Result<Contents> {
    if to.exists() {
        bail!(
            "{} đã có; chọn tên khác / {} exists already; choose another name",
            to.display(),
            to.display()
        );
    }
    let db = Db::connect(url, 1)?;
    let partial = partial_name(to);
    let _ = std::fs::remove_file(&partial);
    match db.backend() {
        Backend::Sqlite => {
            let mut conn = db.get()?;
            let conn = &mut conn;
            let target = partial.to_str().context("the backup path is not UTF-8")?;
            db_run!(conn, {
                diesel::sql_query("VACUUM INTO ?")
                    .bind::<Text, _>(target)
                    .execute(conn)
            })
            .context("VACUUM INTO")?;
            check_sqlite_file(&partial)?;
        }
        Backend::Postgres => {
            run_tool(
                Command::new("pg_dump")
                    .arg("--format=custom")
                    .arg("--no-owner")
                    .arg("--file")
                    .arg(&partial)
                    .arg(url),
                "pg_dump",
            )?;
        }
    }
    std::fs::rename(&partial, to)?;
    let mut conn = db.get()?;
    let (reports, ratings, photos) = counts(&mut conn)?;
    warn_of_object_store_photos(&mut conn)?;
    Ok(Contents {
        backend: db.backend(),
        bytes: std::fs::metadata(to)?.len(),
        reports,
        ratings,
        photos,
    })
}

/// Brings a backup made by [`backup`] back into the database at `url`, which must be new:
/// an SQLite file that does not exist yet, or an empty PostgreSQL database. Then applies any
/// migration newer than the backup. The server must not be running on `url`.
pub fn restore(from: &Path, url: &str) -> anyhow::Result<Contents> {
    let mut magic = [0u8; 16];
    {
        use std::io::Read;
        let mut f = std::fs::File::open(from)
            .with_context(|| format!("không mở được / cannot open {}", from.display()))?;
        f.read_exact(&mut magic)
            .context("the file is too short to be a backup")?;
    }
    let from_sqlite = magic.starts_with(b"SQLite format 3\0");
    let from_postgres = magic.starts_with(b"PGDMP");
    let to_postgres = url.starts_with("postgres://") || url.starts_with("postgresql://");
    match (from_sqlite, from_postgres, to_postgres) {
        (true, _, false) => {
            let target = PathBuf::from(crate::db::sqlite_path(url)?);
            if target.exists() {
                bail!(
                    "{} đã có: khôi phục chỉ vào một tệp mới (dời tệp cũ đi trước) / {} exists: restore only into a new file (move the old one away first)",
                    target.display(),
                    target.display()
                );
            }
            if let Some(dir) = target.parent() {
                if !dir.as_os_str().is_empty() {
                    std::fs::create_dir_all(dir)?;
                }
            }
            check_sqlite_file(from)?;
            let partial = partial_name(&target);
            std::fs::copy(from, &partial)?;
            std::fs::File::open(&partial)?.sync_all()?;
            std::fs::rename(&partial, &target)?;
        }
        (false, true, true) => {
            let db = Db::connect(url, 1)?;
            let mut conn = db.get()?;
            let c = &mut conn;
            let tables: Vec<Count> = db_run!(c, {
                diesel::sql_query(
                    "SELECT count(*) AS n FROM information_schema.tables WHERE table_schema = 'public'",
                )
                .load(c)
            })?;
            if tables.first().map_or(0, |c| c.n) > 0 {
                bail!("cơ sở dữ liệu đích không trống: khôi phục chỉ vào một cơ sở dữ liệu mới (createdb) / the target database is not empty: restore only into a new one (createdb)");
            }
            drop(conn);
            run_tool(
                Command::new("pg_restore")
                    .arg("--no-owner")
                    .arg("--exit-on-error")
                    .arg("--single-transaction")
                    .arg("--dbname")
                    .arg(url)
                    .arg(from),
                "pg_restore",
            )?;
        }
        (true, _, true) | (false, true, false) => bail!(
            "bản sao lưu và cơ sở dữ liệu đích khác loại (SQLite/PostgreSQL); để chuyển dữ liệu hãy dùng `minhbach migrate-data` / the backup and the target are different databases (SQLite/PostgreSQL); to move data between them use `minhbach migrate-data`"
        ),
        _ => bail!(
            "{} không phải bản sao lưu của Minh Bạch / {} is not a Minh Bạch backup",
            from.display(),
            from.display()
        ),
    }
    let db = Db::connect(url, 1)?;
    db.migrate()?;
    let mut conn = db.get()?;
    let (reports, ratings, photos) = counts(&mut conn)?;
    Ok(Contents {
        backend: db.backend(),
        bytes: std::fs::metadata(from)?.len(),
        reports,
        ratings,
        photos,
    })
}

#[derive(QueryableByName)]
struct Check {
    #[diesel(sql_type = Text)]
    integrity_check: String,
}

/// `PRAGMA integrity_check` on a closed SQLite file: "ok", or an error naming the damage.
fn check_sqlite_file(path: &Path) -> anyhow::Result<()> {
    let path = path.to_str().context("the path is not UTF-8")?;
    let mut conn = diesel::SqliteConnection::establish(path)?;
    let rows: Vec<Check> = diesel::sql_query("PRAGMA integrity_check").load(&mut conn)?;
    match rows.first().map(|r| r.integrity_check.as_str()) {
        Some("ok") => Ok(()),
        other => bail!(
            "tệp SQLite bị hỏng / the SQLite file is damaged: {}",
            other.unwrap_or("no answer")
        ),
    }
}

fn run_tool(command: &mut Command, name: &str) -> anyhow::Result<()> {
    let out = command.output().map_err(|e| {
        anyhow::anyhow!(
            "không chạy được {name} (cài gói postgresql-client) / cannot run {name} (install postgresql-client): {e}"
        )
    })?;
    if !out.status.success() {
        bail!(
            "{name} thất bại / {name} failed: {}",
            String::from_utf8_lossy(&out.stderr).trim()
        );
    }
    Ok(())
}
