-- The deadline settings (JSON of shared::calendar::DeadlineRules), one row, written when a
-- national administrator first saves them; until then the law's values
-- (DeadlineRules::default()) apply. `version` is a new random id at every save: each server
-- process caches the parsed settings and reads only the version per use
-- (services::deadline_rules).
CREATE TABLE deadline_settings (
    id INTEGER PRIMARY KEY NOT NULL CHECK (id = 1),
    data TEXT NOT NULL,
    version TEXT NOT NULL,
    updated_at BIGINT NOT NULL,
    updated_by TEXT
);

-- A unit in a remote and difficult area (vùng sâu, vùng xa, đi lại khó khăn): complaints there
-- are resolved within 45 days, 60 if complex (Law on Complaints 2011, art. 28).
ALTER TABLE units ADD COLUMN remote_area BOOLEAN NOT NULL DEFAULT FALSE;
