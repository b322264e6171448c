#!/usr/bin/env bash
# The figures with 10,000,000 ratings and 1,000,000 reports over 24 months in one province: the
# demo province gets 140 more communes and wards (four counters and twelve officers each), and
# the rows are written straight into the database after the demo data (tests/bench/figures-seed.py
# computes them in SQL from the row number, the same rows on both databases). Then, against the
# release build of `minhbach` on a fresh SQLite database (default) or PostgreSQL (DB=postgres),
# wrk on loopback (8 connections, 15 s) asks as the province's head for the province's dashboard
# of the month and of the year and for one commune's, and without login for the province's public
# page and its JSON from the warm cache; /metrics before and after each run says how many
# database calls each request cost.
#
# The load: 100,000 ratings (every 100th, spread over the whole period) first with the roll-up
# triggers on, timed, as the live system writes them; the rest as a bulk load with the triggers
# off (PostgreSQL `SET session_replication_role = replica`; SQLite has no switch, so its triggers
# are dropped and created again from their own SQL), then the roll-ups deleted and refilled with
# the figures migration's own INSERT ... SELECT statements (read from the migration file), and
# checked against the rows.
#   bash tests/bench/figures.sh
#   DB=postgres bash tests/bench/figures.sh
#   RATINGS=200000 REPORTS=20000 SLICE=2000 DURATION=3s bash tests/bench/figures.sh  # a quick try
#   KEEP_DB=1 DB=postgres bash tests/bench/figures.sh   # keeps the database (and prints where)
#   SEEDED=postgres://postgres@127.0.0.1:5432/mb_bench_figures_123 bash tests/bench/figures.sh
#                                                       # measures a kept database again
set -euo pipefail
cd "$(dirname "$0")/../.."
command -v wrk > /dev/null || { apt-get update -q && apt-get install -y -q wrk; }
cargo build -q --release -p server --bin minhbach
bin=target/release/minhbach
seed=tests/bench/figures-seed.py
dir=$(mktemp -d)
port=${PORT:-8102}
# Another server on the port (another bench) would answer in place of ours: refuse to start.
if curl -s -o /dev/null "http://127.0.0.1:$port/"; then echo "port $port is in use: PORT=… to choose another"; exit 1; fi
duration=${DURATION:-15s}
# One "now" for every step, so the steps agree on the 24 months.
export RATINGS=${RATINGS:-10000000} REPORTS=${REPORTS:-1000000} UNITS=${UNITS:-140} \
  SLICE=${SLICE:-100000} NOW_MS=${NOW_MS:-$(date +%s%3N)}
pg_admin=postgres://postgres@127.0.0.1:5432/postgres
if [ -n "${SEEDED:-}" ]; then
  # A database this script seeded and kept (KEEP_DB=1): measure again without seeding.
  url=$SEEDED
  case "$url" in postgres*) DB=postgres ;; *) DB=sqlite ;; esac
  cleanup_db() { rm -rf "$dir"; }
  if [ "$DB" = postgres ]; then
    sql() { psql -q -X -v ON_ERROR_STOP=1 -At "$url"; }
  else
    sql() { sqlite3 -bail -cmd ".timeout 60000" "${url#sqlite://}"; }
  fi
elif [ "${DB:-sqlite}" = postgres ]; then
  name="mb_bench_figures_$$"
  psql -q "$pg_admin" -c "CREATE DATABASE $name"
  url="postgres://postgres@127.0.0.1:5432/$name"
  cleanup_db() { [ -n "${KEEP_DB:-}" ] && echo "kept $url" || psql -q "$pg_admin" -c "DROP DATABASE IF EXISTS $name WITH (FORCE)"; }
  sql() { psql -q -X -v ON_ERROR_STOP=1 -At "$url"; }
else
  # KEEP_DB=1 keeps the directory of the SQLite file.
  url="sqlite://$dir/bench.db"
  cleanup_db() { [ -n "${KEEP_DB:-}" ] && echo "kept $url" || rm -rf "$dir"; }
  # A busy timeout: the CLI has none, and fails at once on a lock still held by a closing process.
  sql() { sqlite3 -bail -cmd ".timeout 60000" "$dir/bench.db"; }
fi
# The overdue job off: its first run would escalate the seeded open cases past their due date in
# the middle of the measurement. The reception digest off too: no background work but ours.
export DATABASE_URL="$url" MINHBACH_ADDR="127.0.0.1:$port" RUST_LOG=warn MINHBACH_WARM_ASSETS=false \
  MINHBACH_OVERDUE_INTERVAL=0 MINHBACH_RECEPTION_DIGEST_INTERVAL=0
serve() {
  "$bin" serve --demo >> "$dir/server.log" 2>&1 &
  pid=$!
  until curl -sf "http://127.0.0.1:$port/readyz" > /dev/null; do
    kill -0 "$pid" 2>/dev/null || { cat "$dir/server.log"; exit 1; }
    sleep 0.2
  done
}
trap 'kill ${pid:-0} 2>/dev/null || true; cleanup_db' EXIT

if [ -z "${SEEDED:-}" ]; then
serve
kill "$pid"; wait "$pid" 2>/dev/null || true

# step NAME [PREFIX]: runs one step of the seed (PREFIX first, in the same session), timed.
step() {
  local start
  start=$(date +%s%N)
  { [ -n "${2:-}" ] && echo "$2"; python3 "$seed" "${DB:-sqlite}" "$1"; } | sql
  echo "-- $1: $(( ($(date +%s%N) - start) / 1000000 )) ms"
}
echo "== seeding: $RATINGS ratings, $REPORTS reports, $UNITS more units (NOW_MS=$NOW_MS)"
seed_start=$SECONDS
step units
step ratings-slice
if [ "${DB:-sqlite}" = postgres ]; then
  echo "SELECT 'the slice through the triggers: ' || SUM(very_satisfied + satisfied + not_satisfied) FROM rating_unit_days;" | sql
  step ratings-bulk "SET session_replication_role = replica;"
  step reports "SET session_replication_role = replica;"
  step rollups "SET session_replication_role = replica;"
else
  echo "SELECT 'the slice through the triggers: ' || SUM(very_satisfied + satisfied + not_satisfied) FROM rating_unit_days;" | sql
  echo "CREATE TABLE bench_triggers AS SELECT name, sql FROM sqlite_master
        WHERE type = 'trigger' AND tbl_name IN ('ratings', 'reports', 'report_events', 'case_days', 'case_deadline_days', 'rating_unit_days');" | sql
  echo "SELECT 'DROP TRIGGER ' || name || ';' FROM bench_triggers;" | sql | sql
  step ratings-bulk
  step reports
  step rollups
  echo "SELECT sql || ';' FROM bench_triggers;" | sql | sql
  echo "DROP TABLE bench_triggers; SELECT 'triggers back: ' || COUNT(*) FROM sqlite_master WHERE type = 'trigger';" | sql
fi
start=$SECONDS
if [ "${DB:-sqlite}" = postgres ]; then echo "VACUUM ANALYZE;" | sql; else echo "ANALYZE;" | sql; fi
echo "-- analyze: $((SECONDS - start)) s"
echo "== seeded in $((SECONDS - seed_start)) s; the roll-ups against the rows:"
step checks | tr '|' ' '
fi
province=$(echo "SELECT id FROM units WHERE code = 'DEMO-NB';" | sql)
commune=$(echo "SELECT id FROM units WHERE code = 'DEMO-NB-GV';" | sql)
if [ "${DB:-sqlite}" = postgres ]; then
  echo "SELECT 'database size: ' || pg_size_pretty(pg_database_size(current_database()));" | sql
else
  echo "database size: $(du -h "${url#sqlite://}" | cut -f1)"
fi

serve
base="http://127.0.0.1:$port"
token=$(curl -s -X POST "$base/api/v1/auth/login" -H 'content-type: application/json' \
  -d '{"username":"chutich.tinh","password":"minhbach-demo"}' | python3 -c 'import json,sys; print(json.load(sys.stdin)["access_token"])')
calls() { curl -s "$base/metrics" | awk '/^minhbach_db_calls_total/ {print $2}'; }
# Waits until the server has finished the requests a stopped wrk left in flight.
settle() {
  local a b
  a=$(calls)
  while sleep 1; b=$(calls); [ "$a" != "$b" ]; do a=$b; done
}
# wrk THREADS CONNECTIONS URL [args]: the lines that matter. A long timeout: wrk leaves a
# request slower than its default 2 s out of the latencies, which would hide the slow ones.
run_wrk() {
  local t=$1 c=$2; shift 2
  wrk -t"$t" -c"$c" -d"$duration" --timeout 60s --latency "$@"
}
# measure NAME URL [curl and wrk args]: one request cold (time and size), then wrk with 8
# connections; the database calls per request from /metrics around the wrk run. SOLO=1 adds a
# run with one connection: the latency of a request that waits for no other.
measure() {
  local name=$1 url=$2; shift 2
  echo "== $name: GET ${url#"$base"}"
  settle
  curl -s -o /dev/null -w "first request: HTTP %{http_code}, %{time_total} s, %{size_download} bytes\n" "$@" "$url"
  local before after out total
  # Exact: five requests one after another. (Around a wrk run the requests still in flight when
  # it stops are counted by the server and not by wrk: a slow request's share is overstated.)
  settle
  before=$(calls)
  for _ in 1 2 3 4 5; do curl -s -o /dev/null "$@" "$url"; done
  after=$(calls)
  echo "database calls, 5 requests one by one: $((after - before))"
  if [ -n "${SOLO:-}" ]; then
    echo "-- one connection"
    run_wrk 1 1 "$@" "$url" | grep -E "^ +(50|99)%|Requests/sec|requests in|Non-2xx|Socket errors"
    echo "-- 8 connections"
  fi
  settle
  before=$(calls)
  out=$(run_wrk 2 8 "$@" "$url")
  # The requests wrk left in flight have their connections already, so the count stops moving
  # before they end: give them time to finish before the next measurement.
  sleep 8
  settle
  after=$(calls)
  echo "$out" | grep -E "^ +(50|99)%|Requests/sec|requests in|Non-2xx|Socket errors"
  total=$(echo "$out" | awk '/requests in/ {print $1}')
  python3 -c "print('database calls around wrk: %d for %d requests, %.3f a request' % ($after - $before, $total, ($after - $before) / max($total, 1)))"
}
auth=(-H "authorization: Bearer $token")
SOLO=1 measure "the province's head, the province's month" "$base/api/v1/figures?unit_id=$province&period=month" "${auth[@]}"
SOLO=1 measure "the province's head, the province's year" "$base/api/v1/figures?unit_id=$province&period=year" "${auth[@]}"
SOLO=1 measure "the province's head, Gia Viễn's month" "$base/api/v1/figures?unit_id=$commune&period=month" "${auth[@]}"
# The public page and its JSON: the first request above fills the cache; wrk reads it warm.
measure "the public page" "$base/cong-khai/DEMO-NB"
measure "the public figures (JSON)" "$base/api/v1/public/units/DEMO-NB"
