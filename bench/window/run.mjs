#!/usr/bin/env node
// Real-window benchmark: drives the release app (target/release/telltale-app) through tauri-driver
// and WebKitWebDriver under Xvfb against the stamping server, and measures what the user sees.
//
//   node bench/window/run.mjs [--quick] [--only enter,stream,growth/code,...] [--out FILE]
//
// Writes artifacts/bench/window.json and prints Markdown tables. Every process it starts is killed
// on the way out, whatever happens. Not part of the test run: it prints figures, it never fails on them.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startXvfb, startServer } from './harness.mjs';
import { stopAll, killAllNow } from './procs.mjs';
import { cases } from './scenarios.mjs';
import { markdown } from './report.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

function parseArgs(argv) {
  const opts = { quick: false, only: null, out: join(ROOT, 'artifacts/bench/window.json') };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--quick') opts.quick = true;
    else if (a === '--only') opts.only = argv[++i].split(',').filter(Boolean);
    else if (a === '--out') opts.out = resolve(argv[++i]);
    else if (a === '--help' || a === '-h') {
      console.log(
        'usage: node bench/window/run.mjs [--quick] [--only NAME[,NAME…]] [--out FILE]\nnames: ' +
          cases(false)
            .map((c) => c.id)
            .join(', '),
      );
      process.exit(0);
    } else throw new Error(`unknown argument ${a}`);
  }
  return opts;
}

/**
 * The wall clock less the monotonic one, in ms. The server stamps tokens with the wall clock and
 * the page times frames with its monotonic one (calibrated when each measurement starts), so when
 * this moves during a scenario (a virtual machine's host paused it, or its clock was set) that
 * scenario's latencies are off by as much.
 */
const wallOverMonotonic = () => Date.now() - (performance.timeOrigin + performance.now());
/** A move of the wall clock against the monotonic one that makes a scenario's figures untrustworthy. */
const CLOCK_JUMP_MS = 5;

const log = (...a) => console.error(`[bench ${new Date().toISOString().slice(11, 19)}]`, ...a);

function machine() {
  const sh = (cmd, args) => {
    try {
      return execFileSync(cmd, args, { encoding: 'utf8', cwd: ROOT }).trim();
    } catch {
      return null;
    }
  };
  return {
    cpu: cpus()[0]?.model,
    cores: cpus().length,
    memGiB: Math.round(totalmem() / 2 ** 30),
    webkitgtk: sh('dpkg-query', ['-W', '-f=${Version}', 'libwebkit2gtk-4.1-0']),
    kernel: sh('uname', ['-r']),
    commit: sh('git', ['rev-parse', '--short', 'HEAD']),
    // Other work on a 2-core machine shows in every figure: say how busy it was.
    loadAtStart: loadavg().map((x) => Math.round(x * 100) / 100),
  };
}

/**
 * Runs one scenario. A crash of the window (WebKitWebDriver loses the app: "page crash or hang")
 * is a finding, reported with what the kernel logged; the scenario is then run once more so its
 * figures still come out. Any other error is reported as the scenario's result.
 */
async function runCase(c, ctx) {
  const crashes = [];
  for (let attempt = 1; ; attempt++) {
    const since = uptimeSeconds();
    try {
      const result = await c.run(ctx);
      return crashes.length ? { ...result, crashes } : result;
    } catch (e) {
      const error = String(e.message ?? e).slice(0, 500);
      log(`${c.id} failed: ${e.stack ?? e}`);
      if (e.log !== undefined) log(`${c.id}: app ${e.appAlive ? 'still running' : 'gone'}; its last output:\n${e.log}`);
      const crashed = /page crash or hang/.test(error);
      const kernel = kernelLog(since).filter((l) => /segfault|oom|killed process|general protection/i.test(l));
      if (crashed) crashes.push({ attempt, error, kernel, appLog: e.log?.slice(-600) });
      if (!crashed || attempt >= 2) return { error, appAlive: e.appAlive, log: e.log, ...(crashes.length ? { crashes } : {}) };
      log(`${c.id}: the window crashed (${kernel.join('; ') || 'nothing in the kernel log'}); running it once more`);
    }
  }
}

const uptimeSeconds = () => Number(readFileSync('/proc/uptime', 'utf8').split(' ')[0]);

/** The kernel's log lines since `since` (s after boot), where WebKit segfaults show; none if unreadable. */
function kernelLog(since) {
  try {
    const lines = execFileSync('dmesg', [], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).split('\n');
    return lines.filter((l) => Number(/^\[\s*([\d.]+)\]/.exec(l)?.[1] ?? -1) >= since);
  } catch {
    return [];
  }
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  const appPath = process.env.TELLTALE_APP ?? join(ROOT, 'target/release/telltale-app');
  const cliPath = process.env.TELLTALE_CLI ?? join(ROOT, 'target/release/telltale');
  for (const p of [appPath, cliPath]) if (!existsSync(p)) throw new Error(`${p} is missing: build the release binaries first`);

  const selected = cases(opts.quick).filter((c) => !opts.only || opts.only.some((name) => c.id === name || c.id.startsWith(name + '/')));
  if (selected.length === 0) throw new Error(`--only ${opts.only} matches no scenario`);

  const results = {
    when: new Date().toISOString(),
    quick: opts.quick,
    app: { path: appPath, built: statSync(appPath).mtime.toISOString() },
    machine: machine(),
    scenarios: {},
    seconds: {},
    // Scenarios during which the wall clock moved against the monotonic one: ms.
    clockJumps: {},
  };
  const began = Date.now();
  const xvfb = await startXvfb();
  const server = await startServer();
  const ctx = { appPath, cliPath, display: xvfb.display, port: server.port, quick: opts.quick };
  log(`display ${xvfb.display}, stamp server on 127.0.0.1:${server.port}; ${selected.length} scenarios`);
  try {
    for (const c of selected) {
      const t0 = Date.now();
      const clock0 = wallOverMonotonic();
      log(`${c.id} ${JSON.stringify(c.params)}`);
      results.scenarios[c.id] = await runCase(c, ctx);
      results.seconds[c.id] = Math.round((Date.now() - t0) / 100) / 10;
      const jump = wallOverMonotonic() - clock0;
      if (Math.abs(jump) > CLOCK_JUMP_MS) {
        results.clockJumps[c.id] = Math.round(jump);
        log(`${c.id}: the wall clock moved ${Math.round(jump)} ms against the monotonic clock meanwhile`);
      }
      log(`${c.id} done in ${results.seconds[c.id]} s`);
    }
  } finally {
    await stopAll();
    server.cleanup();
  }
  results.seconds.total = Math.round((Date.now() - began) / 100) / 10;
  results.machine.loadAtEnd = loadavg().map((x) => Math.round(x * 100) / 100);
  mkdirSync(dirname(opts.out), { recursive: true });
  writeFileSync(opts.out, JSON.stringify(results, null, 1));
  const m = results.machine;
  process.stdout.write(
    `## Real-window benchmark${opts.quick ? ' (quick)' : ''}\n\n${m.cpu} × ${m.cores}, ${m.memGiB} GiB, WebKitGTK ${m.webkitgtk}, commit ${m.commit}; ` +
      `release app built ${results.app.built}; ${results.seconds.total} s; load average ${m.loadAtStart[0]} at start, ${m.loadAtEnd[0]} at end\n\n` +
      markdown(results) +
      clockWarning(results.clockJumps) +
      `\nJSON: ${opts.out}\n`,
  );
}

function clockWarning(jumps) {
  const ids = Object.keys(jumps);
  if (ids.length === 0) return '';
  const list = ids.map((id) => `${id} (${jumps[id]} ms)`).join(', ');
  return (
    `\n**Not to be trusted:** the machine's wall clock moved against its monotonic clock during ${list} ` +
    '(the machine was paused, or its clock was set): latencies are off by as much, and frame gaps may span the pause. Measure them again.\n'
  );
}

// Whatever happens, leave no process behind; and never run for ever.
process.on('exit', killAllNow);
for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(sig, () => {
    log(`${sig}: stopping`);
    killAllNow();
    process.exit(130);
  });
}
const watchdog = setTimeout(
  () => {
    log('watchdog: the run took too long, stopping');
    killAllNow();
    process.exit(2);
  },
  (process.argv.includes('--quick') ? 5 : 20) * 60 * 1000,
);
watchdog.unref();

main().then(
  () => process.exit(0),
  (e) => {
    log(e.stack ?? String(e));
    process.exit(1);
  },
);
