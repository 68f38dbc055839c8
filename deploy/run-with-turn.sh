#!/usr/bin/env bash
# Runs Walkie with a local coturn on loopback, sharing a freshly generated secret. For trying TURN on one machine:
# both browsers must run here too, since this coturn only listens on 127.0.0.1.
#   deploy/run-with-turn.sh [--relay]     --relay makes browsers use TURN only, to prove the relay path works
set -euo pipefail
cd "$(dirname "$0")/.."

command -v turnserver >/dev/null || { echo "coturn is not installed: apt-get install -y coturn" >&2; exit 1; }
policy=all
[ "${1:-}" = "--relay" ] && policy=relay

secret=$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')
work=$(mktemp -d)
trap 'kill "${turn_pid:-}" 2>/dev/null || true; rm -rf "$work"' EXIT

# Local trial only: allow-loopback-peers is needed because both browsers are on this machine.
# deploy/coturn/turnserver.conf is the production sample, which refuses loopback and private peers.
cat > "$work/turnserver.conf" <<CONF
listening-ip=127.0.0.1
relay-ip=127.0.0.1
listening-port=3478
min-port=49152
max-port=49452
use-auth-secret
static-auth-secret=$secret
realm=walkie.local
fingerprint
no-tls
no-dtls
no-cli
no-multicast-peers
allow-loopback-peers
userdb=$work/turndb
pidfile=$work/turnserver.pid
log-file=$work/turnserver.log
simple-log
CONF
turnserver -c "$work/turnserver.conf" >/dev/null 2>&1 &
turn_pid=$!
echo "coturn listening on 127.0.0.1:3478 (log: $work/turnserver.log)"

Walkie__Turn__Enabled=true \
Walkie__Turn__Urls__0="turn:127.0.0.1:3478?transport=udp" \
Walkie__Turn__Urls__1="turn:127.0.0.1:3478?transport=tcp" \
Walkie__Turn__Secret="$secret" \
Walkie__IceTransportPolicy="$policy" \
  dotnet run --project src/Walkie.Server
