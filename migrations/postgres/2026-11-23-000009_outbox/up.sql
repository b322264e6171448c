-- Messages to citizens (SMS, Zalo, e-mail), written in the same transaction as the change they
-- report and delivered later by the sender through the configured HTTP gateway, retried with
-- backoff until the gateway accepts them: a gateway that is down never loses a message and
-- never holds up a request. The recipient stays encrypted (as in `reports`) until sending.
CREATE TABLE outbox (
    id TEXT PRIMARY KEY NOT NULL,
    channel TEXT NOT NULL,
    recipient_enc TEXT NOT NULL,
    body TEXT NOT NULL,
    report_id TEXT REFERENCES reports(id),
    created_at BIGINT NOT NULL,
    next_attempt_at BIGINT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    last_error TEXT,
    -- A sender working on the message holds it until then; after a crash another takes it.
    claimed_until BIGINT,
    sent_at BIGINT
);
CREATE INDEX outbox_due ON outbox(sent_at, next_attempt_at);
