#!/usr/bin/env bash
# `npm install` for a project directory, bounded in time and retried (npm_install in
# scripts/lib.sh), for the Makefile and the benchmark runner.
# Usage: scripts/npm-install.sh DIR [npm install arguments...]
set -euo pipefail
# shellcheck source=scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
[[ $# -ge 1 && -d "$1" ]] || die "usage: scripts/npm-install.sh DIR [npm install arguments...]"
npm_install "$@"
