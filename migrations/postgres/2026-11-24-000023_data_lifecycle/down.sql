DROP INDEX reports_erasure_pending;
ALTER TABLE reports DROP COLUMN personal_data_erased_at;
ALTER TABLE reports DROP COLUMN erasure_requested_at;
