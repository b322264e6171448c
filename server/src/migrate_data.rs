//! `minhbach migrate-data`: moves a deployment from its SQLite file to PostgreSQL, every row of
//! every table, photos and secrets included.
//!
//! 1. The SQLite file must exist (it is never created here) and the PostgreSQL database must
//!    hold none of our data (see [`check_target`]); a refusal changes nothing on either side.
//!    (A failure after step 2 leaves the target with the schema and no data, which a second
//!    run accepts.)
//! 2. The source is migrated to the newest schema, the target with the PostgreSQL migrations,
//!    so both have the same tables and columns (checked, by name).
//! 3. In one PostgreSQL transaction, with triggers off (`SET LOCAL session_replication_role =
//!    replica`: the roll-up and audit triggers must not fire again on copied rows; the roll-up
//!    tables are copied as rows like the rest), every table is copied in multi-row INSERTs,
//!    secondary indexes are dropped for the copy and built again after it, serial or identity
//!    sequences are set past the largest value, and each table's rows are
//!    counted on both sides. The transaction commits only if every count matches. The source
//!    is read in one SQLite read transaction: one consistent snapshot.
//!
//! The copy is generic: tables and columns come from `sqlite_master` and the PostgreSQL
//! catalogue, each SQLite value is read by its storage class and bound as the PostgreSQL
//! column's type (integer 0/1 → boolean, BLOB → bytea, …), so a table a later migration adds
//! is copied without a change here. `__diesel_schema_migrations` is not copied: the target has
//! its own.
//!
//! Why diesel and no other driver: the server already links diesel with both backends, and
//! two of its public pieces are enough for dynamic rows: a hand-written `QueryableByName` reads
//! an SQLite row of any width through the raw `SqliteValue` (its storage class, then its text,
//! integer, real or bytes), and a boxed `sql_query` takes any number of typed binds. The
//! `postgres` crate would bring COPY, but also a second PostgreSQL client, TLS stack and
//! connection-string parser next to diesel's libpq; 500-row INSERTs are fast enough: a
//! province of 1,000,000 ratings (2.9 million rows with its reports and roll-ups) moved in
//! 134 s, about 21,000 rows a second, most of it PostgreSQL's own work (README, "Moving from
//! SQLite to PostgreSQL").
//!
//! The reporters' data key: without `MINHBACH_DATA_KEY` it is a row of `server_secrets` (so are
//! the token-signing secret and the pseudonym key) and moves with the data; with it, the server
//! on PostgreSQL must be given the same key. Photos kept in an object store
//! (`MINHBACH_PHOTO_STORE=s3://…`) stay in the bucket: only their keys are rows.

use crate::db::{sqlite_path, Db, DbConn, SQLITE_MIGRATIONS};
use anyhow::{bail, Context};
use diesel::connection::{DefaultLoadingMode, SimpleConnection};
use diesel::deserialize::{self, QueryableByName};
use diesel::pg::Pg;
use diesel::prelude::*;
use diesel::query_builder::{BoxedSqlQuery, SqlQuery};
use diesel::row::{Field, NamedRow, Row};
use diesel::sql_types::{BigInt, Binary, Bool, Double, Float, Integer, Nullable, SmallInt, Text};
use diesel::sqlite::{Sqlite, SqliteType};
use diesel::{PgConnection, SqliteConnection};
use diesel_migrations::MigrationHarness;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::time::Instant;

/// Rows per INSERT statement: large enough that the round trips do not dominate, small enough
/// to keep a statement of photos to a few hundred megabytes at most.
const BATCH_ROWS: usize = 500;
/// PostgreSQL's limit of bound parameters in one statement.
const MAX_PARAMS: usize = 65_535;
/// A statement is sent early when its values reach this size: 500 rows of photos would be
/// gigabytes.
const BATCH_BYTES: usize = 32 << 20;
/// Diesel's own table, which each database keeps for itself.
const MIGRATIONS_TABLE: &str = "__diesel_schema_migrations";

/// One table's rows on each side after the copy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TableCount {
    pub table: String,
    pub sqlite: i64,
    pub postgres: i64,
}

/// What was moved.
#[derive(Debug, Clone)]
pub struct Summary {
    pub tables: Vec<TableCount>,
    pub seconds: f64,
    /// Whether the reporters' data key was kept in the database (and so moved with it).
    pub data_key_in_database: bool,
}

impl Summary {
    pub fn rows(&self) -> i64 {
        self.tables.iter().map(|t| t.postgres).sum()
    }

    /// The per-table comparison, as printed.
    pub fn table(&self) -> String {
        render(&self.tables)
    }
}

/// The comparison as a table: one line per table, then the totals.
fn render(counts: &[TableCount]) -> String {
    let total = TableCount {
        table: "Tổng / Total".into(),
        sqlite: counts.iter().map(|c| c.sqlite).sum(),
        postgres: counts.iter().map(|c| c.postgres).sum(),
    };
    let head = "Bảng / Table";
    let width = counts
        .iter()
        .map(|c| c.table.chars().count())
        .chain([head.chars().count(), total.table.chars().count()])
        .max()
        .unwrap_or(0);
    let pad = |s: &str| format!("{s}{}", " ".repeat(width - s.chars().count()));
    let mut out = format!("{}  {:>12}  {:>12}\n", pad(head), "SQLite", "PostgreSQL");
    for c in counts.iter().chain([&total]) {
        let mark = if c.sqlite == c.postgres {
            "✓"
        } else {
            "✗ KHÁC / DIFFERS"
        };
        let _ = writeln!(
            out,
            "{}  {:>12}  {:>12}  {mark}",
            pad(&c.table),
            c.sqlite,
            c.postgres
        );
    }
    out
}

/// Moves everything from the SQLite database `from` to the PostgreSQL database `to`. Progress
/// of long tables goes to standard error.
pub fn migrate_data(from: &str, to: &str) -> anyhow::Result<Summary> {
    let started = Instant::now();
    if from.starts_with("postgres://") || from.starts_with("postgresql://") {
        bail!("nguồn phải là tệp SQLite (sqlite://…) / the source must be an SQLite file (sqlite://…)");
    }
    if !(to.starts_with("postgres://") || to.starts_with("postgresql://")) {
        bail!("đích phải là cơ sở dữ liệu PostgreSQL (postgres://…) / the target must be a PostgreSQL database (postgres://…)");
    }
    let path = std::path::PathBuf::from(sqlite_path(from)?);
    check_sqlite_source(&path)?;

    // The target first, before anything is changed anywhere.
    let target = Db::connect(to, 1)?;
    let seeds = seed_counts()?;
    {
        let mut conn = target.get()?;
        check_target(pg(&mut conn), &seeds)?;
    }

    let source = Db::connect(from, 1)?;
    let applied = source.migrate().context("migrating the SQLite source")?;
    if applied > 0 {
        eprintln!("SQLite: {applied} migration(s) applied / đã áp dụng {applied} migration");
    }
    target
        .migrate()
        .context("migrating the PostgreSQL target")?;

    let mut sconn = source.get()?;
    let s = sqlite(&mut sconn);
    let mut tconn = target.get()?;
    let p = pg(&mut tconn);
    let tables = plan(s, p)?;

    // One snapshot of the source for the copy and its counts.
    let counts = s.transaction::<_, anyhow::Error, _>(|s| {
        p.transaction::<_, anyhow::Error, _>(|p| {
            p.batch_execute("SET LOCAL session_replication_role = replica")
                .map_err(|e| {
                    anyhow::anyhow!(
                        "không tắt được trigger (SET session_replication_role cần quyền superuser, \
                         hoặc trên PostgreSQL 15+: GRANT SET ON PARAMETER session_replication_role \
                         TO <vai trò>) / cannot turn triggers off (SET session_replication_role \
                         needs a superuser, or on PostgreSQL 15+: GRANT SET ON PARAMETER \
                         session_replication_role TO <role>): {e}"
                    )
                })?;
            // The only rows here are those the migrations wrote (checked above), such as the
            // seeded discipline measures; the source has its own (perhaps edited) copies.
            for t in &tables {
                if count(p, &t.name)? > 0 {
                    p.batch_execute(&format!("DELETE FROM {}", ident(&t.name)))?;
                }
            }
            // Secondary indexes are built once at the end, a sort each, rather than grown
            // row by row (a million ratings copied in 57 s instead of 86 s).
            let indexes = secondary_indexes(p)?;
            for i in &indexes {
                p.batch_execute(&format!("DROP INDEX {}", i.name))?;
            }
            let mut counts = Vec::with_capacity(tables.len());
            for t in &tables {
                let in_source = count(s, &t.name)?;
                let copied = copy_table(s, p, t, in_source)?;
                for c in t.columns.iter().filter(|c| c.sequence.is_some()) {
                    diesel::sql_query(format!(
                        "SELECT setval(CAST($1 AS regclass), COALESCE((SELECT max({}) FROM {}), 0) + 1, false)",
                        ident(&c.name),
                        ident(&t.name)
                    ))
                    .bind::<Text, _>(c.sequence.as_deref().unwrap_or_default())
                    .execute(p)?;
                }
                let in_target = count(p, &t.name)?;
                if copied != in_source {
                    bail!(
                        "{}: đọc được {copied} dòng, nguồn đếm {in_source} / read {copied} rows, the source counts {in_source}",
                        t.name
                    );
                }
                counts.push(TableCount {
                    table: t.name.clone(),
                    sqlite: in_source,
                    postgres: in_target,
                });
            }
            let started = Instant::now();
            for i in &indexes {
                p.batch_execute(&i.definition)
                    .with_context(|| format!("{}: tạo lại chỉ mục / building the index again", i.name))?;
            }
            if !indexes.is_empty() {
                eprintln!(
                    "  {} chỉ mục / indexes ({:.0} s)",
                    indexes.len(),
                    started.elapsed().as_secs_f64()
                );
            }
            if counts.iter().any(|c| c.sqlite != c.postgres) {
                bail!(
                    "{}\nsố dòng không khớp; không ghi gì vào PostgreSQL / the row counts differ; nothing was written to PostgreSQL",
                    render(&counts)
                );
            }
            Ok(counts)
        })
    })?;
    // Fresh statistics for the planner: a new table of millions of rows has none until
    // autovacuum gets to it. The data is committed by now: a failure here is only a warning.
    if let Err(e) = p.batch_execute("ANALYZE") {
        eprintln!("ANALYZE: {e}");
    }

    let data_key_in_database = tables.iter().any(|t| t.name == "server_secrets")
        && diesel::sql_query("SELECT count(*) AS n FROM server_secrets WHERE name = 'data-key'")
            .load::<Count>(p)?
            .first()
            .is_some_and(|k| k.n > 0);
    Ok(Summary {
        tables: counts,
        seconds: started.elapsed().as_secs_f64(),
        data_key_in_database,
    })
}

/// Refuses a source that is not an existing SQLite file, without creating anything.
fn check_sqlite_source(path: &std::path::Path) -> anyhow::Result<()> {
    use std::io::Read;
    if !path.is_file() {
        bail!(
            "không có tệp SQLite {} / the SQLite file {} does not exist",
            path.display(),
            path.display()
        );
    }
    let mut magic = [0u8; 16];
    let ok = std::fs::File::open(path)
        .and_then(|mut f| f.read_exact(&mut magic))
        .is_ok();
    if !ok || &magic != b"SQLite format 3\0" {
        bail!(
            "{} không phải tệp SQLite / {} is not an SQLite file",
            path.display(),
            path.display()
        );
    }
    Ok(())
}

fn sqlite(conn: &mut DbConn) -> &mut SqliteConnection {
    match conn {
        DbConn::Sqlite(c) => c,
        DbConn::Postgres(_) => unreachable!("the source was checked to be SQLite"),
    }
}

fn pg(conn: &mut DbConn) -> &mut PgConnection {
    match conn {
        DbConn::Postgres(c) => c,
        DbConn::Sqlite(_) => unreachable!("the target was checked to be PostgreSQL"),
    }
}

/// `"name"`, quoted for either database.
fn ident(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

#[derive(QueryableByName)]
struct Count {
    #[diesel(sql_type = BigInt)]
    n: i64,
}

fn count<C>(conn: &mut C, table: &str) -> anyhow::Result<i64>
where
    C: Connection,
    for<'a> SqlQuery: diesel::query_dsl::LoadQuery<'a, C, Count>,
{
    let rows: Vec<Count> =
        diesel::sql_query(format!("SELECT count(*) AS n FROM {}", ident(table))).load(conn)?;
    Ok(rows.first().map_or(0, |c| c.n))
}

#[derive(QueryableByName)]
struct Index {
    /// As `regclass` prints it: quoted and schema-qualified where needed.
    #[diesel(sql_type = Text)]
    name: String,
    /// `CREATE [UNIQUE] INDEX … ON … USING … (…) [WHERE …]`.
    #[diesel(sql_type = Text)]
    definition: String,
}

/// The indexes of the current schema's tables that no constraint uses (a primary key, a unique
/// constraint, a foreign key's referenced key): those may be dropped and built again.
fn secondary_indexes(p: &mut PgConnection) -> anyhow::Result<Vec<Index>> {
    Ok(diesel::sql_query(
        "SELECT i.indexrelid::regclass::text AS name, pg_get_indexdef(i.indexrelid) AS definition
         FROM pg_index i
         JOIN pg_class t ON t.oid = i.indrelid
         JOIN pg_namespace n ON n.oid = t.relnamespace
         WHERE n.nspname = current_schema() AND t.relkind = 'r'
           AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)
         ORDER BY 1",
    )
    .load(p)?)
}

// ---------------------------------------------------------------------------------------------
// The target must be empty

/// Rows each table holds when the migrations alone have run (the seeded discipline measures,
/// for one): a fresh in-memory SQLite database, migrated. The PostgreSQL migrations seed the
/// same rows (the two sets are kept in step, and the API tests run on both).
fn seed_counts() -> anyhow::Result<BTreeMap<String, i64>> {
    let mut c = SqliteConnection::establish(":memory:")?;
    c.run_pending_migrations(SQLITE_MIGRATIONS)
        .map_err(|e| anyhow::anyhow!(e))?;
    let tables: BTreeSet<String> = sqlite_columns(&mut c)?
        .into_keys()
        .filter(|t| t != MIGRATIONS_TABLE)
        .collect();
    tables
        .into_iter()
        .map(|t| Ok((t.clone(), count(&mut c, &t)?)))
        .collect()
}

/// The target may be a new database (no tables at all: `createdb`), or one on which only our
/// migrations have run (`minhbach migrate`): then every table it has must be one of ours and
/// hold no row beyond what the migrations themselves wrote. Anything else (another
/// application's tables, a server that has started on it and written its secrets, data) is
/// refused, so nothing is ever mixed or overwritten.
fn check_target(p: &mut PgConnection, seeds: &BTreeMap<String, i64>) -> anyhow::Result<()> {
    let tables: BTreeSet<String> = pg_columns(p)?.into_keys().collect();
    if tables.is_empty() {
        return Ok(());
    }
    let foreign: Vec<&String> = tables
        .iter()
        .filter(|t| *t != MIGRATIONS_TABLE && !seeds.contains_key(*t))
        .collect();
    if !tables.contains(MIGRATIONS_TABLE) || !foreign.is_empty() {
        let names: Vec<&str> = foreign.iter().take(5).map(|s| s.as_str()).collect();
        bail!(
            "cơ sở dữ liệu đích có bảng không phải của Minh Bạch ({}); hãy dùng một cơ sở dữ liệu mới (createdb); không thay đổi gì / the target database has tables that are not Minh Bạch's ({}); use a new database (createdb); nothing was changed",
            names.join(", "),
            names.join(", ")
        );
    }
    let mut holding = Vec::new();
    for t in tables.iter().filter(|t| *t != MIGRATIONS_TABLE) {
        let n = count(p, t)?;
        if n != 0 && Some(&n) != seeds.get(t) {
            holding.push(format!("{t}: {n}"));
        }
    }
    if !holding.is_empty() {
        let list = holding.into_iter().take(5).collect::<Vec<_>>().join(", ");
        bail!(
            "cơ sở dữ liệu đích không trống ({list} dòng): chỉ chuyển vào một cơ sở dữ liệu mới (createdb) hoặc chỉ mới chạy `minhbach migrate`; không thay đổi gì / the target database is not empty ({list} rows): move only into a new database (createdb) or one where only `minhbach migrate` has run; nothing was changed"
        );
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Tables and columns

/// How a PostgreSQL column's values are bound.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Bool,
    BigInt,
    Integer,
    SmallInt,
    Text,
    Bytes,
    Double,
    Real,
    /// Any other type: bound as text and cast in the statement (`CAST($n AS type)`).
    Other,
}

impl Kind {
    fn of(pg_type: &str) -> Kind {
        match pg_type {
            "boolean" => Kind::Bool,
            "bigint" => Kind::BigInt,
            "integer" => Kind::Integer,
            "smallint" => Kind::SmallInt,
            "bytea" => Kind::Bytes,
            "double precision" => Kind::Double,
            "real" => Kind::Real,
            t if t == "text" || t.starts_with("character") => Kind::Text,
            _ => Kind::Other,
        }
    }
}

#[derive(Debug)]
struct Column {
    name: String,
    pg_type: String,
    kind: Kind,
    /// The sequence of a serial or identity column, set past the copied values.
    sequence: Option<String>,
}

#[derive(Debug)]
struct Table {
    name: String,
    columns: Vec<Column>,
    /// A `GENERATED ALWAYS AS IDENTITY` column takes copied values only when told so.
    always_identity: bool,
}

#[derive(QueryableByName)]
struct SqliteColumn {
    #[diesel(sql_type = Text)]
    table_name: String,
    #[diesel(sql_type = Text)]
    column_name: String,
}

/// Each SQLite table's columns, in order (internal `sqlite_*` tables left out).
fn sqlite_columns(s: &mut SqliteConnection) -> anyhow::Result<BTreeMap<String, Vec<String>>> {
    let rows: Vec<SqliteColumn> = diesel::sql_query(
        "SELECT m.name AS table_name, p.name AS column_name
         FROM sqlite_master AS m, pragma_table_info(m.name) AS p
         WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite\\_%' ESCAPE '\\'
         ORDER BY m.name, p.cid",
    )
    .load(s)?;
    let mut tables: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for r in rows {
        tables.entry(r.table_name).or_default().push(r.column_name);
    }
    Ok(tables)
}

#[derive(QueryableByName)]
struct PgColumn {
    #[diesel(sql_type = Text)]
    table_name: String,
    #[diesel(sql_type = Text)]
    column_name: String,
    #[diesel(sql_type = Text)]
    column_type: String,
    #[diesel(sql_type = Bool)]
    always_identity: bool,
    #[diesel(sql_type = Nullable<Text>)]
    sequence: Option<String>,
}

/// Each table of the current schema with its writable columns (generated ones left out), in
/// order, with their types as PostgreSQL names them.
fn pg_columns(p: &mut PgConnection) -> anyhow::Result<BTreeMap<String, Vec<PgColumn>>> {
    let rows: Vec<PgColumn> = diesel::sql_query(
        "SELECT c.relname::text AS table_name, a.attname::text AS column_name,
                format_type(a.atttypid, a.atttypmod) AS column_type,
                a.attidentity = 'a' AS always_identity,
                pg_get_serial_sequence(format('%I.%I', n.nspname, c.relname), a.attname::text) AS sequence
         FROM pg_attribute a
         JOIN pg_class c ON c.oid = a.attrelid
         JOIN pg_namespace n ON n.oid = c.relnamespace
         WHERE n.nspname = current_schema() AND c.relkind = 'r' AND a.attnum > 0
           AND NOT a.attisdropped AND a.attgenerated = ''
         ORDER BY c.relname, a.attnum",
    )
    .load(p)?;
    let mut tables: BTreeMap<String, Vec<PgColumn>> = BTreeMap::new();
    for r in rows {
        tables.entry(r.table_name.clone()).or_default().push(r);
    }
    Ok(tables)
}

/// The tables to copy, in name order, with the target's column types; refuses if the two
/// schemas differ in a table or a column name.
fn plan(s: &mut SqliteConnection, p: &mut PgConnection) -> anyhow::Result<Vec<Table>> {
    let mut source = sqlite_columns(s)?;
    let mut target = pg_columns(p)?;
    source.remove(MIGRATIONS_TABLE);
    target.remove(MIGRATIONS_TABLE);
    let mut differences = Vec::new();
    for t in source.keys().filter(|t| !target.contains_key(*t)) {
        differences.push(format!("{t}: chỉ có ở SQLite / only in SQLite"));
    }
    for t in target.keys().filter(|t| !source.contains_key(*t)) {
        differences.push(format!("{t}: chỉ có ở PostgreSQL / only in PostgreSQL"));
    }
    let mut tables = Vec::new();
    for (name, pg_cols) in target {
        let Some(sqlite_cols) = source.get(&name) else {
            continue;
        };
        let a: BTreeSet<&String> = sqlite_cols.iter().collect();
        let b: BTreeSet<&String> = pg_cols.iter().map(|c| &c.column_name).collect();
        if a != b {
            let only_sqlite: Vec<&str> = a.difference(&b).map(|s| s.as_str()).collect();
            let only_pg: Vec<&str> = b.difference(&a).map(|s| s.as_str()).collect();
            differences.push(format!(
                "{name}: cột chỉ có ở SQLite / columns only in SQLite [{}], chỉ có ở PostgreSQL / only in PostgreSQL [{}]",
                only_sqlite.join(", "),
                only_pg.join(", ")
            ));
            continue;
        }
        tables.push(Table {
            always_identity: pg_cols.iter().any(|c| c.always_identity),
            columns: pg_cols
                .into_iter()
                .map(|c| Column {
                    kind: Kind::of(&c.column_type),
                    name: c.column_name,
                    pg_type: c.column_type,
                    sequence: c.sequence,
                })
                .collect(),
            name,
        });
    }
    if !differences.is_empty() {
        bail!(
            "lược đồ SQLite và PostgreSQL khác nhau, không chép gì / the SQLite and PostgreSQL schemas differ, nothing was copied:\n  {}",
            differences.join("\n  ")
        );
    }
    Ok(tables)
}

// ---------------------------------------------------------------------------------------------
// Rows

/// An SQLite value as stored (SQLite types values, not columns).
#[derive(Debug)]
enum Value {
    Null,
    Integer(i64),
    Real(f64),
    Text(String),
    Blob(Vec<u8>),
}

impl Value {
    /// About what the value weighs in a statement.
    fn size(&self) -> usize {
        match self {
            Value::Text(t) => t.len(),
            Value::Blob(b) => b.len(),
            _ => 8,
        }
    }
}

/// One SQLite row of any width, read by storage class.
struct SourceRow(Vec<Value>);

impl QueryableByName<Sqlite> for SourceRow {
    fn build<'a>(row: &impl NamedRow<'a, Sqlite>) -> deserialize::Result<Self> {
        let mut values = Vec::with_capacity(row.field_count());
        for i in 0..row.field_count() {
            let field = Row::get(row, i).ok_or("a column went missing from the row")?;
            values.push(match field.value() {
                None => Value::Null,
                Some(mut v) => match v.value_type() {
                    Some(SqliteType::Long | SqliteType::Integer | SqliteType::SmallInt) => {
                        Value::Integer(v.read_long())
                    }
                    Some(SqliteType::Double | SqliteType::Float) => Value::Real(v.read_double()),
                    Some(SqliteType::Text) => Value::Text(v.read_text().to_owned()),
                    Some(SqliteType::Binary) => Value::Blob(v.read_blob().to_vec()),
                    None => Value::Null,
                },
            });
        }
        Ok(SourceRow(values))
    }
}

type Insert = BoxedSqlQuery<'static, Pg, SqlQuery>;

/// Binds `value` as the column's PostgreSQL type; a value that does not fit the type (which
/// SQLite would have let in) stops the copy with its table and column named.
fn bind(q: Insert, table: &str, column: &Column, value: Value) -> anyhow::Result<Insert> {
    let misfit = |v: &Value| {
        let what = match v {
            Value::Integer(i) => format!("integer {i}"),
            Value::Real(r) => format!("real {r}"),
            Value::Text(t) => format!("text {:?}", t.chars().take(40).collect::<String>()),
            Value::Blob(b) => format!("blob ({} bytes)", b.len()),
            Value::Null => "null".into(),
        };
        anyhow::anyhow!(
            "{table}.{}: giá trị {what} không hợp với kiểu {} / the value {what} does not fit the type {}",
            column.name,
            column.pg_type,
            column.pg_type
        )
    };
    let int = |v: &Value| match v {
        Value::Integer(i) => Ok(*i),
        other => Err(misfit(other)),
    };
    if let Value::Null = value {
        return Ok(match column.kind {
            Kind::Bool => q.bind::<Nullable<Bool>, _>(None::<bool>),
            Kind::BigInt => q.bind::<Nullable<BigInt>, _>(None::<i64>),
            Kind::Integer => q.bind::<Nullable<Integer>, _>(None::<i32>),
            Kind::SmallInt => q.bind::<Nullable<SmallInt>, _>(None::<i16>),
            Kind::Bytes => q.bind::<Nullable<Binary>, _>(None::<Vec<u8>>),
            Kind::Double => q.bind::<Nullable<Double>, _>(None::<f64>),
            Kind::Real => q.bind::<Nullable<Float>, _>(None::<f32>),
            Kind::Text | Kind::Other => q.bind::<Nullable<Text>, _>(None::<String>),
        });
    }
    Ok(match column.kind {
        Kind::Bool => match value {
            Value::Integer(0) => q.bind::<Bool, _>(false),
            Value::Integer(1) => q.bind::<Bool, _>(true),
            other => return Err(misfit(&other)),
        },
        Kind::BigInt => q.bind::<BigInt, _>(int(&value)?),
        Kind::Integer => {
            let v = i32::try_from(int(&value)?).map_err(|_| misfit(&value))?;
            q.bind::<Integer, _>(v)
        }
        Kind::SmallInt => {
            let v = i16::try_from(int(&value)?).map_err(|_| misfit(&value))?;
            q.bind::<SmallInt, _>(v)
        }
        Kind::Text => match value {
            Value::Text(t) => q.bind::<Text, _>(t),
            // What diesel would have read from SQLite as text.
            Value::Integer(i) => q.bind::<Text, _>(i.to_string()),
            Value::Blob(b) => match String::from_utf8(b) {
                Ok(t) => q.bind::<Text, _>(t),
                Err(e) => return Err(misfit(&Value::Blob(e.into_bytes()))),
            },
            other => return Err(misfit(&other)),
        },
        Kind::Bytes => match value {
            Value::Blob(b) => q.bind::<Binary, _>(b),
            Value::Text(t) => q.bind::<Binary, _>(t.into_bytes()),
            other => return Err(misfit(&other)),
        },
        Kind::Double => match value {
            Value::Real(r) => q.bind::<Double, _>(r),
            Value::Integer(i) => q.bind::<Double, _>(i as f64),
            other => return Err(misfit(&other)),
        },
        Kind::Real => match value {
            Value::Real(r) => q.bind::<Float, _>(r as f32),
            Value::Integer(i) => q.bind::<Float, _>(i as f32),
            other => return Err(misfit(&other)),
        },
        Kind::Other => match value {
            Value::Text(t) => q.bind::<Text, _>(t),
            Value::Integer(i) => q.bind::<Text, _>(i.to_string()),
            Value::Real(r) => q.bind::<Text, _>(r.to_string()),
            other => return Err(misfit(&other)),
        },
    })
}

/// `INSERT INTO "t" ("a", "b") VALUES ($1, $2), ($3, $4), …` for `rows` rows.
fn insert_sql(t: &Table, rows: usize) -> String {
    let columns: Vec<String> = t.columns.iter().map(|c| ident(&c.name)).collect();
    let mut sql = format!(
        "INSERT INTO {} ({}){} VALUES ",
        ident(&t.name),
        columns.join(", "),
        if t.always_identity {
            " OVERRIDING SYSTEM VALUE"
        } else {
            ""
        }
    );
    let mut n = 0;
    for r in 0..rows {
        sql.push_str(if r == 0 { "(" } else { ", (" });
        for (i, c) in t.columns.iter().enumerate() {
            n += 1;
            if i > 0 {
                sql.push_str(", ");
            }
            if c.kind == Kind::Other {
                let _ = write!(sql, "CAST(${n} AS {})", c.pg_type);
            } else {
                let _ = write!(sql, "${n}");
            }
        }
        sql.push(')');
    }
    sql
}

/// Copies one table, streaming the source, `BATCH_ROWS` rows per statement; returns the rows
/// copied. `expected` (the source's count) is for the progress lines of a long table.
fn copy_table(
    s: &mut SqliteConnection,
    p: &mut PgConnection,
    t: &Table,
    expected: i64,
) -> anyhow::Result<i64> {
    let started = Instant::now();
    let columns: Vec<String> = t.columns.iter().map(|c| ident(&c.name)).collect();
    let select = format!("SELECT {} FROM {}", columns.join(", "), ident(&t.name));
    let per_statement = (MAX_PARAMS / t.columns.len().max(1)).clamp(1, BATCH_ROWS);
    let full = insert_sql(t, per_statement);
    let mut batch: Vec<SourceRow> = Vec::with_capacity(per_statement);
    let mut copied: i64 = 0;
    let mut next_report = 100_000;
    let mut flush = |batch: &mut Vec<SourceRow>, sql: &str| -> anyhow::Result<()> {
        let mut q: Insert = diesel::sql_query(sql).into_boxed();
        for row in batch.drain(..) {
            for (column, value) in t.columns.iter().zip(row.0) {
                q = bind(q, &t.name, column, value)?;
            }
        }
        q.execute(p).with_context(|| {
            format!("{}: chép vào PostgreSQL / copying into PostgreSQL", t.name)
        })?;
        Ok(())
    };
    let mut bytes = 0;
    for row in diesel::sql_query(&select).load_iter::<SourceRow, DefaultLoadingMode>(s)? {
        let row = row.with_context(|| format!("{}: đọc SQLite / reading SQLite", t.name))?;
        if row.0.len() != t.columns.len() {
            bail!("{}: the row has {} columns", t.name, row.0.len());
        }
        bytes += row.0.iter().map(Value::size).sum::<usize>();
        batch.push(row);
        if batch.len() == per_statement || bytes >= BATCH_BYTES {
            let n = batch.len();
            if n == per_statement {
                flush(&mut batch, &full)?;
            } else {
                flush(&mut batch, &insert_sql(t, n))?;
            }
            copied += n as i64;
            bytes = 0;
            if copied >= next_report {
                eprintln!(
                    "  {}: {copied} / {expected} dòng / rows ({:.0} s)",
                    t.name,
                    started.elapsed().as_secs_f64()
                );
                next_report += 100_000;
            }
        }
    }
    if !batch.is_empty() {
        let n = batch.len();
        flush(&mut batch, &insert_sql(t, n))?;
        copied += n as i64;
    }
    Ok(copied)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table() -> Table {
        let col = |name: &str, pg_type: &str| Column {
            name: name.into(),
            pg_type: pg_type.into(),
            kind: Kind::of(pg_type),
            sequence: None,
        };
        Table {
            name: "t".into(),
            columns: vec![col("id", "text"), col("at", "timestamp with time zone")],
            always_identity: false,
        }
    }

    #[test]
    fn an_insert_numbers_its_parameters_and_casts_other_types() {
        assert_eq!(
            insert_sql(&table(), 2),
            "INSERT INTO \"t\" (\"id\", \"at\") VALUES ($1, CAST($2 AS timestamp with time zone)), ($3, CAST($4 AS timestamp with time zone))"
        );
    }

    #[test]
    fn kinds_follow_the_postgresql_type_names() {
        assert_eq!(Kind::of("boolean"), Kind::Bool);
        assert_eq!(Kind::of("character varying(20)"), Kind::Text);
        assert_eq!(Kind::of("bytea"), Kind::Bytes);
        assert_eq!(Kind::of("jsonb"), Kind::Other);
    }

    #[test]
    fn the_comparison_marks_a_difference() {
        let out = render(&[
            TableCount {
                table: "ratings".into(),
                sqlite: 3,
                postgres: 3,
            },
            TableCount {
                table: "reports".into(),
                sqlite: 2,
                postgres: 1,
            },
        ]);
        assert!(out.lines().nth(1).unwrap().ends_with('✓'), "{out}");
        assert!(out.lines().nth(2).unwrap().contains("DIFFERS"), "{out}");
        assert!(
            out.lines().nth(3).unwrap().starts_with("Tổng / Total"),
            "{out}"
        );
    }
}
