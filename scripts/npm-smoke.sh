#!/usr/bin/env bash
# Proves the npm package as a user gets it: `npm pack` the built package
# (bindings-wasm/dist, from make wasm), check the tarball's contents, install
# it into a fresh project offline (the package has no dependencies: a user's
# install needs nothing but the tarball), and run
# scripts/package-smoke/smoke.mjs there on each Node major that package.json's
# `engines` claims. Those Node builds come from the npm registry
# (node-linux-<arch>@<version>, what the `node` package itself installs) into
# .tools/node/<version>/, once.
#
#   scripts/npm-smoke.sh [--system-node]   (--system-node: only the machine's node, no downloads)
set -euo pipefail
# shellcheck source=scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

# One per even (LTS) major from the engines floor to the newest; odd majors
# live six months and are out of support. The lowest must be the floor.
NODE_VERSIONS=(18.20.8 20.20.2 22.23.5 24.22.3 26.12.1)
DIST="$ROOT/bindings-wasm/dist"
OUT="$ROOT/target/dist"
SYSTEM_ONLY=0
[[ "${1:-}" == --system-node ]] && SYSTEM_ONLY=1

[[ -f "$DIST/package.json" && -f "$DIST/zoom_phone_wasm_bg.wasm" ]] || die "$DIST is not built: run make wasm"
engines="$(node -p 'require(process.argv[1]).engines.node' "$DIST/package.json")"
[[ "$engines" =~ ^\>=([0-9]+)$ ]] || die "engines.node is '$engines'; this script understands only '>=N'"
floor="${BASH_REMATCH[1]}"
[[ "${NODE_VERSIONS[0]%%.*}" == "$floor" ]] || die "engines claims Node >= $floor but the oldest Node tested is ${NODE_VERSIONS[0]}: update NODE_VERSIONS"

mkdir -p "$OUT"
rm -f "$OUT"/zoom-phone-*.tgz
pack_json="$(cd "$OUT" && npm pack --json --silent "$DIST")"
tarball="$OUT/$(node -p 'JSON.parse(process.argv[1])[0].filename' "$pack_json")"
# Every path the package.json promises, the licences and README above all.
node - "$pack_json" "$DIST/package.json" <<'EOF'
const [packJson, manifestPath] = process.argv.slice(2);
const packed = new Set(JSON.parse(packJson)[0].files.map((f) => f.path));
const manifest = JSON.parse(require("node:fs").readFileSync(manifestPath, "utf8"));
const missing = [...manifest.files, "package.json"].filter(
  (f) => f.endsWith("/") ? ![...packed].some((p) => p.startsWith(f)) : !packed.has(f),
);
for (const required of ["LICENSE-MIT", "LICENSE-APACHE", "README.md"]) if (!manifest.files.includes(required)) missing.push(required);
if (missing.length) { console.error(`error: the tarball lacks ${missing.join(", ")}`); process.exit(1); }
EOF
say "$(basename "$tarball"): $(( $(stat -c %s "$tarball") / 1024 )) KiB packed, $(tar tzf "$tarball" | wc -l) files"

project="$(mktemp -d)"
trap 'rm -rf "$project"' EXIT
printf '{ "name": "zoom-phone-smoke", "private": true, "type": "module" }\n' >"$project/package.json"
cp "$ROOT/scripts/package-smoke/smoke.mjs" "$project/"
# --offline: the package needs nothing from anywhere, the registry included.
(cd "$project" && npm install --offline --silent --no-audit --no-fund --no-package-lock "$tarball")
[[ -f "$project/node_modules/zoom-phone/zoom_phone_wasm_bg.wasm" ]] || die "the tarball did not install"

nodes=()
if ((SYSTEM_ONLY)); then
  nodes=("$(command -v node)")
else
  case "$(uname -m)" in x86_64) arch=x64 ;; aarch64) arch=arm64 ;; *) die "no registry Node build for $(uname -m)" ;; esac
  for v in "${NODE_VERSIONS[@]}"; do
    dir="$TOOLS_DIR/node/$v"
    bin="$dir/node_modules/node-linux-$arch/bin/node"
    if [[ ! -x "$bin" ]]; then
      say "npm install node-linux-$arch@$v (into ${dir#"$ROOT"/})"
      mkdir -p "$dir"
      npm_install "$dir" --no-package-lock "node-linux-$arch@$v"
    fi
    [[ "$("$bin" --version)" == "v$v" ]] || die "$bin is not Node $v"
    nodes+=("$bin")
  done
fi

passed=()
for bin in "${nodes[@]}"; do
  (cd "$project" && "$bin" smoke.mjs) || die "the smoke test failed on Node $("$bin" --version)"
  passed+=("$("$bin" --version)")
done
say "npm smoke passed on Node ${passed[*]} ($(basename "$tarball"))"
