// Memory of a process tree, read from /proc: proportional set size (PSS: each shared page split
// between the processes that map it, so the sum over processes counts every page once) and RSS,
// per process and summed over a process and all its descendants (for a Tauri app on Linux: the
// app itself, WebKit's WebKitWebProcess and WebKitNetworkProcess).
import { readFileSync, readdirSync, readlinkSync } from 'node:fs';

/** Every process as {pid, ppid, comm}; processes that vanish while being read are skipped. */
export function processes() {
  const all = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      // The command name is in parentheses and may itself hold spaces or parentheses.
      const close = stat.lastIndexOf(')');
      const comm = stat.slice(stat.indexOf('(') + 1, close);
      const ppid = Number(stat.slice(close + 2).split(' ')[1]);
      all.push({ pid: Number(name), ppid, comm });
    } catch {
      // The process ended while the list was read.
    }
  }
  return all;
}

/** `root` and all its descendants. */
export function tree(root, all = processes()) {
  const children = new Map();
  for (const p of all) children.set(p.ppid, [...(children.get(p.ppid) ?? []), p]);
  const self = all.find((p) => p.pid === root);
  const out = self ? [self] : [];
  for (let i = 0; i < out.length; i++) out.push(...(children.get(out[i].pid) ?? []));
  return out;
}

/** The executable of `pid`, also when it was rebuilt while running (the link then ends in " (deleted)"). */
function exePath(pid) {
  return readlinkSync(`/proc/${pid}/exe`).replace(/ \(deleted\)$/, '');
}

/** Descendants of `ancestor` whose executable is `exe` (an absolute, resolved path). */
export function findByExe(ancestor, exe) {
  return tree(ancestor).filter((p) => {
    try {
      return exePath(p.pid) === exe;
    } catch {
      return false;
    }
  });
}

/** The executable's file name (the kernel's `comm` is cut at 15 characters: "WebKitWebProces"). */
function exeName(p) {
  try {
    return exePath(p.pid).split('/').pop();
  } catch {
    return p.comm;
  }
}

/**
 * {pss, pss_anon, pss_file, rss} in kB for one process, or null if it is gone. The anonymous part
 * (heaps, JavaScript, caches) is the process's own; the file part (code and data of libraries)
 * is split with every other process mapping the same files, on this machine at this moment.
 */
export function rollup(pid) {
  try {
    const text = readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8');
    const field = (name) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(text)?.[1] ?? 0);
    return { pss: field('Pss'), pss_anon: field('Pss_Anon'), pss_file: field('Pss_File'), rss: field('Rss') };
  } catch {
    return null;
  }
}

/**
 * One sample of the tree under `root`: totals in MB, one entry per process
 * ({pid, name, pss_mb, pss_anon_mb, pss_file_mb, rss_mb}, largest first), and how many WebKit
 * processes outside the tree were running.
 */
export function sample(root) {
  const all = processes();
  const mine = tree(root, all);
  // Other WebKit processes share library pages with ours, which lowers our PSS while they run.
  const others = all.filter((p) => p.comm.startsWith('WebKit') && !mine.some((m) => m.pid === p.pid)).length;
  const procs = [];
  for (const p of mine) {
    const r = rollup(p.pid);
    if (r) {
      const mb = (kb) => kb / 1024;
      procs.push({
        pid: p.pid,
        name: exeName(p),
        pss_mb: mb(r.pss),
        pss_anon_mb: mb(r.pss_anon),
        pss_file_mb: mb(r.pss_file),
        rss_mb: mb(r.rss),
      });
    }
  }
  procs.sort((a, b) => b.pss_mb - a.pss_mb);
  const sum = (key) => procs.reduce((total, p) => total + p[key], 0);
  return {
    at: Date.now(),
    pss_mb: sum('pss_mb'),
    pss_anon_mb: sum('pss_anon_mb'),
    rss_mb: sum('rss_mb'),
    other_webkit_processes: others,
    processes: procs,
  };
}
