#!/usr/bin/env bash
# Seed comparison: Walkie against the original design's Socket.io server, both driven by one Node driver.
#   bench/seed.sh [--pairs 50] [--rate 500] [--seconds 20] [--warmup 40] [--rounds 2]
#                 [--also-dll path/to/Walkie.Server.dll] [--also-warning-log] [--also-env NAME=VALUE]
# Each round runs the seed, then Walkie (then the extra rows), each server fresh and pinned to core 0, the driver on
# core 1. Writes bench/results/seed-<time>.md and .json (every run's result and server log in seed-<time>/).
#   --also-dll: adds a row for another Walkie build, e.g. an older commit's, under the same settings.
#   --also-warning-log: adds a row for this build with logging at Warning, which is not the default.
#   --also-env: adds a row for this build with one more environment variable, e.g. a runtime setting.
# The warm-up is long because .NET's tiered JIT, on the server's one core, keeps recompiling for about 30 s.
set -euo pipefail
cd "$(dirname "$0")/.."

pairs=50 rate=500 seconds=20 warmup=40 rounds=2 other_dll='' warning_row='' extra_env=''
while [ $# -gt 0 ]; do
  case $1 in
    --pairs) pairs=$2; shift 2 ;;
    --rate) rate=$2; shift 2 ;;
    --seconds) seconds=$2; shift 2 ;;
    --warmup) warmup=$2; shift 2 ;;
    --rounds) rounds=$2; shift 2 ;;
    --also-dll) other_dll=$(realpath -e "$2"); shift 2 ;;
    --also-warning-log) warning_row=1; shift ;;
    --also-env) extra_env=$2; shift 2 ;;
    *) echo "unknown option: $1" >&2; exit 2 ;;
  esac
done

dotnet build src/Walkie.Server -c Release -p:SkipClientBuild=true --nologo -v quiet
(cd bench/seed && npm ci --no-audit --no-fund --loglevel=error)
dll=$PWD/src/Walkie.Server/bin/Release/net10.0/Walkie.Server.dll

stamp=$(date -u +%Y%m%d-%H%M%S)
out=bench/results/seed-$stamp
mkdir -p "$out"

server='' driver=''
stop() { # PID variable names: stops each process this script started that still runs
  for name in "$@"; do
    if [ -n "${!name}" ]; then
      kill "${!name}" 2>/dev/null || true
      wait "${!name}" 2>/dev/null || true
      printf -v "$name" ''
    fi
  done
}
trap 'stop driver server' EXIT
trap 'exit 130' INT TERM

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# The content root is the build's own directory, so that build's appsettings.json applies: the product's default
# logging (Information). Every client comes from 127.0.0.1 and talks far faster than a person, so the per-address
# caps and the per-method budgets are lifted, as in bench/signaling.sh.
start_walkie() { # PORT LOG DLL [server options]
  local port=$1 log=$2 build=$3
  shift 3
  taskset -c 0 dotnet "$build" --contentRoot "$(dirname "$build")" --urls "http://127.0.0.1:$port" \
    --environment Benchmark --Walkie:RateLimits:Enabled=false \
    --Walkie:MaxConnectionsPerAddress=100000 --Walkie:MaxChannelsPerAddress=100000 "$@" >"$log" 2>&1 &
  server=$!
}

start_walkie_with() { # PORT LOG NAME=VALUE DLL
  local port=$1 log=$2 setting=$3
  shift 3
  local -x "${setting?}" # exported to the server only, for this call
  start_walkie "$port" "$log" "$@"
}

start_seed() { # PORT LOG
  taskset -c 0 node bench/seed/server.mjs --port "$1" >"$2" 2>&1 &
  server=$!
}

measure() { # ROUND INDEX LABEL TARGET START_FUNCTION [its arguments after PORT LOG]
  local round=$1 index=$2 label=$3 target=$4 start=$5
  shift 5
  local port name
  port=$(free_port)
  name=$out/$(printf '%02d-%d' "$round" "$index")
  "$start" "$port" "$name.log" "$@"
  for _ in $(seq 100); do
    curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && break
    kill -0 "$server" 2>/dev/null || break
    sleep 0.1
  done
  if ! curl -sf "http://127.0.0.1:$port/healthz" >/dev/null; then
    echo "$label did not start; its log:" >&2
    cat "$name.log" >&2
    exit 1
  fi
  # In the background, so that a signal to this script stops the driver at once too.
  taskset -c 1 node bench/seed/driver.mjs --target "$target" --url "http://127.0.0.1:$port" --server-pid "$server" \
    --pairs "$pairs" --rate "$rate" --seconds "$seconds" --warmup "$warmup" \
    --label "$label" --round "$round" --out "$name.json" &
  driver=$!
  wait "$driver"
  driver=''
  stop server
}

seed_version=$(node -p 'require("./bench/seed/node_modules/socket.io/package.json").version')
seed_label="seed (Socket.io $seed_version)"
cat >"$out/meta.json" <<EOF
{ "date": "$(date -u +%Y-%m-%dT%H:%M:%SZ)", "pairs": $pairs, "rate": $rate, "seconds": $seconds, "warmup": $warmup,
  "rounds": $rounds, "seedLabel": "$seed_label",
  "runtime": "$(uname -sr), .NET $(dotnet --list-runtimes | awk '/AspNetCore/ { v = $2 } END { print v }'), Node $(node --version)" }
EOF

for round in $(seq "$rounds"); do
  measure "$round" 1 "$seed_label" seed start_seed
  measure "$round" 2 Walkie walkie start_walkie "$dll"
  if [ -n "$warning_row" ]; then
    measure "$round" 3 'Walkie, logging at Warning (not the default)' walkie start_walkie "$dll" \
      --Logging:LogLevel:Default=Warning
  fi
  if [ -n "$extra_env" ]; then
    measure "$round" 4 "Walkie with $extra_env (not the default)" walkie start_walkie_with "$extra_env" "$dll"
  fi
  if [ -n "$other_dll" ]; then
    measure "$round" 5 "Walkie, other build ($other_dll)" walkie start_walkie "$other_dll"
  fi
done

node bench/seed/report.mjs "$out" "$out"
