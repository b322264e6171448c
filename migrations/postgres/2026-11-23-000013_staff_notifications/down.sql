DROP TABLE reception_digests;
DROP INDEX outbox_account;
ALTER TABLE outbox DROP COLUMN account_id;
ALTER TABLE outbox DROP COLUMN kind;
ALTER TABLE accounts DROP COLUMN email_enc;
ALTER TABLE accounts DROP COLUMN phone_enc;
