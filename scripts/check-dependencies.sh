#!/usr/bin/env bash
# Dependencies, checked (scripts/test.sh's lint stage; docs/reliability.md, "Dependencies"):
#   cargo deny   licences, bans and sources of every crate the workspace builds (deny.toml),
#                then the RustSec advisories
#   npm audit    known vulnerabilities, moderate and above, in the UI's runtime packages
# The two advisory checks need a service this machine may not reach: the RustSec database is a
# git repository on GitHub, and npm's audit endpoint takes a POST. When one cannot be reached,
# the log says SKIPPED and why, and the script goes on; anything either check finds fails it.
set -euo pipefail
cd "$(dirname "$0")/.."

say() { printf '\033[1m[dependencies]\033[0m %s\n' "$*"; }

# Duplicate versions are warnings (deny.toml): one line each here, the failures in full.
if ! out=$(cargo deny --locked check --hide-inclusion-graph licenses bans sources 2>&1); then
  printf '%s\n' "$out"
  exit 1
fi
printf '%s\n' "$out" | grep -E '^(warning|error)\[|(ok|FAILED)$' || true

# Runs the advisory check `command…`: it passes or fails on what it finds, except that output
# matching `unreachable` (its service could not be reached) is a SKIPPED line saying `why`.
advisories() {
  local name=$1 unreachable=$2 why=$3 out
  shift 3
  if out=$("$@" 2>&1); then
    printf '%s\n' "$out"
  elif grep -qE "$unreachable" <<<"$out"; then
    printf '%s\n' "$out"
    say "SKIPPED $name: $why Exception written down in docs/reliability.md, Dependencies."
  else
    printf '%s\n' "$out"
    return 1
  fi
}

advisories "cargo deny advisories" "failed to fetch advisory database" \
  "the RustSec advisory database (a git repository on GitHub) cannot be fetched from this machine." \
  cargo deny --locked check --hide-inclusion-graph advisories
advisories "npm audit" "audit endpoint returned an error" \
  "the registry's audit endpoint refused the request (npm sends it a POST; this machine's registry access takes GET only)." \
  npm audit --omit=dev --audit-level=moderate
