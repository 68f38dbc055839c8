#!/usr/bin/env bash
# Hostile-client benchmark: runs each attack of the hardening issue against a fresh Walkie server and prints one
# table of figures, so that one build can be compared with another on the same machine.
#   bench/attacks.sh [SERVER] [--only NAME[,NAME...]]
# SERVER is a Walkie.Server.dll, a directory holding one, or a Walkie checkout (built here in Release); by default
# this checkout. Writes bench/results/attacks-<time>.md. The server runs on core 0 with its heap capped at 768 MiB,
# so that a memory attack ends in a crash to report rather than in a swapping machine; the attacker runs on core 1.
set -euo pipefail
cd "$(dirname "$0")/.."

all="slow-reader connection-flood negotiate-flood passcode-guess member-flood channel-squat precreate floor-hog log-flood refresh-ice http"
usage() { echo "usage: bench/attacks.sh [SERVER] [--only NAME[,NAME...]]   names: $all" >&2; exit 2; }
server_arg="" only=""
while [ $# -gt 0 ]; do
  case "$1" in
    --only) [ $# -ge 2 ] || usage; only=${2//,/ }; shift 2 ;;
    -h|--help) usage ;;
    *) server_arg=$1; shift ;;
  esac
done
for name in $only; do [[ " $all " == *" $name "* ]] || usage; done

build() { dotnet build "$1/src/Walkie.Server" -c Release -p:SkipClientBuild=true --nologo -v quiet >&2; }
if [ -z "$server_arg" ]; then
  build . && dll=src/Walkie.Server/bin/Release/net10.0/Walkie.Server.dll
elif [ -f "$server_arg" ]; then
  dll=$server_arg
elif [ -f "$server_arg/Walkie.Server.dll" ]; then
  dll=$server_arg/Walkie.Server.dll
elif [ -f "$server_arg/src/Walkie.Server/Walkie.Server.csproj" ]; then
  build "$server_arg" && dll=$server_arg/src/Walkie.Server/bin/Release/net10.0/Walkie.Server.dll
else
  echo "no Walkie.Server.dll in $server_arg" >&2; exit 2
fi
dll=$(realpath "$dll")
dotnet build bench/Walkie.Attack -c Release --nologo -v quiet >&2
tool=bench/Walkie.Attack/bin/Release/net10.0/Walkie.Attack.dll

# The server's content root: its appsettings files, as deployed, and a wwwroot so that GET / reaches the static
# files. A Release build without the client has no wwwroot; a one-line page stands in for it.
work=$(mktemp -d)
server=""
stop_server() {
  [ -n "$server" ] || return 0
  kill "$server" 2>/dev/null || true
  for _ in $(seq 100); do kill -0 "$server" 2>/dev/null || break; sleep 0.1; done
  kill -9 "$server" 2>/dev/null || true
  wait "$server" 2>/dev/null || true
  server=""
}
trap 'stop_server; rm -rf "$work"' EXIT
mkdir "$work/root"
cp "$(dirname "$dll")"/appsettings*.json "$work/root/" 2>/dev/null || true
client="the built client"
for dir in "$(dirname "$dll")/wwwroot" "$(dirname "$dll")/../../../wwwroot"; do
  if [ -f "$dir/index.html" ]; then ln -s "$(realpath "$dir")" "$work/root/wwwroot"; break; fi
done
if [ ! -e "$work/root/wwwroot" ]; then
  mkdir "$work/root/wwwroot"; echo '<!doctype html><title>Walkie</title>' > "$work/root/wwwroot/index.html"
  client="a stand-in index.html (no client build)"
fi

rows=$work/rows.md
runs=0
quiet="--Logging:LogLevel:Default=Warning"
# Starts a fresh server with the given options; sets $server (its pid), $port and $log.
start_server() {
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  runs=$((runs + 1))
  log=$work/server-$runs-$1.log
  shift
  (cd "$work/root" && DOTNET_GCHeapHardLimit=0x30000000 exec taskset -c 0 dotnet "$dll" \
     --urls "http://127.0.0.1:$port" --environment Benchmark "$@") >"$log" 2>&1 &
  server=$!
  for _ in $(seq 150); do curl -sf -m 1 "http://127.0.0.1:$port/healthz" >/dev/null && return 0; sleep 0.1; done
  return 1
}

# Runs one attack of the tool against its own server and adds its rows, then how the server came out of it.
#   attack NAME[=LABEL] [SERVER OPTION...]
attack() {
  local name=${1%%=*} label=${1#*=}
  shift
  echo "== $label" >&2
  if ! start_server "$name" "$@"; then
    echo "| $label | server | did not start: $(tail -n 3 "$log" | tr '\n|' ' /') |" | tee -a "$rows"
    stop_server; return 0
  fi
  timeout -k 5 180 taskset -c 1 dotnet "$tool" --attack "$name" --url "http://127.0.0.1:$port" \
    --server-pid "$server" --server-log "$log" --as "$label" | tee -a "$rows" || echo "| $label | attacker | exited with an error |" | tee -a "$rows"
  local state
  if kill -0 "$server" 2>/dev/null && [ "$(awk '/^State:/ {print $2}' "/proc/$server/status" 2>/dev/null)" != Z ]; then
    if curl -sf -m 5 "http://127.0.0.1:$port/healthz" >/dev/null; then state="alive, /healthz answers"
    else state="alive, but /healthz does not answer within 5 s"; fi
  else
    local rc=0
    wait "$server" || rc=$?
    state="CRASHED (exit code $rc)"
    server=""
  fi
  # A server at its heap cap may live on, failing calls: say so, and count the failures its log records.
  local oom
  oom=$(grep -c 'OutOfMemoryException' "$log" || true)
  [ "$oom" -eq 0 ] || state="$state; OutOfMemoryException on $oom lines of its log"
  grep -q 'Too many open files' "$log" && state="$state; 'Too many open files' in its log"
  echo "| $label | server after the attack | $state |" | tee -a "$rows"
  stop_server
}

# Rates depend on what else the machine is doing: record how busy it was.
load=$(cut -d' ' -f1-3 /proc/loadavg)
selected() { [ -z "$only" ] || [[ " $only " == *" $1 "* ]]; }
selected slow-reader && attack slow-reader $quiet
selected connection-flood && attack connection-flood $quiet
selected negotiate-flood && attack negotiate-flood $quiet
selected passcode-guess && attack passcode-guess $quiet
selected member-flood && { attack member-flood $quiet; attack floor-amplification $quiet; }
selected channel-squat && attack channel-squat $quiet
selected precreate && attack precreate $quiet
selected floor-hog && attack floor-hog $quiet --Walkie:TransmitLimit=00:00:02
# The log attacks keep the configured logging (Information), then turn it up to Trace: first the default level only
# (appsettings.json keeps Microsoft.AspNetCore at Warning), then the framework's too.
selected log-flood && {
  attack log-flood
  attack "log-secrets=log-secrets (Default=Trace)" --Logging:LogLevel:Default=Trace
  attack "log-secrets=log-secrets (Default and Microsoft.AspNetCore=Trace)" \
    --Logging:LogLevel:Default=Trace --Logging:LogLevel:Microsoft.AspNetCore=Trace
}
selected refresh-ice && attack refresh-ice $quiet --Walkie:Turn:Enabled=true \
  --Walkie:Turn:Secret=0123456789abcdef0123 --Walkie:Turn:Urls:0=turn:127.0.0.1:3478
selected http && attack http $quiet

commit=$(git -C "$(dirname "$dll")" rev-parse --short HEAD 2>/dev/null || echo "unknown")
git -C "$(dirname "$dll")" diff --quiet HEAD -- ':/src' 2>/dev/null || commit="$commit with local changes"
mkdir -p bench/results
out=bench/results/attacks-$(date -u +%Y%m%d-%H%M%S).md
# The servers' logs go next to the table: a crash's reason and the log attacks' evidence are in them.
mkdir -p "${out%.md}-logs" && cp "$work"/server-*.log "${out%.md}-logs/" 2>/dev/null || true
{
  echo "### Attacks on Walkie, $(date -u '+%Y-%m-%d %H:%M UTC')"
  echo
  echo "Machine: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(grep -c ^processor /proc/cpuinfo) cores;" \
       "server on core 0 with a 768 MiB heap cap, attacker on core 1. Server: Walkie.Server built from commit $commit," \
       "a fresh process per attack; GET / serves $client. Load average before the run: $load."
  echo
  echo "| attack | figure | value |"
  echo "|---|---|---|"
  cat "$rows"
} > "$out"
echo
cat "$out"
echo
echo "results: $out (server logs in ${out%.md}-logs/)"
