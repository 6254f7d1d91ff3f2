#!/usr/bin/env bash
# Builds the npm package `zoom-phone` into bindings-wasm/dist/:
#   1. the wasm with rustup's prebuilt wasm32 std when it is installed, else
#      with Debian's cargo, std rebuilt from source (build-std) and rustup's
#      rust-lld as linker (TOOLCHAIN.md), in its own target dir;
#   2. wasm-bindgen --target web: one ES module that browsers, bundlers,
#      workers and Deno load as is; Node gets an entry that hands it the wasm
#      bytes (bindings-wasm/js/node.js), Cloudflare workerd one that hands it
#      the compiled module (bindings-wasm/js/workerd.js);
#   3. wasm-opt -Oz unless WASM_OPT=0 (measured: -27% raw, -19% gzip, ~7 s;
#      needs scripts/install-wasm-toolchain.sh --wasm-opt);
#   4. prints the package sizes.
# Run scripts/install-wasm-toolchain.sh first (make wasm does).
set -euo pipefail
# shellcheck source=scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

CRATE=zoom-phone-wasm
LIB=zoom_phone_wasm
TARGET=wasm32-unknown-unknown
# Honours CARGO_TARGET_DIR (engineers and CI jobs keep separate target dirs).
TARGET_DIR="${CARGO_TARGET_DIR:-$ROOT/target}/wasm"
DIST="$ROOT/bindings-wasm/dist"
BINDGEN="$TOOLS_DIR/bin/wasm-bindgen"

[[ -x "$BINDGEN" ]] || die "$BINDGEN missing: run scripts/install-wasm-toolchain.sh"

start=$(now)
if rustup_wasm_std; then
  say "cargo build --target $TARGET -p $CRATE (rustup $(rustc --version | cut -d' ' -f2), prebuilt std)"
  cargo build --release --target "$TARGET" --target-dir "$TARGET_DIR" -p "$CRATE" --manifest-path "$ROOT/Cargo.toml"
else
  [[ -x /usr/bin/cargo && -x /usr/bin/rustc ]] || die "no wasm32 std: run scripts/install-wasm-toolchain.sh"
  lld="$(rustc --print sysroot)/lib/rustlib/x86_64-unknown-linux-gnu/bin/rust-lld"
  rustc_version="$(/usr/bin/rustc --version | cut -d' ' -f2)"
  extra=()
  # Debian 12's rustc is 1.85; the core uses let chains (stable from 1.88).
  # RUSTC_BOOTSTRAP already unlocks nightly features, so switch that one on for
  # the workspace crates only (std must not get it). Newer Debian Rust skips this.
  if [[ "$(printf '%s\n' "$rustc_version" 1.88.0 | sort -V | head -n1)" != 1.88.0 ]]; then
    extra+=(-Zprofile-rustflags)
    for pkg in zoom-phone "$CRATE"; do
      extra+=(--config "profile.release.package.$pkg.rustflags=[\"-Zcrate-attr=feature(let_chains)\"]")
    done
  fi
  say "cargo build --target $TARGET -p $CRATE (Debian rustc $rustc_version, build-std)"
  # No RUSTFLAGS: getrandom (>= 0.3.4) picks its Web Crypto backend from the
  # `wasm_js` feature alone, and unchanged flags keep the std build cached.
  RUSTC_BOOTSTRAP=1 \
  RUSTC=/usr/bin/rustc \
  CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_LINKER="$lld" \
    /usr/bin/cargo build --release --target "$TARGET" --target-dir "$TARGET_DIR/debian" \
      -Zbuild-std=std,panic_abort "${extra[@]}" -p "$CRATE" --manifest-path "$ROOT/Cargo.toml"
  TARGET_DIR="$TARGET_DIR/debian"
fi
wasm_in="$TARGET_DIR/$TARGET/release/$LIB.wasm"
say "wasm built in $(( $(now) - start )) s"

rm -rf "$DIST"
mkdir -p "$DIST"
"$BINDGEN" --target web --out-dir "$DIST" --out-name "$LIB" "$wasm_in"

# wasm-bindgen's release glue trusts that a `&str`/`String` argument is a
# string: given a number it allocates with an undefined length and the wasm
# traps (memory access out of bounds), costing the instance. Only its
# `--debug` output checks, along with much else; add just that check, as a
# TypeError (js-examples/ffi.test.mjs is the regression test).
glue="$DIST/$LIB.js"
sig='function passStringToWasm0(arg, malloc, realloc) {'
[[ "$(grep -cF "$sig" "$glue")" == 1 ]] || die "passStringToWasm0 not found once in $glue: update the string check for this wasm-bindgen"
sed -i "s/^$sig\$/$sig\n    if (typeof arg !== \"string\") throw new TypeError(\`expected a string, got \${typeof arg}\`);/" "$glue"
grep -qF 'if (typeof arg !== "string") throw new TypeError' "$glue" || die "the string check was not added to $glue"

# The declarations of wasm-bindgen's init functions name DOM types (Response,
# BufferSource, WebAssembly); only our entry modules call them, so they go,
# and the package's public .d.ts type-check without DOM or Node globals
# (js-examples/tsconfig.bare.json).
types="$DIST/$LIB.d.ts"
[[ "$(grep -c '^export type InitInput = ' "$types")" == 1 ]] || die "InitInput not found once in $types: update the cut for this wasm-bindgen"
sed -i '/^export type InitInput = /,$d' "$types"
! grep -qE '\b(RequestInfo|BufferSource|WebAssembly)\b' "$types" || die "$types still names a DOM type"

if [[ "${WASM_OPT:-1}" == 1 ]]; then
  opt="$TOOLS_DIR/node_modules/.bin/wasm-opt"
  [[ -x "$opt" ]] || die "wasm-opt missing: run scripts/install-wasm-toolchain.sh --wasm-opt"
  before=$(stat -c %s "$DIST/${LIB}_bg.wasm")
  start=$(now)
  # Exactly the features rustc enables by default for this target (`rustc
  # --print cfg --target wasm32-unknown-unknown`), so the output runs wherever
  # the unoptimized module does. wasm-opt also reads them from the module's
  # `target_features` section; naming them keeps this list honest.
  "$opt" -Oz --enable-sign-ext --enable-mutable-globals --enable-reference-types --enable-multivalue \
    --enable-bulk-memory --enable-nontrapping-float-to-int \
    "$DIST/${LIB}_bg.wasm" -o "$DIST/${LIB}_bg.wasm"
  say "wasm-opt -Oz: $before -> $(stat -c %s "$DIST/${LIB}_bg.wasm") bytes in $(( $(now) - start )) s"
fi

# The package: wasm-bindgen's module plus our JS (bindings-wasm/js/: the
# hand-written modules, and generated/ from tools/codegen).
cp -r "$ROOT/bindings-wasm/js/." "$DIST/"
version="$(sed -n 's/^version = "\(.*\)"/\1/p' "$ROOT/Cargo.toml" | head -n1)"
sed -i "s/\"version\": \"0.0.0\"/\"version\": \"$version\"/" "$DIST/package.json"
rm -f "$DIST/.gitignore"

say "package in ${DIST#"$ROOT"/} (bytes raw / gzip -9):"
for f in "$DIST"/*.wasm "$DIST"/*.js "$DIST"/*.d.ts "$DIST"/generated/*; do
  printf '    %-28s %9d %9d\n' "${f#"$DIST"/}" "$(stat -c %s "$f")" "$(gzip -9c "$f" | wc -c)" >&2
done
# What a Node or browser user loads: the wasm plus every runtime module.
for group in "wasm:$DIST/${LIB}_bg.wasm" "js:$(find "$DIST" -name '*.js' | sort | tr '\n' ' ')"; do
  name=${group%%:*}
  read -r -a files <<<"${group#*:}"
  printf '    %-28s %9d %9d\n' "total $name" "$(cat "${files[@]}" | wc -c)" "$(cat "${files[@]}" | gzip -9c | wc -c)" >&2
done
