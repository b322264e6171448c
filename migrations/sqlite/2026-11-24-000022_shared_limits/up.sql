-- Rate limits shared by every server process on this database (sign-ins, citizen
-- submissions, tracking look-ups). One row per limited subject, holding the moment (Unix ms)
-- at which its allowance would be whole again (the "theoretical arrival time" of the generic
-- cell rate algorithm, the one the in-memory limiter uses): a request is let through while
-- that moment, pushed one interval on, stays within the burst of now. A row whose moment
-- has passed says nothing more than no row does, so a job deletes those.
CREATE TABLE rate_limits (
    scope TEXT NOT NULL,
    subject TEXT NOT NULL,
    full_at BIGINT NOT NULL,
    PRIMARY KEY (scope, subject)
);
CREATE INDEX rate_limits_full_at ON rate_limits (full_at);
