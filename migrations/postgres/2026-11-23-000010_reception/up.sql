-- The weekly citizen reception: one session per unit and reception day, opened by the head,
-- and its reception log (sổ tiếp công dân), one entry per meeting. The citizen's name and
-- address are encrypted with the data key, as reporters' are.
CREATE TABLE reception_sessions (
    id TEXT PRIMARY KEY NOT NULL,
    unit_id TEXT NOT NULL REFERENCES units(id),
    session_date TEXT NOT NULL,
    start_time TEXT NOT NULL,
    end_time TEXT NOT NULL,
    opened_by TEXT NOT NULL,
    opened_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX reception_sessions_day ON reception_sessions(unit_id, session_date);

CREATE TABLE reception_entries (
    id TEXT PRIMARY KEY NOT NULL,
    session_id TEXT NOT NULL REFERENCES reception_sessions(id),
    entry_no INTEGER NOT NULL,
    report_id TEXT REFERENCES reports(id),
    citizen_name_enc TEXT NOT NULL,
    citizen_address_enc TEXT NOT NULL,
    matter TEXT NOT NULL,
    earlier_handling TEXT NOT NULL,
    request TEXT NOT NULL,
    action_taken TEXT NOT NULL,
    outcome TEXT NOT NULL,
    follow_up TEXT NOT NULL,
    public BOOLEAN NOT NULL,
    created_by TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX reception_entries_no ON reception_entries(session_id, entry_no);
