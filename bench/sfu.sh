#!/usr/bin/env bash
# SFU scale benchmark: real Janus and Walkie, two Chromium talkers, N werift listeners in worker processes.
#   bench/sfu.sh [--listeners 50,100,200,300] [--workers 2] [--window 10] [--changes 8] [--talk 2] [--gap 1] [--late 3]
set -euo pipefail
cd "$(dirname "$0")/.."
missing=()
command -v chromium >/dev/null || missing+=(chromium)
command -v janus >/dev/null || missing+=(janus)
if [ ${#missing[@]} -gt 0 ]; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi
dotnet build src/Walkie.Server --nologo -v quiet
# npm ci empties node_modules first; skip it when the install is already that of the lock file, so browser tests
# running from the same checkout keep their packages.
for dir in tests/browser bench/sfu; do
  if [ ! "$dir/node_modules/.package-lock.json" -nt "$dir/package-lock.json" ]; then
    (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error)
  fi
done
node bench/sfu/sfu.mjs "$@"
