#!/usr/bin/env bash
# Cold debug builds of a downstream app of the async client, one per row:
# `none` (untyped calls only), `three` (three typed groups), `all` (every
# group enabled). Prints wall time, the peak RSS of the largest rustc
# process and of the zoom-phone crate, and the load average before and after.
#
#   tools/build-cost/run.sh [none|three|all ...]     (default: all three rows)
#
# Uses its own target dir (BUILD_COST_TARGET, default /tmp/zoom-phone-build-cost)
# and removes it before each row, so every row starts cold (dependencies
# included). Jobs: CARGO_BUILD_JOBS, default the machine's cores.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
target="${BUILD_COST_TARGET:-/tmp/zoom-phone-build-cost}"
rows=("$@")
[ ${#rows[@]} -eq 0 ] && rows=(none three all)
command -v /usr/bin/time >/dev/null || { echo "needs /usr/bin/time (apt-get install time)" >&2; exit 2; }
# Fetch once, outside the timing.
cargo fetch -q --manifest-path "$here/Cargo.toml"
printf '| row | wall | peak rustc RSS (crate) | zoom-phone rustc: time, RSS | load before -> after |\n|---|---|---|---|---|\n'
for row in "${rows[@]}"; do
    rm -rf "$target"
    log="$(mktemp)"
    load_before="$(cut -d' ' -f1-3 /proc/loadavg)"
    start=$(date +%s.%N)
    BUILD_COST_LOG="$log" RUSTC_WRAPPER="$here/rustc-rss.sh" CARGO_TARGET_DIR="$target" \
        CARGO_INCREMENTAL=0 cargo build -q --offline --manifest-path "$here/Cargo.toml" --features "$row"
    end=$(date +%s.%N)
    load_after="$(cut -d' ' -f1-3 /proc/loadavg)"
    wall=$(echo "$end - $start" | bc)
    peak=$(sort -k2 -n "$log" | tail -1)
    core=$(grep '^zoom_phone ' "$log" | head -1)
    printf '| %s | %.0f s | %.2f GB (%s) | %s s, %.2f GB | %s -> %s |\n' "$row" "$wall" \
        "$(echo "$peak" | awk '{print $2/1048576}')" "$(echo "$peak" | awk '{print $1}')" \
        "$(echo "$core" | awk '{print $3}')" "$(echo "$core" | awk '{print $2/1048576}')" \
        "$load_before" "$load_after"
    cp "$log" "$target.$row.log"
    rm -f "$log"
done
