-- Figures (thống kê) kept as roll-ups: per Vietnam day (UTC+7; `day` counts days since
-- 1970-01-01 there, `(created_at + 7 h) / 1 day` in integer milliseconds, the same arithmetic on
-- both databases), per unit, and per unit, counter and officer. The database keeps them
-- itself, in the transaction of every insert, change and delete of the rows they count (as it
-- keeps case_counts), so a dashboard adds up a few thousand day rows instead of millions of
-- ratings, and no code path can forget them. Only published ratings count: never flagged, or
-- flagged and then counted by a review (services::ratings::publishable).
--
-- Each SIPAS criterion keeps how many ratings scored it (_n) and how many scored 4 or 5 (_good).
CREATE TABLE rating_unit_days (
    unit_id TEXT NOT NULL,
    day BIGINT NOT NULL,
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
    PRIMARY KEY (unit_id, day)
);

-- The same per counter and officer (staff_id '' when the citizen named nobody), for a unit's
-- own breakdowns and the officer's monthly scorecard.
CREATE TABLE rating_staff_days (
    unit_id TEXT NOT NULL,
    day BIGINT NOT NULL,
    counter_id TEXT NOT NULL,
    staff_id TEXT NOT NULL,
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
    PRIMARY KEY (unit_id, day, counter_id, staff_id)
);
-- The officer's scorecard reads by officer, wherever they served that month.
CREATE INDEX rating_staff_days_staff ON rating_staff_days(staff_id, day);

-- What happened to reports each day: received (on the day of receipt), the first acceptance
-- and the first answer (on their day, with the milliseconds since receipt summed), and the
-- first final answer (answered, declined or forwarded: "resolved"). Kind and category are the
-- report's as received.
CREATE TABLE case_days (
    unit_id TEXT NOT NULL,
    day BIGINT NOT NULL,
    kind TEXT NOT NULL,
    category TEXT NOT NULL,
    received BIGINT NOT NULL DEFAULT 0,
    accepted BIGINT NOT NULL DEFAULT 0,
    accept_ms BIGINT NOT NULL DEFAULT 0,
    answered BIGINT NOT NULL DEFAULT 0,
    answer_ms BIGINT NOT NULL DEFAULT 0,
    resolved BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (unit_id, day, kind, category)
);

-- Each deadline clock that ended (the case left the stage): on time when it ended on or before
-- its due date. One row per clock, with the officer the case was assigned to, for the
-- officer's scorecard; and its roll-up per unit, day and stage for the dashboards. Clocks that
-- ended before this migration left no trace of their due date and are not counted.
CREATE TABLE case_stage_ends (
    report_id TEXT NOT NULL,
    stage TEXT NOT NULL,
    ended_at BIGINT NOT NULL,
    unit_id TEXT NOT NULL,
    assigned_account_id TEXT,
    due_day BIGINT NOT NULL,
    ended_day BIGINT NOT NULL,
    on_time BOOLEAN NOT NULL,
    PRIMARY KEY (report_id, stage, ended_at)
);
CREATE INDEX case_stage_ends_assignee ON case_stage_ends(assigned_account_id, ended_day);

CREATE TABLE case_deadline_days (
    unit_id TEXT NOT NULL,
    day BIGINT NOT NULL,
    stage TEXT NOT NULL,
    on_time BIGINT NOT NULL DEFAULT 0,
    late BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (unit_id, day, stage)
);

-- Reports about an officer, for the scorecard.
CREATE INDEX reports_staff_created ON reports(staff_id, created_at);

-- What is already there.
INSERT INTO rating_unit_days (unit_id, day, very_satisfied, satisfied, not_satisfied, access_n, access_good, procedure_n, procedure_good, attitude_n, attitude_good, timeliness_n, timeliness_good, feedback_n, feedback_good)
SELECT r.unit_id, (r.created_at + 25200000) / 86400000, SUM(CASE WHEN r.overall = 'very_satisfied' THEN 1 ELSE 0 END), SUM(CASE WHEN r.overall = 'satisfied' THEN 1 ELSE 0 END), SUM(CASE WHEN r.overall = 'not_satisfied' THEN 1 ELSE 0 END), SUM(CASE WHEN r.sipas_access IS NOT NULL THEN 1 ELSE 0 END), SUM(CASE WHEN r.sipas_access >= 4 THEN 1 ELSE 0 END), SUM(CASE WHEN r.sipas_procedure IS NOT NULL THEN 1 ELSE 0 END), SUM(CASE WHEN r.sipas_procedure >= 4 THEN 1 ELSE 0 END), SUM(CASE WHEN r.sipas_attitude IS NOT NULL THEN 1 ELSE 0 END), SUM(CASE WHEN r.sipas_attitude >= 4 THEN 1 ELSE 0 END), SUM(CASE WHEN r.sipas_timeliness IS NOT NULL THEN 1 ELSE 0 END), SUM(CASE WHEN r.sipas_timeliness >= 4 THEN 1 ELSE 0 END), SUM(CASE WHEN r.sipas_feedback_handling IS NOT NULL THEN 1 ELSE 0 END), SUM(CASE WHEN r.sipas_feedback_handling >= 4 THEN 1 ELSE 0 END)
FROM ratings r WHERE (NOT r.flagged OR r.review_outcome = 'counted')
GROUP BY r.unit_id, (r.created_at + 25200000) / 86400000;

INSERT INTO rating_staff_days (unit_id, day, counter_id, staff_id, very_satisfied, satisfied, not_satisfied, access_n, access_good, procedure_n, procedure_good, attitude_n, attitude_good, timeliness_n, timeliness_good, feedback_n, feedback_good)
SELECT r.unit_id, (r.created_at + 25200000) / 86400000, r.counter_id, COALESCE(r.staff_id, ''), SUM(CASE WHEN r.overall = 'very_satisfied' THEN 1 ELSE 0 END), SUM(CASE WHEN r.overall = 'satisfied' THEN 1 ELSE 0 END), SUM(CASE WHEN r.overall = 'not_satisfied' THEN 1 ELSE 0 END), SUM(CASE WHEN r.sipas_access IS NOT NULL THEN 1 ELSE 0 END), SUM(CASE WHEN r.sipas_access >= 4 THEN 1 ELSE 0 END), SUM(CASE WHEN r.sipas_procedure IS NOT NULL THEN 1 ELSE 0 END), SUM(CASE WHEN r.sipas_procedure >= 4 THEN 1 ELSE 0 END), SUM(CASE WHEN r.sipas_attitude IS NOT NULL THEN 1 ELSE 0 END), SUM(CASE WHEN r.sipas_attitude >= 4 THEN 1 ELSE 0 END), SUM(CASE WHEN r.sipas_timeliness IS NOT NULL THEN 1 ELSE 0 END), SUM(CASE WHEN r.sipas_timeliness >= 4 THEN 1 ELSE 0 END), SUM(CASE WHEN r.sipas_feedback_handling IS NOT NULL THEN 1 ELSE 0 END), SUM(CASE WHEN r.sipas_feedback_handling >= 4 THEN 1 ELSE 0 END)
FROM ratings r WHERE (NOT r.flagged OR r.review_outcome = 'counted')
GROUP BY r.unit_id, (r.created_at + 25200000) / 86400000, r.counter_id, COALESCE(r.staff_id, '');

INSERT INTO case_days (unit_id, day, kind, category, received)
SELECT unit_id, (created_at + 25200000) / 86400000, kind, category, COUNT(*)
FROM reports GROUP BY unit_id, (created_at + 25200000) / 86400000, kind, category;

-- The first acceptance, answer and final answer of each report, on the day each happened.
INSERT INTO case_days (unit_id, day, kind, category, accepted, accept_ms, answered, answer_ms, resolved)
SELECT r.unit_id, (f.at + 25200000) / 86400000, r.kind, r.category,
       SUM(CASE WHEN f.what = 'accepted' THEN 1 ELSE 0 END),
       SUM(CASE WHEN f.what = 'accepted' THEN f.at - r.created_at ELSE 0 END),
       SUM(CASE WHEN f.what = 'answered' THEN 1 ELSE 0 END),
       SUM(CASE WHEN f.what = 'answered' THEN f.at - r.created_at ELSE 0 END),
       SUM(CASE WHEN f.what = 'resolved' THEN 1 ELSE 0 END)
FROM (
    SELECT report_id, to_status AS what, MIN(created_at) AS at FROM report_events
    WHERE to_status IN ('accepted', 'answered') GROUP BY report_id, to_status
    UNION ALL
    SELECT report_id, 'resolved', MIN(created_at) FROM report_events
    WHERE to_status IN ('answered', 'declined', 'forwarded') GROUP BY report_id
) f JOIN reports r ON r.id = f.report_id
GROUP BY r.unit_id, (f.at + 25200000) / 86400000, r.kind, r.category
ON CONFLICT (unit_id, day, kind, category) DO UPDATE SET
    accepted = excluded.accepted, accept_ms = excluded.accept_ms, answered = excluded.answered,
    answer_ms = excluded.answer_ms, resolved = excluded.resolved;

-- One rating in or out of both roll-ups (sign +1 or -1). Rows are taken in key order (unit
-- before staff) by every writer, so two transactions never wait on each other in a cycle.
CREATE FUNCTION rating_rollups_add(r ratings, sign BIGINT) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO rating_unit_days (unit_id, day, very_satisfied, satisfied, not_satisfied, access_n, access_good, procedure_n, procedure_good, attitude_n, attitude_good, timeliness_n, timeliness_good, feedback_n, feedback_good)
    SELECT r.unit_id, (r.created_at + 25200000) / 86400000, CASE WHEN r.overall = 'very_satisfied' THEN sign ELSE 0 END, CASE WHEN r.overall = 'satisfied' THEN sign ELSE 0 END, CASE WHEN r.overall = 'not_satisfied' THEN sign ELSE 0 END, CASE WHEN r.sipas_access IS NOT NULL THEN sign ELSE 0 END, CASE WHEN r.sipas_access >= 4 THEN sign ELSE 0 END, CASE WHEN r.sipas_procedure IS NOT NULL THEN sign ELSE 0 END, CASE WHEN r.sipas_procedure >= 4 THEN sign ELSE 0 END, CASE WHEN r.sipas_attitude IS NOT NULL THEN sign ELSE 0 END, CASE WHEN r.sipas_attitude >= 4 THEN sign ELSE 0 END, CASE WHEN r.sipas_timeliness IS NOT NULL THEN sign ELSE 0 END, CASE WHEN r.sipas_timeliness >= 4 THEN sign ELSE 0 END, CASE WHEN r.sipas_feedback_handling IS NOT NULL THEN sign ELSE 0 END, CASE WHEN r.sipas_feedback_handling >= 4 THEN sign ELSE 0 END
    ON CONFLICT (unit_id, day) DO UPDATE SET very_satisfied = rating_unit_days.very_satisfied + excluded.very_satisfied, satisfied = rating_unit_days.satisfied + excluded.satisfied, not_satisfied = rating_unit_days.not_satisfied + excluded.not_satisfied, access_n = rating_unit_days.access_n + excluded.access_n, access_good = rating_unit_days.access_good + excluded.access_good, procedure_n = rating_unit_days.procedure_n + excluded.procedure_n, procedure_good = rating_unit_days.procedure_good + excluded.procedure_good, attitude_n = rating_unit_days.attitude_n + excluded.attitude_n, attitude_good = rating_unit_days.attitude_good + excluded.attitude_good, timeliness_n = rating_unit_days.timeliness_n + excluded.timeliness_n, timeliness_good = rating_unit_days.timeliness_good + excluded.timeliness_good, feedback_n = rating_unit_days.feedback_n + excluded.feedback_n, feedback_good = rating_unit_days.feedback_good + excluded.feedback_good;
    INSERT INTO rating_staff_days (unit_id, day, counter_id, staff_id, very_satisfied, satisfied, not_satisfied, access_n, access_good, procedure_n, procedure_good, attitude_n, attitude_good, timeliness_n, timeliness_good, feedback_n, feedback_good)
    SELECT r.unit_id, (r.created_at + 25200000) / 86400000, r.counter_id, COALESCE(r.staff_id, ''), CASE WHEN r.overall = 'very_satisfied' THEN sign ELSE 0 END, CASE WHEN r.overall = 'satisfied' THEN sign ELSE 0 END, CASE WHEN r.overall = 'not_satisfied' THEN sign ELSE 0 END, CASE WHEN r.sipas_access IS NOT NULL THEN sign ELSE 0 END, CASE WHEN r.sipas_access >= 4 THEN sign ELSE 0 END, CASE WHEN r.sipas_procedure IS NOT NULL THEN sign ELSE 0 END, CASE WHEN r.sipas_procedure >= 4 THEN sign ELSE 0 END, CASE WHEN r.sipas_attitude IS NOT NULL THEN sign ELSE 0 END, CASE WHEN r.sipas_attitude >= 4 THEN sign ELSE 0 END, CASE WHEN r.sipas_timeliness IS NOT NULL THEN sign ELSE 0 END, CASE WHEN r.sipas_timeliness >= 4 THEN sign ELSE 0 END, CASE WHEN r.sipas_feedback_handling IS NOT NULL THEN sign ELSE 0 END, CASE WHEN r.sipas_feedback_handling >= 4 THEN sign ELSE 0 END
    ON CONFLICT (unit_id, day, counter_id, staff_id) DO UPDATE SET very_satisfied = rating_staff_days.very_satisfied + excluded.very_satisfied, satisfied = rating_staff_days.satisfied + excluded.satisfied, not_satisfied = rating_staff_days.not_satisfied + excluded.not_satisfied, access_n = rating_staff_days.access_n + excluded.access_n, access_good = rating_staff_days.access_good + excluded.access_good, procedure_n = rating_staff_days.procedure_n + excluded.procedure_n, procedure_good = rating_staff_days.procedure_good + excluded.procedure_good, attitude_n = rating_staff_days.attitude_n + excluded.attitude_n, attitude_good = rating_staff_days.attitude_good + excluded.attitude_good, timeliness_n = rating_staff_days.timeliness_n + excluded.timeliness_n, timeliness_good = rating_staff_days.timeliness_good + excluded.timeliness_good, feedback_n = rating_staff_days.feedback_n + excluded.feedback_n, feedback_good = rating_staff_days.feedback_good + excluded.feedback_good;
END
$$;

CREATE FUNCTION ratings_rolled() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') AND (NOT OLD.flagged OR OLD.review_outcome = 'counted') THEN
        PERFORM rating_rollups_add(OLD, -1);
    END IF;
    IF TG_OP IN ('UPDATE', 'INSERT') AND (NOT NEW.flagged OR NEW.review_outcome = 'counted') THEN
        PERFORM rating_rollups_add(NEW, 1);
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER ratings_rolled_insert AFTER INSERT ON ratings
    FOR EACH ROW EXECUTE FUNCTION ratings_rolled();
CREATE TRIGGER ratings_rolled_delete AFTER DELETE ON ratings
    FOR EACH ROW EXECUTE FUNCTION ratings_rolled();
-- A change (the detail added after the tap, a review, a correction) takes the old row out and
-- puts the new one in, each only if it is published.
CREATE TRIGGER ratings_rolled_update AFTER UPDATE OF unit_id, counter_id, staff_id, overall, sipas_access, sipas_procedure, sipas_attitude, sipas_timeliness, sipas_feedback_handling, flagged, review_outcome, created_at ON ratings
    FOR EACH ROW EXECUTE FUNCTION ratings_rolled();

CREATE FUNCTION reports_days_received() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO case_days (unit_id, day, kind, category, received)
    VALUES (NEW.unit_id, (NEW.created_at + 25200000) / 86400000, NEW.kind, NEW.category, 1)
    ON CONFLICT (unit_id, day, kind, category) DO UPDATE SET received = case_days.received + 1;
    RETURN NULL;
END
$$;
CREATE TRIGGER reports_days_insert AFTER INSERT ON reports
    FOR EACH ROW EXECUTE FUNCTION reports_days_received();

CREATE FUNCTION report_events_days() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO case_days (unit_id, day, kind, category, accepted, accept_ms, answered, answer_ms, resolved)
    SELECT r.unit_id, (NEW.created_at + 25200000) / 86400000, r.kind, r.category,
           CASE WHEN NEW.to_status = 'accepted' AND NOT EXISTS (SELECT 1 FROM report_events e WHERE e.report_id = NEW.report_id AND e.to_status IN ('accepted') AND e.id <> NEW.id) THEN 1 ELSE 0 END,
           CASE WHEN NEW.to_status = 'accepted' AND NOT EXISTS (SELECT 1 FROM report_events e WHERE e.report_id = NEW.report_id AND e.to_status IN ('accepted') AND e.id <> NEW.id) THEN NEW.created_at - r.created_at ELSE 0 END,
           CASE WHEN NEW.to_status = 'answered' AND NOT EXISTS (SELECT 1 FROM report_events e WHERE e.report_id = NEW.report_id AND e.to_status IN ('answered') AND e.id <> NEW.id) THEN 1 ELSE 0 END,
           CASE WHEN NEW.to_status = 'answered' AND NOT EXISTS (SELECT 1 FROM report_events e WHERE e.report_id = NEW.report_id AND e.to_status IN ('answered') AND e.id <> NEW.id) THEN NEW.created_at - r.created_at ELSE 0 END,
           CASE WHEN NEW.to_status IN ('answered', 'declined', 'forwarded') AND NOT EXISTS (SELECT 1 FROM report_events e WHERE e.report_id = NEW.report_id AND e.to_status IN ('answered', 'declined', 'forwarded') AND e.id <> NEW.id) THEN 1 ELSE 0 END
    FROM reports r WHERE r.id = NEW.report_id
    ON CONFLICT (unit_id, day, kind, category) DO UPDATE SET
        accepted = case_days.accepted + excluded.accepted,
        accept_ms = case_days.accept_ms + excluded.accept_ms,
        answered = case_days.answered + excluded.answered,
        answer_ms = case_days.answer_ms + excluded.answer_ms,
        resolved = case_days.resolved + excluded.resolved;
    RETURN NULL;
END
$$;
CREATE TRIGGER report_events_days_insert AFTER INSERT ON report_events
    FOR EACH ROW WHEN (NEW.to_status IN ('accepted', 'answered', 'declined', 'forwarded'))
    EXECUTE FUNCTION report_events_days();

CREATE FUNCTION reports_stage_ended() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO case_stage_ends (report_id, stage, ended_at, unit_id, assigned_account_id, due_day, ended_day, on_time)
    VALUES (NEW.id, OLD.deadline_stage, NEW.updated_at, NEW.unit_id, NEW.assigned_account_id,
            (OLD.due_on::date - DATE '1970-01-01'), (NEW.updated_at + 25200000) / 86400000, (NEW.updated_at + 25200000) / 86400000 <= (OLD.due_on::date - DATE '1970-01-01'))
    ON CONFLICT (report_id, stage, ended_at) DO NOTHING;
    INSERT INTO case_deadline_days (unit_id, day, stage, on_time, late)
    VALUES (NEW.unit_id, (NEW.updated_at + 25200000) / 86400000, OLD.deadline_stage,
            CASE WHEN (NEW.updated_at + 25200000) / 86400000 <= (OLD.due_on::date - DATE '1970-01-01') THEN 1 ELSE 0 END,
            CASE WHEN (NEW.updated_at + 25200000) / 86400000 <= (OLD.due_on::date - DATE '1970-01-01') THEN 0 ELSE 1 END)
    ON CONFLICT (unit_id, day, stage) DO UPDATE SET
        on_time = case_deadline_days.on_time + excluded.on_time,
        late = case_deadline_days.late + excluded.late;
    RETURN NULL;
END
$$;
CREATE TRIGGER reports_stage_ended AFTER UPDATE OF deadline_stage ON reports
    FOR EACH ROW WHEN (OLD.deadline_stage IS NOT NULL AND OLD.due_on IS NOT NULL AND (NEW.deadline_stage IS NULL OR NEW.deadline_stage <> OLD.deadline_stage))
    EXECUTE FUNCTION reports_stage_ended();
