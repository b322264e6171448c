-- Personal data's end (Decree 13/2023/NĐ-CP on personal data protection): a citizen may ask,
-- from the tracking page, for their personal data to be erased, and the platform does it
-- within 72 hours; reports also lose it once they have been final for the retention period
-- of their kind. Erasing removes the reporter's name, phone and e-mail, the photos and the
-- messages still waiting for them; the report's facts (kind, category, unit, text, timeline)
-- and every figure stay.
ALTER TABLE reports ADD COLUMN erasure_requested_at BIGINT;
ALTER TABLE reports ADD COLUMN personal_data_erased_at BIGINT;
CREATE INDEX reports_erasure_pending ON reports (erasure_requested_at)
    WHERE erasure_requested_at IS NOT NULL AND personal_data_erased_at IS NULL;
