#!/usr/bin/env bash
# Every performance figure of issue 9, on this machine, in one run (not part of scripts/test.sh:
# benchmarks print figures and never fail on them; they exit non-zero only when they cannot run).
#   build    what the stages need: the release app, the CLI, the peers adapter, the minimal
#            window, the stop benchmark
#   window   the real window (WebKitGTK under Xvfb): latency, frames, growth, throughput, startup,
#            reopen, scroll                                          bench/window/run.mjs
#   memory   PSS of all the app's processes, idle vs a minimal Tauri window, and after long
#            streams                                                 bench/memory/run.sh
#   peers    `telltale run --json` beside openai-python/-node, LangChain, the Vercel AI SDK
#                                                                    bench/peers/run.sh
#   parsers  SSE parsing and the providers' decoders: MB/s and allocations per event (criterion)
#   stop     Stop → run_finished{cancelled}, and → the server sees the connection closed
# `scripts/bench.sh window stop` runs only those stages (after building what they need).
# About 14 minutes on 2 cores (and the build's, after a change: 2-3 more); tables go to stdout,
# JSON and Markdown to artifacts/bench/.
# Nothing else should run on the machine meanwhile: the figures are only as quiet as it is.
set -euo pipefail
cd "$(dirname "$0")/.."
stages=("$@")
[ "${#stages[@]}" -eq 0 ] && stages=(window memory peers parsers stop)

scripts/setup.sh --test
[ -f "$HOME/.cargo/env" ] && . "$HOME/.cargo/env"
. scripts/node-path.sh   # the Node.js setup.sh chose (.tools/bin when the system's is too old)
mkdir -p artifacts/bench
stage() { printf '\n\033[1m== %s ==\033[0m\n' "$*"; }

SECONDS=0
stage "build: what the stages need (release app, CLI, peers adapter, minimal window, stop benchmark)"
# The UI is built aside and copied in only when it changed: ui/dist written again (the same
# bytes, new times) makes cargo rebuild and relink the app, two of this script's minutes.
fresh_ui="$(mktemp -d)"
npx vite build --config ui/vite.config.ts --outDir "$fresh_ui" --emptyOutDir --logLevel warn
if diff -r -q "$fresh_ui" ui/dist >/dev/null 2>&1; then
  echo "[build] the UI is unchanged"
else
  rm -rf ui/dist && mkdir -p ui/dist && cp -R "$fresh_ui"/. ui/dist/
fi
rm -rf "$fresh_ui"
# Only what the stages asked for need (each fat-LTO link takes minutes).
wants() { for s in "${stages[@]}"; do for w in "$@"; do [ "$s" = "$w" ] && return 0; done; done; return 1; }
if wants window memory; then cargo build --release --locked -p telltale-app; fi
# The CLI and the adapter as bench/peers/run.sh builds them (built with the app, they get its
# dependencies' features, and the peers stage would build them again: ~5 minutes with LTO).
if wants peers; then cargo build --release --locked -p telltale-cli -p telltale-peers-adapter; fi
if wants memory; then cargo build --release --locked -p telltale-app --example minimal_window; fi
if wants stop; then cargo build --release --locked -p telltale-agent --example stop_latency; fi
echo "[build] took ${SECONDS}s"

total=0
failed=()
run_stage() {
  case "$1" in
    window)
      stage "window: the real app window under Xvfb"
      node bench/window/run.mjs
      ;;
    memory)
      stage "memory: PSS of the app's processes against a minimal Tauri window"
      MEMORY_SKIP_BUILD=1 bench/memory/run.sh
      ;;
    peers)
      stage "peers: telltale run --json beside the well-known streaming clients"
      # Two repetitions (the harness's default is five) keep the whole script near 15 minutes.
      bench/peers/run.sh --reps "${PEERS_REPS:-2}"
      ;;
    parsers)
      stage "parsers: SSE and provider decoding throughput, allocations per event"
      cargo bench --locked -p telltale-agent --bench parsers -- --warm-up-time 1 --measurement-time 3 2>&1 |
        tee artifacts/bench/parsers.txt
      ;;
    stop)
      stage "stop: Stop → run_finished{cancelled}, Stop → connection closed"
      target/release/examples/stop_latency | tee artifacts/bench/stop.txt
      ;;
    *) echo "unknown stage $1 (window, memory, peers, parsers, stop)"; return 2 ;;
  esac
}
# A stage that cannot run (or a peer client that fails) is reported; the others still run.
for s in "${stages[@]}"; do
  SECONDS=0
  run_stage "$s" || failed+=("$s")
  echo "[$s] took ${SECONDS}s"
  total=$((total + SECONDS))
done
echo "[bench] stages took ${total}s; results in artifacts/bench/"
if [ "${#failed[@]}" -gt 0 ]; then
  echo "[bench] could not complete: ${failed[*]}"
  exit 1
fi
