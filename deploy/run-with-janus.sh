#!/usr/bin/env bash
# Runs Walkie with a local Janus, both on this machine, for trying large channels: every channel of more than
# MESH_LIMIT people (default 2, so a third joiner shows the switch) goes through Janus.
#   deploy/run-with-janus.sh [MESH_LIMIT]        MESH_LIMIT 0 puts every channel through Janus
# Janus runs from a copy of deploy/janus with fresh secrets, on ws://127.0.0.1:18188 so it never meets the system's
# own Janus service (which the Debian package starts on 8188).
set -euo pipefail
cd "$(dirname "$0")/.."

command -v janus >/dev/null || { echo "Janus is not installed: apt-get install -y janus" >&2; exit 1; }
mesh_limit=${1:-2}
port=18188
secret=$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')
admin_key=$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')
work=$(mktemp -d)
trap 'kill "${janus_pid:-}" 2>/dev/null || true; rm -rf "$work"' EXIT

cp deploy/janus/*.jcfg "$work/"
sed -i "s/\"CHANGE-ME-to-a-long-random-api-secret\"/\"$secret\"/" "$work/janus.jcfg"
sed -i "s/\"CHANGE-ME-to-a-long-random-admin-key\"/\"$admin_key\"/" "$work/janus.plugin.videoroom.jcfg" "$work/janus.plugin.streaming.jcfg"
sed -i "s/ws_port = 8188/ws_port = $port/" "$work/janus.transport.websockets.jcfg"
if grep -h CHANGE-ME "$work"/*.jcfg | grep -qv '^\s*#'; then
  echo "deploy/janus has a CHANGE-ME this script does not fill in" >&2; exit 1
fi

janus -F "$work" -o -N > "$work/janus.log" 2>&1 &
janus_pid=$!
for _ in $(seq 1 50); do
  (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break
  kill -0 "$janus_pid" 2>/dev/null || { echo "Janus did not start:" >&2; cat "$work/janus.log" >&2; exit 1; }
  sleep 0.1
done
echo "Janus listening on ws://127.0.0.1:$port (log: $work/janus.log); channels over $mesh_limit people go through it"

Walkie__Sfu__JanusUrl="ws://127.0.0.1:$port" \
Walkie__Sfu__AdminKey="$admin_key" \
Walkie__Sfu__ApiSecret="$secret" \
Walkie__Sfu__MeshLimit="$mesh_limit" \
  dotnet run --project src/Walkie.Server
