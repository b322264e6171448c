-- Routing past conflicts of interest (shared::routing): a denunciation, a corruption or
-- misconduct report, or a report about the unit's head or a deputy is withheld from the unit
-- itself. The decision is stored with the report when it arrives, so every query that reads
-- reports filters on a column instead of repeating the rule.
ALTER TABLE reports ADD COLUMN about_head BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE reports ADD COLUMN withheld_from_unit BOOLEAN NOT NULL DEFAULT FALSE;

-- The staff record of the person behind an account: a report naming that officer (or that
-- head) is never shown to them.
ALTER TABLE accounts ADD COLUMN staff_id TEXT REFERENCES staff(id);
CREATE UNIQUE INDEX accounts_staff ON accounts(staff_id) WHERE staff_id IS NOT NULL;

-- The kept counts gain the withheld flag: a head's total leaves out their own unit's withheld
-- cases without counting the unit's rows.
DROP TRIGGER reports_counted_update ON reports;
DROP TRIGGER reports_counted_delete ON reports;
DROP TRIGGER reports_counted_insert ON reports;
DROP FUNCTION case_counts_follow();
DROP TABLE case_counts;

-- The reports already stored, by the rule as it stands in this migration (the count triggers
-- are off, the counts are rebuilt below).
UPDATE reports SET withheld_from_unit = TRUE
WHERE kind = 'denunciation' OR category IN ('asking_money', 'harassment');

CREATE TABLE case_counts (
    unit_id TEXT NOT NULL,
    status TEXT NOT NULL,
    kind TEXT NOT NULL,
    category TEXT NOT NULL,
    withheld BOOLEAN NOT NULL,
    n BIGINT NOT NULL,
    PRIMARY KEY (unit_id, status, kind, category, withheld)
);
INSERT INTO case_counts (unit_id, status, kind, category, withheld, n)
SELECT unit_id, status, kind, category, withheld_from_unit, COUNT(*) FROM reports
GROUP BY unit_id, status, kind, category, withheld_from_unit;

CREATE FUNCTION case_counts_follow() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    -- A change takes its two count rows in key order, so two transactions moving cases in
    -- opposite directions between the same two rows wait for each other instead of deadlocking.
    IF TG_OP = 'UPDATE'
       AND ROW(OLD.unit_id, OLD.status, OLD.kind, OLD.category, OLD.withheld_from_unit)
           > ROW(NEW.unit_id, NEW.status, NEW.kind, NEW.category, NEW.withheld_from_unit) THEN
        INSERT INTO case_counts (unit_id, status, kind, category, withheld, n)
        VALUES (NEW.unit_id, NEW.status, NEW.kind, NEW.category, NEW.withheld_from_unit, 1)
        ON CONFLICT (unit_id, status, kind, category, withheld)
        DO UPDATE SET n = case_counts.n + 1;
        UPDATE case_counts SET n = n - 1
        WHERE unit_id = OLD.unit_id AND status = OLD.status AND kind = OLD.kind
          AND category = OLD.category AND withheld = OLD.withheld_from_unit;
        RETURN NULL;
    END IF;
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        UPDATE case_counts SET n = n - 1
        WHERE unit_id = OLD.unit_id AND status = OLD.status AND kind = OLD.kind
          AND category = OLD.category AND withheld = OLD.withheld_from_unit;
    END IF;
    IF TG_OP IN ('UPDATE', 'INSERT') THEN
        INSERT INTO case_counts (unit_id, status, kind, category, withheld, n)
        VALUES (NEW.unit_id, NEW.status, NEW.kind, NEW.category, NEW.withheld_from_unit, 1)
        ON CONFLICT (unit_id, status, kind, category, withheld)
        DO UPDATE SET n = case_counts.n + 1;
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER reports_counted_insert AFTER INSERT ON reports
    FOR EACH ROW EXECUTE FUNCTION case_counts_follow();
CREATE TRIGGER reports_counted_delete AFTER DELETE ON reports
    FOR EACH ROW EXECUTE FUNCTION case_counts_follow();
CREATE TRIGGER reports_counted_update
    AFTER UPDATE OF unit_id, status, kind, category, withheld_from_unit ON reports
    FOR EACH ROW
    WHEN (ROW(OLD.unit_id, OLD.status, OLD.kind, OLD.category, OLD.withheld_from_unit)
          IS DISTINCT FROM ROW(NEW.unit_id, NEW.status, NEW.kind, NEW.category, NEW.withheld_from_unit))
    EXECUTE FUNCTION case_counts_follow();

-- The inbox walk leaves out the withheld cases of the reader's own unit from the index alone.
DROP INDEX reports_inbox_order;
CREATE INDEX reports_inbox_order
    ON reports(unit_id, due_on, created_at, id, status, kind, withheld_from_unit);
