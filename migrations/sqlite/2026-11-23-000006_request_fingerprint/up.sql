-- What a citizen's submission said, as SHA-256 of its canonical form (the validated request as
-- JSON, and for a report the SHA-256 of each photo's bytes in order), so that a retry with the
-- same idempotency key but another body is refused instead of answered with the stored
-- receipt. NULL for rows stored before this column existed: those replays are accepted.
ALTER TABLE reports ADD COLUMN request_hash TEXT;
ALTER TABLE ratings ADD COLUMN request_hash TEXT;
