ALTER TABLE report_photos DROP COLUMN event_id;
DROP INDEX report_events_idempotency;
ALTER TABLE report_events DROP COLUMN idempotency_key;
