#!/usr/bin/env bash
# Installs cargo-fuzz (crates.io, pinned version, --locked) into .tools/,
# skipping it when that version is already there. Idempotent.
#
# cargo-fuzz runs on the stable toolchain only with `--sanitizer none`: every
# sanitizer needs `-Zsanitizer`, a nightly flag, and no nightly can be fetched
# on these machines. The coverage instrumentation libFuzzer needs
# (`-Cpasses=sancov-module`, `-Cllvm-args=-sanitizer-coverage-*`) is stable.
set -euo pipefail
# shellcheck source=scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

CARGO_FUZZ_VERSION=0.13.2
BIN="$TOOLS_DIR/bin/cargo-fuzz"

if [[ -x "$BIN" ]] && [[ "$("$BIN" --version 2>/dev/null)" == "cargo-fuzz $CARGO_FUZZ_VERSION" ]]; then
  say "cargo-fuzz $CARGO_FUZZ_VERSION: present"
  exit 0
fi

command -v c++ >/dev/null || die "a C++ compiler is needed (libfuzzer-sys builds libFuzzer from source): apt-get install g++"
start=$(now)
say "cargo install cargo-fuzz $CARGO_FUZZ_VERSION into $TOOLS_DIR"
cargo install --locked --quiet --root "$TOOLS_DIR" --version "$CARGO_FUZZ_VERSION" cargo-fuzz
say "cargo-fuzz installed in $(( $(now) - start )) s"
