#!/usr/bin/env bash
# Time of an incremental rebuild after a one-line change in app/: changes the words of one
# heading (a string in app/src/pages/mod.rs), rebuilds both WASM bundles and the server (the
# edit loop of the README: `.ci/build-site` + a dev build of `minhbach`; WASM_PROFILE=wasm-dev
# for the fast unoptimised bundles, PROFILE=release for the .ci/serve build), then restores
# the file. Run it once before measuring, so that the profile's dependencies are built.
set -euo pipefail
cd "$(dirname "$0")/../.."
profile="${PROFILE:-dev}"
file=app/src/pages/mod.rs
cp "$file" "$file.bak"
trap 'mv "$file.bak" "$file"' EXIT
sed -i "s/Public service feedback/Public service feedback ($(date +%s))/" "$file"
start=$(date +%s.%N)
bash .ci/build-site > /dev/null
mid=$(date +%s.%N)
cargo build -q --profile "$profile" -p server --bin minhbach
end=$(date +%s.%N)
awk -v p="$profile" -v s="$start" -v m="$mid" -v e="$end" 'BEGIN {
  printf "incremental rebuild after a one-line change in app/ (%s server): %.0f s (WASM %.0f s + server %.0f s)\n", p, e - s, m - s, e - m }'
