#!/usr/bin/env bash
# Installs Debian's redis-server if it is missing (the fleet tests and demo
# run a real one). Idempotent.
set -euo pipefail
# shellcheck source=scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
if command -v redis-server >/dev/null; then
  say "redis-server: present ($(redis-server --version | cut -d' ' -f3))"
  exit 0
fi
command -v apt-get >/dev/null || die "apt-get not found: install redis-server by hand"
sudo_=""
[[ "$(id -u)" == 0 ]] || sudo_="sudo"
if ! apt-cache show redis-server >/dev/null 2>&1; then
  $sudo_ apt-get update -q
fi
DEBIAN_FRONTEND=noninteractive $sudo_ apt-get install -y -q --no-install-recommends redis-server
# The package starts a system service where there is an init system; our
# tests run their own server on a free port, so a system one is not needed.
command -v redis-server >/dev/null || die "redis-server was not installed"
say "redis-server installed ($(redis-server --version | cut -d' ' -f3))"
