#!/usr/bin/env bash
# Runs a command with the mock Zoom server up:
#   scripts/with-mock.sh COMMAND [ARGS...]
# builds and starts tools/mock-server in the background on a free port,
# exports ZOOM_PHONE_MOCK_URL (http://127.0.0.1:PORT; OAuth under it, the API under
# /v2, the admin API under /_admin), runs the command, and stops the server
# when the command ends, fails or is interrupted. Extra server flags:
# MOCK_ARGS="--rate-limits pro".
set -euo pipefail

cargo=${CARGO:-cargo}
"$cargo" build -q -p zoom-phone-mock
target_dir=$("$cargo" metadata --format-version 1 --no-deps \
  | sed -n 's/.*"target_directory":"\([^"]*\)".*/\1/p')
work=$(mktemp -d)
# shellcheck disable=SC2086 # MOCK_ARGS is a list of flags
"$target_dir/debug/zoom-phone-mock" --port-file "$work/port" ${MOCK_ARGS:-} \
  >"$work/server.log" 2>&1 &
pid=$!
stop() {
  kill "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  rm -rf "$work"
}
trap stop EXIT
trap 'exit 130' INT TERM

# The port file is written before the server prints its listening line.
for _ in $(seq 1 200); do
  if grep -q 'listening on' "$work/server.log" 2>/dev/null; then break; fi
  if ! kill -0 "$pid" 2>/dev/null; then
    echo "with-mock: the mock server exited:" >&2
    cat "$work/server.log" >&2
    exit 1
  fi
  sleep 0.05
done
port=$(cat "$work/port")
export ZOOM_PHONE_MOCK_URL="http://127.0.0.1:$port"
echo "with-mock: mock Zoom at $ZOOM_PHONE_MOCK_URL (pid $pid)" >&2
"$@"
