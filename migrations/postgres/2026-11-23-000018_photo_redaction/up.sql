-- A photo's redaction (shared::redaction): the regions a committee member or the head handling
-- the case chose to hide, as JSON ([{"x","y","w","h","mode"}], thousandths of the photo), and
-- the copy rendered from the original with them hidden, full size and thumbnail. One row per
-- photo: a new redaction replaces it, always rendered from the original, which stays as it
-- was in report_photos and which only the committee may still open.
CREATE TABLE photo_redactions (
    photo_id TEXT PRIMARY KEY NOT NULL REFERENCES report_photos(id),
    report_id TEXT NOT NULL REFERENCES reports(id),
    regions TEXT NOT NULL,
    full_bytes BYTEA NOT NULL,
    thumb_bytes BYTEA NOT NULL,
    redacted_by TEXT REFERENCES accounts(id),
    redacted_at BIGINT NOT NULL
);
-- The case page lists a case's redactions.
CREATE INDEX photo_redactions_report ON photo_redactions(report_id);
