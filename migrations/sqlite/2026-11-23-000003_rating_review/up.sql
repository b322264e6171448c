-- The review of flagged ratings (bursts). A flagged rating is left out of published figures
-- until an administrator or head of its unit reviews it: "counted" puts it back into the
-- figures, "rejected" keeps it out for good. `reviewed_at` already exists (2026-11-23-000001).
ALTER TABLE ratings ADD COLUMN review_outcome TEXT
    CHECK (review_outcome IS NULL OR review_outcome IN ('counted', 'rejected'));
ALTER TABLE ratings ADD COLUMN reviewed_by TEXT REFERENCES accounts(id);
ALTER TABLE ratings ADD COLUMN review_note TEXT;
-- "Flagged and not yet reviewed, per unit, newest first": a partial index holds only the
-- ratings awaiting review, so it stays small however many millions of ratings there are.
-- SQLite uses a partial index only when the query repeats its WHERE terms as written, so
-- queries say `flagged AND review_outcome IS NULL` (no bound parameter for `flagged`).
CREATE INDEX ratings_awaiting_review ON ratings(unit_id, created_at DESC)
    WHERE flagged AND review_outcome IS NULL;
