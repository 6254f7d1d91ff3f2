#!/usr/bin/env bash
# The whole benchmark (`make bench`): the core (criterion), Node and Python
# against one release build of tools/mock-server on loopback (rate limits off),
# sizes; JSON under target/bench/, then docs/benchmarks.md rendered from it.
#   tools/bench/run.sh            full run (~4 min on a quiet 2-core machine)
#   BENCH_QUICK=1 tools/bench/run.sh   short run for development (doc not written)
#   BENCH_SMOKE=1 tools/bench/run.sh   make test's smoke: every part runs end to end on
#     tiny sizes with debug builds, into target/bench-smoke/; its numbers mean nothing
# Expects bindings-wasm/dist (make wasm) and target/wheels/zoom_phone-*.whl
# (make python); the Makefile target builds both first.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
TARGET="$(cargo metadata --format-version 1 --no-deps | sed -n 's/.*"target_directory":"\([^"]*\)".*/\1/p')"
OUT="$TARGET/bench"
BENCH="$ROOT/tools/bench"
say() { printf '==> %s\n' "$*" >&2; }

# The mock and the criterion benchmarks are release builds, except in the
# smoke, which reuses the debug builds make test has made.
build=(--release)
profile=release
if [[ "${BENCH_SMOKE:-0}" == 1 ]]; then
  OUT="$TARGET/bench-smoke"
  export BENCH_ROUNDS=1 BENCH_SEQ_CALLS=20 BENCH_CONC_CALLS=50
  criterion_args=(--warm-up-time 0.01 --measurement-time 0.05 --sample-size 10)
  build=()
  profile=debug
elif [[ "${BENCH_QUICK:-0}" == 1 ]]; then
  export BENCH_ROUNDS=${BENCH_ROUNDS:-2} BENCH_SEQ_CALLS=${BENCH_SEQ_CALLS:-200} BENCH_CONC_CALLS=${BENCH_CONC_CALLS:-200}
  criterion_args=(--warm-up-time 0.2 --measurement-time 0.5 --sample-size 10)
else
  export BENCH_ROUNDS=${BENCH_ROUNDS:-7}
  criterion_args=()
fi

mkdir -p "$OUT"
python3 "$BENCH/report.py" machine-start "$OUT/machine.json"

say "building the mock server and the core benchmarks ($profile)"
cargo build "${build[@]}" -q -p zoom-phone-mock
bench=(cargo bench -q -p zoom-phone-bench --bench core)
[[ $profile == debug ]] && bench+=(--profile dev)
"${bench[@]}" --no-run

work=$(mktemp -d)
"$TARGET/$profile/zoom-phone-mock" --port-file "$work/port" --log-capacity 1000 >"$work/server.log" 2>&1 &
mock_pid=$!
stop() {
  kill "$mock_pid" 2>/dev/null || true
  wait "$mock_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap stop EXIT
trap 'exit 130' INT TERM
for _ in $(seq 1 200); do
  grep -q 'listening on' "$work/server.log" 2>/dev/null && break
  kill -0 "$mock_pid" 2>/dev/null || { cat "$work/server.log" >&2; exit 1; }
  sleep 0.05
done
export ZOOM_PHONE_MOCK_URL="http://127.0.0.1:$(cat "$work/port")"
say "mock ($profile) at $ZOOM_PHONE_MOCK_URL"

# One 300-record call-history page, the fixture every parse benchmark reads.
# (python3, which every part needs anyway, rather than curl, which a fresh machine may lack)
python3 - "$ZOOM_PHONE_MOCK_URL" "$OUT/page-300.json" <<'PY'
import json, sys, urllib.request
base, out = sys.argv[1], sys.argv[2]
minted = urllib.request.Request(f"{base}/_admin/tokens", data=b"{}", headers={"content-type": "application/json"})
token = json.load(urllib.request.urlopen(minted))["access_token"]
page = urllib.request.Request(f"{base}/v2/phone/call_history?page_size=300", headers={"authorization": f"Bearer {token}"})
with open(out, "wb") as f:
    f.write(urllib.request.urlopen(page).read())
PY
export ZOOM_BENCH_PAGE="$OUT/page-300.json"

say "core: criterion"
"${bench[@]}" -- "${criterion_args[@]}" >&2
python3 "$BENCH/report.py" core "$TARGET/criterion" "$OUT/core.json"

say "node: ours vs @zoom/rivet vs fetch + JSON.parse"
"$ROOT/scripts/npm-install.sh" "$BENCH/node" --no-package-lock >&2
BENCH_OUT="$OUT/node.json" node "$BENCH/node/bench.mjs"

say "python: ours vs zoomus vs httpx + json (venv $OUT/venv)"
venv="$OUT/venv"
[[ -x "$venv/bin/python" ]] || python3 -m venv "$venv"
"$venv/bin/python" -m pip install -q --disable-pip-version-check -r "$BENCH/python/requirements.txt"
# make python writes the wheel into the repo's target/wheels, whatever CARGO_TARGET_DIR says.
wheel=$(ls "$ROOT"/target/wheels/zoom_phone-*.whl)
"$venv/bin/python" -m pip install -q --disable-pip-version-check --force-reinstall --no-deps "$wheel"
BENCH_OUT="$OUT/python.json" "$venv/bin/python" "$BENCH/python/bench.py"

say "sizes"
python3 "$BENCH/report.py" sizes "$OUT/sizes.json" "$ROOT/bindings-wasm/dist" "$BENCH/node/node_modules" "$wheel"
python3 "$BENCH/report.py" machine-end "$OUT/machine.json"

if [[ "${BENCH_QUICK:-0}" == 1 || "${BENCH_SMOKE:-0}" == 1 ]]; then
  python3 "$BENCH/report.py" render "$OUT" "$OUT/benchmarks.md"
  say "short run: rendered to $OUT/benchmarks.md (docs/benchmarks.md left alone)"
  # Each host's table came out: Node, Python sync and Python async each have a per-call row.
  rows=$(grep -c '^| per call, ' "$OUT/benchmarks.md" || true)
  [[ $rows == 3 ]] || { echo "bench: expected 3 per-call rows (Node, Python sync, async), found $rows" >&2; exit 1; }
else
  python3 "$BENCH/report.py" render "$OUT" "$ROOT/docs/benchmarks.md"
  say "wrote docs/benchmarks.md"
fi
