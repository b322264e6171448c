-- Staff who are told of things (a head of a new denunciation, of the next reception session)
-- need an address: a phone for SMS or Zalo and/or an e-mail address. Personal data, encrypted
-- with the data key as reporters' contacts are; the outbox copies the sealed value as it is.
ALTER TABLE accounts ADD COLUMN phone_enc TEXT;
ALTER TABLE accounts ADD COLUMN email_enc TEXT;

-- What a message is about (status_change, denunciation_alert, reception_digest) and, for a
-- message to a member of staff, their account: so that an account's messages can be found
-- (a request to delete personal data) and a test can tell messages apart.
ALTER TABLE outbox ADD COLUMN kind TEXT NOT NULL DEFAULT 'status_change';
ALTER TABLE outbox ADD COLUMN account_id TEXT REFERENCES accounts(id);
CREATE INDEX outbox_account ON outbox(account_id);

-- The digest sent to the heads of a unit before a reception session: one row per unit and
-- session date, written in the same transaction as the digest's messages. Its key is what
-- makes the digest go out once, whichever process runs the job and however often.
CREATE TABLE reception_digests (
    unit_id TEXT NOT NULL REFERENCES units(id),
    session_date TEXT NOT NULL,
    messages INTEGER NOT NULL,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (unit_id, session_date)
);
