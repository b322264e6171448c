//! `minhbach serve | migrate | backup | restore | migrate-data | admin create | audit verify`.

use crate::config::Config;
use crate::db::Db;
use crate::startup::Application;
use clap::{Parser, Subcommand};
use shared::model::{NewAccount, Role};
use std::io::{IsTerminal, Read};
use std::process::ExitCode;

#[derive(Parser)]
#[command(
    name = "minhbach",
    version,
    about = "Minh Bạch — phản ánh, đánh giá dịch vụ công / citizen feedback for public offices"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run the web server (runs pending migrations first).
    Serve {
        // Boxed: the settings are much larger than the other commands.
        #[command(flatten)]
        config: Box<Config>,
        /// Load a small demo province (units, counters, staff, accounts) if it is not there yet.
        #[arg(long)]
        demo: bool,
    },
    /// Apply pending database migrations and exit.
    Migrate {
        #[arg(
            long,
            env = "DATABASE_URL",
            default_value = "sqlite://data/minhbach.db"
        )]
        database_url: String,
    },
    /// Write a consistent copy of the whole database, photos included, while the server runs
    /// (SQLite: VACUUM INTO; PostgreSQL: pg_dump, custom format).
    Backup {
        /// The file to write; it must not exist yet.
        #[arg(long)]
        to: std::path::PathBuf,
        #[arg(
            long,
            env = "DATABASE_URL",
            default_value = "sqlite://data/minhbach.db"
        )]
        database_url: String,
    },
    /// Bring a backup back into a new database (an SQLite file that does not exist yet, or an
    /// empty PostgreSQL database), then apply newer migrations. Stop the server first.
    Restore {
        /// The file `minhbach backup` wrote.
        #[arg(long)]
        from: std::path::PathBuf,
        #[arg(
            long,
            env = "DATABASE_URL",
            default_value = "sqlite://data/minhbach.db"
        )]
        database_url: String,
    },
    /// Chuyển toàn bộ dữ liệu từ SQLite sang PostgreSQL / Move every row from SQLite to
    /// PostgreSQL.
    ///
    /// Dừng máy chủ trước: tệp SQLite được đọc khi không còn gì ghi vào. Đích phải là một cơ sở
    /// dữ liệu PostgreSQL trống (mới tạo bằng createdb, hoặc chỉ mới chạy `minhbach migrate`).
    /// Mọi bảng được chép trong một giao dịch, chỉ xác nhận khi số dòng từng bảng khớp.
    ///
    /// Stop the server first: the SQLite file is read while nothing writes to it. The target
    /// must be an empty PostgreSQL database (new from createdb, or with only `minhbach migrate`
    /// run on it); the role needs to be allowed `SET session_replication_role` (a superuser,
    /// or on PostgreSQL 15+ a role granted it). Both sides are migrated to the newest schema,
    /// then every table is copied in one transaction, committed only if each table's row count
    /// matches. The data key moves with the data when it is kept in the database; with
    /// MINHBACH_DATA_KEY, give the new server the same key.
    MigrateData {
        /// The SQLite database to read (sqlite://PATH); it must exist.
        #[arg(
            long,
            env = "DATABASE_URL",
            default_value = "sqlite://data/minhbach.db"
        )]
        from: String,
        /// The PostgreSQL database to fill (postgres://USER@HOST:5432/DB). A password can come
        /// from PGPASSWORD or ~/.pgpass instead of the command line.
        #[arg(long)]
        to: String,
    },
    /// Manage administrator accounts.
    Admin {
        #[command(subcommand)]
        command: AdminCommand,
    },
    /// The tamper-evident audit log.
    Audit {
        #[command(subcommand)]
        command: AuditCommand,
    },
    /// Measures what the inbox's access checks cost (for tests/bench/inbox.sh only).
    #[command(hide = true)]
    Bench {
        #[command(subcommand)]
        command: BenchCommand,
    },
}

#[derive(Subcommand)]
enum BenchCommand {
    /// Reads the first inbox page of USERNAME RUNS times with the access checks and RUNS times
    /// without them, alternating, and prints the latencies of each.
    AccessChecks {
        #[arg(long, env = "DATABASE_URL")]
        database_url: String,
        #[arg(long)]
        username: String,
        /// The committee's review queue instead of the whole inbox.
        #[arg(long)]
        review: bool,
        /// Only this unit's cases.
        #[arg(long)]
        unit_id: Option<String>,
        #[arg(long, default_value_t = 300)]
        runs: usize,
    },
}

#[derive(Subcommand)]
enum AuditCommand {
    /// Check the hash chain of the audit log: every entry's hash, every link to the entry
    /// before, and that no entry is missing. Prints "OK: N entries", or names the first broken
    /// entry and exits with status 1.
    Verify {
        #[arg(
            long,
            env = "DATABASE_URL",
            default_value = "sqlite://data/minhbach.db"
        )]
        database_url: String,
        /// Entries read per query (memory stays the same whatever the log's length).
        #[arg(long, default_value_t = 10_000)]
        batch: i64,
    },
    /// Appends COUNT made-up, correctly chained entries (for the verify benchmark only).
    #[command(hide = true)]
    Fill {
        #[arg(long, env = "DATABASE_URL")]
        database_url: String,
        #[arg(long)]
        count: u64,
        #[arg(long, default_value_t = 10_000)]
        batch: usize,
    },
}

#[derive(Subcommand)]
enum AdminCommand {
    /// Create a national administrator. The password is read from MINHBACH_ADMIN_PASSWORD,
    /// or from standard input (one line), or asked for at the terminal.
    Create {
        #[arg(long)]
        username: String,
        #[arg(long, default_value = "Quản trị viên")]
        full_name: String,
        #[arg(
            long,
            env = "DATABASE_URL",
            default_value = "sqlite://data/minhbach.db"
        )]
        database_url: String,
    },
}

pub fn main() -> ExitCode {
    crate::telemetry::init_logging();
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Serve { config, demo } => serve(*config, demo),
        Command::Migrate { database_url } => migrate(&database_url),
        Command::Backup { to, database_url } => {
            crate::backup::backup(&database_url, &to).map(|c| {
                println!(
                    "Đã sao lưu vào / Backed up to {}: {}",
                    to.display(),
                    c.describe()
                )
            })
        }
        Command::Restore { from, database_url } => crate::backup::restore(&from, &database_url)
            .map(|c| {
                println!(
                    "Đã khôi phục từ / Restored from {}: {}",
                    from.display(),
                    c.describe()
                )
            }),
        Command::MigrateData { from, to } => {
            crate::migrate_data::migrate_data(&from, &to).map(|s| {
                print!("{}", s.table());
                println!(
                    "Đã chuyển {} dòng sang PostgreSQL trong {:.1} s. Trỏ DATABASE_URL tới cơ sở dữ liệu PostgreSQL rồi khởi động máy chủ. / Moved {} rows to PostgreSQL in {:.1} s. Point DATABASE_URL at the PostgreSQL database and start the server.",
                    s.rows(),
                    s.seconds,
                    s.rows(),
                    s.seconds
                );
                if s.data_key_in_database {
                    println!("Khóa dữ liệu nằm trong cơ sở dữ liệu và đã được chuyển theo. / The data key is kept in the database and moved with it.");
                } else {
                    println!("Khóa dữ liệu lấy từ MINHBACH_DATA_KEY: dùng đúng khóa đó cho máy chủ trên PostgreSQL. / The data key comes from MINHBACH_DATA_KEY: give the server on PostgreSQL that same key.");
                }
            })
        }
        Command::Admin {
            command:
                AdminCommand::Create {
                    username,
                    full_name,
                    database_url,
                },
        } => create_admin(&database_url, &username, &full_name),
        Command::Audit {
            command:
                AuditCommand::Verify {
                    database_url,
                    batch,
                },
        } => match verify_audit(&database_url, batch) {
            Ok(true) => Ok(()),
            // The break is printed already; status 1 says so to scripts.
            Ok(false) => return ExitCode::FAILURE,
            Err(e) => Err(e),
        },
        Command::Audit {
            command:
                AuditCommand::Fill {
                    database_url,
                    count,
                    batch,
                },
        } => fill_audit(&database_url, count, batch),
        Command::Bench {
            command:
                BenchCommand::AccessChecks {
                    database_url,
                    username,
                    review,
                    unit_id,
                    runs,
                },
        } => bench_access_checks(&database_url, &username, review, unit_id, runs),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("minhbach: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn serve(config: Config, demo: bool) -> anyhow::Result<()> {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    rt.block_on(async move {
        let app = Application::build(config).await?;
        if demo {
            let (db, key) = (app.state.db.clone(), app.state.data_key.clone());
            let created =
                tokio::task::spawn_blocking(move || crate::demo::load(&db, &key)).await??;
            if created {
                println!("{}", crate::demo::ACCOUNTS_NOTE);
            }
        }
        println!(
            "Minh Bạch đang chạy tại http://{} (listening on port {})",
            app.state.config.addr,
            app.port()
        );
        app.run_until_stopped().await?;
        Ok(())
    })
}

fn migrate(url: &str) -> anyhow::Result<()> {
    let db = Db::connect(url, 1)?;
    let n = db.migrate()?;
    println!("{n} migration(s) applied");
    Ok(())
}

/// Whether the chain holds; prints the outcome in Vietnamese, then English.
fn verify_audit(url: &str, batch: i64) -> anyhow::Result<bool> {
    let db = Db::connect(url, 1)?;
    let mut conn = db.get()?;
    let started = std::time::Instant::now();
    let v = crate::services::audit::verify(&mut conn, batch.max(1))
        .map_err(|e| anyhow::anyhow!("{} / {}", e.0.message.vi, e.0.message.en))?;
    let secs = started.elapsed().as_secs_f64();
    match v.first_break {
        None => {
            println!(
                "OK: {} mục, chuỗi băm nguyên vẹn (mã băm cuối {}) / OK: {} entries, the hash chain is intact (last hash {}) [{secs:.1} s]",
                v.entries, v.last_hash, v.entries, v.last_hash
            );
            Ok(true)
        }
        Some(b) => {
            println!("{}", b.describe());
            println!(
                "{} mục đầu tiên nguyên vẹn. / The first {} entries are intact.",
                v.entries, v.entries
            );
            Ok(false)
        }
    }
}

fn fill_audit(url: &str, count: u64, batch: usize) -> anyhow::Result<()> {
    let db = Db::connect(url, 1)?;
    db.migrate()?;
    let mut conn = db.get()?;
    crate::services::audit::fill(&mut conn, count, batch.max(1))
        .map_err(|e| anyhow::anyhow!("{}", e.0.message.en))?;
    println!("{count} mục đã thêm / entries appended");
    Ok(())
}

fn read_password() -> anyhow::Result<String> {
    if let Ok(p) = std::env::var("MINHBACH_ADMIN_PASSWORD") {
        return Ok(p);
    }
    if std::io::stdin().is_terminal() {
        return Ok(rpassword::prompt_password("Mật khẩu / Password: ")?);
    }
    let mut line = String::new();
    std::io::stdin().read_to_string(&mut line)?;
    Ok(line.lines().next().unwrap_or("").to_string())
}

fn create_admin(url: &str, username: &str, full_name: &str) -> anyhow::Result<()> {
    let db = Db::connect(url, 1)?;
    db.migrate()?;
    let input = shared::validate::new_account(&NewAccount {
        username: username.to_string(),
        password: read_password()?,
        full_name: full_name.to_string(),
        role: Role::Admin,
        unit_id: None,
        phone: None,
        email: None,
        staff_id: None,
    })
    .map_err(|e| {
        let details: Vec<String> = e
            .fields
            .iter()
            .map(|f| format!("{}: {}", f.field, f.message.vi))
            .collect();
        anyhow::anyhow!("{} {}", e.message.vi, details.join("; "))
    })?;
    let hash = crate::auth::hash_password(&input.password).map_err(|e| anyhow::anyhow!("{e}"))?;
    let mut conn = db.get()?;
    // An administrator made here has no contact to seal, so any key will do: the server's own
    // (from the settings or the database) is not needed.
    let no_contact =
        crate::crypto::DataKey::from_base64(&crate::crypto::DataKey::generate_base64())?;
    // Recorded like an administrator's creation of an account, by the command line (no
    // account, no address).
    let account = crate::db::in_transaction(&mut conn, |conn| {
        let account = crate::services::accounts::insert(conn, &input, &hash, &no_contact)?;
        let mut entry = crate::services::audit::Entry::anonymous(
            "system",
            shared::audit::action::ACCOUNT_CREATE,
            "account",
            &account.id,
        )
        .with_detail(serde_json::json!({
            "username": account.username,
            "role": account.role.as_str(),
            "unit_id": account.unit_id,
        }));
        entry.actor_username = "minhbach admin create".into();
        crate::services::audit::append(conn, entry)?;
        Ok(account)
    })
    .map_err(|e| anyhow::anyhow!("{}", e.0.message.vi))?;
    println!(
        "Đã tạo quản trị viên \"{}\" (created administrator).",
        account.username
    );
    Ok(())
}

/// `minhbach bench access-checks`: the reader's first inbox page with and without the access
/// checks (`services::cases::inbox_for_benchmark`), alternating so that both see the same
/// caches, then p50, p99 and the cases each found.
fn bench_access_checks(
    database_url: &str,
    username: &str,
    review: bool,
    unit_id: Option<String>,
    runs: usize,
) -> anyhow::Result<()> {
    use crate::services::cases::inbox_for_benchmark;
    use std::time::Instant;
    let db = Db::connect(database_url, 1)?;
    let mut conn = db.get()?;
    let actor =
        crate::auth::actor_by_username(&mut conn, username).map_err(|e| anyhow::anyhow!("{e}"))?;
    let q = shared::case::CaseQuery {
        unit_id,
        review: review.then_some(true),
        ..Default::default()
    };
    let mut times = [Vec::with_capacity(runs), Vec::with_capacity(runs)];
    let mut totals = [0i64; 2];
    for _ in 0..runs {
        for (i, checks) in [true, false].into_iter().enumerate() {
            let start = Instant::now();
            let page = inbox_for_benchmark(&mut conn, &actor, &q, checks)
                .map_err(|e| anyhow::anyhow!("{e}"))?;
            times[i].push(start.elapsed().as_secs_f64() * 1000.0);
            totals[i] = page.total;
        }
    }
    for (i, label) in ["with checks", "without checks"].into_iter().enumerate() {
        let t = &mut times[i];
        t.sort_by(f64::total_cmp);
        let at = |p: f64| t[((t.len() as f64 * p).ceil() as usize).clamp(1, t.len()) - 1];
        println!(
            "{label}: p50 {:.2} ms, p99 {:.2} ms, {} cases",
            at(0.50),
            at(0.99),
            totals[i]
        );
    }
    Ok(())
}
