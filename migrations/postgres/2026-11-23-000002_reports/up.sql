-- Reports from citizens. An anonymous report keeps no trace of its sender: no address, no
-- user agent, no device id, no cookie (not even the rating device hash). An identified
-- report's name, phone and e-mail are encrypted with the data key before they reach here.
CREATE TABLE reports (
    id TEXT PRIMARY KEY NOT NULL,
    -- Crockford base32, normalised (no dashes): what the citizen types to follow the report.
    tracking_code TEXT NOT NULL UNIQUE,
    -- argon2id of the secret of an anonymous report; NULL for an identified one.
    secret_hash TEXT,
    kind TEXT NOT NULL,
    category TEXT NOT NULL,
    unit_id TEXT NOT NULL REFERENCES units(id),
    counter_id TEXT REFERENCES counters(id),
    staff_id TEXT REFERENCES staff(id),
    occurred_at BIGINT,
    description TEXT NOT NULL,
    anonymous BOOLEAN NOT NULL,
    reporter_name_enc TEXT,
    reporter_phone_enc TEXT,
    reporter_email_enc TEXT,
    consent_at BIGINT,
    wants_meeting BOOLEAN NOT NULL DEFAULT FALSE,
    status TEXT NOT NULL,
    idempotency_key TEXT NOT NULL UNIQUE,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX reports_unit_time ON reports(unit_id, created_at);
CREATE INDEX reports_staff ON reports(staff_id);

-- Photos, already re-encoded without metadata: the original upload is never stored.
CREATE TABLE report_photos (
    id TEXT PRIMARY KEY NOT NULL,
    report_id TEXT NOT NULL REFERENCES reports(id),
    position INTEGER NOT NULL,
    content_type TEXT NOT NULL,
    full_bytes BYTEA NOT NULL,
    thumb_bytes BYTEA NOT NULL,
    width INTEGER NOT NULL,
    height INTEGER NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX report_photos_report ON report_photos(report_id, position);

-- The timeline of a report. `public` rows are what the citizen sees; `by_role` says which
-- role acted (head, committee), never who.
CREATE TABLE report_events (
    id TEXT PRIMARY KEY NOT NULL,
    report_id TEXT NOT NULL REFERENCES reports(id),
    kind TEXT NOT NULL,
    public BOOLEAN NOT NULL,
    by_role TEXT,
    body TEXT NOT NULL DEFAULT '',
    created_at BIGINT NOT NULL
);
CREATE INDEX report_events_report ON report_events(report_id, created_at);
