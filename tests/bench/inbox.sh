#!/usr/bin/env bash
# The head's inbox with 1,000,000 reports in the database, 100,000 of them in the head's commune:
# wrk on loopback (8 connections, 15 s) asks for the first page and for page 1,000 of the
# commune's open cases, most urgent first, against the release build of `minhbach` on a fresh
# SQLite database (default) or PostgreSQL (DB=postgres), and the committee's list of that
# commune's denunciations. The reports are written straight into the database (a third open,
# due dates spread over four months; denunciations and misconduct, 7 in 16, withheld from the
# commune as shared::routing says) after the demo data.
#   bash tests/bench/inbox.sh
#   DB=postgres bash tests/bench/inbox.sh
#   KEEP_DB=1 DB=postgres DURATION=1s bash tests/bench/inbox.sh   # keeps the database to EXPLAIN
set -euo pipefail
cd "$(dirname "$0")/../.."
command -v wrk > /dev/null || { apt-get update -q && apt-get install -y -q wrk; }
cargo build -q --release -p server --bin minhbach
bin=target/release/minhbach
dir=$(mktemp -d)
port=${PORT:-8098}
total=${REPORTS:-1000000}
in_unit=${IN_UNIT:-100000}
pg_admin=postgres://postgres@127.0.0.1:5432/postgres
if [ "${DB:-sqlite}" = postgres ]; then
  name="mb_bench_inbox_$$"
  psql -q "$pg_admin" -c "CREATE DATABASE $name"
  url="postgres://postgres@127.0.0.1:5432/$name"
  # KEEP_DB=1 keeps the database for EXPLAIN after the run.
  cleanup_db() { [ -n "${KEEP_DB:-}" ] && echo "kept $url" || psql -q "$pg_admin" -c "DROP DATABASE IF EXISTS $name WITH (FORCE)"; }
else
  url="sqlite://$dir/bench.db"
  cleanup_db() { :; }
fi
# The overdue job off: the seeded due dates start in the past, and its first run would escalate
# tens of thousands of cases at once in the middle of the measurement, which no real unit has.
export DATABASE_URL="$url" MINHBACH_ADDR="127.0.0.1:$port" RUST_LOG=warn MINHBACH_WARM_ASSETS=false \
  MINHBACH_OVERDUE_INTERVAL=0
serve() {
  "$bin" serve --demo >> "$dir/server.log" 2>&1 &
  pid=$!
  until curl -sf "http://127.0.0.1:$port/readyz" > /dev/null; do sleep 0.2; done
}
trap 'kill ${pid:-0} 2>/dev/null || true; cleanup_db; rm -rf "$dir"' EXIT
serve
kill "$pid"; wait "$pid" 2>/dev/null || true

# The reports: ids and codes from the row number; kinds, statuses and due dates cycling.
seed_start=$(date +%s)
if [ "${DB:-sqlite}" = postgres ]; then
  # Written as a bulk load is: the count triggers off for the load, the counts rebuilt after.
  # (A million trigger upserts of the same few count rows in one transaction would each walk
  # that row's chain of versions, none of them dead before the commit.)
  psql -q "$url" <<SQL
SET session_replication_role = replica;
WITH u AS (SELECT array_agg(id ORDER BY path) AS ids, (SELECT id FROM units WHERE code = 'DEMO-NB-GV') AS home FROM units)
INSERT INTO reports (id, tracking_code, kind, category, unit_id, description, anonymous, wants_meeting,
                     status, idempotency_key, created_at, updated_at, deadline_stage, due_on, opened_at,
                     withheld_from_unit)
SELECT 'bench-' || n, lpad(to_hex(n), 16, '0'),
       (ARRAY['feedback','suggestion','complaint','denunciation'])[1 + n % 4],
       (ARRAY['asking_money','harassment','rude','absent','no_badge','wrong_fee','late_dossier','other'])[1 + (n / 4) % 8],
       CASE WHEN n <= $in_unit THEN u.home ELSE u.ids[1 + n % array_length(u.ids, 1)] END,
       'Phản ánh số ' || n, n % 2 = 0, false,
       (ARRAY['received','in_progress','closed'])[1 + n % 3],
       'bench-key-' || n, 1767225600000 + n * 1000, 1767225600000 + n * 1000,
       CASE WHEN n % 3 = 2 THEN NULL ELSE 'resolve' END,
       CASE WHEN n % 3 = 2 THEN NULL ELSE to_char(date '2026-11-01' + (n % 120), 'YYYY-MM-DD') END,
       CASE WHEN n % 5 = 0 THEN NULL ELSE 1767225600000 END,
       -- shared::routing: denunciations and misconduct are withheld from the unit.
       n % 4 = 3 OR (n / 4) % 8 < 2
FROM generate_series(1, $total) AS n, u;
SET session_replication_role = DEFAULT;
DELETE FROM case_counts;
INSERT INTO case_counts (unit_id, status, kind, category, withheld, n)
SELECT unit_id, status, kind, category, withheld_from_unit, COUNT(*) FROM reports
GROUP BY unit_id, status, kind, category, withheld_from_unit;
-- VACUUM as well: the visibility map lets the inbox walk read the index alone, and autovacuum
-- does not wake up on the million new rows in the middle of the measurement.
VACUUM ANALYZE;
SQL
else
  python3 - "$dir/bench.db" "$total" "$in_unit" <<'PY'
import sqlite3, sys, datetime
db, total, in_unit = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
c = sqlite3.connect(db)
ids = [r[0] for r in c.execute("SELECT id FROM units ORDER BY path")]
home = c.execute("SELECT id FROM units WHERE code = 'DEMO-NB-GV'").fetchone()[0]
kinds = ["feedback", "suggestion", "complaint", "denunciation"]
cats = ["asking_money", "harassment", "rude", "absent", "no_badge", "wrong_fee", "late_dossier", "other"]
statuses = ["received", "in_progress", "closed"]
start = datetime.date(2026, 11, 1)
def rows():
    for n in range(1, total + 1):
        open_ = n % 3 != 2
        # shared::routing: denunciations and misconduct are withheld from the unit.
        withheld = n % 4 == 3 or (n // 4) % 8 < 2
        yield ("bench-%d" % n, "%016x" % n, kinds[n % 4], cats[(n // 4) % 8],
               home if n <= in_unit else ids[n % len(ids)], "Phản ánh số %d" % n, n % 2 == 0, False,
               statuses[n % 3], "bench-key-%d" % n, 1767225600000 + n * 1000, 1767225600000 + n * 1000,
               "resolve" if open_ else None,
               (start + datetime.timedelta(days=n % 120)).isoformat() if open_ else None,
               None if n % 5 == 0 else 1767225600000, withheld)
c.executemany("""INSERT INTO reports (id, tracking_code, kind, category, unit_id, description, anonymous,
  wants_meeting, status, idempotency_key, created_at, updated_at, deadline_stage, due_on, opened_at,
  withheld_from_unit)
  VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)""", rows())
c.commit()
c.execute("ANALYZE")
c.commit()
PY
fi
echo "seeded $total reports ($in_unit in the commune) in $(( $(date +%s) - seed_start )) s"

serve
token=$(curl -s -X POST "http://127.0.0.1:$port/api/v1/auth/login" -H 'content-type: application/json' \
  -d '{"username":"chutich.xa","password":"minhbach-demo"}' | python3 -c 'import json,sys; print(json.load(sys.stdin)["access_token"])')
first=$(curl -s "http://127.0.0.1:$port/api/v1/cases?per_page=50" -H "authorization: Bearer $token" \
  | python3 -c 'import json,sys; p=json.load(sys.stdin); print(p["total"], p["items"][0]["deadline"]["due"])')
echo "open cases in the commune, first due date: $first"
# Page 1,000 (cases 49,951-50,000): reached the way the inbox reaches it, by following the
# `next` cursor of each page.
deep=$(python3 - "http://127.0.0.1:$port/api/v1/cases?per_page=50" "$token" <<'PY'
import json, sys, urllib.request
url, token = sys.argv[1], sys.argv[2]
after = ""
for _ in range(999):
    req = urllib.request.Request(url + after, headers={"authorization": "Bearer " + token})
    after = "&after=" + json.load(urllib.request.urlopen(req))["next"]
print(after)
PY
)
echo "page 1000 starts after: ${deep#&after=}"
for query in "per_page=50" "per_page=50$deep"; do
  echo "== the commune's head: GET /api/v1/cases?$query"
  wrk -t2 -c8 -d"${DURATION:-15s}" --latency -H "authorization: Bearer $token" \
    "http://127.0.0.1:$port/api/v1/cases?$query" | grep -E "Latency|50%|99%|Requests/sec|Non-2xx"
done
# The denunciations are withheld from the commune's head: the province's inspection committee
# reads them, for that commune.
committee=$(curl -s -X POST "http://127.0.0.1:$port/api/v1/auth/login" -H 'content-type: application/json' \
  -d '{"username":"ubkt","password":"minhbach-demo"}' | python3 -c 'import json,sys; print(json.load(sys.stdin)["access_token"])')
commune=$(curl -s "http://127.0.0.1:$port/api/v1/units?q=DEMO-NB-GV" -H "authorization: Bearer $committee" \
  | python3 -c 'import json,sys; print([u["id"] for u in json.load(sys.stdin)["items"] if u["code"] == "DEMO-NB-GV"][0])')
query="unit_id=$commune&status=all&kind=denunciation&per_page=50"
echo "== the committee: GET /api/v1/cases?$query"
wrk -t2 -c8 -d"${DURATION:-15s}" --latency -H "authorization: Bearer $committee" \
  "http://127.0.0.1:$port/api/v1/cases?$query" | grep -E "Latency|50%|99%|Requests/sec|Non-2xx"
# The committee's review queue (the reports withheld from their units) over the whole province.
echo "== the committee's review queue: GET /api/v1/cases?review=true&per_page=50"
wrk -t2 -c8 -d"${DURATION:-15s}" --latency -H "authorization: Bearer $committee" \
  "http://127.0.0.1:$port/api/v1/cases?review=true&per_page=50" | grep -E "Latency|50%|99%|Requests/sec|Non-2xx"

# What the access checks cost: the same inbox pages read in-process, with the checks and
# without them, alternating (`minhbach bench access-checks`). Without them: the head's walk
# drops the routing predicates (withheld from the commune, naming the reader), the committee's
# drops its subtree (every unit of the data is in its province, so both read the same rows).
kill "$pid"; wait "$pid" 2>/dev/null || true
runs=${RUNS:-300}
echo "== access checks, $runs runs each"
echo "-- the commune's head, first inbox page"
"$bin" bench access-checks --username chutich.xa --runs "$runs"
echo "-- the committee, the commune's cases"
"$bin" bench access-checks --username ubkt --unit-id "$commune" --runs "$runs"
echo "-- the committee, its review queue"
"$bin" bench access-checks --username ubkt --review --runs "$runs"
