DROP INDEX reports_counter_status;
DROP INDEX reports_inbox_order;
CREATE INDEX reports_unit_due_created ON reports(unit_id, due_on, created_at, status);
DROP TRIGGER reports_counted_update;
DROP TRIGGER reports_counted_delete;
DROP TRIGGER reports_counted_insert;
DROP TABLE case_counts;
