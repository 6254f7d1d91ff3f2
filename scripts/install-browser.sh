#!/usr/bin/env bash
# Installs Debian's Chromium for the real-browser test (make test-browser),
# unless it is there already. playwright-core drives it; Playwright's own
# browser downloads are not reachable from these machines (TOOLCHAIN.md).
set -euo pipefail
# shellcheck source=scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

if [[ -x /usr/bin/chromium ]]; then
  say "chromium: present"
  exit 0
fi
command -v apt-get >/dev/null || die "no /usr/bin/chromium and no apt-get: install Chromium and set CHROMIUM=/path/to/it"
sudo=()
[[ $(id -u) == 0 ]] || sudo=(sudo)
say "apt-get install chromium"
"${sudo[@]}" apt-get update -qq
DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends chromium >/dev/null
