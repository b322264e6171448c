#!/usr/bin/env bash
# Fuzzes the API with schemathesis against its own OpenAPI document (/api/v1/openapi.json):
# every operation is called with generated valid and invalid input, and the run fails on any
# server error (5xx), any response whose body does not match its documented schema, any
# status code or content type the document does not list for the operation.
#
#   bash tests/schemathesis/run.sh                        # SQLite, target/debug/minhbach
#   MINHBACH_TEST_DATABASE=postgres://postgres@127.0.0.1:5432/postgres bash tests/schemathesis/run.sh
#
# Settings (environment; relative paths are taken from the repository root):
#   MINHBACH_BIN            the server binary (default target/debug/minhbach; build it first)
#   MINHBACH_TEST_DATABASE  `sqlite` (default: a file in a temporary directory) or a postgres://
#                           URL of a server on which a database of its own is created and dropped
#   MINHBACH_ST_EXAMPLES    examples per operation and phase (default 80: about 2 minutes on 2 cores)
#   MINHBACH_ST_SEED        the generator's seed, to replay a run (default: a new one, printed)
#   MINHBACH_ST_REPORT_DIR  where the JUnit report and the server's log are kept (default: none)
#   MINHBACH_ST_TALLY       a file to write each operation's answers by status to (default: none):
#                           an operation that never answered 2xx was only ever refused
#
# hooks.py signs the fuzzer in (a national administrator, the demo's committee member and head,
# each for the operations only they reach), makes a few real records through the API first
# (units, counters, staff, an account, ratings, reports with a photo, a reception session) and
# lets the fuzzer use their ids and a few valid bodies, so that it gets past the 404s and the
# validation into the code behind them.
#
# Installs schemathesis (the version pinned in requirements.txt) into tests/schemathesis/.venv on
# first use, from PyPI. The server runs on a free port of 127.0.0.1 and is stopped, and its
# database removed, on exit whatever happens. Exit status: 0 when clean, non-zero on a finding.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
cd "$root"

bin="${MINHBACH_BIN:-target/debug/minhbach}"
database="${MINHBACH_TEST_DATABASE:-sqlite}"
examples="${MINHBACH_ST_EXAMPLES:-80}"
seed="${MINHBACH_ST_SEED:-$(( (RANDOM << 15) | RANDOM ))}"
venv="$here/.venv"

log() { printf '== schemathesis: %s\n' "$*"; }

if [ ! -x "$bin" ]; then
  echo "schemathesis: no server binary at $bin (cargo build -p server --bin minhbach)" >&2
  exit 2
fi

# --- schemathesis, pinned, in a venv of its own ---------------------------------------------
want="$(sed -n 's/^schemathesis==//p' "$here/requirements.txt")"
have="$("$venv/bin/schemathesis" --version 2>/dev/null | awk '{print $NF}' || true)"
if [ "$have" != "$want" ]; then
  log "installing schemathesis $want into $venv"
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check -r "$here/requirements.txt"
fi

# --- a fresh database and the server on it ----------------------------------------------------
tmp="$(mktemp -d -t minhbach-st.XXXXXX)"
server_pid=""
pg_admin=""
pg_name=""

cleanup() {
  local status=$?
  if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then
    kill "$server_pid" 2>/dev/null || true
    # The server drains for up to 30 s on SIGTERM; nothing is in flight by now.
    for _ in $(seq 1 50); do kill -0 "$server_pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
  if [ -n "$pg_name" ]; then
    psql "$pg_admin" -qX -v ON_ERROR_STOP=1 \
      -c "DROP DATABASE IF EXISTS $pg_name WITH (FORCE)" >/dev/null 2>&1 \
      || echo "schemathesis: could not drop the database $pg_name" >&2
  fi
  if [ -n "${MINHBACH_ST_REPORT_DIR:-}" ] && [ -f "$tmp/server.log" ]; then
    mkdir -p "$MINHBACH_ST_REPORT_DIR"
    cp "$tmp/server.log" "$MINHBACH_ST_REPORT_DIR/" 2>/dev/null || true
  fi
  rm -rf "$tmp"
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

case "$database" in
  sqlite)
    db_url="sqlite://$tmp/minhbach.db"
    ;;
  postgres://*|postgresql://*)
    # Without TLS unless the URL asks for it (as the API tests do, tests/src/lib.rs).
    pg_admin="$database"
    case "$pg_admin" in
      *sslmode=*) ;;
      *\?*) pg_admin="$pg_admin&sslmode=disable" ;;
      *) pg_admin="$pg_admin?sslmode=disable" ;;
    esac
    pg_name="mb_st_$$_$RANDOM"
    psql "$pg_admin" -qX -v ON_ERROR_STOP=1 -c "CREATE DATABASE $pg_name" >/dev/null
    # The admin URL with its database name swapped: scheme://authority/<name>?query.
    base="${pg_admin%%\?*}"
    query="${pg_admin#"$base"}"
    authority="${base#*://}"
    authority="${authority%%/*}"
    db_url="${base%%://*}://$authority/$pg_name$query"
    ;;
  *)
    echo "schemathesis: MINHBACH_TEST_DATABASE must be \"sqlite\" or a postgres:// URL" >&2
    exit 2
    ;;
esac
log "database: ${db_url%%://*} (seed $seed, $examples examples per operation)"

admin_user="st.admin"
admin_password="st-admin-$RANDOM-$RANDOM"
export DATABASE_URL="$db_url"

# A national administrator (no unit): the only role that reaches every administrative
# operation, the calendar and the deadline settings included. The demo's administrator belongs
# to its province.
MINHBACH_ADMIN_PASSWORD="$admin_password" "$bin" admin create \
  --username "$admin_user" --full-name "Schemathesis" >/dev/null

# The rate limits are raised far above anything the fuzzer reaches: it sends hundreds of
# sign-ins, ratings, reports and tracking look-ups from one address within a minute, which the
# real limits (rightly) refuse with 429. That answer is documented and would pass the checks,
# but the fuzzer would then test the limiter instead of the code behind it, and the hooks'
# own sign-ins would be refused. The limits have tests of their own (tests/tests/api).
export MINHBACH_LOGIN_BURST_PER_ACCOUNT=1000000
export MINHBACH_LOGIN_BURST_PER_ADDRESS=1000000
export MINHBACH_CITIZEN_PER_DEVICE_PER_MINUTE=1000000
export MINHBACH_CITIZEN_PER_NETWORK_PER_MINUTE=1000000
export MINHBACH_TRACK_PER_NETWORK_PER_MINUTE=1000000
# Rates are published from the first rating (not the 30 a real unit needs) and a counter's
# fourth rating within a minute is flagged as a burst, so that the figures' answers carry
# rates, intervals and rankings, and the review of flagged ratings has ratings to review: the
# fuzzer's few ratings would otherwise leave those answers empty, and their schema unchecked.
export MINHBACH_MIN_RATINGS=1
export MINHBACH_RATING_COUNTER_BURST=3
# Port 0: the system picks a free one, which the server prints.
export MINHBACH_ADDR=127.0.0.1:0
# No brotli compression of the WASM bundles at start: the API does not serve them, and on two
# cores it would compete with the fuzzer for the first seconds.
export MINHBACH_WARM_ASSETS=false
export MINHBACH_DATA_KEY="$(head -c 32 /dev/urandom | base64)"
export MINHBACH_JWT_SECRET="$(head -c 48 /dev/urandom | base64)"
export RUST_LOG="${RUST_LOG:-warn}"

"$bin" serve --demo >"$tmp/server.log" 2>&1 &
server_pid=$!

port=""
for _ in $(seq 1 300); do
  port="$(sed -n 's/.*(listening on port \([0-9]*\)).*/\1/p' "$tmp/server.log" | head -n 1)"
  [ -n "$port" ] && break
  if ! kill -0 "$server_pid" 2>/dev/null; then
    echo "schemathesis: the server stopped at start:" >&2
    tail -n 40 "$tmp/server.log" >&2
    exit 1
  fi
  sleep 0.1
done
if [ -z "$port" ]; then
  echo "schemathesis: the server did not start within 30 s:" >&2
  tail -n 40 "$tmp/server.log" >&2
  exit 1
fi
base_url="http://127.0.0.1:$port"
curl -fsS --retry 20 --retry-connrefused --retry-delay 1 "$base_url/readyz" >/dev/null

# The accounts the hooks sign in as (see hooks.py for which operation uses which).
export MINHBACH_ST_BASE_URL="$base_url"
export MINHBACH_ST_ADMIN_USER="$admin_user"
export MINHBACH_ST_ADMIN_PASSWORD="$admin_password"
export MINHBACH_ST_COMMITTEE_USER="ubkt"
export MINHBACH_ST_HEAD_USER="chutich.xa"
export MINHBACH_ST_DEMO_PASSWORD="minhbach-demo"
for user in "$admin_user:$admin_password" "ubkt:minhbach-demo" "chutich.xa:minhbach-demo"; do
  curl -fsS -o /dev/null -H 'Content-Type: application/json' \
    -d "{\"username\":\"${user%%:*}\",\"password\":\"${user#*:}\"}" \
    "$base_url/api/v1/auth/login" \
    || { echo "schemathesis: cannot sign in as ${user%%:*}" >&2; exit 1; }
done

# --- the run ---------------------------------------------------------------------------------
report_args=()
if [ -n "${MINHBACH_ST_TALLY:-}" ]; then
  export MINHBACH_ST_TALLY="$(cd "$(dirname "$MINHBACH_ST_TALLY")" && pwd)/$(basename "$MINHBACH_ST_TALLY")"
fi
if [ -n "${MINHBACH_ST_REPORT_DIR:-}" ]; then
  mkdir -p "$MINHBACH_ST_REPORT_DIR"
  MINHBACH_ST_REPORT_DIR="$(cd "$MINHBACH_ST_REPORT_DIR" && pwd)"
  report_args=(--report junit --report-dir "$MINHBACH_ST_REPORT_DIR")
fi

log "server on $base_url ($("$bin" --version 2>/dev/null || echo minhbach))"
start=$SECONDS
status=0
# Run from the temporary directory: schemathesis keeps its cache of failures for `st replay`
# in .schemathesis/ under the working directory, which must not land in the work tree.
(cd "$tmp" && SCHEMATHESIS_HOOKS="$here/hooks.py" "$venv/bin/schemathesis" run \
  "$base_url/api/v1/openapi.json" \
  --checks not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance \
  --phases examples,coverage,fuzzing,stateful \
  --max-examples "$examples" \
  --seed "$seed" \
  --workers 2 \
  --request-timeout 30 \
  --generation-database none \
  --no-color \
  "${report_args[@]}") \
  || status=$?
log "finished in $((SECONDS - start)) s with status $status (seed $seed)"

# A 5xx that the checks saw is a finding already; a panic or an internal error the server
# logged where the answer was not a 5xx (a broken stream) is one too.
if grep -qE 'panicked at|internal error' "$tmp/server.log"; then
  echo "schemathesis: the server logged internal errors:" >&2
  grep -E 'panicked at|internal error' "$tmp/server.log" | head -n 20 >&2
  [ "$status" -ne 0 ] || status=1
fi
exit "$status"
