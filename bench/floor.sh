#!/usr/bin/env bash
# The floor's benchmarks in one run: what the floor costs on the wire (press-to-first-audio per sender gate, idle
# uplink per participant, in Chromium) and the server's cost per floor change against the original design's
# Socket.io server (the seed ratio).
#   bench/floor.sh [--samples 30] [seed.sh options, e.g. --rounds 2 --also-dll OLD/Walkie.Server.dll]
set -euo pipefail
cd "$(dirname "$0")/.."
samples=30
if [ "${1:-}" = "--samples" ]; then samples=$2; shift 2; fi
command -v chromium >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }
dotnet build src/Walkie.Server --nologo -v quiet
(cd tests/browser && npm ci --no-audit --no-fund --loglevel=error)
node bench/floor.mjs --samples "$samples"
bench/seed.sh "$@"
