#!/usr/bin/env bash
# Installs what the wasm build needs, skipping whatever is already there:
#  1. Debian's rustc/cargo with the standard-library sources (rustup cannot fetch
#     a wasm32 std on these machines, so build-std compiles it from source);
#  2. wasm-bindgen-cli at exactly the wasm-bindgen crate version, in .tools/.
#  3. with --wasm-opt: binaryen's wasm-opt (npm package `binaryen`), also in
#     .tools/ (Debian's binaryen is too old for current wasm features).
# Idempotent; safe to run on every build.
set -euo pipefail
# shellcheck source=scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

WANT_WASM_OPT=0
for arg in "$@"; do
  case "$arg" in
    --wasm-opt) WANT_WASM_OPT=1 ;;
    *) die "unknown option $arg (known: --wasm-opt)" ;;
  esac
done

BINARYEN_VERSION=132
DEBIAN_RUST_SRC=/usr/lib/rustlib/src/rust/library

# Fast path: rustup's prebuilt wasm32 std. TOOLCHAIN.md measured rustup unable
# to fetch it here, yet it has been fetched since; try it (bounded), and fall
# back to Debian's Rust with build-std when it is refused.
if rustup_wasm_std; then
  say "rustup wasm32 std: present ($(rustc --version))"
elif timeout 180 rustup target add "$WASM_TARGET" >&2 && rustup_wasm_std; then
  say "rustup wasm32 std: installed ($(rustc --version))"
elif [[ -x /usr/bin/rustc && -x /usr/bin/cargo && -d "$DEBIAN_RUST_SRC" ]]; then
  say "Debian Rust for wasm: present ($(/usr/bin/rustc --version))"
else
  command -v apt-get >/dev/null || die "apt-get not found: install rustc-web, cargo-web and rust-web-src (Debian) by hand"
  start=$(now)
  sudo_=""
  [[ "$(id -u)" == 0 ]] || sudo_="sudo"
  # Only refresh the package lists when apt does not know the packages yet.
  if ! apt-cache show rust-web-src >/dev/null 2>&1; then
    say "apt-get update"
    $sudo_ apt-get update -q
  fi
  say "apt-get install rustc-web cargo-web rust-web-src"
  DEBIAN_FRONTEND=noninteractive $sudo_ apt-get install -y -q --no-install-recommends \
    rustc-web cargo-web rust-web-src
  [[ -x /usr/bin/rustc && -d "$DEBIAN_RUST_SRC" ]] || die "Debian Rust installed but /usr/bin/rustc or $DEBIAN_RUST_SRC is missing"
  say "Debian Rust installed in $(( $(now) - start )) s: $(/usr/bin/rustc --version)"
fi

# rust-lld links the wasm; Debian's rustc-web does not ship it, rustup's toolchain does.
lld="$(rustc --print sysroot)/lib/rustlib/x86_64-unknown-linux-gnu/bin/rust-lld"
[[ -x "$lld" ]] || die "rust-lld not found at $lld (needed as the wasm linker)"

version="$(wasm_bindgen_version)"
bindgen="$TOOLS_DIR/bin/wasm-bindgen"
if [[ -x "$bindgen" ]] && [[ "$("$bindgen" --version)" == "wasm-bindgen $version" ]]; then
  say "wasm-bindgen-cli $version: present in $TOOLS_DIR"
else
  start=$(now)
  say "cargo install wasm-bindgen-cli =$version into $TOOLS_DIR (a few minutes)"
  # No --locked: one dependency pinned in the CLI's lock file is gone from the registry.
  cargo install -q wasm-bindgen-cli --version "=$version" --root "$TOOLS_DIR" --force
  [[ "$("$bindgen" --version)" == "wasm-bindgen $version" ]] || die "installed wasm-bindgen is not $version"
  say "wasm-bindgen-cli $version installed in $(( $(now) - start )) s"
fi

if ((WANT_WASM_OPT)); then
  opt="$TOOLS_DIR/node_modules/.bin/wasm-opt"
  if [[ -x "$opt" ]]; then
    say "wasm-opt: present ($("$opt" --version))"
  else
    start=$(now)
    say "npm install binaryen into $TOOLS_DIR"
    npm_install "$TOOLS_DIR" "binaryen@$BINARYEN_VERSION"
    say "wasm-opt installed in $(( $(now) - start )) s: $("$opt" --version)"
  fi
fi
