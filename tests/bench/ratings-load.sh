#!/usr/bin/env bash
# Rating submissions per second and their latency: wrk (Debian) on loopback, 64 concurrent
# clients for 20 s, each request a new phone with a new rating, against the release build of
# `minhbach` on a fresh SQLite database (default) or PostgreSQL (DB=postgres). Afterwards the
# number of stored ratings is compared with the number of 200 answers wrk saw.
#   bash tests/bench/ratings-load.sh            # SQLite
#   DB=postgres bash tests/bench/ratings-load.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
command -v wrk > /dev/null || { apt-get update -q && apt-get install -y -q wrk; }
cargo build -q --release -p server --bin minhbach
bin=target/release/minhbach
dir=$(mktemp -d)
port=${PORT:-8097}
if [ "${DB:-sqlite}" = postgres ]; then
  name="mb_bench_$$"
  psql -q postgres://postgres@127.0.0.1:5432/postgres -c "CREATE DATABASE $name"
  url="postgres://postgres@127.0.0.1:5432/$name"
  count() { psql -tA "$url" -c "SELECT count(*) FROM ratings"; }
  cleanup_db() { psql -q postgres://postgres@127.0.0.1:5432/postgres -c "DROP DATABASE IF EXISTS $name WITH (FORCE)"; }
else
  url="sqlite://$dir/bench.db"
  count() { python3 -c "import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute('select count(*) from ratings').fetchone()[0])" "$dir/bench.db"; }
  cleanup_db() { :; }
fi
export DATABASE_URL="$url" MINHBACH_ADDR="127.0.0.1:$port" RUST_LOG=warn
# The per-address limit would (rightly) refuse a flood from one address: lift it. The burst
# flags stay on (flagged ratings are stored like the others).
export MINHBACH_CITIZEN_PER_NETWORK_PER_MINUTE=100000000 MINHBACH_WARM_ASSETS=false
"$bin" serve --demo > "$dir/server.log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null || true; cleanup_db; rm -rf "$dir"' EXIT
until curl -sf "http://127.0.0.1:$port/readyz" > /dev/null; do sleep 0.2; done
token=$(curl -s -X POST "http://127.0.0.1:$port/api/v1/auth/login" -H 'content-type: application/json' \
  -d '{"username":"quantri","password":"minhbach-demo"}' | python3 -c 'import json,sys; print(json.load(sys.stdin)["access_token"])')
# Every counter of the demo province, the load spread over them.
counters=$(curl -s "http://127.0.0.1:$port/api/v1/counters?per_page=500" -H "authorization: Bearer $token" \
  | python3 -c 'import json,sys; print(",".join(c["qr_token"] for c in json.load(sys.stdin)["items"]))')
before=$(count)
COUNTER_TOKENS="$counters" wrk -t2 -c64 -d"${DURATION:-20s}" --latency -s tests/bench/ratings.lua \
  "http://127.0.0.1:$port" | tee "$dir/wrk.txt"
after=$(count)
echo "stored ratings: $((after - before)) (wrk's non-2xx answers count as errors above)"
