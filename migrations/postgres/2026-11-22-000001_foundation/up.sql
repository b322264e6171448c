-- Units form a tree (province → commune/ward/special zone, departments, service centres).
-- `path` is the materialised list of ancestor ids ("/root/child/"), so a subtree is one
-- index range scan: path >= '/a/b/' AND path < '/a/b0'.
CREATE TABLE units (
    id TEXT PRIMARY KEY NOT NULL,
    parent_id TEXT REFERENCES units(id),
    kind TEXT NOT NULL,
    code TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    address TEXT NOT NULL DEFAULT '',
    reception_weekday INTEGER NOT NULL,
    reception_start TEXT NOT NULL,
    reception_end TEXT NOT NULL,
    active BOOLEAN NOT NULL DEFAULT TRUE,
    path TEXT COLLATE "C" NOT NULL,
    depth INTEGER NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX units_path ON units(path);
CREATE INDEX units_parent ON units(parent_id);

CREATE TABLE counters (
    id TEXT PRIMARY KEY NOT NULL,
    unit_id TEXT NOT NULL REFERENCES units(id),
    name TEXT NOT NULL,
    qr_token TEXT NOT NULL UNIQUE,
    active BOOLEAN NOT NULL DEFAULT TRUE,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX counters_unit ON counters(unit_id);

CREATE TABLE staff (
    id TEXT PRIMARY KEY NOT NULL,
    unit_id TEXT NOT NULL REFERENCES units(id),
    full_name TEXT NOT NULL,
    title TEXT NOT NULL,
    badge_number TEXT NOT NULL UNIQUE,
    counter_id TEXT REFERENCES counters(id),
    has_photo BOOLEAN NOT NULL DEFAULT FALSE,
    active BOOLEAN NOT NULL DEFAULT TRUE,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX staff_unit ON staff(unit_id);
CREATE INDEX staff_counter ON staff(counter_id);

-- Kept apart from `staff` so that listing staff never reads image bytes.
CREATE TABLE staff_photos (
    staff_id TEXT PRIMARY KEY NOT NULL REFERENCES staff(id),
    content_type TEXT NOT NULL,
    bytes BYTEA NOT NULL,
    updated_at BIGINT NOT NULL
);

CREATE TABLE accounts (
    id TEXT PRIMARY KEY NOT NULL,
    username TEXT NOT NULL UNIQUE,
    password_hash TEXT NOT NULL,
    full_name TEXT NOT NULL,
    role TEXT NOT NULL,
    unit_id TEXT REFERENCES units(id),
    active BOOLEAN NOT NULL DEFAULT TRUE,
    -- Bumped by a role, unit, password or status change: every token minted before is refused.
    auth_version INTEGER NOT NULL DEFAULT 1,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX accounts_unit ON accounts(unit_id);

-- A sign-in. API sessions hold a rotating refresh token; web sessions hold the cookie token.
-- Only SHA-256 hashes of tokens are stored.
CREATE TABLE sessions (
    id TEXT PRIMARY KEY NOT NULL,
    account_id TEXT NOT NULL REFERENCES accounts(id),
    kind TEXT NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    previous_token_hash TEXT,
    auth_version INTEGER NOT NULL,
    created_at BIGINT NOT NULL,
    last_used_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    revoked_at BIGINT
);
CREATE INDEX sessions_account ON sessions(account_id);
CREATE INDEX sessions_previous ON sessions(previous_token_hash);

-- Secrets the server makes for itself on first start (e.g. the JWT key when none is configured),
-- shared by every process on the same database.
CREATE TABLE server_secrets (
    name TEXT PRIMARY KEY NOT NULL,
    value TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
