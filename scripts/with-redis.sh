#!/usr/bin/env bash
# Runs a command with a throwaway Redis up:
#   scripts/with-redis.sh COMMAND [ARGS...]
# starts Debian's redis-server on a free loopback port without persistence,
# exports ZOOM_PHONE_REDIS_URL (redis://127.0.0.1:PORT) and ZOOM_PHONE_REDIS_PORT,
# runs the command, and stops the server when the command ends, fails or is
# interrupted. Tests that kill and restart it use the port.
set -euo pipefail
command -v redis-server >/dev/null || {
  echo "with-redis: redis-server is missing (scripts/install-redis.sh)" >&2
  exit 1
}
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
work=$(mktemp -d)
redis-server --port "$port" --bind 127.0.0.1 --save "" --appendonly no \
  --dir "$work" >"$work/redis.log" 2>&1 &
pid=$!
stop() {
  kill "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  rm -rf "$work"
}
trap stop EXIT
trap 'exit 130' INT TERM
for _ in $(seq 1 200); do
  if redis-cli -p "$port" ping >/dev/null 2>&1; then break; fi
  if ! kill -0 "$pid" 2>/dev/null; then
    echo "with-redis: redis-server exited:" >&2
    cat "$work/redis.log" >&2
    exit 1
  fi
  sleep 0.05
done
export ZOOM_PHONE_REDIS_URL="redis://127.0.0.1:$port"
export ZOOM_PHONE_REDIS_PORT="$port"
echo "with-redis: redis at $ZOOM_PHONE_REDIS_URL (pid $pid)" >&2
"$@"
