#!/usr/bin/env bash
# Time of an incremental rebuild after a one-line change in app/: appends a comment line to
# app/src/pages/home.rs, rebuilds the WASM bundle and the server (the dev loop of the README:
# `.ci/build-site` + a dev build of `minhbach`; PROFILE=release for the .ci/serve build), then
# restores the file. Run it after one full build.
set -euo pipefail
cd "$(dirname "$0")/../.."
profile="${PROFILE:-dev}"
file=app/src/pages/home.rs
cp "$file" "$file.bak"
trap 'mv "$file.bak" "$file"' EXIT
echo "// incremental rebuild probe $(date +%s)" >> "$file"
start=$(date +%s.%N)
bash .ci/build-site > /dev/null
mid=$(date +%s.%N)
cargo build -q --profile "$profile" -p server --bin minhbach
end=$(date +%s.%N)
awk -v p="$profile" -v s="$start" -v m="$mid" -v e="$end" 'BEGIN {
  printf "incremental rebuild after a one-line change in app/ (%s server): %.0f s (WASM %.0f s + server %.0f s)\n", p, e - s, m - s, e - m }'
