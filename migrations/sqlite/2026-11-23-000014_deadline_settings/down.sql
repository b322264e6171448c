ALTER TABLE units DROP COLUMN remote_area;
DROP TABLE deadline_settings;
