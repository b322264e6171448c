#!/usr/bin/env bash
# The server photo pipeline on a 12 MP JPEG: ms per photo on one core and peak memory.
set -euo pipefail
cd "$(dirname "$0")/../.."
cargo run -q --release -p server --example photo_bench -- "${1:-10}"
