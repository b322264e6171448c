DROP INDEX reports_inbox_order;
CREATE INDEX reports_inbox_order ON reports(unit_id, due_on, created_at, id, status, kind);
DROP TRIGGER reports_counted_update;
DROP TRIGGER reports_counted_delete;
DROP TRIGGER reports_counted_insert;
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
CREATE TRIGGER reports_counted_insert AFTER INSERT ON reports
BEGIN
    INSERT INTO case_counts (unit_id, status, kind, category, n)
    VALUES (NEW.unit_id, NEW.status, NEW.kind, NEW.category, 1)
    ON CONFLICT (unit_id, status, kind, category) DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER reports_counted_delete AFTER DELETE ON reports
BEGIN
    UPDATE case_counts SET n = n - 1
    WHERE unit_id = OLD.unit_id AND status = OLD.status AND kind = OLD.kind
      AND category = OLD.category;
END;
CREATE TRIGGER reports_counted_update AFTER UPDATE OF unit_id, status, kind, category ON reports
WHEN OLD.unit_id IS NOT NEW.unit_id OR OLD.status IS NOT NEW.status
  OR OLD.kind IS NOT NEW.kind OR OLD.category IS NOT NEW.category
BEGIN
    UPDATE case_counts SET n = n - 1
    WHERE unit_id = OLD.unit_id AND status = OLD.status AND kind = OLD.kind
      AND category = OLD.category;
    INSERT INTO case_counts (unit_id, status, kind, category, n)
    VALUES (NEW.unit_id, NEW.status, NEW.kind, NEW.category, 1)
    ON CONFLICT (unit_id, status, kind, category) DO UPDATE SET n = n + 1;
END;
DROP INDEX accounts_staff;
ALTER TABLE accounts DROP COLUMN staff_id;
ALTER TABLE reports DROP COLUMN withheld_from_unit;
ALTER TABLE reports DROP COLUMN about_head;
