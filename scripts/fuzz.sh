#!/usr/bin/env bash
# Builds the fuzz targets of tools/fuzz and runs each for a bounded time.
#
#   scripts/fuzz.sh [--seconds N] [--merge] [TARGET...]   (default: all targets, 20 s each)
#   scripts/fuzz.sh --seconds 0 --merge [TARGET...]       (only minimize into the committed corpus)
#
# Runs on the stable toolchain: `--sanitizer none` is the one cargo-fuzz mode
# that needs no `-Z` flag (see docs/reliability.md). Memory is bounded by
# libFuzzer's -rss_limit_mb and -max_len, and per allocation / live heap by
# the targets' own allocator guard (tools/fuzz/src/lib.rs), since
# -malloc_limit_mb needs a sanitizer's malloc hooks.
#
# New inputs go to a scratch corpus (tools/fuzz/target/corpus/TARGET) seeded
# from the committed one (tools/fuzz/corpus/TARGET), which stays untouched;
# --merge afterwards minimizes scratch + committed back into the committed
# corpus (libFuzzer -set_cover_merge=1, the -merge=1 variant that keeps the
# fewest inputs). Crashes land in tools/fuzz/artifacts/TARGET/
# (not committed) and fail the script.
set -euo pipefail
# shellcheck source=scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

SECONDS_EACH=20
MERGE=0
TARGETS=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    --seconds) SECONDS_EACH="$2"; shift 2 ;;
    --merge) MERGE=1; shift ;;
    -*) die "unknown option $1 (known: --seconds N, --merge)" ;;
    *) TARGETS+=("$1"); shift ;;
  esac
done

FUZZ_DIR="$ROOT/tools/fuzz"
WORK="$FUZZ_DIR/target/work"
# -max_len: bodies up to 16 KiB reach every branch a larger one does.
# -rss_limit_mb: the whole process; -timeout: one input, seconds.
LIBFUZZER_ARGS=(-max_len=16384 -rss_limit_mb=1024 -timeout=10 -print_final_stats=1)
FUZZ=(cargo fuzz)
# The same flags for build and run, or `run` rebuilds. More codegen units:
# a faster build of the core for slightly slower fuzzing.
BUILD=(--fuzz-dir "$FUZZ_DIR" --sanitizer none --codegen-units 16)

"$ROOT/scripts/install-cargo-fuzz.sh"
export PATH="$TOOLS_DIR/bin:$PATH"
cd "$ROOT"
if [[ ${#TARGETS[@]} -eq 0 ]]; then
  mapfile -t TARGETS < <("${FUZZ[@]}" list --fuzz-dir "$FUZZ_DIR")
fi

start=$(now)
say "cargo fuzz build (--sanitizer none, release with debug assertions)"
"${FUZZ[@]}" build "${BUILD[@]}"
say "built in $(( $(now) - start )) s"

mkdir -p "$WORK"
failed=()
for target in "${TARGETS[@]}"; do
  seeds="$FUZZ_DIR/corpus/$target"
  scratch="$WORK/corpus-$target"
  log="$WORK/$target.log"
  mkdir -p "$seeds" "$scratch"
  if [[ $SECONDS_EACH == 0 ]]; then
    : # --seconds 0: no fuzzing (with --merge: only minimize what is there)
  elif say "$target: ${SECONDS_EACH} s" && ! "${FUZZ[@]}" run "${BUILD[@]}" "$target" "$scratch" "$seeds" -- \
      "${LIBFUZZER_ARGS[@]}" -max_total_time="$SECONDS_EACH" >"$log" 2>&1; then
    failed+=("$target")
    tail -n 40 "$log" >&2
  fi
  # libFuzzer's closing lines: "#N DONE cov: C ft: F corp: K/Sb ..." and stat:: lines.
  [[ -f $log ]] || : >"$log"
  done_line="$(grep -E '^#[0-9]+[[:space:]]+DONE' "$log" | tail -n 1 || true)"
  execs="$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)"
  rate="$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -n 1)"
  rss="$(sed -n 's/^stat::peak_rss_mb: *//p' "$log" | tail -n 1)"
  printf '%-16s execs=%s exec/s=%s peak_rss_mb=%s %s\n' "$target" "${execs:-?}" "${rate:-?}" "${rss:-?}" \
    "$(sed -E 's/^#[0-9]+[[:space:]]+DONE[[:space:]]+//' <<<"$done_line")"
  if [[ $MERGE == 1 ]]; then
    merged="$WORK/merged-$target"
    rm -rf "$merged" && mkdir -p "$merged"
    # Set-cover merge on edges alone (no hit counts): the fewest inputs that
    # reach every edge the seeds and the run reached, a corpus small enough to commit.
    "${FUZZ[@]}" run "${BUILD[@]}" "$target" "$merged" "$seeds" "$scratch" -- \
      -set_cover_merge=1 -use_counters=0 "${LIBFUZZER_ARGS[@]}" >"$WORK/$target.merge.log" 2>&1
    rm -rf "$seeds" && mv "$merged" "$seeds"
    say "$target: corpus merged to $(find "$seeds" -type f | wc -l) files, $(du -sk "$seeds" | cut -f1) KiB"
  fi
done
say "fuzzing done in $(( $(now) - start )) s"
[[ ${#failed[@]} -eq 0 ]] || die "crashes in: ${failed[*]} (inputs in tools/fuzz/artifacts/; logs in $WORK)"
