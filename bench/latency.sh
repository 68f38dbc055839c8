#!/usr/bin/env bash
# Browser latency benchmark: headless Chromium, the real client and server, and a plain-WebRTC baseline in the same run.
#   bench/latency.sh [--seconds 32] [--samples 50]
set -euo pipefail
cd "$(dirname "$0")/.."
command -v chromium >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }
dotnet build src/Walkie.Server --nologo -v quiet
(cd tests/browser && npm ci --no-audit --no-fund --loglevel=error)
node bench/latency.mjs "$@"
