#!/usr/bin/env bash
# The conformance run (docs/conformance.md): Stoplight Prism mocks Zoom's spec on
# a free loopback port; the Rust, Node and Python clients each call all 391
# operations with the same example parameters; the checker compares their
# verdicts with each other and with the exceptions table. Prism is stopped when
# the run ends, fails or is interrupted.
#
# Needs: Prism (scripts/install-prism.sh), the npm package installed in
# js-examples (make js-deps) and the wheel in .venv (make python); `make
# conformance` provides all three.
set -euo pipefail
# shellcheck source=scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

cargo=${CARGO:-cargo}
spec_dir=${ZOOM_SPEC_DIR:-$ROOT/../shared/zoom-spec}
spec="$spec_dir/phone-api.openapi.json"
venv=${ZOOM_PHONE_VENV:-$ROOT/.venv}
prism="$ROOT/tools/conformance/node_modules/.bin/prism"
[[ -f "$spec" ]] || die "no spec at $spec (set ZOOM_SPEC_DIR)"
[[ -x "$prism" ]] || die "Prism is not installed: run scripts/install-prism.sh"

start=$(now)
"$cargo" build -q -p zoom-phone-conformance
target_dir=$("$cargo" metadata --format-version 1 --no-deps \
  | sed -n 's/.*"target_directory":"\([^"]*\)".*/\1/p')
tool="$target_dir/debug/zoom-phone-conformance"
out="$target_dir/conformance"
mkdir -p "$out"
rm -f "$out"/{rust,node,python}.json
"$tool" examples "$spec" "$out/examples.json"

# A port the kernel just handed out and released: free unless raced.
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
log="$out/prism.log"
"$prism" mock -h 127.0.0.1 -p "$port" "$spec" >"$log" 2>&1 &
pid=$!
stop() {
  kill "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
}
trap stop EXIT
trap 'exit 130' INT TERM

# Prism parses the spec before listening (~10 s on this spec).
for _ in $(seq 1 600); do
  if grep -q 'Prism is listening' "$log" 2>/dev/null; then break; fi
  if ! kill -0 "$pid" 2>/dev/null; then
    cat "$log" >&2
    die "Prism exited before listening"
  fi
  sleep 0.1
done
grep -q 'Prism is listening' "$log" || die "Prism did not start within 60 s (log: $log)"
base="http://127.0.0.1:$port"
say "Prism $("$prism" --version) mocking $(basename "$spec") at $base (pid $pid)"

for host in rust node python; do
  t=$(now)
  case $host in
    rust) "$tool" run "$out/examples.json" "$base" "$out/rust.json" ;;
    node) node "$ROOT/tools/conformance/run-node.mjs" "$out/examples.json" "$base" "$out/node.json" ;;
    python) "$venv/bin/python" "$ROOT/tools/conformance/run_python.py" "$out/examples.json" "$base" "$out/python.json" ;;
  esac
  say "$host: every operation called in $(( $(now) - t )) s"
done

"$tool" check "$out" "$ROOT/docs/conformance.md"
say "conformance run took $(( $(now) - start )) s (results in $out)"
