-- The tamper-evident audit log (services::audit): who did what to which object, when and from
-- where. Each entry carries the hash of the one before it (a hash chain), so an edited or
-- deleted entry is found by `minhbach audit verify`. `id` is given by the appender (the last id
-- plus one, under a transaction-level advisory lock), never by a sequence: ids run 1, 2, 3…
-- without gaps (a sequence skips numbers on rollback), so a deleted entry shows as a gap as well
-- as a broken link, and two appenders that raced would collide on the key instead of forking
-- the chain.
CREATE TABLE audit_log (
    id BIGINT PRIMARY KEY NOT NULL,
    at BIGINT NOT NULL,
    actor_account_id TEXT,
    actor_role TEXT NOT NULL,
    actor_username TEXT NOT NULL,
    action TEXT COLLATE "C" NOT NULL,
    object_kind TEXT NOT NULL,
    object_id TEXT NOT NULL,
    unit_path TEXT COLLATE "C",
    from_address TEXT,
    detail TEXT NOT NULL,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL
);

-- The committee's filters, newest first within each. `action` and `unit_path` compare byte by
-- byte (COLLATE "C"), as on SQLite: a prefix filter is the range [prefix, next prefix).
CREATE INDEX audit_log_actor ON audit_log (actor_username, id);
CREATE INDEX audit_log_action ON audit_log (action, id);
CREATE INDEX audit_log_object ON audit_log (object_kind, object_id, id);
CREATE INDEX audit_log_at ON audit_log (at);
CREATE INDEX audit_log_unit ON audit_log (unit_path, id);

-- The application never changes or removes an entry; the table refuses it as well, so a bug
-- or an injected statement cannot rewrite history. (A superuser can still disable the trigger
-- or run with session_replication_role = replica: that is what the hash chain and
-- `audit verify` are for.)
CREATE FUNCTION audit_log_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'Nhật ký kiểm toán chỉ được ghi thêm, không được sửa hay xóa / audit_log is append-only: % refused', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$;

CREATE TRIGGER audit_log_no_update_delete BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_log_refuse_change();

CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION audit_log_refuse_change();
