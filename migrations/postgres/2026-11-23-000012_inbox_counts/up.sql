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

CREATE FUNCTION case_counts_follow() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    -- A change takes its two count rows in key order, so two transactions moving cases in
    -- opposite directions between the same two rows wait for each other instead of deadlocking.
    IF TG_OP = 'UPDATE'
       AND ROW(OLD.unit_id, OLD.status, OLD.kind, OLD.category)
           > ROW(NEW.unit_id, NEW.status, NEW.kind, NEW.category) THEN
        INSERT INTO case_counts (unit_id, status, kind, category, n)
        VALUES (NEW.unit_id, NEW.status, NEW.kind, NEW.category, 1)
        ON CONFLICT (unit_id, status, kind, category) DO UPDATE SET n = case_counts.n + 1;
        UPDATE case_counts SET n = n - 1
        WHERE unit_id = OLD.unit_id AND status = OLD.status AND kind = OLD.kind
          AND category = OLD.category;
        RETURN NULL;
    END IF;
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

-- Keyset pagination walks (unit, due date, received, id): the id makes the order total, so a
-- page starts exactly after the last case of the one before. The status and the kind stay in
-- the index so a list of one status or one kind is filtered without reading the rows it skips.
DROP INDEX reports_unit_due_created;
CREATE INDEX reports_inbox_order ON reports(unit_id, due_on, created_at, id, status, kind);

-- The inbox filtered by counter is counted from this index (the kept counts have no counter).
CREATE INDEX reports_counter_status ON reports(counter_id, status);
