-- What a citizen adds to a report from the tracking page: a public timeline entry, stored
-- once per idempotency key (SHA-256 of the client's key, as for reports), and its photos.
ALTER TABLE report_events ADD COLUMN idempotency_key TEXT;
CREATE UNIQUE INDEX report_events_idempotency ON report_events(idempotency_key);
-- No REFERENCES here: SQLite cannot drop a column that is part of a foreign key (down.sql).
ALTER TABLE report_photos ADD COLUMN event_id TEXT;
