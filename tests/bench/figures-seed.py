#!/usr/bin/env python3
"""The SQL that seeds the figures benchmark (tests/bench/figures.sh), for SQLite or PostgreSQL.

    python3 tests/bench/figures-seed.py DIALECT STEP   # prints one step's SQL on stdout

DIALECT is `sqlite` or `postgres`; STEP one of the names in STEPS. Every row is computed in the
database from its row number (a recursive CTE on SQLite, generate_series on PostgreSQL), so ten
million ratings are written without passing through Python, and both databases get the same
rows. "Random" choices come from a multiplicative hash of the row number: deterministic, so two
runs measure the same data.

Sizes and the period come from the environment: RATINGS, REPORTS, UNITS (communes and wards
added under the demo province), SLICE (ratings written first with the roll-up triggers on),
NOW_MS (the end of the 24 months; the default is now).
"""
import os
import sys
import time

DAY = 86_400_000
VN = 25_200_000  # UTC+7 in ms: a Vietnam day is (ms + VN) / DAY, as in the figures migration.
RATINGS = int(os.environ.get("RATINGS", 10_000_000))
REPORTS = int(os.environ.get("REPORTS", 1_000_000))
UNITS = int(os.environ.get("UNITS", 140))
SLICE = int(os.environ.get("SLICE", 100_000))
NOW = int(os.environ.get("NOW_MS", int(time.time() * 1000)))
SPAN = 730 * DAY  # 24 months
START = NOW - SPAN
PROVINCE = "DEMO-NB"
# Every STRIDE-th rating is the slice written with the triggers on (spread over all the months
# and counters, as real traffic is); the rest is the bulk load.
STRIDE = max(1, RATINGS // SLICE) if SLICE > 0 else 0


def dialect_helpers(d):
    if d == "sqlite":
        return {
            "pad": lambda e, w: f"printf('%0{w}d', {e})",
            "series": lambda n: f"WITH RECURSIVE s(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM s WHERE n < {n})",
            "date": lambda e: f"date(({e}) * 86400, 'unixepoch')",
            "begin": "PRAGMA synchronous = OFF;\nPRAGMA cache_size = -1000000;\nPRAGMA temp_store = MEMORY;\nBEGIN;",
            "commit": "COMMIT;",
        }
    return {
        "pad": lambda e, w: f"lpad(({e})::text, {w}, '0')",
        "series": lambda n: f"WITH s AS (SELECT n::bigint AS n FROM generate_series(1, {n}) AS g(n))",
        "date": lambda e: f"to_char(date '1970-01-01' + ({e})::int, 'YYYY-MM-DD')",
        "begin": "BEGIN;",
        "commit": "COMMIT;",
    }


def units(d):
    h = dialect_helpers(d)
    return f"""
{h['begin']}
-- {UNITS} communes and wards under the demo province, four counters each, three officers at
-- each counter (twelve a unit).
INSERT INTO units (id, parent_id, kind, code, name, address, reception_weekday, reception_start,
                   reception_end, active, path, depth, created_at, updated_at, remote_area)
{h['series'](UNITS)}
SELECT 'bench-u-' || {h['pad']('n', 3)}, p.id,
       CASE WHEN n % 5 = 0 THEN 'ward' ELSE 'commune' END,
       '{PROVINCE}-B' || {h['pad']('n', 3)},
       CASE WHEN n % 5 = 0 THEN 'UBND phường Thử nghiệm ' ELSE 'UBND xã Thử nghiệm ' END || {h['pad']('n', 3)},
       '', 1 + n % 5, '07:30', '11:30', TRUE, p.path || 'bench-u-' || {h['pad']('n', 3)} || '/', p.depth + 1,
       {START}, {START}, FALSE
FROM s, units p WHERE p.code = '{PROVINCE}';

INSERT INTO counters (id, unit_id, name, qr_token, active, created_at, updated_at)
{h['series'](UNITS * 4)}
SELECT 'bench-c-' || {h['pad']('n', 4)}, 'bench-u-' || {h['pad']('(n - 1) / 4 + 1', 3)},
       'Quầy ' || ((n - 1) % 4 + 1), 'bench-qr-' || n, TRUE, {START}, {START}
FROM s;

INSERT INTO staff (id, unit_id, full_name, title, badge_number, counter_id, has_photo, active,
                   created_at, updated_at)
{h['series'](UNITS * 12)}
SELECT 'bench-s-' || {h['pad']('n', 5)}, 'bench-u-' || {h['pad']('(n - 1) / 12 + 1', 3)},
       (CASE n % 4 WHEN 0 THEN 'Nguyễn Thị ' WHEN 1 THEN 'Trần Văn ' WHEN 2 THEN 'Lê Minh ' ELSE 'Phạm Thu ' END) || n,
       'Công chức một cửa', 'BENCH-' || {h['pad']('n', 5)},
       'bench-c-' || {h['pad']('(n - 1) / 3 + 1', 4)}, FALSE, TRUE, {START}, {START}
FROM s;

-- The province's head: the demo has none. Same password as every demo account.
INSERT INTO accounts (id, username, password_hash, full_name, role, unit_id, active, auth_version,
                      created_at, updated_at)
SELECT 'bench-head', 'chutich.tinh', a.password_hash, 'Chủ tịch UBND tỉnh (bench)', 'head', p.id,
       TRUE, 1, {START}, {START}
FROM accounts a, units p WHERE a.username = 'chutich.xa' AND p.code = '{PROVINCE}';

-- Lookup tables for the load: every counter of the province numbered 0..C-1, and three
-- officers for each (a demo counter has one, named three times).
CREATE TABLE bench_counters AS
SELECT ROW_NUMBER() OVER (ORDER BY c.id) - 1 AS idx, c.id AS counter_id, c.unit_id
FROM counters c JOIN units u ON u.id = c.unit_id
WHERE u.path LIKE (SELECT path FROM units WHERE code = '{PROVINCE}') || '%';
CREATE UNIQUE INDEX bench_counters_idx ON bench_counters(idx);
CREATE TABLE bench_staff AS
SELECT bc.idx * 3 + j.j AS idx, st.id AS staff_id
FROM bench_counters bc
CROSS JOIN (SELECT 0 AS j UNION ALL SELECT 1 UNION ALL SELECT 2) j
JOIN (SELECT id, counter_id, ROW_NUMBER() OVER (PARTITION BY counter_id ORDER BY id) - 1 AS k,
             COUNT(*) OVER (PARTITION BY counter_id) AS cnt
      FROM staff WHERE counter_id IS NOT NULL) st
  ON st.counter_id = bc.counter_id AND st.k = j.j % st.cnt;
CREATE UNIQUE INDEX bench_staff_idx ON bench_staff(idx);
{h['commit']}
"""


def ratings(d, part):
    """`slice`: every STRIDE-th rating; `bulk`: the others."""
    h = dialect_helpers(d)
    if part == "slice":
        keep = f"n % {STRIDE} = 0" if STRIDE else "FALSE"
    else:
        keep = f"n % {STRIDE} <> 0" if STRIDE else "TRUE"
    # Per rating: h a 32-bit hash of n; the counter cycles over all counters in time order.
    # Satisfaction differs by counter (the ranking has something to rank) and improves in the
    # second year (the trend has something to show). 85% name an officer, 30% answer the SIPAS
    # criteria (about three in four good), 1% are flagged: a third counted after review, a third
    # rejected, a third awaiting review.
    sipas = lambda k: (
        f"CASE WHEN (x.h / 1000) % 10 < 3 THEN CASE WHEN (x.h / {k}) % 4 = 0 "
        f"THEN 1 + (x.h / {k * 5}) % 3 ELSE 4 + (x.h / {k * 7}) % 2 END END"
    )
    return f"""
{h['begin']}
INSERT INTO ratings (id, counter_id, unit_id, staff_id, overall, sipas_access, sipas_procedure,
                     sipas_attitude, sipas_timeliness, sipas_feedback_handling, comment,
                     dossier_code, device_hash, network_hash, flagged, flag_reason, reviewed_at,
                     idempotency_key, created_at, updated_at, review_outcome)
{h['series'](RATINGS)},
x AS (SELECT n, (n * 2654435761) % 4294967296 AS h, {START} + (n - 1) * {SPAN // RATINGS if RATINGS else 0} AS t
      FROM s WHERE {keep})
SELECT 'bench-r-' || {h['pad']('x.n', 9)}, c.counter_id, c.unit_id,
       CASE WHEN x.h % 100 < 85 THEN st.staff_id END,
       CASE WHEN (x.h / 100) % 100 < 6 + c.idx % 17 + CASE WHEN x.n < {RATINGS // 2} THEN 4 ELSE 0 END THEN 'not_satisfied'
            WHEN (x.h / 100) % 100 < 45 THEN 'satisfied' ELSE 'very_satisfied' END,
       {sipas(3)}, {sipas(11)}, {sipas(13)}, {sipas(17)}, {sipas(19)},
       '', '', 'bench-dev-' || {h['pad']('x.n', 9)}, 'bench-net-' || (x.n % 5000),
       x.h % 100 = 7,
       CASE WHEN x.h % 100 = 7 THEN 'burst' END,
       CASE WHEN x.h % 100 = 7 AND (x.h / 1000000) % 3 < 2 THEN x.t + {DAY} END,
       'bench-r-' || {h['pad']('x.n', 9)}, x.t, x.t,
       CASE WHEN x.h % 100 = 7 THEN
            CASE (x.h / 1000000) % 3 WHEN 0 THEN 'counted' WHEN 1 THEN 'rejected' END END
FROM x
JOIN bench_counters c ON c.idx = x.n % (SELECT COUNT(*) FROM bench_counters)
JOIN bench_staff st ON st.idx = c.idx * 3 + (x.n / 7) % 3;
{h['commit']}
"""


def report_base(d):
    """The reports as rows computed from n: who, when, and what became of each."""
    h = dialect_helpers(d)
    step = SPAN // REPORTS if REPORTS else 0
    return f"""{h['series'](REPORTS)},
x AS (SELECT n, (n * 2654435761) % 4294967296 AS h, {START} + (n - 1) * {step} AS t FROM s),
y AS (SELECT x.*, c.counter_id, c.unit_id, st.staff_id,
             -- Decided (accepted, declined or forwarded) one to four days after receipt;
             -- answered 5 to 44 days after that.
             x.t + {DAY} * ((x.h / 100) % 4) + 3600000 * (1 + (x.h / 400) % 8) AS decided_at,
             x.t + {DAY} * ((x.h / 100) % 4) + 3600000 * (1 + (x.h / 400) % 8)
                 + {DAY} * (5 + (x.h / 3200) % 40) AS answered_at,
             ({NOW} - x.t) / {DAY} AS age
      FROM x JOIN bench_counters c ON c.idx = (x.n * 7) % (SELECT COUNT(*) FROM bench_counters)
      JOIN bench_staff st ON st.idx = c.idx * 3 + x.n % 3),
r AS (SELECT y.*,
             CASE WHEN y.age < 60 AND y.h % 100 < 12 THEN 'received'
                  WHEN y.decided_at > {NOW} THEN 'received'
                  WHEN y.h % 25 < 2 THEN 'declined'
                  WHEN y.h % 25 = 2 THEN 'forwarded'
                  WHEN (y.age < 60 AND y.h % 100 < 30) OR y.answered_at > {NOW} THEN 'in_progress'
                  WHEN y.h % 100 < 65 THEN 'answered'
                  ELSE 'closed' END AS state,
             (y.t + {VN}) / {DAY} AS created_day,
             (y.decided_at + {VN}) / {DAY} AS decided_day,
             (y.answered_at + {VN}) / {DAY} AS answered_day
      FROM y)"""


def reports(d):
    h = dialect_helpers(d)
    base = report_base(d)
    kinds = "CASE r.n % 4 WHEN 0 THEN 'feedback' WHEN 1 THEN 'suggestion' WHEN 2 THEN 'complaint' ELSE 'denunciation' END"
    cats = ("CASE (r.n / 4) % 8 WHEN 0 THEN 'asking_money' WHEN 1 THEN 'harassment' WHEN 2 THEN 'rude' "
            "WHEN 3 THEN 'absent' WHEN 4 THEN 'no_badge' WHEN 5 THEN 'wrong_fee' WHEN 6 THEN 'late_dossier' ELSE 'other' END")
    return f"""
{h['begin']}
-- Intake is due three days after receipt, resolution thirty days after acceptance; a clock
-- that ended after its due day was late.
INSERT INTO reports (id, tracking_code, kind, category, unit_id, counter_id, staff_id, description,
                     anonymous, wants_meeting, status, idempotency_key, created_at, updated_at,
                     deadline_stage, due_on, opened_at, about_head, withheld_from_unit)
{base}
SELECT 'bench-p-' || {h['pad']('r.n', 8)}, 'BENCH' || {h['pad']('r.n', 11)}, {kinds}, {cats},
       r.unit_id, r.counter_id, CASE WHEN r.h % 10 < 4 THEN r.staff_id END,
       'Phản ánh số ' || r.n, r.n % 2 = 0, FALSE, r.state, 'bench-p-' || r.n, r.t,
       CASE r.state WHEN 'received' THEN r.t WHEN 'in_progress' THEN r.decided_at
                    WHEN 'declined' THEN r.decided_at WHEN 'forwarded' THEN r.decided_at
                    ELSE r.answered_at END,
       CASE r.state WHEN 'received' THEN 'intake' WHEN 'in_progress' THEN 'resolve' END,
       CASE r.state WHEN 'received' THEN {h['date']('r.created_day + 3')}
                    WHEN 'in_progress' THEN {h['date']('r.decided_day + 30')} END,
       CASE WHEN r.state <> 'received' OR r.n % 2 = 0 THEN r.t + 3600000 END,
       FALSE,
       -- shared::routing: denunciations and misconduct are withheld from the unit.
       r.n % 4 = 3 OR (r.n / 4) % 8 < 2
FROM r;

-- The decision (accept, decline, forward) of every report past intake, and the answer of the
-- answered and closed ones.
INSERT INTO report_events (id, report_id, kind, public, by_role, body, created_at, from_status, to_status)
{base}
SELECT 'bench-e-d-' || {h['pad']('r.n', 8)}, 'bench-p-' || {h['pad']('r.n', 8)},
       CASE r.state WHEN 'declined' THEN 'decline' WHEN 'forwarded' THEN 'forward' ELSE 'accept' END,
       TRUE, 'head', '', r.decided_at, 'received',
       CASE r.state WHEN 'declined' THEN 'declined' WHEN 'forwarded' THEN 'forwarded' ELSE 'accepted' END
FROM r WHERE r.state <> 'received';
INSERT INTO report_events (id, report_id, kind, public, by_role, body, created_at, from_status, to_status)
{base}
SELECT 'bench-e-a-' || {h['pad']('r.n', 8)}, 'bench-p-' || {h['pad']('r.n', 8)}, 'answer', TRUE,
       'head', 'Kết quả giải quyết', r.answered_at, 'accepted', 'answered'
FROM r WHERE r.state IN ('answered', 'closed');

-- The deadline clocks that ended, as the reports_stage_ended trigger records them when a case
-- leaves a stage: intake at the decision, resolution at the answer.
INSERT INTO case_stage_ends (report_id, stage, ended_at, unit_id, assigned_account_id, due_day, ended_day, on_time)
{base}
SELECT 'bench-p-' || {h['pad']('r.n', 8)}, 'intake', r.decided_at, r.unit_id, NULL,
       r.created_day + 3, r.decided_day, r.decided_day <= r.created_day + 3
FROM r WHERE r.state <> 'received';
INSERT INTO case_stage_ends (report_id, stage, ended_at, unit_id, assigned_account_id, due_day, ended_day, on_time)
{base}
SELECT 'bench-p-' || {h['pad']('r.n', 8)}, 'resolve', r.answered_at, r.unit_id, NULL,
       r.decided_day + 30, r.answered_day, r.answered_day <= r.decided_day + 30
FROM r WHERE r.state IN ('answered', 'closed');
{h['commit']}
"""


def migration_backfill(d, migration):
    """A migration's own INSERT ... SELECT statements (between "-- What is already there."
    and its first trigger), read from the file so the two can never drift apart."""
    here = os.path.dirname(os.path.abspath(__file__))
    path = os.path.join(here, "..", "..", "migrations", d, migration, "up.sql")
    out, on = [], False
    for line in open(path, encoding="utf-8"):
        if line.startswith("-- What is already there."):
            on = True
        elif line.startswith("CREATE TRIGGER") or line.startswith("CREATE FUNCTION"):
            on = False
        if on:
            out.append(line)
    if not out:
        sys.exit(f"no backfill statements found in {path}")
    return "".join(out)


def rollups(d):
    h = dialect_helpers(d)
    return f"""
{h['begin']}
DELETE FROM rating_unit_days;
DELETE FROM rating_staff_days;
DELETE FROM case_days;
DELETE FROM case_deadline_days;
DELETE FROM case_months;
DELETE FROM case_deadline_months;
DELETE FROM case_unit_days;
DELETE FROM rating_unit_months;
{migration_backfill(d, "2026-11-23-000020_figures")}
-- case_deadline_days from the clocks that ended (the migration has none to fill: clocks ended
-- before it left no due date).
INSERT INTO case_deadline_days (unit_id, day, stage, on_time, late)
SELECT unit_id, ended_day, stage, SUM(CASE WHEN on_time THEN 1 ELSE 0 END),
       SUM(CASE WHEN on_time THEN 0 ELSE 1 END)
FROM case_stage_ends GROUP BY unit_id, ended_day, stage;
-- The month and unit-day roll-ups, from the day roll-ups just filled.
{migration_backfill(d, "2026-11-24-000021_figures_months")}
-- The inbox's counts, kept by their own trigger (migration 2026-11-23-000016_routing).
DELETE FROM case_counts;
INSERT INTO case_counts (unit_id, status, kind, category, withheld, n)
SELECT unit_id, status, kind, category, withheld_from_unit, COUNT(*) FROM reports
GROUP BY unit_id, status, kind, category, withheld_from_unit;
DROP TABLE bench_counters;
DROP TABLE bench_staff;
{h['commit']}
"""


def checks(d):
    """The roll-ups against the rows they count: what a dashboard adds up must be what is there."""
    return """
SELECT 'ratings', COUNT(*) FROM ratings;
SELECT 'published ratings', COUNT(*) FROM ratings WHERE NOT flagged OR review_outcome = 'counted';
SELECT 'in rating_unit_days', SUM(very_satisfied + satisfied + not_satisfied), COUNT(*) FROM rating_unit_days;
SELECT 'in rating_staff_days', SUM(very_satisfied + satisfied + not_satisfied), COUNT(*) FROM rating_staff_days;
SELECT 'reports', COUNT(*) FROM reports;
SELECT 'received in case_days', SUM(received), SUM(accepted), SUM(answered), SUM(resolved), COUNT(*) FROM case_days;
SELECT 'report_events', COUNT(*) FROM report_events;
SELECT 'case_stage_ends', COUNT(*) FROM case_stage_ends;
SELECT 'on time / late', SUM(on_time), SUM(late), COUNT(*) FROM case_deadline_days;
SELECT 'in case_months', SUM(received), SUM(accepted), SUM(answered), SUM(resolved), COUNT(*) FROM case_months;
SELECT 'on time / late in case_deadline_months', SUM(on_time), SUM(late), COUNT(*) FROM case_deadline_months;
SELECT 'in rating_unit_months', SUM(very_satisfied + satisfied + not_satisfied), COUNT(*) FROM rating_unit_months;
SELECT 'in case_unit_days', SUM(received), SUM(on_time), SUM(late), COUNT(*) FROM case_unit_days;
"""


STEPS = {
    "units": units,
    "ratings-slice": lambda d: ratings(d, "slice"),
    "ratings-bulk": lambda d: ratings(d, "bulk"),
    "reports": reports,
    "rollups": rollups,
    "checks": checks,
}

if __name__ == "__main__":
    if len(sys.argv) != 3 or sys.argv[1] not in ("sqlite", "postgres") or sys.argv[2] not in STEPS:
        sys.exit(f"usage: {sys.argv[0]} sqlite|postgres {'|'.join(STEPS)}")
    print(STEPS[sys.argv[2]](sys.argv[1]))
