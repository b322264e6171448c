#!/usr/bin/env bash
# The outbox's sender with a gateway that dies mid-run. N messages (default 20,000) are written
# straight into the outbox of a fresh database, SQLite (default) or PostgreSQL (DB=postgres),
# each to the demo head's phone as the server sealed it (so the server can open it); then the
# release build of `minhbach` sends them to a local gateway (tests/bench/outbox-gateway.mjs,
# node) that records the id of every message it accepts. Once KILL_AT messages (default a
# third) are in, the gateway is killed (SIGKILL) and started again DOWN seconds (default 5)
# later. Reported: messages per second before the kill and over the whole run (outage
# included), whether every message arrived (distinct ids == N) and how many arrived twice.
#   bash tests/bench/outbox.sh
#   DB=postgres bash tests/bench/outbox.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
cargo build -q --release -p server --bin minhbach
bin=target/release/minhbach
dir=$(mktemp -d)
port=${PORT:-8099}
gport=${GATEWAY_PORT:-8100}
n=${MESSAGES:-20000}
kill_at=${KILL_AT:-$((n / 3))}
down=${DOWN:-5}
pg_admin=postgres://postgres@127.0.0.1:5432/postgres
if [ "${DB:-sqlite}" = postgres ]; then
  name="mb_bench_outbox_$$"
  psql -q "$pg_admin" -c "CREATE DATABASE $name"
  url="postgres://postgres@127.0.0.1:5432/$name"
  sql() { psql -qtA "$url" -c "$1"; }
  cleanup_db() { psql -q "$pg_admin" -c "DROP DATABASE IF EXISTS $name WITH (FORCE)"; }
else
  url="sqlite://$dir/bench.db"
  sql() { python3 -c 'import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); r=c.execute(sys.argv[2]).fetchall(); c.commit(); print("\n".join("|".join(map(str,x)) for x in r))' "$dir/bench.db" "$1"; }
  cleanup_db() { :; }
fi
export DATABASE_URL="$url" MINHBACH_ADDR="127.0.0.1:$port" RUST_LOG=warn MINHBACH_WARM_ASSETS=false
# Only the sender works: no overdue or digest job.
export MINHBACH_OVERDUE_INTERVAL=0 MINHBACH_RECEPTION_DIGEST_INTERVAL=0
serve() {
  "$bin" serve --demo >> "$dir/server.log" 2>&1 &
  pid=$!
  until curl -sf "http://127.0.0.1:$port/readyz" > /dev/null; do sleep 0.1; done
}
gateway() {
  node tests/bench/outbox-gateway.mjs "$gport" "$dir/accepted.txt" >> "$dir/gateway.log" 2>&1 &
  gw=$!
  until curl -s -o /dev/null "http://127.0.0.1:$gport/"; do sleep 0.05; done
}
trap 'kill ${pid:-0} ${gw:-0} 2>/dev/null || true; cleanup_db; rm -rf "$dir"' EXIT

# The demo (its head has a phone, sealed with the server's data key), without a gateway.
serve
kill "$pid"; wait "$pid" 2>/dev/null || true
now=$(date +%s%3N)
sql "INSERT INTO outbox (id, kind, channel, recipient_enc, account_id, body, created_at, next_attempt_at)
     WITH RECURSIVE seq(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM seq WHERE n < $n)
     SELECT 'bench-' || n, 'reception_digest', 'sms', a.phone_enc, a.id,
            'Minh Bạch: tin thử số ' || n, $now, $now
     FROM seq, accounts a WHERE a.username = 'chutich.xa'"
echo "queued: $(sql "SELECT count(*) FROM outbox WHERE sent_at IS NULL") messages"

: > "$dir/accepted.txt"
gateway
export MINHBACH_NOTIFY_URL="http://127.0.0.1:$gport/send" MINHBACH_NOTIFY_INTERVAL_MS=200 \
  MINHBACH_NOTIFY_TIMEOUT_MS=2000 MINHBACH_NOTIFY_RETRY_MS=500
start=$(date +%s%3N)
serve
until [ "$(wc -l < "$dir/accepted.txt")" -ge "$kill_at" ]; do sleep 0.01; done
kill -9 "$gw"; wait "$gw" 2>/dev/null || true
killed=$(date +%s%3N)
before_kill=$(wc -l < "$dir/accepted.txt")
echo "gateway killed after $before_kill messages; back in $down s"
sleep "$down"
gateway
until [ "$(sql "SELECT count(*) FROM outbox WHERE sent_at IS NULL")" = 0 ]; do
  sleep 0.1
  if [ $(( $(date +%s%3N) - start )) -gt 600000 ]; then echo "not done after 10 minutes"; exit 1; fi
done
done_at=$(date +%s%3N)
retried=$(sql "SELECT count(*) FROM outbox WHERE attempts > 1")
python3 - "$dir/accepted.txt" "$n" "$start" "$killed" "$done_at" "$before_kill" "$retried" <<'PY'
import sys
path, n, start, killed, done, before_kill, retried = sys.argv[1], *map(int, sys.argv[2:])
lines = [l.split() for l in open(path) if l.strip()]
ids = [l[0] for l in lines]
first = min(int(l[1]) for l in lines)
distinct = len(set(ids))
print(f"accepted {len(ids)} requests, {distinct} distinct ids of {n}; sent twice: {len(ids) - distinct}")
print(f"retried after a failure (attempts > 1): {retried}")
print(f"before the kill: {before_kill / ((killed - first) / 1000):,.0f} messages/s")
print(f"whole run, outage included: {n / ((done - start) / 1000):,.0f} messages/s "
      f"({(done - start) / 1000:.1f} s from the server's start to the last one recorded as sent)")
if distinct != n or not all(i.startswith("bench-") for i in ids):
    sys.exit("MESSAGES LOST")
PY
