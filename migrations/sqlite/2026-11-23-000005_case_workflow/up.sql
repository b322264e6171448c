-- The state machine's record (shared::workflow): each timeline entry says which action moved
-- the case from which status to which, with its written reason and the staff account that
-- took it (for the audit trail; never shown to the citizen, who sees only `by_role`).
ALTER TABLE report_events ADD COLUMN actor_account_id TEXT;
ALTER TABLE report_events ADD COLUMN reason TEXT;
ALTER TABLE report_events ADD COLUMN from_status TEXT;
ALTER TABLE report_events ADD COLUMN to_status TEXT;
-- The officer account a case is assigned to (action "assign").
ALTER TABLE reports ADD COLUMN assigned_account_id TEXT;
-- The clock that runs now, recomputed at every transition (and when the calendar changes), so
-- the inbox sorts and pages in SQL: the stage, and its due date as an ISO date (sortable).
ALTER TABLE reports ADD COLUMN deadline_stage TEXT;
ALTER TABLE reports ADD COLUMN due_on TEXT;
-- When the handling side first opened the case (the citizen's "đã xem"; the inbox's unread).
ALTER TABLE reports ADD COLUMN opened_at BIGINT;
CREATE INDEX reports_assigned ON reports(assigned_account_id, due_on);
CREATE INDEX reports_unit_status_due ON reports(unit_id, status, due_on);
-- A citizen's addition is the state machine's action "citizen_add_info".
UPDATE report_events SET kind = 'citizen_add_info' WHERE kind = 'citizen_note';
