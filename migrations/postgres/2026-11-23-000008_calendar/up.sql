-- The working-day calendar, one row per year as the administrator edits it (JSON of
-- shared::calendar::CalendarYear: days off, make-up working days, source, provisional). Years
-- with seed data (shared::calendar::SEEDED_YEARS) are written on first start.
CREATE TABLE calendar_years (
    year INTEGER PRIMARY KEY NOT NULL,
    data TEXT NOT NULL,
    updated_at BIGINT NOT NULL,
    updated_by TEXT
);
