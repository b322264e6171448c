DROP TABLE reception_entries;
DROP TABLE reception_sessions;
