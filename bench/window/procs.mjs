// Every process the benchmark starts is registered here and killed, with all its descendants, by
// pid — also when the run fails or is interrupted. Each child gets its own process group, but the
// descendants are found through /proc too, since a WebKit process may leave the group.
import { spawn } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';

const live = new Set();

export function start(cmd, args, opts = {}) {
  const child = spawn(cmd, args, { detached: true, stdio: ['ignore', 'ignore', 'pipe'], ...opts });
  child.stderrTail = '';
  child.stderr?.on('data', (b) => (child.stderrTail = (child.stderrTail + b).slice(-4000)));
  child.exited = new Promise((ok) => child.on('exit', ok));
  child.on('error', (e) => (child.stderrTail += `\nspawn error: ${e.message}`));
  live.add(child);
  child.on('exit', () => live.delete(child));
  return child;
}

/** pid -> parent pid, for every process we can read. */
function parents() {
  const map = new Map();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      // The command name may hold spaces and parentheses: the fields start after the last ")".
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      map.set(Number(name), Number(fields[1]));
    } catch {
      // The process ended while the list was read.
    }
  }
  return map;
}

export function descendants(pid) {
  const map = parents();
  const out = [];
  const stack = [pid];
  while (stack.length) {
    const p = stack.pop();
    for (const [child, parent] of map) if (parent === p) (out.push(child), stack.push(child));
  }
  return out;
}

function signal(pids, sig) {
  for (const pid of pids) {
    try {
      process.kill(pid, sig);
    } catch {
      // Ended already.
    }
  }
}

/** Kills `child`, its process group and its descendants; waits (bounded) for it to exit. */
export async function stop(child, { graceMs = 1500 } = {}) {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const pids = [...descendants(child.pid), child.pid];
  signal(pids, 'SIGTERM');
  try {
    process.kill(-child.pid, 'SIGTERM');
  } catch {
    // No such group left.
  }
  const done = await Promise.race([child.exited.then(() => true), sleep(graceMs).then(() => false)]);
  const left = pids.filter(alive);
  if (!done || left.length) {
    signal(left, 'SIGKILL');
    try {
      process.kill(-child.pid, 'SIGKILL');
    } catch {
      // No such group left.
    }
    await Promise.race([child.exited, sleep(1000)]);
  }
}

export function alive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

export async function stopAll() {
  await Promise.all([...live].map((c) => stop(c)));
}

/** Last resort on exit: synchronous, no waiting. */
export function killAllNow() {
  for (const child of live) {
    signal([...descendants(child.pid), child.pid], 'SIGKILL');
    try {
      process.kill(-child.pid, 'SIGKILL');
    } catch {
      // No such group left.
    }
  }
}
