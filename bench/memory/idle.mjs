// Idle memory: the app against minimal Tauri windows (the platform's floor), launched in turns,
// each settled, then sampled a few times.
import { readdirSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { isolatedEnv, launch } from './launch.mjs';
import { samples } from './stream.mjs';

export const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** {median, min, max} of the PSS totals of `list` (samples), and medians of its anonymous part and of RSS. */
export function stats(list) {
  const pss = list.map((s) => s.pss_mb);
  const med = (key) => median(list.map((s) => s[key]));
  return { median: median(pss), min: Math.min(...pss), max: Math.max(...pss), anon_median: med('pss_anon_mb'), rss_median: med('rss_mb') };
}

/** One launch of `binary`: its window up, `settleS` to settle, then three samples. */
async function idleOnce(binary, title, env, settleS) {
  const app = await launch(binary, { env: isolatedEnv(env), title });
  try {
    await sleep(settleS * 1000);
    return await samples(app.pid, 3, 700);
  } finally {
    await app.stop();
    await sleep(1000);
  }
}

/**
 * The floors to compare with: the minimal window as Tauri makes it and, where the app changes
 * how WebKit draws (no GPU render node: accelerated compositing off, src-tauri/src/rendering.rs),
 * the minimal window drawing the same way, so that the ratio counts the app's own cost only.
 */
function floors() {
  const list = [{ label: 'minimal Tauri window', env: {} }];
  let gpu = false;
  try {
    gpu = readdirSync('/dev/dri').some((name) => name.startsWith('renderD'));
  } catch {
    // No /dev/dri: no GPU.
  }
  if (!gpu && process.env.WEBKIT_DISABLE_COMPOSITING_MODE === undefined) {
    list.push({ label: 'minimal window, compositing off (as the app)', env: { WEBKIT_DISABLE_COMPOSITING_MODE: '1' } });
  }
  return list;
}

/**
 * `rounds` rounds of: the app, then each floor. Each round's ratio compares launches a few seconds
 * apart, so that what else runs on the machine (and shares library pages with them) changes as
 * little as possible in between; the ratio reported is the median over rounds.
 */
export async function idleComparison({ app, minimal, appEnv, rounds, settleS, log }) {
  const appSamples = [];
  const results = floors().map((floor) => ({ ...floor, samples: [], roundRatios: [] }));
  for (let round = 1; round <= rounds; round++) {
    log(`idle round ${round}: app`);
    const appRound = await idleOnce(app, 'Telltale', appEnv, settleS);
    appSamples.push(...appRound);
    for (const floor of results) {
      log(`idle round ${round}: ${floor.label}`);
      const floorRound = await idleOnce(minimal, 'minimal window', floor.env, settleS);
      floor.samples.push(...floorRound);
      floor.roundRatios.push(stats(appRound).median / stats(floorRound).median);
    }
  }
  const appStats = stats(appSamples);
  for (const floor of results) {
    floor.stats = stats(floor.samples);
    floor.ratio = median(floor.roundRatios);
    floor.anonRatio = appStats.anon_median / floor.stats.anon_median;
  }
  return { app: { samples: appSamples, stats: appStats }, floors: results };
}
