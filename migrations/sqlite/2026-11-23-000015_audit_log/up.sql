-- The tamper-evident audit log (services::audit): who did what to which object, when and from
-- where. Each entry carries the hash of the one before it (a hash chain), so an edited or
-- deleted entry is found by `minhbach audit verify`. `id` is given by the appender (the last id
-- plus one, under the writer lock), never by the database: ids run 1, 2, 3… without gaps, so a
-- deleted entry shows as a gap as well as a broken link. INTEGER PRIMARY KEY makes it the rowid,
-- so reading the chain in id order is a walk of the table itself.
CREATE TABLE audit_log (
    id INTEGER PRIMARY KEY NOT NULL,
    at BIGINT NOT NULL,
    actor_account_id TEXT,
    actor_role TEXT NOT NULL,
    actor_username TEXT NOT NULL,
    action TEXT NOT NULL,
    object_kind TEXT NOT NULL,
    object_id TEXT NOT NULL,
    unit_path TEXT,
    from_address TEXT,
    detail TEXT NOT NULL,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL
);

-- The committee's filters, newest first within each.
CREATE INDEX audit_log_actor ON audit_log (actor_username, id);
CREATE INDEX audit_log_action ON audit_log (action, id);
CREATE INDEX audit_log_object ON audit_log (object_kind, object_id, id);
CREATE INDEX audit_log_at ON audit_log (at);
CREATE INDEX audit_log_unit ON audit_log (unit_path, id);

-- The application never changes or removes an entry; the database refuses it as well, so a
-- bug or an injected statement cannot rewrite history. (Someone with the database file can
-- still drop these triggers: that is what the hash chain and `audit verify` are for.)
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'Nhật ký kiểm toán chỉ được ghi thêm, không được sửa / audit_log is append-only: UPDATE refused');
END;

CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'Nhật ký kiểm toán chỉ được ghi thêm, không được xóa / audit_log is append-only: DELETE refused');
END;
