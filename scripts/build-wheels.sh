#!/usr/bin/env bash
# Builds the Python package `zoom-phone` for the platforms it is published for,
# from registries only: abi3 wheels (one per platform serves CPython >= 3.9)
# cross-built with maturin's zig support (the `ziglang` wheel from PyPI is the
# C toolchain and linker, so no sysroot or cross gcc is installed), and the
# sdist. Every wheel's platform tag is proved against its binary (auditwheel's
# verdict and the ELF's machine and needed libraries must match the file name)
# and its licence files checked; the sdist is installed from source into a
# fresh venv and smoke-tested (scripts/package-smoke/smoke.py), as is each
# wheel this machine can run.
#
#   scripts/build-wheels.sh [--out DIR] [--install VENV] [PLATFORM...]
#
# PLATFORM: manylinux2014-x86_64 manylinux2014-aarch64 musllinux_1_2-x86_64
# musllinux_1_2-aarch64 sdist (default: all of them, into target/dist);
# sdist-contents: the sdist and its listing checked, not built (seconds).
# --install VENV force-reinstalls the one wheel built into VENV (make python).
# --check WHEEL PLATFORM only checks an existing wheel against PLATFORM.
# Prints each artefact's tag and size. Idempotent; honours CARGO_TARGET_DIR.
set -euo pipefail
# shellcheck source=scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

VENV="${ZOOM_PHONE_VENV:-$ROOT/.venv}"
OUT="$ROOT/target/dist"
INSTALL=""
CHECK=""
PLATFORMS=()
while (($#)); do
  case "$1" in
    --out) OUT="$2"; shift 2 ;;
    --install) INSTALL="$2"; shift 2 ;;
    --check) CHECK="$2"; shift 2 ;;
    -*) die "unknown option $1" ;;
    *) PLATFORMS+=("$1"); shift ;;
  esac
done
((${#PLATFORMS[@]})) || PLATFORMS=(manylinux2014-x86_64 manylinux2014-aarch64 musllinux_1_2-x86_64 musllinux_1_2-aarch64 sdist)
[[ -z "$INSTALL" || ${#PLATFORMS[@]} == 1 ]] || die "--install takes exactly one platform"
mkdir -p "$OUT"
OUT="$(cd "$OUT" && pwd)"

ZOOM_PHONE_VENV="$VENV" "$ROOT/scripts/install-python-env.sh"
# maturin finds zig as `python3 -m ziglang`, so the venv's python comes first.
export PATH="$VENV/bin:$PATH"
PY="$VENV/bin/python"
VERSION="$(sed -n 's/^version = "\(.*\)"/\1/p' "$ROOT/Cargo.toml" | head -n1)"
SMOKE="$ROOT/scripts/package-smoke/smoke.py"
SUMMARY=()

# The Rust target of a platform (its --compatibility is the part before the arch).
triple_of() {
  case "$1" in
    manylinux2014-x86_64) echo x86_64-unknown-linux-gnu ;;
    manylinux2014-aarch64) echo aarch64-unknown-linux-gnu ;;
    musllinux_1_2-x86_64) echo x86_64-unknown-linux-musl ;;
    musllinux_1_2-aarch64) echo aarch64-unknown-linux-musl ;;
    *) die "unknown platform $1" ;;
  esac
}

ensure_target() {
  rustup target list --installed | grep -qx "$1" && return
  say "rustup target add $1"
  rustup target add "$1"
}

# The tag auditwheel derives from the binary for a manylinux name:
# manylinux2014 is the legacy alias of manylinux_2_17.
canonical_tag() { sed 's/^manylinux2014_/manylinux_2_17_/' <<<"$1"; }

# Fails unless the wheel's file name, its binary and its contents agree.
check_wheel() {
  local whl="$1" platform="$2" arch="${2##*-}" compat="${2%-*}" name tags tag machine needed interp
  name="$(basename "$whl" .whl)"
  [[ "$name" == "zoom_phone-$VERSION-cp39-abi3-"* ]] || die "$name: not an abi3 (cp39) wheel of $VERSION"
  tags="${name##*-}"
  local -a claimed
  IFS=. read -r -a claimed <<<"$tags"
  for tag in "${claimed[@]}"; do
    [[ "$tag" == *"_$arch" ]] || die "$name: tag $tag is not for $arch"
  done

  local tmp
  tmp="$(mktemp -d)"
  unzip -q "$whl" -d "$tmp"
  local so
  so="$(find "$tmp/zoom_phone" -name '_core*.so')"
  [[ -n "$so" && "$(wc -l <<<"$so")" == 1 ]] || die "$name: expected one zoom_phone/_core*.so"
  for lic in LICENSE-MIT LICENSE-APACHE; do
    cmp -s "$tmp/zoom_phone-$VERSION.dist-info/licenses/$lic" "$ROOT/$lic" || die "$name: $lic missing or not the repository's"
  done
  [[ -f "$tmp/zoom_phone/py.typed" ]] || die "$name: py.typed missing"

  machine="$(readelf -h "$so" | sed -n 's/^ *Machine: *//p')"
  needed="$(readelf -d "$so" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p' | sort | tr '\n' ' ')"
  interp="$(readelf -l "$so" | sed -n 's/.*Requesting program interpreter: \(.*\)]/\1/p')"
  [[ -z "$interp" ]] || die "$name: the extension requests a program interpreter ($interp)"
  case "$arch" in
    x86_64) [[ "$machine" == *X86-64* ]] || die "$name: ELF machine is $machine" ;;
    aarch64) [[ "$machine" == AArch64 ]] || die "$name: ELF machine is $machine" ;;
  esac
  case "$platform" in
    musllinux*)
      # Only musl's libc (zig links it by the soname `libc.so`, which musl's
      # loader maps to itself), no glibc library or symbol version.
      [[ -n "$needed" ]] || die "$name: links no libc (musl must be the interpreter's, not linked in)"
      for lib in $needed; do
        [[ "$lib" == libc.so || "$lib" == "libc.musl-$arch.so.1" ]] || die "$name: needs $lib besides musl's libc"
      done
      ! readelf -V "$so" | grep -q 'GLIBC_' || die "$name: requires glibc symbol versions"
      ;;
    manylinux*)
      [[ " $needed" == *" libc.so.6 "* && "$needed" != *musl* ]] || die "$name: does not link glibc (NEEDED: $needed)"
      ;;
  esac

  # auditwheel's verdict from the symbols and libraries the binary needs (its
  # policies cover glibc and musl on any architecture, from any host).
  local json audited
  if [[ "$platform" == manylinux* ]]; then
    json="$(auditwheel show --json "$whl")" || die "auditwheel show failed on $name"
    audited="$(python3 -c 'import json,sys; print(json.load(sys.stdin)["overall_tag"])' <<<"$json")"
  else
    mkdir -p "$tmp/no-libs"
    json="$(auditwheel show --json --ldpaths "$tmp/no-libs" "$whl" 2>/dev/null)" || die "auditwheel show failed on $name"
    audited="$(python3 "$ROOT/scripts/package-smoke/musl_verdict.py" "$compat" <<<"$json")" || die "$name: auditwheel's musllinux check failed"
  fi
  [[ -n "$audited" ]] || die "$name: could not read auditwheel's platform tag"
  for tag in "${claimed[@]}"; do
    [[ "$(canonical_tag "$tag")" == "$audited" ]] || die "$name: the name claims $tag, auditwheel finds $audited"
  done
  rm -rf "$tmp"
  SUMMARY+=("$(printf '%-64s %-30s %8d KiB' "$(basename "$whl")" "$audited" $(( $(stat -c %s "$whl") / 1024 )))")
  say "$name: auditwheel $audited; $machine; NEEDED $needed"
}

# A fresh venv with only $1 (and its dependencies from PyPI) installed, then
# the smoke test run from outside the source tree.
smoke_install() {
  local artefact="$1" tmp
  tmp="$(mktemp -d)"
  "$PY" -m venv "$tmp/venv"
  # --no-cache-dir: an sdist must really be built, not taken from pip's cache.
  "$tmp/venv/bin/python" -m pip install -q --disable-pip-version-check --no-cache-dir "$artefact"
  (cd "$tmp" && "$tmp/venv/bin/python" "$SMOKE")
  rm -rf "$tmp"
}

build_wheel() {
  local platform="$1" triple compat start whl
  triple="$(triple_of "$platform")"
  compat="${platform%-*}"
  ensure_target "$triple"
  rm -f "$OUT"/zoom_phone-*-"${compat}"_*"${platform##*-}".whl "$OUT"/zoom_phone-*-"${compat}"_*"${platform##*-}".*.whl
  start=$(now)
  say "maturin build --zig --target $triple --compatibility $compat"
  # An explicit --target even for the host: make python and make wheels then
  # share one cache ($CARGO_TARGET_DIR/<triple>/release).
  (cd "$ROOT/bindings-python" && maturin build --release --zig --target "$triple" --compatibility "$compat" --out "$OUT" --quiet)
  whl="$(ls -t "$OUT"/zoom_phone-"$VERSION"-cp39-abi3-"$compat"_*"${platform##*-}".whl | head -n1)"
  say "built $(basename "$whl") in $(( $(now) - start )) s"
  check_wheel "$whl" "$platform"
  if [[ -n "$INSTALL" ]]; then
    "$INSTALL/bin/python" -m pip install -q --disable-pip-version-check --force-reinstall --no-deps "$whl"
  elif [[ "$platform" == manylinux2014-"$(uname -m)" ]]; then
    smoke_install "$whl"
  fi
}

build_sdist() {
  local install="$1" sdist start listing
  rm -f "$OUT"/zoom_phone-*.tar.gz
  (cd "$ROOT/bindings-python" && maturin sdist --out "$OUT")
  sdist="$OUT/zoom_phone-$VERSION.tar.gz"
  listing="$(tar tzf "$sdist")"
  # maturin copies the path dependency (core/) in and trims the workspace
  # manifest to the two crates; the build needs all of these.
  for f in pyproject.toml Cargo.toml Cargo.lock LICENSE-MIT LICENSE-APACHE README.md \
    bindings-python/Cargo.toml bindings-python/src/lib.rs core/Cargo.toml core/src/lib.rs \
    core/src/generated/mod.rs core/src/generated/catalog.json python/zoom_phone/__init__.py python/zoom_phone/py.typed python/zoom_phone/_core.pyi; do
    grep -qx "zoom_phone-$VERSION/$f" <<<"$listing" || die "sdist lacks $f"
  done
  if [[ "$install" == 0 ]]; then
    SUMMARY+=("$(printf '%-64s %-30s %8d KiB' "$(basename "$sdist")" "sdist (contents checked)" $(( $(stat -c %s "$sdist") / 1024 )))")
    return
  fi
  start=$(now)
  say "pip install $(basename "$sdist") (from source) into a fresh venv"
  # Its own target dir: the from-source build must not lean on this
  # checkout's artefacts. Registry dependencies stay cached between runs, our
  # two crates are dropped: cargo hashes path crates relative to the
  # workspace root, so pip's fresh unpack would otherwise reuse last run's.
  local sdist_target="${CARGO_TARGET_DIR:-$ROOT/target}/sdist-check"
  cargo clean -q --release --target-dir "$sdist_target" --manifest-path "$ROOT/Cargo.toml" -p zoom-phone -p zoom-phone-python
  CARGO_TARGET_DIR="$sdist_target" smoke_install "$sdist"
  say "sdist built from source and smoke-tested in $(( $(now) - start )) s"
  SUMMARY+=("$(printf '%-64s %-30s %8d KiB' "$(basename "$sdist")" "sdist (builds from source)" $(( $(stat -c %s "$sdist") / 1024 )))")
}

if [[ -n "$CHECK" ]]; then
  [[ ${#PLATFORMS[@]} == 1 ]] || die "--check takes exactly one platform"
  check_wheel "$CHECK" "${PLATFORMS[0]}"
  printf '%s\n' "${SUMMARY[@]}"
  exit
fi

for platform in "${PLATFORMS[@]}"; do
  case "$platform" in
    sdist) build_sdist 1 ;;
    sdist-contents) build_sdist 0 ;;
    *) build_wheel "$platform" ;;
  esac
done

printf '%s\n' "Python artefacts in ${OUT#"$ROOT"/} (tag proved by auditwheel, size):" "${SUMMARY[@]/#/    }"
