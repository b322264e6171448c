-- Coarser roll-ups of the case roll-ups, so that a province's dashboard adds up thousands of
-- rows instead of millions. `case_days` keeps one row per unit, day, kind and category: at a
-- province's scale that is nearly one row per report, and a year's breakdown or 13 months of
-- trends read a million of them; a year of day rows of ratings is 365 per unit. These four
-- are kept from the day roll-ups by the database itself (triggers on `case_days`,
-- `case_deadline_days` and `rating_unit_days`, so every path that writes those, the triggers of
-- 2026-11-23-000020 included, keeps these too):
-- * case_months: the flows per unit, Vietnam month, kind and category. `month` is the day number
--   (days since 1970-01-01 in Vietnam time, as `day` everywhere) of the month's first day.
--   A period is read as its whole months from here and its partial months from case_days.
-- * case_deadline_months: the deadline clocks ended per unit, month and stage.
-- * rating_unit_months: `rating_unit_days` per month, kept from it the same way.
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

CREATE TABLE rating_unit_months (
    unit_id TEXT NOT NULL,
    month BIGINT NOT NULL,
    very_satisfied BIGINT NOT NULL DEFAULT 0,
    satisfied BIGINT NOT NULL DEFAULT 0,
    not_satisfied BIGINT NOT NULL DEFAULT 0,
    access_n BIGINT NOT NULL DEFAULT 0,
    access_good BIGINT NOT NULL DEFAULT 0,
    procedure_n BIGINT NOT NULL DEFAULT 0,
    procedure_good BIGINT NOT NULL DEFAULT 0,
    attitude_n BIGINT NOT NULL DEFAULT 0,
    attitude_good BIGINT NOT NULL DEFAULT 0,
    timeliness_n BIGINT NOT NULL DEFAULT 0,
    timeliness_good BIGINT NOT NULL DEFAULT 0,
    feedback_n BIGINT NOT NULL DEFAULT 0,
    feedback_good BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (unit_id, month)
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
SELECT unit_id, (day - CAST(strftime('%d', day * 86400, 'unixepoch') AS INTEGER) + 1), kind, category, SUM(received), SUM(accepted), SUM(accept_ms), SUM(answered), SUM(answer_ms), SUM(resolved)
FROM case_days GROUP BY unit_id, (day - CAST(strftime('%d', day * 86400, 'unixepoch') AS INTEGER) + 1), kind, category;

INSERT INTO case_deadline_months (unit_id, month, stage, on_time, late)
SELECT unit_id, (day - CAST(strftime('%d', day * 86400, 'unixepoch') AS INTEGER) + 1), stage, SUM(on_time), SUM(late)
FROM case_deadline_days GROUP BY unit_id, (day - CAST(strftime('%d', day * 86400, 'unixepoch') AS INTEGER) + 1), stage;

INSERT INTO case_unit_days (unit_id, day, received)
SELECT unit_id, day, SUM(received) FROM case_days GROUP BY unit_id, day;

INSERT INTO rating_unit_months (unit_id, month, very_satisfied, satisfied, not_satisfied, access_n, access_good, procedure_n, procedure_good, attitude_n, attitude_good, timeliness_n, timeliness_good, feedback_n, feedback_good)
SELECT unit_id, (day - CAST(strftime('%d', day * 86400, 'unixepoch') AS INTEGER) + 1), SUM(very_satisfied), SUM(satisfied), SUM(not_satisfied), SUM(access_n), SUM(access_good), SUM(procedure_n), SUM(procedure_good), SUM(attitude_n), SUM(attitude_good), SUM(timeliness_n), SUM(timeliness_good), SUM(feedback_n), SUM(feedback_good)
FROM rating_unit_days GROUP BY unit_id, (day - CAST(strftime('%d', day * 86400, 'unixepoch') AS INTEGER) + 1);

INSERT INTO case_unit_days (unit_id, day, on_time, late)
SELECT unit_id, day, SUM(on_time), SUM(late) FROM case_deadline_days GROUP BY unit_id, day
HAVING true
ON CONFLICT (unit_id, day) DO UPDATE SET on_time = excluded.on_time, late = excluded.late;

-- An update is taken off as the old row and added as the new one.

CREATE TRIGGER case_days_rolled_insert AFTER INSERT ON case_days
BEGIN
    INSERT INTO case_months (unit_id, month, kind, category, received, accepted, accept_ms, answered, answer_ms, resolved)
    VALUES (NEW.unit_id, (NEW.day - CAST(strftime('%d', NEW.day * 86400, 'unixepoch') AS INTEGER) + 1), NEW.kind, NEW.category, NEW.received, NEW.accepted, NEW.accept_ms, NEW.answered, NEW.answer_ms, NEW.resolved)
    ON CONFLICT (unit_id, month, kind, category) DO UPDATE SET received = case_months.received + excluded.received, accepted = case_months.accepted + excluded.accepted, accept_ms = case_months.accept_ms + excluded.accept_ms, answered = case_months.answered + excluded.answered, answer_ms = case_months.answer_ms + excluded.answer_ms, resolved = case_months.resolved + excluded.resolved;
    INSERT INTO case_unit_days (unit_id, day, received) VALUES (NEW.unit_id, NEW.day, NEW.received)
    ON CONFLICT (unit_id, day) DO UPDATE SET received = case_unit_days.received + excluded.received;
END;

CREATE TRIGGER case_days_rolled_update AFTER UPDATE ON case_days
BEGIN
    INSERT INTO case_months (unit_id, month, kind, category, received, accepted, accept_ms, answered, answer_ms, resolved)
    VALUES (OLD.unit_id, (OLD.day - CAST(strftime('%d', OLD.day * 86400, 'unixepoch') AS INTEGER) + 1), OLD.kind, OLD.category, -OLD.received, -OLD.accepted, -OLD.accept_ms, -OLD.answered, -OLD.answer_ms, -OLD.resolved)
    ON CONFLICT (unit_id, month, kind, category) DO UPDATE SET received = case_months.received + excluded.received, accepted = case_months.accepted + excluded.accepted, accept_ms = case_months.accept_ms + excluded.accept_ms, answered = case_months.answered + excluded.answered, answer_ms = case_months.answer_ms + excluded.answer_ms, resolved = case_months.resolved + excluded.resolved;
    INSERT INTO case_unit_days (unit_id, day, received) VALUES (OLD.unit_id, OLD.day, -OLD.received)
    ON CONFLICT (unit_id, day) DO UPDATE SET received = case_unit_days.received + excluded.received;
    INSERT INTO case_months (unit_id, month, kind, category, received, accepted, accept_ms, answered, answer_ms, resolved)
    VALUES (NEW.unit_id, (NEW.day - CAST(strftime('%d', NEW.day * 86400, 'unixepoch') AS INTEGER) + 1), NEW.kind, NEW.category, NEW.received, NEW.accepted, NEW.accept_ms, NEW.answered, NEW.answer_ms, NEW.resolved)
    ON CONFLICT (unit_id, month, kind, category) DO UPDATE SET received = case_months.received + excluded.received, accepted = case_months.accepted + excluded.accepted, accept_ms = case_months.accept_ms + excluded.accept_ms, answered = case_months.answered + excluded.answered, answer_ms = case_months.answer_ms + excluded.answer_ms, resolved = case_months.resolved + excluded.resolved;
    INSERT INTO case_unit_days (unit_id, day, received) VALUES (NEW.unit_id, NEW.day, NEW.received)
    ON CONFLICT (unit_id, day) DO UPDATE SET received = case_unit_days.received + excluded.received;
END;

CREATE TRIGGER case_days_rolled_delete AFTER DELETE ON case_days
BEGIN
    INSERT INTO case_months (unit_id, month, kind, category, received, accepted, accept_ms, answered, answer_ms, resolved)
    VALUES (OLD.unit_id, (OLD.day - CAST(strftime('%d', OLD.day * 86400, 'unixepoch') AS INTEGER) + 1), OLD.kind, OLD.category, -OLD.received, -OLD.accepted, -OLD.accept_ms, -OLD.answered, -OLD.answer_ms, -OLD.resolved)
    ON CONFLICT (unit_id, month, kind, category) DO UPDATE SET received = case_months.received + excluded.received, accepted = case_months.accepted + excluded.accepted, accept_ms = case_months.accept_ms + excluded.accept_ms, answered = case_months.answered + excluded.answered, answer_ms = case_months.answer_ms + excluded.answer_ms, resolved = case_months.resolved + excluded.resolved;
    INSERT INTO case_unit_days (unit_id, day, received) VALUES (OLD.unit_id, OLD.day, -OLD.received)
    ON CONFLICT (unit_id, day) DO UPDATE SET received = case_unit_days.received + excluded.received;
END;

CREATE TRIGGER case_deadline_days_rolled_insert AFTER INSERT ON case_deadline_days
BEGIN
    INSERT INTO case_deadline_months (unit_id, month, stage, on_time, late)
    VALUES (NEW.unit_id, (NEW.day - CAST(strftime('%d', NEW.day * 86400, 'unixepoch') AS INTEGER) + 1), NEW.stage, NEW.on_time, NEW.late)
    ON CONFLICT (unit_id, month, stage) DO UPDATE SET on_time = case_deadline_months.on_time + excluded.on_time, late = case_deadline_months.late + excluded.late;
    INSERT INTO case_unit_days (unit_id, day, on_time, late) VALUES (NEW.unit_id, NEW.day, NEW.on_time, NEW.late)
    ON CONFLICT (unit_id, day) DO UPDATE SET on_time = case_unit_days.on_time + excluded.on_time, late = case_unit_days.late + excluded.late;
END;

CREATE TRIGGER case_deadline_days_rolled_update AFTER UPDATE ON case_deadline_days
BEGIN
    INSERT INTO case_deadline_months (unit_id, month, stage, on_time, late)
    VALUES (OLD.unit_id, (OLD.day - CAST(strftime('%d', OLD.day * 86400, 'unixepoch') AS INTEGER) + 1), OLD.stage, -OLD.on_time, -OLD.late)
    ON CONFLICT (unit_id, month, stage) DO UPDATE SET on_time = case_deadline_months.on_time + excluded.on_time, late = case_deadline_months.late + excluded.late;
    INSERT INTO case_unit_days (unit_id, day, on_time, late) VALUES (OLD.unit_id, OLD.day, -OLD.on_time, -OLD.late)
    ON CONFLICT (unit_id, day) DO UPDATE SET on_time = case_unit_days.on_time + excluded.on_time, late = case_unit_days.late + excluded.late;
    INSERT INTO case_deadline_months (unit_id, month, stage, on_time, late)
    VALUES (NEW.unit_id, (NEW.day - CAST(strftime('%d', NEW.day * 86400, 'unixepoch') AS INTEGER) + 1), NEW.stage, NEW.on_time, NEW.late)
    ON CONFLICT (unit_id, month, stage) DO UPDATE SET on_time = case_deadline_months.on_time + excluded.on_time, late = case_deadline_months.late + excluded.late;
    INSERT INTO case_unit_days (unit_id, day, on_time, late) VALUES (NEW.unit_id, NEW.day, NEW.on_time, NEW.late)
    ON CONFLICT (unit_id, day) DO UPDATE SET on_time = case_unit_days.on_time + excluded.on_time, late = case_unit_days.late + excluded.late;
END;

CREATE TRIGGER case_deadline_days_rolled_delete AFTER DELETE ON case_deadline_days
BEGIN
    INSERT INTO case_deadline_months (unit_id, month, stage, on_time, late)
    VALUES (OLD.unit_id, (OLD.day - CAST(strftime('%d', OLD.day * 86400, 'unixepoch') AS INTEGER) + 1), OLD.stage, -OLD.on_time, -OLD.late)
    ON CONFLICT (unit_id, month, stage) DO UPDATE SET on_time = case_deadline_months.on_time + excluded.on_time, late = case_deadline_months.late + excluded.late;
    INSERT INTO case_unit_days (unit_id, day, on_time, late) VALUES (OLD.unit_id, OLD.day, -OLD.on_time, -OLD.late)
    ON CONFLICT (unit_id, day) DO UPDATE SET on_time = case_unit_days.on_time + excluded.on_time, late = case_unit_days.late + excluded.late;
END;

CREATE TRIGGER rating_unit_days_rolled_insert AFTER INSERT ON rating_unit_days
BEGIN
    INSERT INTO rating_unit_months (unit_id, month, very_satisfied, satisfied, not_satisfied, access_n, access_good, procedure_n, procedure_good, attitude_n, attitude_good, timeliness_n, timeliness_good, feedback_n, feedback_good)
    VALUES (NEW.unit_id, (NEW.day - CAST(strftime('%d', NEW.day * 86400, 'unixepoch') AS INTEGER) + 1), NEW.very_satisfied, NEW.satisfied, NEW.not_satisfied, NEW.access_n, NEW.access_good, NEW.procedure_n, NEW.procedure_good, NEW.attitude_n, NEW.attitude_good, NEW.timeliness_n, NEW.timeliness_good, NEW.feedback_n, NEW.feedback_good)
    ON CONFLICT (unit_id, month) DO UPDATE SET very_satisfied = rating_unit_months.very_satisfied + excluded.very_satisfied, satisfied = rating_unit_months.satisfied + excluded.satisfied, not_satisfied = rating_unit_months.not_satisfied + excluded.not_satisfied, access_n = rating_unit_months.access_n + excluded.access_n, access_good = rating_unit_months.access_good + excluded.access_good, procedure_n = rating_unit_months.procedure_n + excluded.procedure_n, procedure_good = rating_unit_months.procedure_good + excluded.procedure_good, attitude_n = rating_unit_months.attitude_n + excluded.attitude_n, attitude_good = rating_unit_months.attitude_good + excluded.attitude_good, timeliness_n = rating_unit_months.timeliness_n + excluded.timeliness_n, timeliness_good = rating_unit_months.timeliness_good + excluded.timeliness_good, feedback_n = rating_unit_months.feedback_n + excluded.feedback_n, feedback_good = rating_unit_months.feedback_good + excluded.feedback_good;
END;

CREATE TRIGGER rating_unit_days_rolled_update AFTER UPDATE ON rating_unit_days
BEGIN
    INSERT INTO rating_unit_months (unit_id, month, very_satisfied, satisfied, not_satisfied, access_n, access_good, procedure_n, procedure_good, attitude_n, attitude_good, timeliness_n, timeliness_good, feedback_n, feedback_good)
    VALUES (OLD.unit_id, (OLD.day - CAST(strftime('%d', OLD.day * 86400, 'unixepoch') AS INTEGER) + 1), -OLD.very_satisfied, -OLD.satisfied, -OLD.not_satisfied, -OLD.access_n, -OLD.access_good, -OLD.procedure_n, -OLD.procedure_good, -OLD.attitude_n, -OLD.attitude_good, -OLD.timeliness_n, -OLD.timeliness_good, -OLD.feedback_n, -OLD.feedback_good)
    ON CONFLICT (unit_id, month) DO UPDATE SET very_satisfied = rating_unit_months.very_satisfied + excluded.very_satisfied, satisfied = rating_unit_months.satisfied + excluded.satisfied, not_satisfied = rating_unit_months.not_satisfied + excluded.not_satisfied, access_n = rating_unit_months.access_n + excluded.access_n, access_good = rating_unit_months.access_good + excluded.access_good, procedure_n = rating_unit_months.procedure_n + excluded.procedure_n, procedure_good = rating_unit_months.procedure_good + excluded.procedure_good, attitude_n = rating_unit_months.attitude_n + excluded.attitude_n, attitude_good = rating_unit_months.attitude_good + excluded.attitude_good, timeliness_n = rating_unit_months.timeliness_n + excluded.timeliness_n, timeliness_good = rating_unit_months.timeliness_good + excluded.timeliness_good, feedback_n = rating_unit_months.feedback_n + excluded.feedback_n, feedback_good = rating_unit_months.feedback_good + excluded.feedback_good;
    INSERT INTO rating_unit_months (unit_id, month, very_satisfied, satisfied, not_satisfied, access_n, access_good, procedure_n, procedure_good, attitude_n, attitude_good, timeliness_n, timeliness_good, feedback_n, feedback_good)
    VALUES (NEW.unit_id, (NEW.day - CAST(strftime('%d', NEW.day * 86400, 'unixepoch') AS INTEGER) + 1), NEW.very_satisfied, NEW.satisfied, NEW.not_satisfied, NEW.access_n, NEW.access_good, NEW.procedure_n, NEW.procedure_good, NEW.attitude_n, NEW.attitude_good, NEW.timeliness_n, NEW.timeliness_good, NEW.feedback_n, NEW.feedback_good)
    ON CONFLICT (unit_id, month) DO UPDATE SET very_satisfied = rating_unit_months.very_satisfied + excluded.very_satisfied, satisfied = rating_unit_months.satisfied + excluded.satisfied, not_satisfied = rating_unit_months.not_satisfied + excluded.not_satisfied, access_n = rating_unit_months.access_n + excluded.access_n, access_good = rating_unit_months.access_good + excluded.access_good, procedure_n = rating_unit_months.procedure_n + excluded.procedure_n, procedure_good = rating_unit_months.procedure_good + excluded.procedure_good, attitude_n = rating_unit_months.attitude_n + excluded.attitude_n, attitude_good = rating_unit_months.attitude_good + excluded.attitude_good, timeliness_n = rating_unit_months.timeliness_n + excluded.timeliness_n, timeliness_good = rating_unit_months.timeliness_good + excluded.timeliness_good, feedback_n = rating_unit_months.feedback_n + excluded.feedback_n, feedback_good = rating_unit_months.feedback_good + excluded.feedback_good;
END;

CREATE TRIGGER rating_unit_days_rolled_delete AFTER DELETE ON rating_unit_days
BEGIN
    INSERT INTO rating_unit_months (unit_id, month, very_satisfied, satisfied, not_satisfied, access_n, access_good, procedure_n, procedure_good, attitude_n, attitude_good, timeliness_n, timeliness_good, feedback_n, feedback_good)
    VALUES (OLD.unit_id, (OLD.day - CAST(strftime('%d', OLD.day * 86400, 'unixepoch') AS INTEGER) + 1), -OLD.very_satisfied, -OLD.satisfied, -OLD.not_satisfied, -OLD.access_n, -OLD.access_good, -OLD.procedure_n, -OLD.procedure_good, -OLD.attitude_n, -OLD.attitude_good, -OLD.timeliness_n, -OLD.timeliness_good, -OLD.feedback_n, -OLD.feedback_good)
    ON CONFLICT (unit_id, month) DO UPDATE SET very_satisfied = rating_unit_months.very_satisfied + excluded.very_satisfied, satisfied = rating_unit_months.satisfied + excluded.satisfied, not_satisfied = rating_unit_months.not_satisfied + excluded.not_satisfied, access_n = rating_unit_months.access_n + excluded.access_n, access_good = rating_unit_months.access_good + excluded.access_good, procedure_n = rating_unit_months.procedure_n + excluded.procedure_n, procedure_good = rating_unit_months.procedure_good + excluded.procedure_good, attitude_n = rating_unit_months.attitude_n + excluded.attitude_n, attitude_good = rating_unit_months.attitude_good + excluded.attitude_good, timeliness_n = rating_unit_months.timeliness_n + excluded.timeliness_n, timeliness_good = rating_unit_months.timeliness_good + excluded.timeliness_good, feedback_n = rating_unit_months.feedback_n + excluded.feedback_n, feedback_good = rating_unit_months.feedback_good + excluded.feedback_good;
END;
