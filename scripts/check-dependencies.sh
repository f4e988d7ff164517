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

if out=$(cargo deny --locked check --hide-inclusion-graph advisories 2>&1); then
  printf '%s\n' "$out"
elif grep -q "failed to fetch advisory database" <<<"$out"; then
  printf '%s\n' "$out" | grep -m1 "failed to fetch" || true
  say "SKIPPED cargo deny advisories: the RustSec advisory database (a git repository on GitHub) cannot be fetched from this machine. Exception written down in docs/reliability.md, Dependencies."
else
  printf '%s\n' "$out"
  exit 1
fi

if out=$(npm audit --omit=dev --audit-level=moderate 2>&1); then
  printf '%s\n' "$out"
elif grep -q "audit endpoint returned an error" <<<"$out"; then
  printf '%s\n' "$out" | grep -m1 "npm warn audit" || true
  say "SKIPPED npm audit: the registry's audit endpoint refused the request (npm sends it a POST; this machine's registry access takes GET only). Exception written down in docs/reliability.md, Dependencies."
else
  printf '%s\n' "$out"
  exit 1
fi
