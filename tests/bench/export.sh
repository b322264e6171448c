#!/usr/bin/env bash
# A province's month of ratings downloaded whole: 1,000,000 ratings of March 2026 (Vietnam
# time) over the demo province and 120 more communes (2 counters and 4 officers each), plus
# 20,000 in the days around the month that must stay out, exported by the province's
# administrator from `GET /api/v1/exports/ratings` as CSV and as .xlsx, against the release
# build of `minhbach` on a fresh SQLite database (default) or PostgreSQL (DB=postgres).
# For each: the wall time and size of the download (curl), the rows in it, and the server's
# memory: its peak resident set (VmHWM in /proc/PID/status) before the download and during it
# (the peak is reset between downloads through /proc/PID/clear_refs), and the largest VmRSS
# sampled every 0.1 s while it runs.
#   bash tests/bench/export.sh
#   DB=postgres bash tests/bench/export.sh
#   RATINGS=200000 bash tests/bench/export.sh     # a smaller month
set -euo pipefail
cd "$(dirname "$0")/../.."
cargo build -q --release -p server --bin minhbach
bin=target/release/minhbach
dir=$(mktemp -d)
port=${PORT:-8101}
total=${RATINGS:-1000000}
outside=${OUTSIDE:-20000}
pg_admin=postgres://postgres@127.0.0.1:5432/postgres
if [ "${DB:-sqlite}" = postgres ]; then
  name="mb_bench_export_$$"
  psql -q "$pg_admin" -c "CREATE DATABASE $name"
  url="postgres://postgres@127.0.0.1:5432/$name"
  cleanup_db() { [ -n "${KEEP_DB:-}" ] && echo "kept $url" || psql -q "$pg_admin" -c "DROP DATABASE IF EXISTS $name WITH (FORCE)"; }
else
  url="sqlite://$dir/bench.db"
  cleanup_db() { :; }
fi
export DATABASE_URL="$url" MINHBACH_ADDR="127.0.0.1:$port" RUST_LOG=warn MINHBACH_WARM_ASSETS=false \
  MINHBACH_OVERDUE_INTERVAL=0 MINHBACH_RECEPTION_DIGEST_INTERVAL=0
# Another server on the port (another bench) would answer in place of ours: refuse to start.
if curl -s -o /dev/null "http://127.0.0.1:$port/"; then echo "port $port is in use: PORT=… to choose another"; exit 1; fi
serve() {
  "$bin" serve --demo >> "$dir/server.log" 2>&1 &
  pid=$!
  until curl -sf "http://127.0.0.1:$port/readyz" > /dev/null; do
    kill -0 "$pid" 2>/dev/null || { cat "$dir/server.log"; exit 1; }
    sleep 0.2
  done
}
trap 'kill ${pid:-0} 2>/dev/null || true; cleanup_db; rm -rf "$dir"' EXIT
serve
kill "$pid"; wait "$pid" 2>/dev/null || true

# 01/03/2026 00:00 in Việt Nam, in Unix milliseconds; March has 31 days.
march=1772298000000
month_ms=$((31 * 86400000))
seed_start=$(date +%s)
if [ "${DB:-sqlite}" = postgres ]; then
  # Written as a bulk load is: the roll-up triggers off for the load, the roll-ups rebuilt after
  # with the migration's own statements.
  psql -q -v ON_ERROR_STOP=1 "$url" <<SQL
WITH p AS (SELECT id, path FROM units WHERE code = 'DEMO-NB')
INSERT INTO units (id, parent_id, kind, code, name, address, reception_weekday, reception_start,
                   reception_end, active, path, depth, created_at, updated_at, remote_area)
SELECT 'bench-u-' || n, p.id, 'commune', 'BENCH-' || n, 'UBND xã Thử Nghiệm ' || n, 'Xã ' || n,
       3, '07:30', '11:30', true, p.path || 'bench-u-' || n || '/', 1, $march, $march, false
FROM generate_series(1, 120) AS n, p;
INSERT INTO counters (id, unit_id, name, qr_token, active, created_at, updated_at)
SELECT 'bench-c-' || n || '-' || k, 'bench-u-' || n, 'Quầy số ' || k, 'bench-token-' || n || '-' || k,
       true, $march, $march
FROM generate_series(1, 120) AS n, generate_series(1, 2) AS k;
INSERT INTO staff (id, unit_id, full_name, title, badge_number, counter_id, has_photo, active,
                   created_at, updated_at)
SELECT 'bench-s-' || n || '-' || k, 'bench-u-' || n, 'Nguyễn Văn Thử ' || n || '.' || k,
       'Công chức một cửa', 'BENCH-' || n || '-' || k, 'bench-c-' || n || '-' || (1 + k % 2),
       false, true, $march, $march
FROM generate_series(1, 120) AS n, generate_series(1, 4) AS k;
SET session_replication_role = replica;
-- Each counter with its first officer, in arrays indexed alike.
WITH c AS (SELECT array_agg(c.id ORDER BY c.id) AS ids, array_agg(c.unit_id ORDER BY c.id) AS units,
                  array_agg(o.staff_id ORDER BY c.id) AS officers
           FROM counters c LEFT JOIN (SELECT counter_id, MIN(id) AS staff_id FROM staff
                                      WHERE counter_id IS NOT NULL GROUP BY counter_id) o
                ON o.counter_id = c.id)
INSERT INTO ratings (id, counter_id, unit_id, staff_id, overall, sipas_access, sipas_procedure,
                     sipas_attitude, sipas_timeliness, sipas_feedback_handling, comment, dossier_code,
                     device_hash, network_hash, flagged, flag_reason, idempotency_key, created_at,
                     updated_at, review_outcome)
SELECT 'bench-r-' || n, c.ids[1 + n % array_length(c.ids, 1)], c.units[1 + n % array_length(c.ids, 1)],
       CASE WHEN n % 3 = 0 THEN NULL ELSE c.officers[1 + n % array_length(c.ids, 1)] END,
       (ARRAY['very_satisfied','satisfied','satisfied','not_satisfied'])[1 + n % 4],
       CASE WHEN n % 3 = 1 THEN 1 + n % 5 END, CASE WHEN n % 3 = 1 THEN 1 + n % 4 END,
       CASE WHEN n % 3 = 1 THEN 2 + n % 4 END, CASE WHEN n % 6 = 1 THEN 5 END, NULL,
       CASE WHEN n % 5 = 0 THEN 'Cán bộ hướng dẫn tận tình, thủ tục nhanh; số ' || n ELSE '' END,
       CASE WHEN n % 7 = 0 THEN 'HS-2026-' || n ELSE '' END,
       md5('d' || n) || md5('e' || n), md5('n' || (n % 5000)) || md5('m' || (n % 5000)),
       n % 100 = 0, CASE WHEN n % 100 = 0 THEN 'counter_burst' END, 'bench-k-' || n,
       CASE WHEN n <= $total THEN $march + (n::bigint * 2677) % $month_ms
            WHEN n % 2 = 0 THEN $march - 1 - (n::bigint * 7919) % (3 * 86400000)
            ELSE $march + $month_ms + (n::bigint * 7919) % (3 * 86400000) END,
       $march, CASE WHEN n % 200 = 0 THEN 'rejected' END
FROM generate_series(1, $total + $outside) AS n, c;
SET session_replication_role = DEFAULT;
DELETE FROM rating_unit_days;
DELETE FROM rating_staff_days;
INSERT INTO rating_unit_days (unit_id, day, very_satisfied, satisfied, not_satisfied, access_n, access_good, procedure_n, procedure_good, attitude_n, attitude_good, timeliness_n, timeliness_good, feedback_n, feedback_good)
SELECT r.unit_id, (r.created_at + 25200000) / 86400000, SUM(CASE WHEN r.overall = 'very_satisfied' THEN 1 ELSE 0 END), SUM(CASE WHEN r.overall = 'satisfied' THEN 1 ELSE 0 END), SUM(CASE WHEN r.overall = 'not_satisfied' THEN 1 ELSE 0 END), SUM(CASE WHEN r.sipas_access IS NOT NULL THEN 1 ELSE 0 END), SUM(CASE WHEN r.sipas_access >= 4 THEN 1 ELSE 0 END), SUM(CASE WHEN r.sipas_procedure IS NOT NULL THEN 1 ELSE 0 END), SUM(CASE WHEN r.sipas_procedure >= 4 THEN 1 ELSE 0 END), SUM(CASE WHEN r.sipas_attitude IS NOT NULL THEN 1 ELSE 0 END), SUM(CASE WHEN r.sipas_attitude >= 4 THEN 1 ELSE 0 END), SUM(CASE WHEN r.sipas_timeliness IS NOT NULL THEN 1 ELSE 0 END), SUM(CASE WHEN r.sipas_timeliness >= 4 THEN 1 ELSE 0 END), SUM(CASE WHEN r.sipas_feedback_handling IS NOT NULL THEN 1 ELSE 0 END), SUM(CASE WHEN r.sipas_feedback_handling >= 4 THEN 1 ELSE 0 END)
FROM ratings r WHERE (NOT r.flagged OR r.review_outcome = 'counted')
GROUP BY r.unit_id, (r.created_at + 25200000) / 86400000;
INSERT INTO rating_staff_days (unit_id, day, counter_id, staff_id, very_satisfied, satisfied, not_satisfied, access_n, access_good, procedure_n, procedure_good, attitude_n, attitude_good, timeliness_n, timeliness_good, feedback_n, feedback_good)
SELECT r.unit_id, (r.created_at + 25200000) / 86400000, r.counter_id, COALESCE(r.staff_id, ''), SUM(CASE WHEN r.overall = 'very_satisfied' THEN 1 ELSE 0 END), SUM(CASE WHEN r.overall = 'satisfied' THEN 1 ELSE 0 END), SUM(CASE WHEN r.overall = 'not_satisfied' THEN 1 ELSE 0 END), SUM(CASE WHEN r.sipas_access IS NOT NULL THEN 1 ELSE 0 END), SUM(CASE WHEN r.sipas_access >= 4 THEN 1 ELSE 0 END), SUM(CASE WHEN r.sipas_procedure IS NOT NULL THEN 1 ELSE 0 END), SUM(CASE WHEN r.sipas_procedure >= 4 THEN 1 ELSE 0 END), SUM(CASE WHEN r.sipas_attitude IS NOT NULL THEN 1 ELSE 0 END), SUM(CASE WHEN r.sipas_attitude >= 4 THEN 1 ELSE 0 END), SUM(CASE WHEN r.sipas_timeliness IS NOT NULL THEN 1 ELSE 0 END), SUM(CASE WHEN r.sipas_timeliness >= 4 THEN 1 ELSE 0 END), SUM(CASE WHEN r.sipas_feedback_handling IS NOT NULL THEN 1 ELSE 0 END), SUM(CASE WHEN r.sipas_feedback_handling >= 4 THEN 1 ELSE 0 END)
FROM ratings r WHERE (NOT r.flagged OR r.review_outcome = 'counted')
GROUP BY r.unit_id, (r.created_at + 25200000) / 86400000, r.counter_id, COALESCE(r.staff_id, '');
VACUUM ANALYZE;
SQL
else
  # SQLite keeps the roll-ups by trigger during the load, as it does for every rating.
  python3 - "$dir/bench.db" "$total" "$outside" "$march" "$month_ms" <<'PY'
import hashlib, sqlite3, sys
db, total, outside, march, month_ms = sys.argv[1], *map(int, sys.argv[2:])
c = sqlite3.connect(db)
province_id, province_path = c.execute("SELECT id, path FROM units WHERE code = 'DEMO-NB'").fetchone()
c.executemany("""INSERT INTO units (id, parent_id, kind, code, name, address, reception_weekday,
  reception_start, reception_end, active, path, depth, created_at, updated_at, remote_area)
  VALUES (?, ?, 'commune', ?, ?, ?, 3, '07:30', '11:30', 1, ?, 1, ?, ?, 0)""",
  [("bench-u-%d" % n, province_id, "BENCH-%d" % n, "UBND xã Thử Nghiệm %d" % n, "Xã %d" % n,
    "%sbench-u-%d/" % (province_path, n), march, march) for n in range(1, 121)])
c.executemany("""INSERT INTO counters (id, unit_id, name, qr_token, active, created_at, updated_at)
  VALUES (?, ?, ?, ?, 1, ?, ?)""",
  [("bench-c-%d-%d" % (n, k), "bench-u-%d" % n, "Quầy số %d" % k, "bench-token-%d-%d" % (n, k), march, march)
   for n in range(1, 121) for k in (1, 2)])
c.executemany("""INSERT INTO staff (id, unit_id, full_name, title, badge_number, counter_id, has_photo,
  active, created_at, updated_at) VALUES (?, ?, ?, 'Công chức một cửa', ?, ?, 0, 1, ?, ?)""",
  [("bench-s-%d-%d" % (n, k), "bench-u-%d" % n, "Nguyễn Văn Thử %d.%d" % (n, k), "BENCH-%d-%d" % (n, k),
    "bench-c-%d-%d" % (n, 1 + k % 2), march, march) for n in range(1, 121) for k in range(1, 5)])
counters = c.execute("SELECT id, unit_id FROM counters ORDER BY id").fetchall()
officer = dict(c.execute("SELECT counter_id, MIN(id) FROM staff WHERE counter_id IS NOT NULL GROUP BY counter_id"))
md5 = lambda s: hashlib.md5(s.encode()).hexdigest()
def rows():
    for n in range(1, total + outside + 1):
        counter, unit = counters[n % len(counters)]
        if n <= total:
            at = march + (n * 2677) % month_ms
        elif n % 2 == 0:
            at = march - 1 - (n * 7919) % (3 * 86400000)
        else:
            at = march + month_ms + (n * 7919) % (3 * 86400000)
        scored = n % 3 == 1
        yield ("bench-r-%d" % n, counter, unit, None if n % 3 == 0 else officer.get(counter),
               ["very_satisfied", "satisfied", "satisfied", "not_satisfied"][n % 4],
               1 + n % 5 if scored else None, 1 + n % 4 if scored else None,
               2 + n % 4 if scored else None, 5 if n % 6 == 1 else None, None,
               "Cán bộ hướng dẫn tận tình, thủ tục nhanh; số %d" % n if n % 5 == 0 else "",
               "HS-2026-%d" % n if n % 7 == 0 else "",
               md5("d%d" % n) + md5("e%d" % n), md5("n%d" % (n % 5000)) + md5("m%d" % (n % 5000)),
               n % 100 == 0, "counter_burst" if n % 100 == 0 else None, "bench-k-%d" % n, at, march,
               "rejected" if n % 200 == 0 else None)
c.executemany("""INSERT INTO ratings (id, counter_id, unit_id, staff_id, overall, sipas_access,
  sipas_procedure, sipas_attitude, sipas_timeliness, sipas_feedback_handling, comment, dossier_code,
  device_hash, network_hash, flagged, flag_reason, idempotency_key, created_at, updated_at,
  review_outcome) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)""", rows())
c.commit()
c.execute("ANALYZE")
c.commit()
PY
fi
echo "seeded $total ratings in March 2026 and $outside around it in $(( $(date +%s) - seed_start )) s (${DB:-sqlite})"

serve
status() { awk -v k="$1:" '$1 == k { print $2 }' "/proc/$pid/status"; }
token=$(curl -s -X POST "http://127.0.0.1:$port/api/v1/auth/login" -H 'content-type: application/json' \
  -d '{"username":"quantri","password":"minhbach-demo"}' | python3 -c 'import json,sys; print(json.load(sys.stdin)["access_token"])')
province=$(curl -s "http://127.0.0.1:$port/api/v1/units?q=DEMO-NB&per_page=500" -H "authorization: Bearer $token" \
  | python3 -c 'import json,sys; print([u["id"] for u in json.load(sys.stdin)["items"] if u["code"] == "DEMO-NB"][0])')
echo "server started: VmHWM $(status VmHWM) kB, VmRSS $(status VmRSS) kB"
for format in csv xlsx; do
  # The peak so far is the start and the sign-in: reset it, so the peak below is the download's.
  echo 5 > "/proc/$pid/clear_refs"
  before_hwm=$(status VmHWM)
  ( max=0; while kill -0 "$pid" 2>/dev/null; do r=$(status VmRSS); [ "${r:-0}" -gt "$max" ] && max=$r && echo "$max" > "$dir/rss.$format"; sleep 0.1; done ) &
  sampler=$!
  timing=$(curl -s -o "$dir/out.$format" -w '%{http_code} %{time_starttransfer} %{time_total} %{size_download}' \
    -H "authorization: Bearer $token" \
    "http://127.0.0.1:$port/api/v1/exports/ratings?unit_id=$province&month=2026-03&format=$format")
  kill "$sampler" 2>/dev/null || true; wait "$sampler" 2>/dev/null || true
  read -r code first_byte wall bytes <<< "$timing"
  if [ "$format" = csv ]; then
    rows=$(( $(wc -l < "$dir/out.csv") - 1 ))
  else
    rows=$(python3 - "$dir/out.xlsx" <<'PY'
import sys, zipfile
z = zipfile.ZipFile(sys.argv[1])
n = 0
for name in z.namelist():
    if name.startswith("xl/worksheets/sheet"):
        with z.open(name) as f:
            # Rows counted across chunk boundaries: the tail of each chunk is kept for the next.
            tail = b""
            for chunk in iter(lambda: f.read(1 << 20), b""):
                data = tail + chunk
                n += data.count(b"<row ")
                tail = data[-4:]
        n -= 1  # the header row
print(n)
PY
)
  fi
  echo "== $format: HTTP $code, $rows rows, $bytes bytes, first byte after ${first_byte} s, wall ${wall} s;" \
    "VmHWM before $before_hwm kB, during $(status VmHWM) kB; largest VmRSS sampled $(cat "$dir/rss.$format" 2>/dev/null || echo '?') kB"
  [ "$rows" = "$total" ] || { echo "expected $total rows"; exit 1; }
done
