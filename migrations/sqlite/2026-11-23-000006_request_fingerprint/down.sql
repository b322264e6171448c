ALTER TABLE ratings DROP COLUMN request_hash;
ALTER TABLE reports DROP COLUMN request_hash;
