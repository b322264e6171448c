//! The tamper-evident audit log: every sensitive action appends an entry (who, what, which
//! object, when, from where) that carries the SHA-256 of the entry before it. Nothing in the
//! application updates or deletes an entry, and the database refuses it (triggers in the
//! migration); someone who bypasses that with direct access to the database still cannot edit
//! or remove an entry without `minhbach audit verify` naming it.
//!
//! SHA-256 (the `sha2` crate of RustCrypto): already a dependency of the server for tokens, well
//! kept and audited, and a hash anyone can recompute with standard tools (sha256sum, openssl,
//! pgcrypto) to check the log without this program. BLAKE3 would be faster, but hashing is not
//! the cost here (a million entries hash in well under a second; reading them is the cost).
//!
//! The chain must never fork: two entries with the same predecessor would leave one of them
//! unverifiable. Each append reads the last entry and writes the next under the writer's lock:
//! on PostgreSQL a transaction-level advisory lock that several server processes share; on
//! SQLite the write lock that `BEGIN IMMEDIATE` already holds. The id is the last id plus one
//! (its primary key), so even an append outside the lock would collide rather than fork.

use super::subtree_range;
use crate::auth::Actor;
use crate::db::{in_transaction, now_ms, DbConn};
use crate::db_run;
use crate::error::{AppError, AppResult};
use crate::schema::audit_log;
use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use sha2::{Digest, Sha256};
use shared::audit::{AuditEntry, AuditPage, AuditQuery};
use shared::model::Role;
use shared::{ApiError, FieldCode};

/// The `prev_hash` of the first entry.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// The advisory lock every appender takes on PostgreSQL ("MBAUDIT"); any key will do as long as
/// every Minh Bạch process uses the same one.
const APPEND_LOCK_KEY: i64 = 0x004d_4241_5544_4954;

/// What a caller records; the log adds the id, the time and the hashes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub actor_account_id: Option<String>,
    pub actor_role: String,
    pub actor_username: String,
    pub action: String,
    pub object_kind: String,
    pub object_id: String,
    /// The unit the object belongs to (its materialised path), so a committee sees the entries
    /// of the units it oversees; `None` for what holds everywhere.
    pub unit_path: Option<String>,
    pub from_address: Option<String>,
    /// A JSON object: what changed. Never personal data (no names, contacts or texts).
    pub detail: String,
}

impl Entry {
    /// An action of a signed-in account, from the address its request came from.
    pub fn by(actor: &Actor, action: &str, object_kind: &str, object_id: &str) -> Entry {
        Entry {
            // The demo loader acts as an administrator of no account.
            actor_account_id: Some(actor.account_id.clone()).filter(|id| !id.is_empty()),
            actor_role: actor.role.as_str().to_string(),
            actor_username: actor.username.clone(),
            action: action.to_string(),
            object_kind: object_kind.to_string(),
            object_id: object_id.to_string(),
            unit_path: None,
            from_address: actor.from.clone(),
            detail: "{}".into(),
        }
    }

    /// An action of no account: `role` is `citizen` or `system`; a citizen's address is never
    /// recorded (an anonymous reporter leaves no trace of where they were).
    pub fn anonymous(role: &str, action: &str, object_kind: &str, object_id: &str) -> Entry {
        Entry {
            actor_account_id: None,
            actor_role: role.to_string(),
            actor_username: String::new(),
            action: action.to_string(),
            object_kind: object_kind.to_string(),
            object_id: object_id.to_string(),
            unit_path: None,
            from_address: None,
            detail: "{}".into(),
        }
    }

    pub fn in_unit(mut self, unit_path: Option<String>) -> Entry {
        self.unit_path = unit_path.filter(|p| !p.is_empty());
        self
    }

    pub fn with_detail(mut self, detail: serde_json::Value) -> Entry {
        self.detail = detail.to_string();
        self
    }
}

/// One stored entry, every column.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable, Insertable)]
#[diesel(table_name = audit_log)]
pub struct AuditRow {
    pub id: i64,
    pub at: i64,
    pub actor_account_id: Option<String>,
    pub actor_role: String,
    pub actor_username: String,
    pub action: String,
    pub object_kind: String,
    pub object_id: String,
    pub unit_path: Option<String>,
    pub from_address: Option<String>,
    pub detail: String,
    pub prev_hash: String,
    pub hash: String,
}

impl AuditRow {
    /// The entry that follows `prev` (id and hash of the last entry; `None` for the first).
    pub fn next(prev: Option<(i64, &str)>, at: i64, entry: Entry) -> AuditRow {
        let (id, prev_hash) = match prev {
            Some((id, hash)) => (id + 1, hash.to_string()),
            None => (1, GENESIS.to_string()),
        };
        let mut row = AuditRow {
            id,
            at,
            actor_account_id: entry.actor_account_id,
            actor_role: entry.actor_role,
            actor_username: entry.actor_username,
            action: entry.action,
            object_kind: entry.object_kind,
            object_id: entry.object_id,
            unit_path: entry.unit_path,
            from_address: entry.from_address,
            detail: entry.detail,
            prev_hash,
            hash: String::new(),
        };
        row.hash = row.chain_hash();
        row
    }

    /// SHA-256 over a canonical encoding of every column but `hash`, `prev_hash` included.
    /// Unambiguous: a version tag, the integers as 8 big-endian bytes, each text as its length
    /// (8 bytes) and its UTF-8 bytes, each optional text behind a presence byte; so no two
    /// different entries encode alike (moving text from one field to the next changes the
    /// lengths). The one hash function of the log: appending, verifying and the benchmark's
    /// generator all call it.
    pub fn chain_hash(&self) -> String {
        let mut h = Sha256::new();
        h.update(b"minhbach-audit-v1\0");
        h.update(self.id.to_be_bytes());
        h.update(self.at.to_be_bytes());
        let text = |h: &mut Sha256, s: &str| {
            h.update([1u8]);
            h.update((s.len() as u64).to_be_bytes());
            h.update(s.as_bytes());
        };
        let optional = |h: &mut Sha256, s: &Option<String>| match s {
            Some(s) => text(h, s),
            None => h.update([0u8]),
        };
        optional(&mut h, &self.actor_account_id);
        text(&mut h, &self.actor_role);
        text(&mut h, &self.actor_username);
        text(&mut h, &self.action);
        text(&mut h, &self.object_kind);
        text(&mut h, &self.object_id);
        optional(&mut h, &self.unit_path);
        optional(&mut h, &self.from_address);
        text(&mut h, &self.detail);
        text(&mut h, &self.prev_hash);
        hex::encode(h.finalize())
    }

    fn into_api(self) -> AuditEntry {
        AuditEntry {
            id: self.id,
            at: self.at,
            actor_account_id: self.actor_account_id,
            actor_role: self.actor_role,
            actor_username: self.actor_username,
            action: self.action,
            object_kind: self.object_kind,
            object_id: self.object_id,
            from_address: self.from_address,
            detail: self.detail,
            prev_hash: self.prev_hash,
            hash: self.hash,
        }
    }
}

/// Takes the appenders' lock (PostgreSQL; SQLite's immediate transaction holds it already) and
/// reads the last entry's id and hash.
fn lock_and_read_last(conn: &mut DbConn) -> AppResult<Option<(i64, String)>> {
    if let DbConn::Postgres(c) = conn {
        let c: &mut diesel::PgConnection = c;
        c.batch_execute(&format!("SELECT pg_advisory_xact_lock({APPEND_LOCK_KEY})"))?;
    }
    Ok(db_run!(conn, {
        audit_log::table
            .select((audit_log::id, audit_log::hash))
            .order(audit_log::id.desc())
            .first::<(i64, String)>(conn)
            .optional()
    })?)
}

/// Appends an entry inside the transaction the caller holds, so the entry exists exactly when
/// the action it records does. Must run inside [`in_transaction`]: the lock lasts until the
/// transaction ends. Returns the entry's id.
pub fn append(conn: &mut DbConn, entry: Entry) -> AppResult<i64> {
    let last = lock_and_read_last(conn)?;
    let row = AuditRow::next(
        last.as_ref().map(|(i, h)| (*i, h.as_str())),
        now_ms(),
        entry,
    );
    let id = row.id;
    db_run!(conn, {
        diesel::insert_into(audit_log::table)
            .values(&row)
            .execute(conn)
    })?;
    Ok(id)
}

/// Appends an entry in a transaction of its own: for what is recorded whatever becomes of the
/// request (a failed sign-in) or changes nothing else (a reading, an export).
pub fn record(conn: &mut DbConn, entry: Entry) -> AppResult<i64> {
    in_transaction(conn, |conn| append(conn, entry))
}

/// Appends `count` made-up entries, `batch` to a transaction, chained exactly as [`append`]
/// chains (same hash function): the data of the verify benchmark (`minhbach audit fill`).
pub fn fill(conn: &mut DbConn, count: u64, batch: usize) -> AppResult<()> {
    let mut done = 0u64;
    while done < count {
        let n = (count - done).min(batch as u64) as usize;
        in_transaction(conn, |conn| {
            let mut last = lock_and_read_last(conn)?;
            let at = now_ms();
            let mut rows = Vec::with_capacity(n);
            for k in 0..n {
                let seq = done + k as u64;
                let entry = Entry {
                    actor_account_id: Some(format!("bench-account-{}", seq % 1000)),
                    actor_role: "head".into(),
                    actor_username: format!("chutich.{}", seq % 1000),
                    action: "case.accept".into(),
                    object_kind: "case".into(),
                    object_id: format!("bench-case-{seq}"),
                    unit_path: Some(format!("/bench-province/bench-unit-{}/", seq % 300)),
                    from_address: Some(format!("10.0.{}.{}", (seq / 256) % 256, seq % 256)),
                    detail: r#"{"from":"received","to":"accepted"}"#.into(),
                };
                let row = AuditRow::next(
                    last.as_ref().map(|(i, h)| (*i, h.as_str())),
                    at + k as i64,
                    entry,
                );
                last = Some((row.id, row.hash.clone()));
                rows.push(row);
            }
            // 13 columns: 1,000 rows stay under both backends' limits on bound parameters.
            // Tuples, not the derived `Insertable` slice: diesel inserts such a slice on SQLite
            // row by row in a transaction of its own, which cannot open inside this one.
            for chunk in rows.chunks(1000) {
                let values: Vec<_> = chunk
                    .iter()
                    .map(|r| {
                        (
                            audit_log::id.eq(r.id),
                            audit_log::at.eq(r.at),
                            audit_log::actor_account_id.eq(r.actor_account_id.clone()),
                            audit_log::actor_role.eq(r.actor_role.clone()),
                            audit_log::actor_username.eq(r.actor_username.clone()),
                            audit_log::action.eq(r.action.clone()),
                            audit_log::object_kind.eq(r.object_kind.clone()),
                            audit_log::object_id.eq(r.object_id.clone()),
                            audit_log::unit_path.eq(r.unit_path.clone()),
                            audit_log::from_address.eq(r.from_address.clone()),
                            audit_log::detail.eq(r.detail.clone()),
                            audit_log::prev_hash.eq(r.prev_hash.clone()),
                            audit_log::hash.eq(r.hash.clone()),
                        )
                    })
                    .collect();
                db_run!(conn, {
                    diesel::insert_into(audit_log::table)
                        .values(values.clone())
                        .execute(conn)
                })?;
            }
            Ok(())
        })?;
        done += n as u64;
    }
    Ok(())
}

/// What is wrong with the first broken entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Break {
    /// Entry `id` is missing: the next entry found has a later id (or none does after the
    /// first). A deleted entry.
    Missing { id: i64, next_found: i64 },
    /// The entry's content no longer matches its own hash: an edited entry.
    Altered { id: i64 },
    /// The entry's `prev_hash` is not the hash of the entry before it: the entry before was
    /// replaced (hash recomputed to hide an edit) or this one was moved.
    Unlinked { id: i64 },
}

impl Break {
    pub fn id(&self) -> i64 {
        match self {
            Break::Missing { id, .. } | Break::Altered { id } | Break::Unlinked { id } => *id,
        }
    }

    /// One line in Vietnamese, then English.
    pub fn describe(&self) -> String {
        match self {
            Break::Missing { id, next_found } => format!(
                "LỖI: thiếu mục {id} (mục kế tiếp còn lại là {next_found}): mục đã bị xóa. / \
                 BROKEN: entry {id} is missing (the next entry present is {next_found}): it was deleted."
            ),
            Break::Altered { id } => format!(
                "LỖI: mục {id} đã bị sửa: nội dung không khớp với mã băm của nó. / \
                 BROKEN: entry {id} was altered: its content does not match its hash."
            ),
            Break::Unlinked { id } => format!(
                "LỖI: mục {id} không nối với mục trước (mã băm trước không khớp): mục {} hoặc {id} đã bị thay. / \
                 BROKEN: entry {id} does not link to the entry before it (previous hash differs): entry {} or {id} was replaced.",
                id - 1,
                id - 1
            ),
        }
    }
}

/// The outcome of a verification: how many entries were read, and the first break if any.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verification {
    pub entries: u64,
    pub last_hash: String,
    pub first_break: Option<Break>,
}

/// Reads the whole log in id order, `batch` entries at a time (keyset pages, so memory stays
/// the same however long the log), recomputing each hash and checking each link and that ids
/// run without gaps. Stops at the first break.
pub fn verify(conn: &mut DbConn, batch: i64) -> AppResult<Verification> {
    let mut expected_id = 1i64;
    let mut prev_hash = GENESIS.to_string();
    let mut entries = 0u64;
    loop {
        let after = expected_id - 1;
        let rows: Vec<AuditRow> = db_run!(conn, {
            audit_log::table
                .filter(audit_log::id.gt(after))
                .order(audit_log::id.asc())
                .limit(batch)
                .select(AuditRow::as_select())
                .load(conn)
        })?;
        if rows.is_empty() {
            break;
        }
        for row in rows {
            let found = if row.id != expected_id {
                Some(Break::Missing {
                    id: expected_id,
                    next_found: row.id,
                })
            } else if row.chain_hash() != row.hash {
                Some(Break::Altered { id: row.id })
            } else if row.prev_hash != prev_hash {
                Some(Break::Unlinked { id: row.id })
            } else {
                None
            };
            if let Some(b) = found {
                return Ok(Verification {
                    entries,
                    last_hash: prev_hash,
                    first_break: Some(b),
                });
            }
            entries += 1;
            expected_id += 1;
            prev_hash = row.hash;
        }
    }
    Ok(Verification {
        entries,
        last_hash: prev_hash,
        first_break: None,
    })
}

/// The log for the inspection committee, newest first, in the units it oversees (and what
/// holds everywhere: sign-ins of unknown usernames, national settings). Any other role: 403.
pub fn list(conn: &mut DbConn, actor: &Actor, q: &AuditQuery) -> AppResult<AuditPage> {
    if actor.role != Role::Committee {
        return Err(AppError(ApiError::with_message(
            shared::ErrorCode::Forbidden,
            "Chỉ thành viên ủy ban kiểm tra được xem nhật ký kiểm toán.",
            "Only members of the inspection committee may read the audit log.",
        )));
    }
    let f = q.cleaned().map_err(|field| {
        AppError(ApiError::field(
            field,
            FieldCode::InvalidValue,
            "Giá trị lọc không hợp lệ (ngày dd/mm/yyyy).",
            "This filter is not valid (dates are dd/mm/yyyy).",
        ))
    })?;
    const DAY_MS: i64 = 86_400_000;
    const UTC7_MS: i64 = 7 * 3_600_000;
    let from_ms = f.from.map(|d| d.to_days() * DAY_MS - UTC7_MS);
    let to_ms = f.to.map(|d| (d.to_days() + 1) * DAY_MS - UTC7_MS);
    let scope = subtree_range(&actor.scope_path);
    let per_page = f.per_page;
    let rows: Vec<AuditRow> = db_run!(conn, {
        let mut query = audit_log::table.select(AuditRow::as_select()).into_boxed();
        if let Some((lo, hi)) = scope.clone() {
            query = query.filter(
                audit_log::unit_path
                    .is_null()
                    .or(audit_log::unit_path.ge(lo).and(audit_log::unit_path.lt(hi))),
            );
        }
        if let Some(a) = f.actor.clone() {
            query = query.filter(
                audit_log::actor_username
                    .eq(a.clone())
                    .or(audit_log::actor_account_id.eq(a)),
            );
        }
        if let Some(a) = f.action.clone() {
            query = if a.ends_with('.') {
                let (lo, hi) = (a.clone(), format!("{}/", &a[..a.len() - 1]));
                // "case." up to "case/": every name that starts with "case.".
                query.filter(audit_log::action.ge(lo).and(audit_log::action.lt(hi)))
            } else {
                query.filter(audit_log::action.eq(a))
            };
        }
        if let Some(k) = f.object_kind.clone() {
            query = query.filter(audit_log::object_kind.eq(k));
        }
        if let Some(o) = f.object_id.clone() {
            query = query.filter(audit_log::object_id.eq(o));
        }
        if let Some(ms) = from_ms {
            query = query.filter(audit_log::at.ge(ms));
        }
        if let Some(ms) = to_ms {
            query = query.filter(audit_log::at.lt(ms));
        }
        if let Some(after) = f.after {
            query = query.filter(audit_log::id.lt(after));
        }
        query
            .order(audit_log::id.desc())
            .limit(per_page as i64 + 1)
            .load(conn)
    })?;
    let more = rows.len() > per_page as usize;
    let items: Vec<AuditEntry> = rows
        .into_iter()
        .take(per_page as usize)
        .map(AuditRow::into_api)
        .collect();
    let next = if more {
        items.last().map(|e| e.id.to_string())
    } else {
        None
    };
    Ok(AuditPage {
        items,
        per_page,
        next,
    })
}

/// The materialised path of a unit, for an entry's `unit_path`.
pub fn unit_path(conn: &mut DbConn, unit_id: Option<&str>) -> AppResult<Option<String>> {
    match unit_id {
        Some(id) => Ok(super::units::find(conn, id)?.map(|u| u.path)),
        None => Ok(None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(detail: &str) -> Entry {
        Entry {
            actor_account_id: Some("a1".into()),
            actor_role: "head".into(),
            actor_username: "chutich".into(),
            action: "case.accept".into(),
            object_kind: "case".into(),
            object_id: "c1".into(),
            unit_path: Some("/p/u/".into()),
            from_address: Some("192.0.2.1".into()),
            detail: detail.into(),
        }
    }

    #[test]
    fn each_entry_hashes_the_one_before() {
        let first = AuditRow::next(None, 1, entry("{}"));
        assert_eq!((first.id, first.prev_hash.as_str()), (1, GENESIS));
        let second = AuditRow::next(Some((first.id, &first.hash)), 2, entry("{}"));
        assert_eq!(second.id, 2);
        assert_eq!(second.prev_hash, first.hash);
        assert_eq!(second.hash, second.chain_hash());
        assert_ne!(second.hash, first.hash);
        assert_eq!(second.hash.len(), 64);
    }

    #[test]
    fn moving_text_between_fields_changes_the_hash() {
        let mut a = AuditRow::next(None, 1, entry("{}"));
        let mut b = a.clone();
        a.actor_role = "head".into();
        a.actor_username = "x".into();
        b.actor_role = "headx".into();
        b.actor_username = String::new();
        assert_ne!(a.chain_hash(), b.chain_hash());
        let mut none = a.clone();
        none.unit_path = None;
        let mut empty = a.clone();
        empty.unit_path = Some(String::new());
        assert_ne!(none.chain_hash(), empty.chain_hash());
    }

    #[test]
    fn every_column_is_covered() {
        let base = AuditRow::next(Some((6, GENESIS)), 1, entry("{}"));
        let edits: Vec<fn(&mut AuditRow)> = vec![
            |r| r.id += 1,
            |r| r.at += 1,
            |r| r.actor_account_id = None,
            |r| r.actor_role.push('x'),
            |r| r.actor_username.push('x'),
            |r| r.action.push('x'),
            |r| r.object_kind.push('x'),
            |r| r.object_id.push('x'),
            |r| r.unit_path = None,
            |r| r.from_address = None,
            |r| r.detail.push(' '),
            |r| r.prev_hash = "1".repeat(64),
        ];
        for edit in edits {
            let mut r = base.clone();
            edit(&mut r);
            assert_ne!(r.chain_hash(), base.hash);
        }
    }
}
