#!/usr/bin/env bash
# What the package pages and archives promise, checked without building:
#   - the licence texts: one pair at the root, identical copies where each
#     package is made from (crates, Python package, npm package);
#   - the crates' archives (`cargo package --list`) carry the licences and a
#     README, and their manifests the page metadata;
#   - pyproject.toml and package.json name their licence files, keywords and
#     repository;
#   - the README examples of the PyPI and npm pages are the ones the type
#     checkers see (bindings-python/examples/readme.py, mypy --strict in
#     make test-py; js-examples/readme.check.ts, tsc in make test-js).
# The wheels and the sdist are checked where they are built
# (scripts/build-wheels.sh), the npm tarball by scripts/npm-smoke.sh.
set -euo pipefail
# shellcheck source=scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ROOT"

LICENCES=(LICENSE-MIT LICENSE-APACHE)
for dir in core clients bindings-python bindings-wasm/js; do
  for lic in "${LICENCES[@]}"; do
    cmp -s "$lic" "$dir/$lic" || die "$dir/$lic is missing or differs from ./$lic"
  done
done

for crate in zoom-phone zoom-phone-client; do
  listing="$(cargo package --list --allow-dirty -p "$crate" 2>/dev/null)" || die "cargo package --list -p $crate failed"
  for f in "${LICENCES[@]}" README.md; do
    grep -qx "$f" <<<"$listing" || die "the $crate crate archive lacks $f"
  done
done
for manifest in core/Cargo.toml clients/Cargo.toml; do
  for key in description license repository readme keywords categories; do
    grep -qE "^$key(\.workspace)? = " "$manifest" || die "$manifest lacks $key"
  done
done

grep -qF 'license-files = ["LICENSE-MIT", "LICENSE-APACHE"]' bindings-python/pyproject.toml || die "pyproject.toml must list both licence files"
for key in readme keywords license; do
  grep -qE "^$key = " bindings-python/pyproject.toml || die "pyproject.toml lacks $key"
done
grep -qE '^Repository = "https://' bindings-python/pyproject.toml || die "pyproject.toml lacks [project.urls] Repository"
node - bindings-wasm/js/package.json "${LICENCES[@]}" <<'EOF'
const [path, ...licences] = process.argv.slice(2);
const pkg = JSON.parse(require("node:fs").readFileSync(path, "utf8"));
const problems = [];
for (const key of ["description", "license", "repository", "keywords", "engines"]) if (!pkg[key]) problems.push(`no ${key}`);
for (const f of [...licences, "README.md"]) if (!pkg.files.includes(f)) problems.push(`files lacks ${f}`);
if (problems.length) { console.error(`error: ${path}: ${problems.join(", ")}`); process.exit(1); }
EOF

# The README's first block of the language is the one between the markers.
same_example() {
  local readme="$1" lang="$2" checked="$3" block copy
  block="$(awk -v fence="\`\`\`$lang" '$0 == fence { on = 1; next } on && /^```/ { exit } on' "$readme")"
  copy="$(sed -n '/README begin$/,/README end$/p' "$checked" | sed '1d;$d')"
  [[ -n "$block" && "$block" == "$copy" ]] || die "$readme's $lang example differs from the type-checked copy in $checked"
}
same_example bindings-python/README.md python bindings-python/examples/readme.py
same_example bindings-wasm/js/README.md js js-examples/readme.check.ts
say "packaging metadata, licence copies and README examples agree"
