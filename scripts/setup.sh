#!/usr/bin/env bash
# Installs what Telltale needs and this machine lacks: Debian/Ubuntu packages, Node.js 20.19+ (from
# apt, or else from the npm registry into .tools: scripts/setup-node.sh), Rust, Node.js packages
# and Rust crates. Safe to run again: it only installs what is missing.
#   scripts/setup.sh          what building and running the app needs
#   scripts/setup.sh --test   also what the tests need (Xvfb, WebKitWebDriver, tauri-driver, a keychain)
set -euo pipefail
cd "$(dirname "$0")/.."

want_test=0
[ "${1:-}" = "--test" ] && want_test=1

say() { printf '\033[1m[setup]\033[0m %s\n' "$*"; }
as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

# --- system packages (Tauri v2 on Linux: WebKitGTK 4.1 and friends) ---
packages=(build-essential pkg-config curl ca-certificates wget file libwebkit2gtk-4.1-dev libxdo-dev
          libssl-dev libayatana-appindicator3-dev librsvg2-dev)
# gnome-keyring and libsecret-tools: a real keychain for crates/cli/tests/cli_keychain.rs.
[ "$want_test" = 1 ] && packages+=(xvfb xauth imagemagick webkit2gtk-driver dbus chromium gnome-keyring libsecret-tools)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
  say "installing system packages: ${missing[*]}"
  as_root apt-get update -qq
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# --- Node.js 20.19+ or 22.12+ (Vite 8) and npm: the system's, apt's, or else the npm registry's in
# .tools/bin, which node-path.sh puts first on PATH (test.sh, run.sh and bench.sh source it too) ---
scripts/setup-node.sh
. scripts/node-path.sh

# --- Rust (rustup, stable) ---
if ! command -v cargo >/dev/null; then
  [ -f "$HOME/.cargo/env" ] && . "$HOME/.cargo/env"
fi
if ! command -v cargo >/dev/null; then
  say "installing Rust with rustup"
  curl --proto '=https' --tlsv1.2 -sSf https://sh.rustup.rs | sh -s -- -y --profile minimal -c clippy -c rustfmt
  . "$HOME/.cargo/env"
fi

# The lint stage checks formatting and clippy's rules.
if [ "$want_test" = 1 ] && command -v rustup >/dev/null &&
  ! { cargo fmt --version && cargo clippy --version; } >/dev/null 2>&1; then
  say "adding rustfmt and clippy to the Rust toolchain"
  rustup component add rustfmt clippy
fi

# --- npm packages (exactly the lock file) ---
if [ ! -f node_modules/.package-lock.json ] || ! cmp -s package-lock.json node_modules/.telltale-lock; then
  say "installing npm packages"
  npm ci --no-audit --no-fund --loglevel=error
  cp package-lock.json node_modules/.telltale-lock
fi

# --- Rust crates ---
cargo fetch --locked -q

# --- cargo-deny (the lint stage's dependency checks: scripts/check-dependencies.sh), pinned; it
# compiles from crates.io in about 5 minutes on 2 cores, so only when that version is missing ---
cargo_deny_version=0.20.2
if [ "$want_test" = 1 ] && [ "$(cargo deny --version 2>/dev/null)" != "cargo-deny $cargo_deny_version" ]; then
  say "installing cargo-deny $cargo_deny_version (compiles for about 5 minutes)"
  cargo install --locked cargo-deny --version "$cargo_deny_version" -q
fi

# --- tauri-driver (WebDriver for the real app window) ---
if [ "$want_test" = 1 ] && ! command -v tauri-driver >/dev/null; then
  say "installing tauri-driver"
  cargo install tauri-driver --locked -q
fi
exit 0
