#!/usr/bin/env bash
# Signaling load benchmark: Release Walkie.Server node(s) pinned to core 0, the load generator pinned to core 1.
#   bench/signaling.sh [--cluster N] [generator options, e.g. --clients 5000 --churn 500,1000 --step-seconds 5]
# --cluster N runs N nodes of one cluster (Orleans over a local redis-server, SignalR's Redis backplane) instead of
# one node on its own; each room's members are dealt over the nodes, so every event crosses nodes.
# Writes bench/results/signaling-<time>.json and .md and prints the summary.
# SERVER_ARGS adds server options for an experiment, e.g. SERVER_ARGS="--Walkie:TransmitLimit=00:00:00".
set -euo pipefail
cd "$(dirname "$0")/.."

nodes=0
if [ "${1:-}" = "--cluster" ]; then nodes=$2; shift 2; fi

dotnet build src/Walkie.Server -c Release -p:SkipClientBuild=true --nologo -v quiet
dotnet build bench/Walkie.LoadGen -c Release --nologo -v quiet

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
pids=()
dir=$(mktemp -d)
redis=""
# Nodes first, and Redis once they are gone: a node stopping after Redis waits a minute to write itself out of the
# cluster's membership table.
stop() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
  [ -n "$redis" ] && { kill "$redis" 2>/dev/null || true; wait "$redis" 2>/dev/null || true; }
  rm -rf "$dir"
}
trap stop EXIT

# Per-event console logging would measure the console, not Walkie: the server logs warnings only here.
# Every generated client comes from 127.0.0.1 and presses far faster than a person, so the per-address caps and the
# per-method budgets are lifted: this measures capacity, and the protections have their own tests.
common=(--environment Benchmark --Logging:LogLevel:Default=Warning
  --Walkie:RateLimits:Enabled=false --Walkie:MaxConnectionsPerAddress=1000000 --Walkie:MaxChannelsPerAddress=1000000)
cluster=()
count=1
if [ "$nodes" -gt 0 ]; then
  command -v redis-server >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server >/dev/null; }
  redis_port=$(free_port)
  taskset -c 0 redis-server --port "$redis_port" --bind 127.0.0.1 --dir "$dir" --save "" --appendonly yes >/dev/null &
  redis=$!
  cluster=(--Walkie:Cluster:Redis="127.0.0.1:$redis_port" --Walkie:Cluster:AdvertisedAddress=127.0.0.1
    --Walkie:Resume:Key=benchmark-resume-key-0123456789abcdef)
  count=$nodes
fi
urls=()
for _ in $(seq "$count"); do
  port=$(free_port)
  silo=()
  [ "$nodes" -gt 0 ] && silo=(--Walkie:Cluster:SiloPort="$(free_port)")
  taskset -c 0 dotnet src/Walkie.Server/bin/Release/net10.0/Walkie.Server.dll --urls "http://127.0.0.1:$port" \
    "${common[@]}" "${cluster[@]}" "${silo[@]}" ${SERVER_ARGS:-} &
  pids+=($!)
  urls+=("http://127.0.0.1:$port")
done
for url in "${urls[@]}"; do
  for _ in $(seq 300); do curl -sf "$url/healthz" >/dev/null && break; sleep 0.1; done
done

join() { local IFS=,; echo "$*"; }
taskset -c 1 dotnet bench/Walkie.LoadGen/bin/Release/net10.0/Walkie.LoadGen.dll \
  --url "$(join "${urls[@]}")" --server-pid "$(join "${pids[@]}")" --out bench/results "$@"
