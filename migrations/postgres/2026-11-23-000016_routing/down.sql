DROP INDEX reports_inbox_order;
CREATE INDEX reports_inbox_order ON reports(unit_id, due_on, created_at, id, status, kind);
DROP TRIGGER reports_counted_update ON reports;
DROP TRIGGER reports_counted_delete ON reports;
DROP TRIGGER reports_counted_insert ON reports;
DROP FUNCTION case_counts_follow();
DROP TABLE case_counts;
CREATE TABLE case_counts (
    unit_id TEXT NOT NULL,
    status TEXT NOT NULL,
    kind TEXT NOT NULL,
    category TEXT NOT NULL,
    n BIGINT NOT NULL,
    PRIMARY KEY (unit_id, status, kind, category)
);
INSERT INTO case_counts (unit_id, status, kind, category, n)
SELECT unit_id, status, kind, category, COUNT(*) FROM reports
GROUP BY unit_id, status, kind, category;
CREATE FUNCTION case_counts_follow() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        UPDATE case_counts SET n = n - 1
        WHERE unit_id = OLD.unit_id AND status = OLD.status AND kind = OLD.kind
          AND category = OLD.category;
    END IF;
    IF TG_OP IN ('UPDATE', 'INSERT') THEN
        INSERT INTO case_counts (unit_id, status, kind, category, n)
        VALUES (NEW.unit_id, NEW.status, NEW.kind, NEW.category, 1)
        ON CONFLICT (unit_id, status, kind, category) DO UPDATE SET n = case_counts.n + 1;
    END IF;
    RETURN NULL;
END
$$;
CREATE TRIGGER reports_counted_insert AFTER INSERT ON reports
    FOR EACH ROW EXECUTE FUNCTION case_counts_follow();
CREATE TRIGGER reports_counted_delete AFTER DELETE ON reports
    FOR EACH ROW EXECUTE FUNCTION case_counts_follow();
CREATE TRIGGER reports_counted_update AFTER UPDATE OF unit_id, status, kind, category ON reports
    FOR EACH ROW
    WHEN (ROW(OLD.unit_id, OLD.status, OLD.kind, OLD.category)
          IS DISTINCT FROM ROW(NEW.unit_id, NEW.status, NEW.kind, NEW.category))
    EXECUTE FUNCTION case_counts_follow();
DROP INDEX accounts_staff;
ALTER TABLE accounts DROP COLUMN staff_id;
ALTER TABLE reports DROP COLUMN withheld_from_unit;
ALTER TABLE reports DROP COLUMN about_head;
