-- Routing past conflicts of interest (shared::routing): a denunciation, a corruption or
-- misconduct report, or a report about the unit's head or a deputy is withheld from the unit
-- itself. The decision is stored with the report when it arrives, so every query that reads
-- reports filters on a column instead of repeating the rule.
ALTER TABLE reports ADD COLUMN about_head BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE reports ADD COLUMN withheld_from_unit BOOLEAN NOT NULL DEFAULT FALSE;
-- The reports already stored, by the rule as it stands in this migration.
UPDATE reports SET withheld_from_unit = (kind = 'denunciation' OR category IN ('asking_money', 'harassment'));

-- The staff record of the person behind an account: a report naming that officer (or that
-- head) is never shown to them. (No REFERENCES here: SQLite could not drop such a column in
-- down.sql; the server checks the staff record exists and belongs to the account's unit.)
ALTER TABLE accounts ADD COLUMN staff_id TEXT;
CREATE UNIQUE INDEX accounts_staff ON accounts(staff_id) WHERE staff_id IS NOT NULL;

-- The kept counts gain the withheld flag: a head's total leaves out their own unit's withheld
-- cases without counting the unit's rows.
DROP TRIGGER reports_counted_update;
DROP TRIGGER reports_counted_delete;
DROP TRIGGER reports_counted_insert;
DROP TABLE case_counts;
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

CREATE TRIGGER reports_counted_insert AFTER INSERT ON reports
BEGIN
    INSERT INTO case_counts (unit_id, status, kind, category, withheld, n)
    VALUES (NEW.unit_id, NEW.status, NEW.kind, NEW.category, NEW.withheld_from_unit, 1)
    ON CONFLICT (unit_id, status, kind, category, withheld) DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER reports_counted_delete AFTER DELETE ON reports
BEGIN
    UPDATE case_counts SET n = n - 1
    WHERE unit_id = OLD.unit_id AND status = OLD.status AND kind = OLD.kind
      AND category = OLD.category AND withheld = OLD.withheld_from_unit;
END;

CREATE TRIGGER reports_counted_update
AFTER UPDATE OF unit_id, status, kind, category, withheld_from_unit ON reports
WHEN OLD.unit_id IS NOT NEW.unit_id OR OLD.status IS NOT NEW.status
  OR OLD.kind IS NOT NEW.kind OR OLD.category IS NOT NEW.category
  OR OLD.withheld_from_unit IS NOT NEW.withheld_from_unit
BEGIN
    UPDATE case_counts SET n = n - 1
    WHERE unit_id = OLD.unit_id AND status = OLD.status AND kind = OLD.kind
      AND category = OLD.category AND withheld = OLD.withheld_from_unit;
    INSERT INTO case_counts (unit_id, status, kind, category, withheld, n)
    VALUES (NEW.unit_id, NEW.status, NEW.kind, NEW.category, NEW.withheld_from_unit, 1)
    ON CONFLICT (unit_id, status, kind, category, withheld) DO UPDATE SET n = n + 1;
END;

-- The inbox walk leaves out the withheld cases of the reader's own unit from the index alone.
DROP INDEX reports_inbox_order;
CREATE INDEX reports_inbox_order
    ON reports(unit_id, due_on, created_at, id, status, kind, withheld_from_unit);
