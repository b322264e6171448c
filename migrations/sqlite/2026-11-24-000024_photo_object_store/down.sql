DROP INDEX photo_redactions_object_key;
DROP INDEX report_photos_object_key;
ALTER TABLE photo_redactions DROP COLUMN object_key;
ALTER TABLE report_photos DROP COLUMN object_key;
