// The machinery around one measurement: a virtual display, the stamping server, and the release app
// launched through tauri-driver with its own environment and data folder. Loopback only.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readlinkSync, rmSync, existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { Session } from '../../e2e/webdriver.mjs';
import { start, stop, descendants } from './procs.mjs';

const HERE = dirname(fileURLToPath(import.meta.url));

/** Rejects after `ms` (a WebDriver call into a hung app must not hang the benchmark). */
export function timed(promise, ms, what) {
  let timer;
  const timeout = new Promise((_, fail) => (timer = setTimeout(() => fail(new Error(`timed out after ${ms} ms: ${what}`)), ms)));
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

export async function freePort() {
  const srv = createServer();
  await new Promise((ok) => srv.listen(0, '127.0.0.1', ok));
  const { port } = srv.address();
  await new Promise((ok) => srv.close(ok));
  return port;
}

/** Xvfb on a display number it picks itself (-displayfd), so parallel runs don't collide. */
export async function startXvfb() {
  const x = start('Xvfb', ['-displayfd', '3', '-screen', '0', '1280x800x24', '-nolisten', 'tcp'], {
    stdio: ['ignore', 'ignore', 'pipe', 'pipe'],
  });
  let out = '';
  x.stdio[3].on('data', (b) => (out += b));
  for (let i = 0; i < 100 && !/\n/.test(out); i++) await sleep(50);
  if (!/^\d+\n/.test(out)) {
    await stop(x);
    throw new Error(`Xvfb did not start: ${x.stderrTail}`);
  }
  return { display: `:${out.trim()}`, proc: x };
}

/** The project's stamping server (bench/window/stamp_server.py) on a free loopback port. */
export async function startServer() {
  const dir = mkdtempSync(join(tmpdir(), 'tt-bench-srv-'));
  const portFile = join(dir, 'port');
  const proc = start('python3', [join(HERE, 'stamp_server.py'), portFile]);
  for (let i = 0; i < 100; i++) {
    if (existsSync(portFile)) {
      const port = Number(readFileSync(portFile, 'utf8'));
      if (port > 0) return { port, proc, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
    }
    await sleep(50);
  }
  await stop(proc);
  throw new Error(`stamp server did not start: ${proc.stderrTail}`);
}

export const baseUrl = (port, mode, n, delayMs) => `http://127.0.0.1:${port}/${mode},n=${n},delay_ms=${delayMs}/v1`;

export function newDataDir() {
  return mkdtempSync(join(tmpdir(), 'tt-bench-data-'));
}

/**
 * Starts tauri-driver with `env` (the app inherits it) and opens a session, which launches the
 * app. Returns the session, the app's pid, and close() which always leaves no process behind.
 */
export async function launchApp({ appPath, display, env }) {
  const port = await freePort();
  const nativePort = await freePort();
  const driver = start(
    'tauri-driver',
    ['--port', String(port), '--native-port', String(nativePort), '--native-driver', '/usr/bin/WebKitWebDriver'],
    {
      env: { ...process.env, DISPLAY: display, ...env },
    },
  );
  const base = `http://127.0.0.1:${port}`;
  const close = async () => {
    if (session) await timed(session.close(), 5000, 'closing the session').catch(() => {});
    await stop(driver);
  };
  let session = null;
  try {
    let up = false;
    for (let i = 0; i < 100 && !up; i++) {
      up = await fetch(`${base}/status`).then(
        (r) => r.ok,
        () => false,
      );
      if (!up) await sleep(50);
    }
    if (!up) throw new Error(`tauri-driver did not start: ${driver.stderrTail}`);
    session = await timed(Session.create(base, appPath), 30000, 'creating the session (launching the app)');
    const pid = findApp(driver.pid, appPath);
    return { session, pid, driver, close };
  } catch (e) {
    await close();
    throw e;
  }
}

/** The app's pid: the descendant of our tauri-driver whose executable is the app. */
function findApp(driverPid, appPath) {
  for (const pid of descendants(driverPid)) {
    try {
      if (readlinkSync(`/proc/${pid}/exe`) === appPath) return pid;
    } catch {
      // Gone already, or not ours to read: not the app.
    }
  }
  return null;
}

/**
 * When the process started, in epoch ms: /proc/<pid>/stat starttime (clock ticks since boot) plus
 * the boot time. /proc/stat's btime is whole seconds, too coarse for a ~1 s figure, so the boot time
 * is taken as now − /proc/uptime read right as uptime ticks (good to ~1 ms; starttime itself has
 * the 10 ms resolution of the clock tick). `viaBtime` is the same with btime, for comparison.
 */
export function processStartEpochMs(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const sinceBootMs = (Number(fields[19]) * 1000) / clockTicks();
  return { epochMs: bootEpochMs() + sinceBootMs, viaBtime: btimeEpochMs() + sinceBootMs };
}

let ticks = null;
function clockTicks() {
  ticks ??= Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  return ticks;
}

function bootEpochMs() {
  const read = () => Number(readFileSync('/proc/uptime', 'utf8').split(' ')[0]);
  const first = read();
  const deadline = Date.now() + 50;
  while (Date.now() < deadline) {
    const now = Date.now();
    const up = read();
    if (up !== first) return now - up * 1000;
  }
  return Date.now() - read() * 1000;
}

function btimeEpochMs() {
  const line = readFileSync('/proc/stat', 'utf8')
    .split('\n')
    .find((l) => l.startsWith('btime '));
  return Number(line.split(' ')[1]) * 1000;
}
