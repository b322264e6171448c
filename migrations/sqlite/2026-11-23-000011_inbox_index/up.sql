-- The inbox of one unit in due-date order (oldest first on a day) straight from the index,
-- without sorting the unit's cases; with the status in it, a deep page is skipped over in the
-- index alone: see services::cases::inbox.
CREATE INDEX reports_unit_due_created ON reports(unit_id, due_on, created_at, status);
