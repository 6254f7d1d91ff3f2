#!/usr/bin/env bash
# RUSTC_WRAPPER for run.sh: runs rustc under /usr/bin/time and appends
# "<crate> <peak RSS KiB> <seconds>" to $BUILD_COST_LOG.
set -u
rustc="$1"
shift
crate="?"
prev=""
for arg in "$@"; do
    if [ "$prev" = "--crate-name" ]; then crate="$arg"; fi
    prev="$arg"
done
stats="$(mktemp)"
/usr/bin/time -f "%M %e" -o "$stats" "$rustc" "$@"
status=$?
if [ "$crate" != "?" ]; then
    echo "$crate $(cat "$stats")" >>"$BUILD_COST_LOG"
fi
rm -f "$stats"
exit $status
