DROP INDEX reports_counter_status;
DROP INDEX reports_inbox_order;
CREATE INDEX reports_unit_due_created ON reports(unit_id, due_on, created_at, status);
DROP TRIGGER reports_counted_update ON reports;
DROP TRIGGER reports_counted_delete ON reports;
DROP TRIGGER reports_counted_insert ON reports;
DROP FUNCTION case_counts_follow();
DROP TABLE case_counts;
