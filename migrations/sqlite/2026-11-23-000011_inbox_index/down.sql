DROP INDEX reports_unit_due_created;
