#!/usr/bin/env bash
# Issue 9, target 5: the app's memory (PSS, all its processes) idle against a minimal Tauri window,
# and its growth after long streamed answers in the real window. Prints a table and writes
# artifacts/bench/memory.json. About 5 minutes.
#
#   bench/memory/run.sh            builds the release app and the minimal window first
#   MEMORY_SKIP_BUILD=1 bench/memory/run.sh     uses the binaries already in target/release
#
# Knobs (environment): MEMORY_ROUNDS (2 idle launches of each), MEMORY_SETTLE_S (5),
# MEMORY_ANSWER_TOKENS (100000), MEMORY_EVENTS (2000000), MEMORY_STREAM_BUDGET_S (150),
# MEMORY_LATE_S (20: the last samples, this long after the stream and a New Chat),
# TELLTALE_APP, MINIMAL_WINDOW, STAMP_SERVER (../shared/bench-window/stamp_server.py).
set -euo pipefail
cd "$(dirname "$0")/../.."
[ -f "$HOME/.cargo/env" ] && . "$HOME/.cargo/env"

if [ "${MEMORY_SKIP_BUILD:-}" != 1 ]; then
  [ -f ui/dist/index.html ] || npm run -s ui:build
  cargo build --release --locked -p telltale-app --bin telltale-app --example minimal_window
fi

# A private X display, and a private session bus: the app's single-instance check must not find
# (and hand over to) a Telltale that someone else is running on this machine.
exec dbus-run-session -- xvfb-run -a -s "-screen 0 1280x800x24" node bench/memory/measure.mjs
