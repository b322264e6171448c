#!/usr/bin/env bash
# Minutes from a fresh clone to a served page: clones the repository into a temporary directory
# (its own target/, so nothing is reused from an earlier build), runs the README's first command
# (.ci/serve) and times it until http://127.0.0.1:$PORT/ answers. Tools that .ci/setup installs
# (wasm-bindgen-cli, Chromium) are reused when present: on a new machine add their install time
# (wasm-bindgen-cli: `cargo install` from crates.io, about 4-5 minutes here).
set -euo pipefail
repo="$(cd "$(dirname "$0")/../.." && pwd)"
port="${PORT:-8095}"
dir="$(mktemp -d)"
trap 'kill "$pid" 2>/dev/null || true; rm -rf "$dir"' EXIT
git clone -q "$repo" "$dir/minhbach"
cd "$dir/minhbach"
start=$(date +%s)
bash .ci/serve --addr "127.0.0.1:$port" > "$dir/serve.log" 2>&1 &
pid=$!
until curl -sf "http://127.0.0.1:$port/" > /dev/null; do
  kill -0 "$pid" 2>/dev/null || { cat "$dir/serve.log"; echo "serve exited" >&2; exit 1; }
  sleep 2
done
echo "fresh clone to first served page: $(( $(date +%s) - start )) s"
