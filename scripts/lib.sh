# Shared helpers for the build scripts (sourced, not run).
# shellcheck shell=bash

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# Used by the scripts that source this file.
# shellcheck disable=SC2034
TOOLS_DIR="${ZOOM_PHONE_TOOLS:-$ROOT/.tools}"

say() { printf '==> %s\n' "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

# The exact wasm-bindgen version the wasm crate pins; the CLI must match it.
wasm_bindgen_version() {
  local v
  v="$(sed -n 's/^wasm-bindgen = { version = "=\([0-9.]*\)".*/\1/p' "$ROOT/bindings-wasm/Cargo.toml")"
  [[ -n "$v" ]] || die "bindings-wasm/Cargo.toml must pin wasm-bindgen as { version = \"=X.Y.Z\", ... }"
  printf '%s\n' "$v"
}

# Seconds since the epoch, for timing the steps.
now() { date +%s; }

WASM_TARGET=wasm32-unknown-unknown

# Whether rustup's toolchain has a prebuilt std for the wasm target.
rustup_wasm_std() {
  local dir
  dir="$(rustc --print target-libdir --target "$WASM_TARGET" 2>/dev/null)" || return 1
  compgen -G "$dir/libstd-*.rlib" >/dev/null
}

# `npm install` from the registry, bounded. A registry connection can stay open and
# idle for an hour without npm's own fetch timeout firing, and npm then ignores
# SIGTERM (seen in a clean-clone CI run). So each attempt gets a socket timeout, an
# outer wall-clock limit that ends in SIGKILL for npm and its children, and the
# whole install is tried up to three times (scripts/test-scripts.sh checks this).
# Usage: npm_install DIR [npm install arguments...]   (DIR is the project or --prefix)
NPM_ATTEMPT_SECONDS="${NPM_ATTEMPT_SECONDS:-300}"
NPM_KILL_AFTER_SECONDS="${NPM_KILL_AFTER_SECONDS:-10}"
NPM_RETRY_PAUSE_SECONDS="${NPM_RETRY_PAUSE_SECONDS:-5}"
npm_install() {
  local dir="$1" attempt rc
  shift
  for attempt in 1 2 3; do
    rc=0
    timeout --kill-after="$NPM_KILL_AFTER_SECONDS" "$NPM_ATTEMPT_SECONDS" \
      npm install --silent --no-audit --no-fund --fetch-timeout=60000 --fetch-retries=2 \
      --prefix "$dir" "$@" || rc=$?
    ((rc == 0)) && return 0
    if ((rc == 124 || rc == 137)); then
      say "npm install in ${dir#"$ROOT"/}: attempt $attempt gave no answer in ${NPM_ATTEMPT_SECONDS} s"
    else
      say "npm install in ${dir#"$ROOT"/}: attempt $attempt failed (exit $rc)"
    fi
    ((attempt < 3)) && sleep $((attempt * NPM_RETRY_PAUSE_SECONDS))
  done
  die "npm install in ${dir#"$ROOT"/} failed three times"
}
