-- Photos may be kept in an S3-compatible object store instead of the database (a national
-- deployment's photos outgrow a database quickly). A photo stored there has its object key here
-- and empty byte columns; one stored in the database (the default) has no key.
ALTER TABLE report_photos ADD COLUMN object_key TEXT;
ALTER TABLE photo_redactions ADD COLUMN object_key TEXT;
CREATE INDEX report_photos_object_key ON report_photos (object_key) WHERE object_key IS NOT NULL;
CREATE INDEX photo_redactions_object_key ON photo_redactions (object_key) WHERE object_key IS NOT NULL;
