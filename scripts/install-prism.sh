#!/usr/bin/env bash
# Installs Stoplight Prism (the exact version pinned in tools/conformance/package.json)
# from the npm registry into tools/conformance/node_modules. Idempotent: skips when
# the pinned version is already there.
set -euo pipefail
# shellcheck source=scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

dir="$ROOT/tools/conformance"
want="$(node -p 'require(process.argv[1]).devDependencies["@stoplight/prism-cli"]' "$dir/package.json")"
have="$(node -p 'try { require(process.argv[1]).version } catch { "" }' \
  "$dir/node_modules/@stoplight/prism-cli/package.json" 2>/dev/null || true)"
if [[ "$have" == "$want" && -x "$dir/node_modules/.bin/prism" ]]; then
  say "Prism $have present in tools/conformance/node_modules"
  exit 0
fi
start=$(now)
say "npm install @stoplight/prism-cli@$want"
npm_install "$dir" --no-package-lock
say "Prism $want installed in $(( $(now) - start )) s"
