#!/usr/bin/env bash
# Installs what is missing and runs every test, stage by stage:
#   setup  Node.js selection on a machine whose Node.js is too old (scripts/tests/old-node.test.sh;
#          a few seconds, network only to registry.npmjs.org)
#   lint   rustfmt, clippy (warnings are errors; no unwrap/expect outside tests), ESLint and Prettier on ui/,
#          cargo deny and npm audit (scripts/check-dependencies.sh)
#   rust   protocol, agent, history, session and CLI (fast; no WebKitGTK needed), and
#          @ag-ui/client's HttpAgent and curl -N against the built `telltale serve`
#   ui     TypeScript types, the reducer's unit tests, the production build
#   browser  the built window (IPC mocked) in headless Chromium: every visual state, 5,000 tok/s;
#          then the real UI served by `telltale serve` over HTTP and EventSource
#   fuzz   libFuzzer on the SSE parser and both providers' stream decoders, FUZZ_SECONDS (30) each
#   e2e    SLOW: builds the desktop app and drives its real window through WebDriver under Xvfb
#   deb    SLOW: builds the release .deb, installs it, drives the installed app, uninstalls it
# `scripts/test.sh rust ui` runs only those stages.
set -euo pipefail
cd "$(dirname "$0")/.."
stages=("$@")
[ "${#stages[@]}" -eq 0 ] && stages=(setup lint rust ui browser fuzz e2e deb)

scripts/setup.sh --test
[ -f "$HOME/.cargo/env" ] && . "$HOME/.cargo/env"
. scripts/node-path.sh   # the Node.js setup.sh chose (.tools/bin when the system's is too old)

# One pass over every test gains nothing from incremental build caches; they were a third of
# CI's disk (the runner's free disk varies, and a full run once ran out).
: "${CARGO_INCREMENTAL:=0}"
export CARGO_INCREMENTAL
free_disk() { df -Ph . | awk 'NR == 2 { print $4 " free" }'; }

stage() { printf '\n\033[1m== %s ==\033[0m (%s)\n' "$*" "$(free_disk)"; }
for s in "${stages[@]}"; do
  SECONDS=0
  case "$s" in
    setup)
      stage "setup: a too-old Node.js is replaced by the npm registry's, with npm, first on PATH"
      scripts/tests/old-node.test.sh
      ;;
    lint)
      stage "lint: rustfmt, clippy, ESLint, Prettier, cargo deny, npm audit"
      cargo fmt --all --check
      # The shell's build embeds the UI (tauri.conf.json's frontendDist), so it must exist.
      [ -f ui/dist/index.html ] || npm run -s ui:build
      # Code that ships may not unwrap or expect (workspace lints); tests, benches and examples may.
      cargo clippy --locked --workspace --lib --bins -- -D warnings
      cargo clippy --locked --workspace --tests --benches --examples -- -D warnings \
        -A clippy::unwrap_used -A clippy::expect_used
      npm run -s ui:lint
      # Licences, bans and sources (deny.toml); advisories where their services can be reached.
      scripts/check-dependencies.sh
      ;;
    rust)
      stage "rust: protocol, agent, history, session, cli; AG-UI's HttpAgent and curl -N against telltale serve"
      # The keychain tests run here rather than say that their tools are missing.
      TELLTALE_REQUIRE_KEYCHAIN=1 cargo test --locked
      # The CLI the tests above built, serving AG-UI to the npm package's own client, and its
      # event streams to curl -N.
      timeout -k 10 120 node --test e2e/ag-ui.serve.test.mjs e2e/curl.serve.test.mjs
      ;;
    ui)
      stage "ui: typecheck, unit tests, build"
      npm run -s ui:typecheck
      npm run -s ui:test
      npm run -s ui:build
      ;;
    browser)
      stage "browser: the built window in headless Chromium (Tauri IPC mocked); screenshots in artifacts/browser"
      npm run -s ui:build:mock
      npm run -s ui:browser-test
      # The real UI served by a real `telltale serve` (the offline demo): EventSource, resume, 401.
      cargo build --locked -p telltale-cli
      npm run -s ui:build
      npm run -s ui:serve-test
      ;;
    fuzz)
      stage "fuzz: SSE parser, OpenAI and Anthropic stream decoders, calculator, transcript import under libFuzzer, ${FUZZ_SECONDS:-30} s each"
      # cargo-fuzz needs nightly flags; RUSTC_BOOTSTRAP=1 lets the stable toolchain take them.
      command -v cargo-fuzz >/dev/null || cargo install --locked cargo-fuzz
      export RUSTC_BOOTSTRAP=1
      cargo fuzz build
      fixtures=${TELLTALE_FIXTURES:-fixtures/wire}
      for target in sse_parser openai_stream anthropic_stream calculator transcript_import; do
        corpus=fuzz/corpus/$target
        mkdir -p "$corpus"
        # Seeds: the wire recordings in fixtures/wire (copied into the corpus, which is not committed).
        case $target in
          sse_parser) seeds=("$fixtures"/*.sse) ;;
          openai_stream) seeds=("$fixtures"/openai_chat*.sse) ;;
          anthropic_stream) seeds=("$fixtures"/anthropic*.sse) ;;
          calculator) seeds=(fuzz/seeds/calculator/*) ;;
          transcript_import) seeds=(fixtures/exports/*.json) ;;
        esac
        for seed in "${seeds[@]}"; do [ -f "$seed" ] && cp "$seed" "$corpus/"; done
        # Inputs up to 1 MiB (an endless line, a deeply nested expression, a huge import).
        cargo fuzz run "$target" -- -max_total_time="${FUZZ_SECONDS:-30}" -max_len=1048576 -print_final_stats=1 2>&1 | tail -n 40
      done
      unset RUSTC_BOOTSTRAP
      # CI needs the fuzz builds no more (~1.5 GB); a developer keeps them for the next run.
      if [ -n "${CI:-}" ]; then rm -rf fuzz/target; fi
      ;;
    e2e)
      stage "e2e (slow): the real app window through tauri-driver + WebKitWebDriver under Xvfb"
      [ -f ui/dist/index.html ] || npm run -s ui:build
      cargo build --locked -p telltale-app
      cargo test --locked -p telltale-app
      mkdir -p artifacts
      xvfb-run -a -s "-screen 0 1280x800x24" timeout -k 10 1200 node --test --test-concurrency=1 e2e/app.e2e.test.mjs e2e/providers.e2e.test.mjs e2e/history.e2e.test.mjs e2e/tools.e2e.test.mjs e2e/xss.e2e.test.mjs e2e/crash.e2e.test.mjs e2e/keyleak.e2e.test.mjs e2e/branches.e2e.test.mjs e2e/attachments.e2e.test.mjs e2e/highlight.e2e.test.mjs
      ;;
    deb)
      stage "deb (slow): build the .deb, install it, launch the installed app, uninstall it"
      [ -f ui/dist/index.html ] || npm run -s ui:build
      # The release build needs none of the debug builds; CI frees their disk first (~5 GB).
      if [ -n "${CI:-}" ]; then rm -rf target/debug; fi
      npm run -s tauri -- build --bundles deb
      deb=$(ls -t target/release/bundle/deb/*.deb | head -n 1)
      pkg=$(dpkg-deb -f "$deb" Package)
      echo "[deb] $deb ($(du -h "$deb" | cut -f1)), package $pkg"
      if [ "$(id -u)" -eq 0 ]; then as_root=(); else as_root=(sudo); fi
      DEBIAN_FRONTEND=noninteractive "${as_root[@]}" apt-get install -y -qq "./$deb"
      status=0
      # Keys in the file, as before the tests installed gnome-keyring: on this session bus its
      # Secret Service would be started on demand with no unlocked keyring, and storing a key
      # would open an unlock prompt on the screen (cli_keychain.rs tests the keychain).
      TELLTALE_KEY_STORE=file TELLTALE_APP=/usr/bin/telltale-app TELLTALE_PACKAGE="$pkg" dbus-run-session -- \
        xvfb-run -a -s "-screen 0 1280x800x24" \
        timeout -k 10 600 node --test --test-concurrency=1 e2e/installed.e2e.test.mjs e2e/app.e2e.test.mjs || status=$?
      DEBIAN_FRONTEND=noninteractive "${as_root[@]}" apt-get remove -y -qq "$pkg"
      [ "$status" -eq 0 ]
      ;;
    *) echo "unknown stage $s (setup, rust, ui, browser, fuzz, e2e, deb)"; exit 2 ;;
  esac
  echo "[$s] took ${SECONDS}s ($(free_disk))"
done
