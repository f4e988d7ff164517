#!/usr/bin/env bash
# Telltale's row in the shared streaming-client benchmark (issue 9, target 3 "Core client").
#
# Copies ../shared/bench-peers (TELLTALE_SHARED overrides ../shared) into a scratch folder
# under artifacts/bench/peers-work (the shared folder is never written to), builds `telltale`
# and its adapter (bench/peers-adapter) in release mode, runs the peers' harness with two more
# rows, and leaves the tables in artifacts/bench/peers.md and .json:
#   telltale          `telltale run --json`, recording to the history (the default)
#   telltale-nosave   the same with --no-save
# The history lives in a throwaway folder under the scratch folder, never the user's.
#
# TELLTALE_BASELINE=/path/to/an/older/telltale adds a row `telltale-baseline` (recording on,
# its own history folder): before and after in the same run.
#
#   bench/peers/run.sh                  # full run (about 15 minutes on 2 cores)
#   bench/peers/run.sh --quick          # --reps 1 --s1-n 50 --s2-n 2000, a minute or two
#   BENCH_ONLY=openai-node,telltale bench/peers/run.sh --scenarios S2
# Other arguments go to the harness's bench.py (see its --help).
set -euo pipefail
REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
SHARED="${TELLTALE_SHARED:-$REPO/../shared}/bench-peers"
WORK="$REPO/artifacts/bench/peers-work"
OUT="$REPO/artifacts/bench"
TARGET="${CARGO_TARGET_DIR:-$REPO/target}"

args=()
for arg in "$@"; do
  if [ "$arg" = "--quick" ]; then
    args+=(--reps 1 --s1-n 50 --s2-n 2000)
  else
    args+=("$arg")
  fi
done

[ -f "$SHARED/bench.py" ] || { echo "no benchmark at $SHARED (set TELLTALE_SHARED)" >&2; exit 1; }

# ---- one run at a time: a second (scripts/bench.sh, another shell) waits for the first -------
mkdir -p "$WORK"
exec 9>"$OUT/peers-work.lock"
if ! flock -n 9; then
  echo "another bench/peers run is using $WORK: waiting for it" >&2
  flock 9
fi

# ---- a private copy of the harness; its venv and node_modules are kept between runs --------
stamp="$(cat "$SHARED/requirements.lock" "$SHARED/package-lock.json" | sha256sum | cut -d' ' -f1)"
if [ "$(cat "$WORK/.deps-stamp" 2>/dev/null)" != "$stamp" ]; then
  rm -rf "$WORK/.venv" "$WORK/node_modules"   # locks changed: the harness reinstalls them
fi
for item in "$SHARED"/* "$SHARED"/.gitignore; do
  name="$(basename "$item")"
  case "$name" in .venv|node_modules|results) continue ;; esac
  rm -rf "${WORK:?}/$name"
  cp -R "$item" "$WORK/$name"
done
chmod -R u+w "$WORK"
echo "$stamp" > "$WORK/.deps-stamp"
rm -rf "$WORK/results" "$WORK/history" "$WORK/history-baseline"
mkdir -p "$WORK/results" "$WORK/history"

# ---- build -----------------------------------------------------------------------------------
(cd "$REPO" && cargo build --release --locked -p telltale-cli -p telltale-peers-adapter)
ADAPTER="$TARGET/release/telltale-peers-adapter"
TELLTALE="$TARGET/release/telltale"

# ---- run -------------------------------------------------------------------------------------
common="--telltale=$TELLTALE --data-dir=$WORK/history"
clients=(--client "telltale=$ADAPTER $common" --client "telltale-nosave=$ADAPTER --no-save $common")
if [ -n "${TELLTALE_BASELINE:-}" ]; then
  [ -x "$TELLTALE_BASELINE" ] || { echo "TELLTALE_BASELINE=$TELLTALE_BASELINE is not an executable" >&2; exit 1; }
  mkdir -p "$WORK/history-baseline"
  clients+=(--client "telltale-baseline=$ADAPTER --telltale=$TELLTALE_BASELINE --data-dir=$WORK/history-baseline")
fi
status=0
"$WORK/run.sh" "${clients[@]}" "${args[@]}" || status=$?

if [ -f "$WORK/results/peers.json" ]; then
  cp "$WORK/results/peers.json" "$OUT/peers.json"
  cp "$WORK/results/peers.md" "$OUT/peers.md"
  python3 "$REPO/bench/peers/targets.py" "$OUT/peers.json" | tee -a "$OUT/peers.md"
  echo "results: $OUT/peers.md, $OUT/peers.json" >&2
fi
exit "$status"
