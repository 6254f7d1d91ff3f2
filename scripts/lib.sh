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
