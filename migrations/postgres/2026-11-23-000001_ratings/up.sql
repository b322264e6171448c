-- Satisfaction ratings from a counter's QR page. No account, no name: the device and network
-- are kept only as keyed hashes (HMAC with a server secret), enough to enforce one rating per
-- device per counter per window and to spot bursts, never to find the person.
CREATE TABLE ratings (
    id TEXT PRIMARY KEY NOT NULL,
    counter_id TEXT NOT NULL REFERENCES counters(id),
    unit_id TEXT NOT NULL REFERENCES units(id),
    staff_id TEXT REFERENCES staff(id),
    overall TEXT NOT NULL,
    sipas_access INTEGER,
    sipas_procedure INTEGER,
    sipas_attitude INTEGER,
    sipas_timeliness INTEGER,
    sipas_feedback_handling INTEGER,
    comment TEXT NOT NULL DEFAULT '',
    dossier_code TEXT NOT NULL DEFAULT '',
    device_hash TEXT NOT NULL,
    network_hash TEXT NOT NULL,
    -- Flagged ratings (bursts) are kept but left out of published figures until reviewed.
    flagged BOOLEAN NOT NULL DEFAULT FALSE,
    flag_reason TEXT,
    reviewed_at BIGINT,
    idempotency_key TEXT NOT NULL UNIQUE,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX ratings_counter_time ON ratings(counter_id, created_at);
CREATE INDEX ratings_device_counter_time ON ratings(device_hash, counter_id, created_at);
CREATE INDEX ratings_network_time ON ratings(network_hash, created_at);
CREATE INDEX ratings_unit_time ON ratings(unit_id, created_at);
