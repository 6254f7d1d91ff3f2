#!/usr/bin/env bash
# Tests of the build scripts' own helpers, against fake tools on PATH:
#   - npm_install (scripts/lib.sh) kills an npm that hangs and ignores SIGTERM,
#     children included, tries three times and then fails by name;
#   - it retries an npm that fails once, and passes its arguments through.
set -euo pipefail
# shellcheck source=scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/bin" "$work/project"
failures=0
check() {
  if eval "$2"; then printf 'ok   %s\n' "$1"; else printf 'FAIL %s\n' "$1"; failures=$((failures + 1)); fi
}

# An npm that never answers: it ignores SIGTERM, and so does a child it starts.
cat >"$work/bin/npm" <<FAKE
#!/usr/bin/env bash
echo "\$\$" >>"$work/attempts"
trap '' TERM
bash -c "trap '' TERM; echo \\\$\\\$ >>'$work/children'; sleep 300" &
wait
FAKE
chmod +x "$work/bin/npm"
start=$(now)
rc=0
(PATH="$work/bin:$PATH" NPM_ATTEMPT_SECONDS=1 NPM_KILL_AFTER_SECONDS=1 NPM_RETRY_PAUSE_SECONDS=0 \
  npm_install "$work/project" some-package) 2>"$work/hung.err" || rc=$?
took=$(($(now) - start))
check "a hung npm fails the install" '((rc != 0))'
check "a hung npm is tried three times" '[[ $(wc -l <"$work/attempts") -eq 3 ]]'
check "the install fails by name" 'grep -q "failed three times" "$work/hung.err"'
check "each attempt is reported as unanswered" '[[ $(grep -c "gave no answer in 1 s" "$work/hung.err") -eq 3 ]]'
check "it gives up within its bounds (took ${took} s)" '((took < 20))'
# Killed processes are reaped by whoever inherits them: a zombie is not alive.
living() {
  local pid stat n=0
  while read -r pid; do
    stat="$(ps -o stat= -p "$pid" 2>/dev/null || true)"
    [[ -n "$stat" && "$stat" != Z* ]] && n=$((n + 1))
  done < <(cat "$work/attempts" "$work/children")
  echo "$n"
}
check "no npm and no child of one outlives its attempt" '[[ $(living) -eq 0 ]]'

# An npm that fails once, then succeeds; it records its arguments.
rm -f "$work/attempts"
cat >"$work/bin/npm" <<FAKE
#!/usr/bin/env bash
echo "\$*" >>"$work/attempts"
[[ \$(wc -l <"$work/attempts") -ge 2 ]]
FAKE
rc=0
(PATH="$work/bin:$PATH" NPM_RETRY_PAUSE_SECONDS=0 npm_install "$work/project" --no-package-lock pkg@1) 2>"$work/flaky.err" || rc=$?
check "a failure once is retried and the install passes" '((rc == 0)) && [[ $(wc -l <"$work/attempts") -eq 2 ]]'
check "the failed attempt is reported with its exit code" 'grep -q "attempt 1 failed (exit 1)" "$work/flaky.err"'
check "the arguments reach npm after the bounds" \
  'grep -qx -- "install --silent --no-audit --no-fund --fetch-timeout=60000 --fetch-retries=2 --prefix $work/project --no-package-lock pkg@1" <(head -1 "$work/attempts")'

((failures == 0)) || die "$failures script check(s) failed"
say "build script helpers: all checks passed"
