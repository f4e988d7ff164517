// Launching a window app on the X display and waiting until its window is up; stopping it and
// every process it started.
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { tree } from './pss.mjs';

/**
 * `extra` on top of this process's environment, with fresh config, data and cache folders, so a
 * launch finds no window state, WebKit cache or history from another launch (or another user).
 */
export function isolatedEnv(extra = {}) {
  const home = mkdtempSync(join(tmpdir(), 'telltale-memory-'));
  return {
    ...process.env,
    XDG_CONFIG_HOME: join(home, 'config'),
    XDG_DATA_HOME: join(home, 'data'),
    XDG_CACHE_HOME: join(home, 'cache'),
    TELLTALE_DATA_DIR: join(home, 'telltale'),
    ...extra,
  };
}

/** Whether a top-level window titled `title` exists on the display. */
function windowShown(title) {
  try {
    return execFileSync('xwininfo', ['-root', '-tree'], { encoding: 'utf8' }).includes(`"${title}"`);
  } catch {
    return false;
  }
}

/** True once `pid` runs a WebKit web process (the page's renderer) and a window titled `title` is up. */
export function windowUp(pid, title) {
  return tree(pid).some((p) => p.comm.startsWith('WebKitWebProc')) && windowShown(title);
}

/** Starts `binary` and waits for its window; returns {pid, stop}. */
export async function launch(binary, { env, title, timeout = 30000 }) {
  const child = spawn(binary, [], { env, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d) => (stderr = (stderr + d).slice(-2000)));
  let exited = null;
  child.on('exit', (code, signal) => (exited = { code, signal }));
  const deadline = Date.now() + timeout;
  while (!windowUp(child.pid, title)) {
    if (exited) throw new Error(`${binary} exited (${JSON.stringify(exited)}) before its window was up: ${stderr}`);
    if (Date.now() > deadline) {
      await stopTree(child.pid);
      throw new Error(`${binary}: no window titled "${title}" within ${timeout / 1000} s: ${stderr}`);
    }
    await sleep(100);
  }
  return { pid: child.pid, stop: () => stopTree(child.pid) };
}

/** SIGTERM to `pid` and its descendants, then SIGKILL to whatever is left after 5 s. */
export async function stopTree(pid) {
  const kill = (p, signal) => {
    try {
      process.kill(p, signal);
    } catch {
      // Ended already.
    }
  };
  let left = tree(pid);
  for (const p of left) kill(p.pid, 'SIGTERM');
  const deadline = Date.now() + 5000;
  while (Date.now() < deadline) {
    left = left.filter((p) => {
      try {
        process.kill(p.pid, 0);
        return true;
      } catch {
        return false;
      }
    });
    if (left.length === 0) return;
    await sleep(100);
  }
  for (const p of left) kill(p.pid, 'SIGKILL');
}
