DROP INDEX ratings_awaiting_review;
ALTER TABLE ratings DROP COLUMN review_note;
ALTER TABLE ratings DROP COLUMN reviewed_by;
ALTER TABLE ratings DROP COLUMN review_outcome;
