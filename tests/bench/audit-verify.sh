#!/usr/bin/env bash
# `minhbach audit verify` over 1,000,000 entries: the release build appends that many chained
# entries to a fresh database with its hidden `audit fill` command (the same hashing code as
# every append: no second implementation), then verifies the log under /usr/bin/time -v for the
# wall time and the peak resident memory. A second verify over 100,000 entries shows whether
# memory grows with the log (it must not: keyset batches of 10,000).
#   bash tests/bench/audit-verify.sh              # SQLite
#   DB=postgres bash tests/bench/audit-verify.sh  # PostgreSQL (local, trust auth)
#   ENTRIES=200000 bash tests/bench/audit-verify.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
[ -x /usr/bin/time ] || { apt-get update -q && apt-get install -y -q time; }
cargo build -q --release -p server --bin minhbach
bin=target/release/minhbach
dir=$(mktemp -d)
entries=${ENTRIES:-1000000}
small=$((entries / 10))
pg_admin=postgres://postgres@127.0.0.1:5432/postgres
names=()
new_db() { # $1: a suffix; prints the URL of a fresh database
  if [ "${DB:-sqlite}" = postgres ]; then
    local name="mb_bench_audit_$$_$1"
    psql -q "$pg_admin" -c "CREATE DATABASE $name"
    names+=("$name")
    echo "postgres://postgres@127.0.0.1:5432/$name"
  else
    echo "sqlite://$dir/$1.db"
  fi
}
cleanup() {
  for n in "${names[@]}"; do psql -q "$pg_admin" -c "DROP DATABASE IF EXISTS $n WITH (FORCE)"; done
  rm -rf "$dir"
}
trap cleanup EXIT
export RUST_LOG=warn

run() { # $1: entries; fills a fresh database, then verifies it twice (the second warm)
  local url
  url=$(new_db "n$1")
  local t0=$(date +%s.%N)
  "$bin" audit fill --database-url "$url" --count "$1" > /dev/null
  local t1=$(date +%s.%N)
  printf 'fill %d entries: %.1f s\n' "$1" "$(echo "$t1 - $t0" | bc)"
  for pass in cold warm; do
    /usr/bin/time -v "$bin" audit verify --database-url "$url" > "$dir/out" 2> "$dir/time"
    printf '%s verify of %d: %s | wall %s | peak RSS %s kB\n' "$pass" "$1" \
      "$(grep -o "OK: [0-9]* entries\|BROKEN: entry [0-9]*" "$dir/out" | head -1)" \
      "$(grep 'Elapsed (wall clock)' "$dir/time" | awk '{print $NF}')" \
      "$(grep 'Maximum resident set size' "$dir/time" | awk '{print $NF}')"
  done
}

echo "database: ${DB:-sqlite}"
run "$small"
run "$entries"
