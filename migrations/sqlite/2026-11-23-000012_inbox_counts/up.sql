-- How many cases each unit holds, per status, kind and category, kept by the database itself
-- (triggers) in the same transaction as every insert, change and delete of a report. The
-- inbox's total is then a sum over a few of these rows instead of a count over a unit's
-- hundred thousand index entries, and no code path that writes reports can forget it.
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

-- Keyset pagination walks (unit, due date, received, id): the id makes the order total, so a
-- page starts exactly after the last case of the one before. The status and the kind stay in
-- the index so a list of one status or one kind is filtered without reading the rows it skips.
DROP INDEX reports_unit_due_created;
CREATE INDEX reports_inbox_order ON reports(unit_id, due_on, created_at, id, status, kind);

-- The inbox filtered by counter is counted from this index (the kept counts have no counter).
CREATE INDEX reports_counter_status ON reports(counter_id, status);
