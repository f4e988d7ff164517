// The streams of stream.bench.mjs in WebKitGTK, the app's engine: the mock build (ui/dist-mock) in
// MiniBrowser, driven through WebKitWebDriver under Xvfb, drawing without accelerated compositing as
// the app does where there is no GPU. Not the app (no shell, no IPC; bench/window measures the real
// window), but the page's cost in the same engine, in a minute and without a release build: what
// Chromium does not show (WebKit's own style invalidation, its layout and paint) shows here. A
// benchmark: it prints figures and never fails on them.
//   npm run ui:build:mock && node ui/browser/stream.webkit.mjs [--only prose-5000,code-100] [--dist DIR]
//
// For each tenth of the stream: frames/s and frame gaps (requestAnimationFrame), each frame's work
// (from the frame's start to a message posted in it) and the part of it in the page's own rAF
// callbacks (the app's applies: script, and the layout its scroll pin forces), and the synchronous
// applies between frames (the mocked shell's batch deliveries). Then the frames over 40 ms and what came before each: a
// synchronous apply, the frame's own callbacks, or the rest of the frame (style, layout, paint). At
// the end every token must be shown once, in order, and the column still at the bottom. For a long
// code block, the gaps that end in a frame where a group of its chunks filled, against the others. (Under Xvfb
// with compositing off, WebKitGTK runs animation frames faster than 60 a second while they are
// cheap: compare gaps and work, not rates above 60.)
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { serveDist } from './harness.mjs';
import { fmt, pageTokens, pct, runEach, SCENARIOS, sum } from './streamShapes.mjs';
import { askAndStart, openSession, startWebKit, stopAll } from './webkit.mjs';

const { values: args } = parseArgs({
  options: { only: { type: 'string' }, dist: { type: 'string' }, compositing: { type: 'boolean' }, help: { type: 'boolean' } },
});
if (args.help) {
  console.log(`node ui/browser/stream.webkit.mjs [--only ${Object.keys(SCENARIOS).join(',')}] [--dist DIR] [--compositing]
  --compositing   draw with accelerated compositing (Mesa's software GL here), as WebKit does by default`);
  process.exit(0);
}
const names = args.only ? args.only.split(',') : Object.keys(SCENARIOS);
for (const name of names) if (!SCENARIOS[name]) throw new Error(`unknown scenario ${name} (${Object.keys(SCENARIOS).join(', ')})`);

/** One scenario in a fresh MiniBrowser session. */
async function runScenario(base, url, name) {
  const { shape, n, rate } = SCENARIOS[name];
  const { session, exec, close } = await openSession(base, url, (n / rate) * 1000 + 120_000);
  try {
    const runId = await askAndStart(exec, `bench ${name}`);
    await exec(`window.__benchTokens = (${pageTokens})(arguments[0])`, [[shape, n]]);
    const r = await session('POST', '/execute/async', {
      args: [runId, rate],
      script: `const done = arguments[arguments.length - 1];
        const [id, rate] = arguments;
        const frames = []; const callbacks = new Map(); const work = new Map(); let on = true;
        // The app's rAF callbacks (its applies), timed; and a message posted in each frame, received
        // once the frame's work is done.
        const raf = window.requestAnimationFrame.bind(window);
        window.requestAnimationFrame = (f) => raf((t) => { const a = performance.now(); try { f(t); } finally { callbacks.set(t, (callbacks.get(t) ?? 0) + performance.now() - a); } });
        const channel = new MessageChannel(); channel.port1.onmessage = (e) => work.set(e.data, performance.now() - e.data);
        // When a group of a long block's chunks was added (a group filled): the children of its code element.
        const groupAt = []; let watched = null;
        const groups = new MutationObserver((records) => { for (const m of records) if (m.addedNodes.length) groupAt.push(performance.now()); });
        raf(function loop(t) {
          frames.push(t); channel.port2.postMessage(t);
          const code = watched ? null : document.querySelector('[data-testid="answer"] code.code-chunked');
          if (code) groups.observe((watched = code), { childList: true });
          if (on) raf(loop);
        });
        const t0 = performance.now();
        window.__telltaleMock.stream(id, window.__benchTokens, { tokensPerSecond: rate, batchMs: 4, finish: true }).then((report) => setTimeout(() => {
          on = false;
          const el = document.querySelector('.conversation-scroller');
          const text = document.querySelector('[data-testid="answer"]').textContent;
          let shown = 0, inOrder = true;
          for (const m of text.matchAll(/w(\\d+):/g)) if (Number(m[1]) !== shown++) inOrder = false;
          done({ t0, end: t0 + report.elapsedMs, frames, callbacks: frames.map((t) => callbacks.get(t) ?? 0), work: frames.map((t) => work.get(t) ?? NaN),
            batchAt: report.batchAt, batchCosts: report.batchCosts, groupAt, shown, inOrder, fromBottom: Math.round(el.scrollHeight - el.scrollTop - el.clientHeight) });
        }, 300));`,
    });
    return { name, n, rate, ...r };
  } finally {
    await close();
  }
}

function print(r) {
  const lost = r.shown !== r.n || !r.inOrder;
  console.log(
    `\n## ${r.name} in WebKitGTK (MiniBrowser${args.compositing ? '' : ', compositing off'}): ${r.n.toLocaleString('en')} tokens at ` +
      `${r.rate.toLocaleString('en')} tok/s; shown ${r.shown.toLocaleString('en')}${lost ? ' — LOST OR REORDERED' : ', in order'}; ` +
      `${r.fromBottom} px from the bottom at the end`,
  );
  console.log(
    '| up to token | frames/s | gap p50 | gap p99 | gap max | frame work p50 | p95 | its rAF callbacks p50 | sync applies ms/s |',
  );
  console.log('|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
  const tenth = (r.end - r.t0) / 10;
  const syncIn = (from, to) => sum(r.batchAt.map((t, i) => (t >= from && t < to ? r.batchCosts[i] : 0)));
  for (let k = 0; k < 10; k++) {
    const [from, to] = [r.t0 + k * tenth, r.t0 + (k + 1) * tenth];
    const idx = r.frames.flatMap((t, i) => (t >= from && t < to ? [i] : []));
    const gaps = idx.slice(1).map((i) => r.frames[i] - r.frames[i - 1]);
    const work = idx.map((i) => r.work[i]).filter(Number.isFinite);
    const callbacks = idx.map((i) => r.callbacks[i]);
    console.log(
      `| ${Math.round(((k + 1) / 10) * r.n).toLocaleString('en')} | ${fmt((idx.length / tenth) * 1000)} | ${fmt(pct(gaps, 50))} | ${fmt(pct(gaps, 99))} | ` +
        `${fmt(Math.max(...gaps))} | ${fmt(pct(work, 50))} | ${fmt(pct(work, 95))} | ${fmt(pct(callbacks, 50))} | ${fmt((syncIn(from, to) / tenth) * 1000, 0)} |`,
    );
  }
  const slow = { all: 0, sync: 0, callbacks: 0, rest: 0 };
  for (let i = 1; i < r.frames.length; i++) {
    if (r.frames[i] - r.frames[i - 1] <= 40) continue;
    slow.all++;
    const sync = syncIn(r.frames[i - 1], r.frames[i]);
    const worst = Math.max(sync, r.callbacks[i - 1], (r.work[i - 1] || 0) - r.callbacks[i - 1]);
    slow[worst === sync ? 'sync' : worst === r.callbacks[i - 1] ? 'callbacks' : 'rest']++;
  }
  // The gap that ends at the first frame after a group was added to a code block, against the others.
  const fill = new Set(r.groupAt.map((t) => r.frames.findIndex((f) => f >= t)).filter((i) => i > 0));
  if (fill.size > 0) {
    const gapTo = (i) => r.frames[i] - r.frames[i - 1];
    const fillGaps = [...fill].map(gapTo);
    const otherGaps = r.frames.slice(1).flatMap((_, j) => (fill.has(j + 1) ? [] : [gapTo(j + 1)]));
    console.log(
      `frames in which a code group filled: ${fill.size}, gap p50 ${fmt(pct(fillGaps, 50))} ms, max ${fmt(Math.max(...fillGaps))} ms; ` +
        `the other frames: gap p50 ${fmt(pct(otherGaps, 50))}, p99 ${fmt(pct(otherGaps, 99))} ms`,
    );
  }
  console.log(
    `frames over 40 ms: ${slow.all}; most of the time before each was a synchronous apply in ${slow.sync}, the frame's rAF callbacks in ` +
      `${slow.callbacks}, the rest of the frame (style, layout, paint) in ${slow.rest}`,
  );
}

const server = await serveDist(args.dist ? resolve(args.dist) : undefined);
try {
  const { base } = await startWebKit({ compositing: args.compositing });
  await runEach(names, (name) => runScenario(base, server.url, name), print);
} finally {
  stopAll();
  await server.close();
}
