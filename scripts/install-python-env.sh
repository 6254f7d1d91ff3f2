#!/usr/bin/env bash
# Creates .venv with the tools the Python package needs to build and test:
# maturin (build), ziglang (maturin's C toolchain and linker for the
# manylinux2014/musllinux and cross wheels), auditwheel (proves their tags),
# pytest + pytest-asyncio + pytest-timeout (tests; a test that hangs fails
# by name instead of stalling the run), httpx (the transport the Python layer
# drives), mypy (stub and typing checks), redis (redis-py: the fleet tests'
# and example's Redis client; the package itself never imports it, users
# pass their own). Idempotent.
set -euo pipefail
# shellcheck source=scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

VENV="${ZOOM_PHONE_VENV:-$ROOT/.venv}"
PYTHON="${PYTHON:-python3}"
PACKAGES=(maturin ziglang auditwheel pytest pytest-asyncio pytest-timeout httpx mypy redis)

if [[ ! -x "$VENV/bin/python" ]]; then
  say "creating $VENV with $("$PYTHON" --version)"
  "$PYTHON" -m venv "$VENV"
fi

missing=()
# One pip call when all are there (the common case: every make python runs
# this); pip show fails only when none is found, so count what it shows.
found="$("$VENV/bin/python" -m pip show "${PACKAGES[@]}" 2>/dev/null | grep -c '^Name: ' || true)"
if [[ "$found" != "${#PACKAGES[@]}" ]]; then
  for p in "${PACKAGES[@]}"; do
    "$VENV/bin/python" -m pip show -q "$p" >/dev/null 2>&1 || missing+=("$p")
  done
fi
if ((${#missing[@]})); then
  start=$(now)
  say "pip install ${missing[*]}"
  "$VENV/bin/python" -m pip install -q --disable-pip-version-check "${missing[@]}"
  say "installed in $(( $(now) - start )) s"
else
  say "Python tools present in $VENV: ${PACKAGES[*]}"
fi
