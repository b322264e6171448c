-- Background jobs run by one server process at a time: a process holds a job's lease until
-- `lease_until` (Unix ms) and renews it each run; another takes over when it lapses.
CREATE TABLE job_leases (
    name TEXT PRIMARY KEY NOT NULL,
    holder TEXT NOT NULL,
    lease_until BIGINT NOT NULL,
    last_run_at BIGINT
);

-- The apology with a new date (phiếu xin lỗi và hẹn lại ngày trả kết quả) the overdue job
-- drafts when a case misses its deadline; the head sends it as a public reply. One per missed
-- due date of a case.
CREATE TABLE case_apologies (
    id TEXT PRIMARY KEY NOT NULL,
    report_id TEXT NOT NULL REFERENCES reports(id),
    missed_due_on TEXT NOT NULL,
    new_due_on TEXT NOT NULL,
    body TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    sent_at BIGINT
);
CREATE UNIQUE INDEX case_apologies_once ON case_apologies(report_id, missed_due_on);
