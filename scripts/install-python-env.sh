#!/usr/bin/env bash
# Creates .venv with the tools the Python package needs to build and test:
# maturin (build), pytest + pytest-asyncio (tests), httpx (the transport the
# Python layer will drive), mypy (stub and typing checks), redis (redis-py:
# the fleet tests' and example's Redis client; the package itself never
# imports it, users pass their own). Idempotent.
set -euo pipefail
# shellcheck source=scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

VENV="${ZOOM_PHONE_VENV:-$ROOT/.venv}"
PYTHON="${PYTHON:-python3}"
PACKAGES=(maturin pytest pytest-asyncio httpx mypy redis)

if [[ ! -x "$VENV/bin/python" ]]; then
  say "creating $VENV with $("$PYTHON" --version)"
  "$PYTHON" -m venv "$VENV"
fi

missing=()
for p in "${PACKAGES[@]}"; do
  "$VENV/bin/python" -m pip show -q "$p" >/dev/null 2>&1 || missing+=("$p")
done
if ((${#missing[@]})); then
  start=$(now)
  say "pip install ${missing[*]}"
  "$VENV/bin/python" -m pip install -q --disable-pip-version-check "${missing[@]}"
  say "installed in $(( $(now) - start )) s"
else
  say "Python tools present in $VENV: ${PACKAGES[*]}"
fi
