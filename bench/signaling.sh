#!/usr/bin/env bash
# Signaling load benchmark: a Release Walkie.Server pinned to core 0, the load generator pinned to core 1.
#   bench/signaling.sh [generator options, e.g. --clients 5000 --churn 500,1000 --step-seconds 5]
# Writes bench/results/signaling-<time>.json and .md and prints the summary.
# SERVER_ARGS adds server options for an experiment, e.g. SERVER_ARGS="--Walkie:TransmitLimit=00:00:00".
set -euo pipefail
cd "$(dirname "$0")/.."

dotnet build src/Walkie.Server -c Release -p:SkipClientBuild=true --nologo -v quiet
dotnet build bench/Walkie.LoadGen -c Release --nologo -v quiet

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
# Per-event console logging would measure the console, not Walkie: the server logs warnings only here.
# Every generated client comes from 127.0.0.1 and presses far faster than a person, so the per-address caps and the
# per-method budgets are lifted: this measures capacity, and the protections have their own tests.
taskset -c 0 dotnet src/Walkie.Server/bin/Release/net10.0/Walkie.Server.dll \
  --urls "http://127.0.0.1:$port" --environment Benchmark --Logging:LogLevel:Default=Warning \
  --Walkie:RateLimits:Enabled=false --Walkie:MaxConnectionsPerAddress=1000000 --Walkie:MaxChannelsPerAddress=1000000 \
  ${SERVER_ARGS:-} &
server=$!
trap 'kill $server 2>/dev/null || true; wait $server 2>/dev/null || true' EXIT
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.1; done

taskset -c 1 dotnet bench/Walkie.LoadGen/bin/Release/net10.0/Walkie.LoadGen.dll \
  --url "http://127.0.0.1:$port" --server-pid "$server" --out bench/results "$@"
