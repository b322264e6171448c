-- Coarser roll-ups of the case roll-ups, so that a province's dashboard adds up thousands of
-- rows instead of millions. `case_days` keeps one row per unit, day, kind and category: at a
-- province's scale that is nearly one row per report, and a year's breakdown or 13 months of
-- trends read a million of them. These three are kept from `case_days` and
-- `case_deadline_days` by the database itself (triggers on those tables, so every path that
-- writes them, the triggers of 2026-11-23-000020 included, keeps these too):
-- * case_months: the flows per unit, Vietnam month, kind and category. `month` is the day number
--   (days since 1970-01-01 in Vietnam time, as `day` everywhere) of the month's first day.
--   A period is read as its whole months from here and its partial months from case_days.
-- * case_deadline_months: the deadline clocks ended per unit, month and stage.
-- * case_unit_days: per unit and day, reports received and clocks ended on time and late, for
--   the trend charts (which need days, to cut weeks, but not kinds or categories).
CREATE TABLE case_months (
    unit_id TEXT NOT NULL,
    month BIGINT NOT NULL,
    kind TEXT NOT NULL,
    category TEXT NOT NULL,
    received BIGINT NOT NULL DEFAULT 0,
    accepted BIGINT NOT NULL DEFAULT 0,
    accept_ms BIGINT NOT NULL DEFAULT 0,
    answered BIGINT NOT NULL DEFAULT 0,
    answer_ms BIGINT NOT NULL DEFAULT 0,
    resolved BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (unit_id, month, kind, category)
);

CREATE TABLE case_deadline_months (
    unit_id TEXT NOT NULL,
    month BIGINT NOT NULL,
    stage TEXT NOT NULL,
    on_time BIGINT NOT NULL DEFAULT 0,
    late BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (unit_id, month, stage)
);

CREATE TABLE case_unit_days (
    unit_id TEXT NOT NULL,
    day BIGINT NOT NULL,
    received BIGINT NOT NULL DEFAULT 0,
    on_time BIGINT NOT NULL DEFAULT 0,
    late BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (unit_id, day)
);

-- What is already there.
INSERT INTO case_months (unit_id, month, kind, category, received, accepted, accept_ms, answered, answer_ms, resolved)
SELECT unit_id, (day - CAST(EXTRACT(DAY FROM DATE '1970-01-01' + CAST(day AS INTEGER)) AS BIGINT) + 1), kind, category, SUM(received), SUM(accepted), SUM(accept_ms), SUM(answered), SUM(answer_ms), SUM(resolved)
FROM case_days GROUP BY unit_id, (day - CAST(EXTRACT(DAY FROM DATE '1970-01-01' + CAST(day AS INTEGER)) AS BIGINT) + 1), kind, category;

INSERT INTO case_deadline_months (unit_id, month, stage, on_time, late)
SELECT unit_id, (day - CAST(EXTRACT(DAY FROM DATE '1970-01-01' + CAST(day AS INTEGER)) AS BIGINT) + 1), stage, SUM(on_time), SUM(late)
FROM case_deadline_days GROUP BY unit_id, (day - CAST(EXTRACT(DAY FROM DATE '1970-01-01' + CAST(day AS INTEGER)) AS BIGINT) + 1), stage;

INSERT INTO case_unit_days (unit_id, day, received)
SELECT unit_id, day, SUM(received) FROM case_days GROUP BY unit_id, day;

INSERT INTO case_unit_days (unit_id, day, on_time, late)
SELECT unit_id, day, SUM(on_time), SUM(late) FROM case_deadline_days GROUP BY unit_id, day
ON CONFLICT (unit_id, day) DO UPDATE SET on_time = excluded.on_time, late = excluded.late;

-- An update is taken off as the old row and added as the new one.

CREATE FUNCTION case_days_rolled() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
    INSERT INTO case_months (unit_id, month, kind, category, received, accepted, accept_ms, answered, answer_ms, resolved)
    VALUES (OLD.unit_id, (OLD.day - CAST(EXTRACT(DAY FROM DATE '1970-01-01' + CAST(OLD.day AS INTEGER)) AS BIGINT) + 1), OLD.kind, OLD.category, -OLD.received, -OLD.accepted, -OLD.accept_ms, -OLD.answered, -OLD.answer_ms, -OLD.resolved)
    ON CONFLICT (unit_id, month, kind, category) DO UPDATE SET received = case_months.received + excluded.received, accepted = case_months.accepted + excluded.accepted, accept_ms = case_months.accept_ms + excluded.accept_ms, answered = case_months.answered + excluded.answered, answer_ms = case_months.answer_ms + excluded.answer_ms, resolved = case_months.resolved + excluded.resolved;
    INSERT INTO case_unit_days (unit_id, day, received) VALUES (OLD.unit_id, OLD.day, -OLD.received)
    ON CONFLICT (unit_id, day) DO UPDATE SET received = case_unit_days.received + excluded.received;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
    INSERT INTO case_months (unit_id, month, kind, category, received, accepted, accept_ms, answered, answer_ms, resolved)
    VALUES (NEW.unit_id, (NEW.day - CAST(EXTRACT(DAY FROM DATE '1970-01-01' + CAST(NEW.day AS INTEGER)) AS BIGINT) + 1), NEW.kind, NEW.category, NEW.received, NEW.accepted, NEW.accept_ms, NEW.answered, NEW.answer_ms, NEW.resolved)
    ON CONFLICT (unit_id, month, kind, category) DO UPDATE SET received = case_months.received + excluded.received, accepted = case_months.accepted + excluded.accepted, accept_ms = case_months.accept_ms + excluded.accept_ms, answered = case_months.answered + excluded.answered, answer_ms = case_months.answer_ms + excluded.answer_ms, resolved = case_months.resolved + excluded.resolved;
    INSERT INTO case_unit_days (unit_id, day, received) VALUES (NEW.unit_id, NEW.day, NEW.received)
    ON CONFLICT (unit_id, day) DO UPDATE SET received = case_unit_days.received + excluded.received;
    END IF;
    RETURN NULL;
END
$$;
CREATE TRIGGER case_days_rolled AFTER INSERT OR UPDATE OR DELETE ON case_days
    FOR EACH ROW EXECUTE FUNCTION case_days_rolled();

CREATE FUNCTION case_deadline_days_rolled() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
    INSERT INTO case_deadline_months (unit_id, month, stage, on_time, late)
    VALUES (OLD.unit_id, (OLD.day - CAST(EXTRACT(DAY FROM DATE '1970-01-01' + CAST(OLD.day AS INTEGER)) AS BIGINT) + 1), OLD.stage, -OLD.on_time, -OLD.late)
    ON CONFLICT (unit_id, month, stage) DO UPDATE SET on_time = case_deadline_months.on_time + excluded.on_time, late = case_deadline_months.late + excluded.late;
    INSERT INTO case_unit_days (unit_id, day, on_time, late) VALUES (OLD.unit_id, OLD.day, -OLD.on_time, -OLD.late)
    ON CONFLICT (unit_id, day) DO UPDATE SET on_time = case_unit_days.on_time + excluded.on_time, late = case_unit_days.late + excluded.late;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
    INSERT INTO case_deadline_months (unit_id, month, stage, on_time, late)
    VALUES (NEW.unit_id, (NEW.day - CAST(EXTRACT(DAY FROM DATE '1970-01-01' + CAST(NEW.day AS INTEGER)) AS BIGINT) + 1), NEW.stage, NEW.on_time, NEW.late)
    ON CONFLICT (unit_id, month, stage) DO UPDATE SET on_time = case_deadline_months.on_time + excluded.on_time, late = case_deadline_months.late + excluded.late;
    INSERT INTO case_unit_days (unit_id, day, on_time, late) VALUES (NEW.unit_id, NEW.day, NEW.on_time, NEW.late)
    ON CONFLICT (unit_id, day) DO UPDATE SET on_time = case_unit_days.on_time + excluded.on_time, late = case_unit_days.late + excluded.late;
    END IF;
    RETURN NULL;
END
$$;
CREATE TRIGGER case_deadline_days_rolled AFTER INSERT OR UPDATE OR DELETE ON case_deadline_days
    FOR EACH ROW EXECUTE FUNCTION case_deadline_days_rolled();
