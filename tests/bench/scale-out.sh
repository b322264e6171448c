#!/usr/bin/env bash
# Ratings and reports per second through nginx with 1, 2 and 4 `minhbach` processes (release
# build) on one PostgreSQL database: wrk (Debian) on loopback, 64 connections for 20 s per
# run, each request a new phone (ratings.lua) or a new report (reports.lua, no photo). After
# each run the stored rows are compared with wrk's 200 answers, and every process's own
# /metrics says how many requests it answered (nginx spreads them round-robin).
#   bash tests/bench/scale-out.sh
#   PROCESSES="1 2" DURATION=10s bash tests/bench/scale-out.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
command -v wrk > /dev/null || { apt-get update -q && apt-get install -y -q wrk; }
[ -x /usr/sbin/nginx ] || { apt-get update -q && apt-get install -y -q --no-install-recommends nginx-light; }
cargo build -q --release -p server --bin minhbach
bin=$PWD/target/release/minhbach
admin=postgres://postgres@127.0.0.1:5432/postgres
proxy_port=${PORT:-8110}
work=$(mktemp -d)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  [ -f "$work/nginx.pid" ] && kill "$(cat "$work/nginx.pid")" 2>/dev/null || true
  sleep 1
  psql -q "$admin" -c "DROP DATABASE IF EXISTS mb_scale_$$ WITH (FORCE)" || true
  rm -rf "$work"
}
trap cleanup EXIT

export RUST_LOG=warn MINHBACH_WARM_ASSETS=false MINHBACH_TRUST_PROXY=true
# One address sends everything here: lift the per-network limit (the per-phone one stays).
export MINHBACH_CITIZEN_PER_NETWORK_PER_MINUTE=100000000 MINHBACH_DB_POOL_SIZE=${POOL:-8}

for n in ${PROCESSES:-1 2 4}; do
  psql -q "$admin" -c "DROP DATABASE IF EXISTS mb_scale_$$ WITH (FORCE)"
  psql -q "$admin" -c "CREATE DATABASE mb_scale_$$"
  export DATABASE_URL="postgres://postgres@127.0.0.1:5432/mb_scale_$$"
  "$bin" migrate > /dev/null
  pids=()
  upstream=""
  for i in $(seq 1 "$n"); do
    port=$((proxy_port + i))
    demo=""; [ "$i" = 1 ] && demo="--demo"
    MINHBACH_ADDR=127.0.0.1:$port "$bin" serve $demo > "$work/server-$i.log" 2>&1 &
    pids+=($!)
    until curl -sf "http://127.0.0.1:$port/readyz" > /dev/null; do sleep 0.2; done
    upstream+="    server 127.0.0.1:$port;"$'\n'
  done
  cat > "$work/nginx.conf" <<EOF
worker_processes 2;
pid $work/nginx.pid;
error_log $work/error.log warn;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path $work/body; proxy_temp_path $work/proxy;
  fastcgi_temp_path $work/fastcgi; uwsgi_temp_path $work/uwsgi; scgi_temp_path $work/scgi;
  upstream minhbach {
$upstream    keepalive 64;
  }
  server {
    listen 127.0.0.1:$proxy_port;
    location / {
      proxy_pass http://minhbach;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host \$host;
      proxy_set_header X-Forwarded-For \$proxy_add_x_forwarded_for;
      proxy_next_upstream error timeout http_502 http_503;
    }
  }
}
EOF
  /usr/sbin/nginx -p "$work" -c "$work/nginx.conf"
  base="http://127.0.0.1:$proxy_port"
  until curl -sf "$base/readyz" > /dev/null; do sleep 0.2; done
  token=$(curl -s -X POST "$base/api/v1/auth/login" -H 'content-type: application/json' \
    -d '{"username":"quantri","password":"minhbach-demo"}' | python3 -c 'import json,sys; print(json.load(sys.stdin)["access_token"])')
  counters=$(curl -s "$base/api/v1/counters?per_page=500" -H "authorization: Bearer $token" \
    | python3 -c 'import json,sys; print(",".join(c["qr_token"] for c in json.load(sys.stdin)["items"]))')
  count() { psql -tA "$DATABASE_URL" -c "SELECT count(*) FROM $1"; }
  for what in ratings reports; do
    before=$(count "$what")
    echo "== $n process(es), $what"
    COUNTER_TOKENS="$counters" wrk -t2 -c64 -d"${DURATION:-20s}" --latency -s "tests/bench/$what.lua" "$base" \
      | grep -E 'Requests/sec|requests|rate|50%|99%|Non-2xx' || true
    echo "stored $what: $(( $(count "$what") - before ))"
  done
  for i in $(seq 1 "$n"); do
    port=$((proxy_port + i))
    echo "process $i answered: $(curl -s "http://127.0.0.1:$port/metrics" \
      | awk '/^minhbach_http_requests_total\{method="POST"/ {s+=$2} END {print s}') POSTs"
  done
  kill "$(cat "$work/nginx.pid")"; rm -f "$work/nginx.pid"
  for p in "${pids[@]}"; do kill "$p"; done
  wait "${pids[@]}" 2>/dev/null || true
done
