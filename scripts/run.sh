#!/usr/bin/env bash
# Installs what is missing, builds Telltale and opens its window.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
[ -f "$HOME/.cargo/env" ] && . "$HOME/.cargo/env"
. scripts/node-path.sh   # the Node.js setup.sh chose (.tools/bin when the system's is too old)
echo "[run] building the UI and the app (the first build takes a few minutes)"
npm run -s ui:build
cargo build -p telltale-app
if [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ]; then
  echo "[run] no display found (DISPLAY/WAYLAND_DISPLAY unset): Telltale needs a desktop session." >&2
  echo "[run] on a headless machine: xvfb-run -a scripts/run.sh" >&2
  exit 1
fi
exec target/debug/telltale-app "$@"
