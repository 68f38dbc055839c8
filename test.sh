#!/usr/bin/env bash
# Runs every Walkie test on a fresh Debian machine: installs what the tests need, then runs them.
#   client unit tests (Vitest) -> server unit and integration tests (xunit, real Kestrel)
#   -> browser tests (real headless Chromium and Firefox ESR with fake audio, against the real server; TURN through a
#      real coturn; outages by cutting off a browser in its own network namespace, which needs root)
set -euo pipefail
cd "$(dirname "$0")"

command -v node >/dev/null && command -v npm >/dev/null || { echo "Walkie's tests need Node.js 20+ and npm" >&2; exit 1; }
missing=()
command -v chromium >/dev/null || missing+=(chromium)       # browser tests
command -v firefox-esr >/dev/null || missing+=(firefox-esr) # cross-browser test
command -v turnserver >/dev/null || missing+=(coturn)       # TURN relay tests
command -v ip >/dev/null || missing+=(iproute2)             # test hosts in network namespaces
[ -x /usr/sbin/iptables ] || missing+=(iptables)           # network outages (in sbin: not on every PATH)
command -v zbarimg >/dev/null || missing+=(zbar-tools)     # reads back the QR code LAN mode prints
[ -x /usr/sbin/nginx ] || missing+=(nginx)                 # HTTPS through the nginx sample (in sbin too)
command -v janus >/dev/null || missing+=(janus)            # the SFU that large channels go through
command -v redis-server >/dev/null || missing+=(redis-server) # cluster tests: Orleans membership and SignalR's backplane
if [ ${#missing[@]} -gt 0 ]; then
  echo "Installing Debian packages for the tests: ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi

echo "== client unit tests"
(cd src/Walkie.Client && npm ci --no-audit --no-fund --loglevel=error && npx vitest run)

echo "== server tests"
dotnet build Walkie.slnx --nologo -v quiet
dotnet test Walkie.slnx --nologo --no-build

echo "== browser tests"
(cd tests/browser && npm ci --no-audit --no-fund --loglevel=error && npm test --silent)
