// The scenarios: each launches the release app afresh (its own data folder, its own base URL on
// the stamping server) and measures what the user sees through the page observer.
import { rmSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { launchApp, baseUrl, newDataDir, processStartEpochMs } from './harness.mjs';
import { Page } from './page.mjs';
import { alive } from './procs.mjs';
import { recordLongAnswer, recordManyTurns } from './cli.mjs';
import { latencySummary, frameSummary, gapsIn, median, spread, pct, max, min, tailOver } from './stats.mjs';

/** The prompt the CLI records the saved conversations with (and so their title in the sidebar). */
const PROMPT = 'hello';

/** Launches the app with `env` and a fresh (or given) data folder, runs `body(page, app)`, always cleans up. */
async function withApp(ctx, { url, dataDir, keepData = false }, body) {
  const dir = dataDir ?? newDataDir();
  const env = {
    TELLTALE_PROVIDER: 'openai',
    TELLTALE_API_KEY: 'x',
    TELLTALE_MODEL: 'bench-model',
    TELLTALE_BASE_URL: url ?? baseUrl(ctx.port, 'prose', 10, 0),
    TELLTALE_DATA_DIR: dir,
  };
  let app;
  try {
    app = await launchApp({ appPath: ctx.appPath, display: ctx.display, env });
    const page = new Page(app.session);
    const installed = await page.install();
    return await body(page, app, installed);
  } catch (e) {
    // Say whether the app was still running, and what it and the drivers last printed.
    if (app) {
      e.appAlive = app.pid ? alive(app.pid) : null;
      e.log = app.driver.stderrTail.slice(-1500);
    }
    throw e;
  } finally {
    await app?.close();
    if (!keepData) rmSync(dir, { recursive: true, force: true });
  }
}

/** Sends a prompt with the observer armed for `n` tokens; waits until all are painted and the run ended. */
async function streamOnce(page, { n, timeoutMs, watchChip = false, full = true }) {
  const { enter } = await page.send();
  await page.arm({ n, watchChip });
  await enter();
  const { finished, progress } = await page.until((p) => p.seen >= n && !p.stop, { timeoutMs, everyMs: n > 1000 ? 1000 : 100 });
  const r = await page.result(full);
  r.finished = finished;
  r.lastProgress = progress;
  return r;
}

const round = (x, d = 1) => (x === null || x === undefined || !Number.isFinite(x) ? null : Math.round(x * 10 ** d) / 10 ** d);
const roundAll = (o, d = 1) => Object.fromEntries(Object.entries(o).map(([k, v]) => [k, typeof v === 'number' ? round(v, d) : v]));

/** The figures every stream scenario reports; with `upto`, for tokens 0..upto-1 only. */
function streamFigures(r, { n, delayMs, upto = n }) {
  const seenAt = r.seenAt.slice(0, upto);
  const painted = seenAt.filter(Number.isFinite);
  const frames = frameSummary(r.frames, r.token0At ?? min(painted) ?? r.armedAt, max(painted) ?? r.armedAt);
  const serverSeconds = (r.lastStamp - r.firstStamp) / 1000;
  return {
    n,
    delayMs,
    ...(upto < n ? { upto } : {}),
    finished: r.finished,
    painted: upto < n ? painted.length : r.seen,
    lastTokenPaintedAfterSendMs: upto < n ? undefined : round(r.lastTokenAt - r.lastStamp),
    latency: roundAll(latencySummary(r.latency.slice(0, upto))),
    // The tokens over the 20 ms target, by the frame that painted them.
    tail: tailOver(r.latency.slice(0, upto), seenAt, r.frames, 20),
    frames: roundAll(frames),
    verify: r.verify,
    ok: r.finished && r.verify.missing === 0 && r.verify.duplicated === 0 && r.verify.outOfOrder === 0 && r.verify.extra === 0,
    serverTokensPerSecond: Number.isFinite(serverSeconds) && serverSeconds > 0 ? Math.round((n - 1) / serverSeconds) : null,
    observerMsPerFlush: roundAll({ p50: pct(r.cost, 50), p99: pct(r.cost, 99), max: max(r.cost) }, 2),
    ...(r.finished ? {} : { stoppedAt: r.lastProgress }),
  };
}

const streamTimeout = (n, delayMs) => Math.min(n * delayMs * 1.5 + 30000, 150000);

/** Enter → status chip painted, Enter → first token painted, the server answering at once. */
async function enter(ctx, { sends, n = 20 }) {
  return withApp(ctx, { url: baseUrl(ctx.port, 'prose', n, 0) }, async (page) => {
    const chip = [];
    const token = [];
    const problems = [];
    // One warm-up send first: the first run of a process pays for lazy initialisation.
    for (let i = 0; i <= sends; i++) {
      if (i > 0 && !(await page.newChat())) problems.push('Ctrl+N did not open an empty chat');
      const r = await streamOnce(page, { n, timeoutMs: 15000, watchChip: true, full: false });
      if (!r.finished) throw new Error(`send ${i}: only ${r.seen} of ${n} tokens painted`);
      if (r.verify.missing || r.verify.outOfOrder || r.verify.duplicated) problems.push(`send ${i}: ${JSON.stringify(r.verify)}`);
      if (i === 0) continue;
      chip.push(r.chipAt === null || r.keydownAt === null ? null : r.chipAt - r.keydownAt);
      token.push(r.token0At === null || r.keydownAt === null ? null : r.token0At - r.keydownAt);
    }
    return {
      sends,
      enterToChip: roundAll(spread(chip)),
      enterToFirstToken: roundAll(spread(token)),
      samples: { enterToChip: chip.map((x) => round(x)), enterToFirstToken: token.map((x) => round(x)) },
      chipNeverSeen: chip.filter((x) => x === null).length,
      problems: [...new Set(problems)],
    };
  });
}

/** send → painted latency, frames/s and frame gaps for one answer of one shape and pace. */
async function stream(ctx, { mode, n, delayMs }) {
  return withApp(ctx, { url: baseUrl(ctx.port, mode, n, delayMs) }, async (page) => {
    await page.composer();
    const r = await streamOnce(page, { n, timeoutMs: streamTimeout(n, delayMs) });
    return streamFigures(r, { n, delayMs });
  });
}

/**
 * The 1.5× growth check: the median frame gap while tokens early.lo..early.hi are painted vs
 * while late.lo..late.hi are painted, in one run (so the machine's noise mostly cancels).
 * Its first `prefix` tokens are also the 1,000 tok/s stream figures: up to there the window is in
 * the very state a `prefix`-token answer would put it in, so a separate run would only cost time.
 */
async function growth(ctx, { mode, n, delayMs, early, late, prefix }) {
  return withApp(ctx, { url: baseUrl(ctx.port, mode, n, delayMs) }, async (page) => {
    await page.composer();
    const r = await streamOnce(page, { n, timeoutMs: streamTimeout(n, delayMs) });
    // A median of two or three gaps is noise: widen the token window, 100 tokens a side at a time,
    // until it spans MIN_GAPS frame gaps or MAX_PAD tokens a side — never into the first or last
    // 100..200 tokens, where the turn starts and the stream ends.
    const windowGap = ([lo, hi]) => {
      let out;
      for (let pad = 0; pad <= MAX_PAD; pad += 100) {
        const from = Math.max(200, lo - pad);
        const to = Math.min(n - 100, hi + pad);
        const times = r.seenAt.slice(from, to + 1).filter(Number.isFinite);
        const gaps = times.length ? gapsIn(r.frames, min(times), max(times)) : [];
        out = { gap: median(gaps), frames: gaps.length, from, to };
        if (gaps.length >= MIN_GAPS) break;
      }
      return out;
    };
    const a = windowGap(early);
    const b = windowGap(late);
    return {
      early: roundAll(a, 2),
      late: roundAll(b, 2),
      ratio: a.gap && b.gap ? round(b.gap / a.gap, 2) : null,
      stream: streamFigures(r, { n, delayMs }),
      first: streamFigures(r, { n, delayMs, upto: prefix }),
    };
  });
}

const MIN_GAPS = 10;
const MAX_PAD = 800;

const IDLE_MS = 1500;

/** Process start → window interactive (composer present and enabled), over several launches. */
async function startup(ctx, { launches }) {
  const samples = [];
  const notes = new Set();
  for (let i = 0; i < launches; i++) {
    samples.push(
      await withApp(ctx, {}, async (page, app, installed) => {
        if (!app.pid) throw new Error("could not find the app's process");
        const started = processStartEpochMs(app.pid);
        let readyAt = null;
        for (let k = 0; k < 200 && readyAt === null; k++) {
          readyAt = await page.composerReadyAt();
          if (readyAt === null) await sleep(50);
        }
        // If the composer was already usable when the observer arrived, its time is only an upper bound.
        if (installed.composerAtInstall)
          notes.add('the composer was already ready when the observer was injected: the figure is an upper bound');
        // The idle window's frame rate: the ceiling every other frames/s figure is to be read against.
        await page.arm({ n: 0 });
        await sleep(IDLE_MS);
        const idle = await page.result(false);
        const idleFrames = frameSummary(idle.frames, idle.armedAt, idle.armedAt + IDLE_MS);
        return {
          idleFps: idleFrames.fps,
          idleGapMax: idleFrames.gapMax,
          interactiveMs: readyAt === null ? null : readyAt - started.epochMs,
          observerInstalledMs: installed.installedAt - started.epochMs,
          composerAtInstall: installed.composerAtInstall,
          btimeErrorMs: started.viaBtime - started.epochMs,
        };
      }),
    );
  }
  return {
    launches,
    interactive: roundAll(spread(samples.map((s) => s.interactiveMs))),
    observerInstalled: roundAll(spread(samples.map((s) => s.observerInstalledMs))),
    idleFps: roundAll(spread(samples.map((s) => s.idleFps))),
    idleGapMax: roundAll(spread(samples.map((s) => s.idleGapMax))),
    samples: samples.map((s) => roundAll(s)),
    notes: [...notes],
  };
}

/** Reopening a saved conversation of `n` events: click → its last token painted. */
async function reopen(ctx, { n, launches }) {
  const dataDir = newDataDir();
  try {
    const t0 = Date.now();
    await recordLongAnswer({ cliPath: ctx.cliPath, port: ctx.port, dataDir, n, prompt: PROMPT });
    const recordMs = Date.now() - t0;
    const runs = [];
    for (let i = 0; i < launches; i++) {
      runs.push(
        await withApp(ctx, { dataDir, keepData: true }, async (page) => {
          await page.composer();
          const item = await page.conversationItem(PROMPT);
          await page.arm({ n, anyStamp: true });
          await page.open(item);
          const { finished } = await page.until((p) => p.seen >= n, { timeoutMs: 30000, everyMs: 50 });
          const r = await page.result(true);
          const allAt = max(r.seenAt);
          return {
            finished,
            clickToLastTokenMs: r.clickAt === null || r.lastTokenAt === null ? null : r.lastTokenAt - r.clickAt,
            clickToAllPaintedMs: r.clickAt === null || allAt === null ? null : allAt - r.clickAt,
            verify: r.verify,
          };
        }),
      );
    }
    return {
      n,
      launches,
      recordMs,
      clickToLastToken: roundAll(spread(runs.map((x) => x.clickToLastTokenMs))),
      clickToAllPainted: roundAll(spread(runs.map((x) => x.clickToAllPaintedMs))),
      ok: runs.every((x) => x.finished && x.verify.missing === 0 && x.verify.outOfOrder === 0 && x.verify.duplicated === 0),
      verify: runs.map((x) => x.verify),
    };
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** A conversation of `turns` turns: open it, scroll it bottom → top over `scrollMs`, one step a frame. */
async function scroll(ctx, { turns, n, scrollMs }) {
  const dataDir = newDataDir();
  try {
    const t0 = Date.now();
    await recordManyTurns({ cliPath: ctx.cliPath, port: ctx.port, dataDir, turns, n, deadline: Date.now() + 120000, prompt: PROMPT });
    const recordMs = Date.now() - t0;
    return await withApp(ctx, { dataDir, keepData: true }, async (page) => {
      await page.composer();
      const item = await page.conversationItem(PROMPT);
      // Any answer's tokens will do (each turn's answer is w0..w<n-1>): wait for one whole answer.
      await page.arm({ n, anyStamp: true });
      await page.open(item);
      const { finished: opened } = await page.until((p) => p.seen >= n, { timeoutMs: 30000, everyMs: 50 });
      const openR = await page.result(false);
      if (!opened) throw new Error('the conversation did not open');
      await sleep(1000);
      const error = await page.exec('return window.__tb.startScroll(arguments[0])', [scrollMs]);
      if (error) throw new Error(error);
      await sleep(scrollMs);
      const { finished } = await page.until((p) => p.scrollDone, { timeoutMs: scrollMs + 20000, everyMs: 500 });
      const r = await page.result(false);
      const s = r.scroll;
      return {
        turns,
        recordMs,
        finished,
        clickToFirstAnswerPaintedMs: round(openR.token0At !== null && openR.clickAt !== null ? openR.token0At - openR.clickAt : null),
        frames: roundAll(frameSummary(r.frames, s.start, s.end ?? Infinity)),
        scrolledPx: s.top - s.finalTop,
        scrollHeight: s.startHeight,
        answersInDom: s.answersInDom,
      };
    });
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** The cases of a full run, and of a quick (smoke) run. */
export function cases(quick) {
  const list = [];
  const add = (id, run, params) => list.push({ id, run: (ctx) => run(ctx, params), params });
  add('enter', enter, { sends: quick ? 3 : 20 });
  const streams = quick
    ? [['prose-100', 'prose', 300, 10]]
    : [
        ['prose-100', 'prose', 1000, 10],
        ['code-100', 'code', 3000, 10],
      ];
  for (const [name, mode, n, delayMs] of streams) add(`stream/${name}`, stream, { mode, n, delayMs });
  // 1,000 tok/s: the first 20,000 tokens give the stream figures, the whole answer the growth check
  // (tokens ~500 vs ~50,000; the answer goes on past 50,000 so that window can widen both ways).
  const late = quick ? 5000 : 50000;
  for (const mode of quick ? ['code'] : ['prose', 'code', 'list', 'para']) {
    const params = { mode, n: late + 1000, delayMs: 1, early: [400, 600], late: [late - 100, late + 100], prefix: quick ? 3000 : 20000 };
    add(`growth/${mode}`, growth, params);
  }
  add('throughput/prose-5000', stream, { mode: 'prose', n: quick ? 10000 : 300000, delayMs: 0.2 });
  add('startup', startup, { launches: quick ? 2 : 5 });
  add('reopen', reopen, { n: quick ? 1000 : 10000, launches: quick ? 1 : 3 });
  add('scroll', scroll, { turns: quick ? 40 : 500, n: 60, scrollMs: quick ? 1500 : 3000 });
  return list;
}
