-- Every time a committee member revealed an identified reporter's name and phone, with the
-- written reason they gave. The rest of the committee reads these on the case page; the
-- member who revealed sees the identity for a short while after (services::identity).
CREATE TABLE identity_reveals (
    id TEXT PRIMARY KEY NOT NULL,
    report_id TEXT NOT NULL REFERENCES reports(id),
    account_id TEXT NOT NULL REFERENCES accounts(id),
    reason TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX identity_reveals_report ON identity_reveals (report_id, created_at);
