// Streaming cost per frame in the built window (ui/dist-mock: production code, Tauri IPC mocked), in
// headless Chromium, for the shapes and rates of issue 9: a benchmark that prints figures and never
// fails on them (not part of `npm run ui:browser-test`). Chromium is not the app's WebKitGTK
// (bench/window measures the real window), but the page's own work per frame (script, style,
// layout) is what this shows, and how it grows with the answer.
//   npm run ui:build:mock && node ui/browser/stream.bench.mjs
//   node ui/browser/stream.bench.mjs --only prose-5000 --profile artifacts/browser/profiles
//   node ui/browser/stream.bench.mjs --dist /tmp/other-build   (a build of another commit, to compare)
//
// Tokens are the real-window benchmark's (streamShapes.mjs, after bench/window/stamp_server.py). The
// stream is cut into ten stretches of equal time; each row is one stretch: frames/s and frame gaps
// (requestAnimationFrame), each frame's work (from the frame's start to a message posted in its rAF
// callback: script, style, layout and paint recording), the synchronous batch deliveries between
// frames, the main thread's busy time from Chromium's own counters (Performance.getMetrics) and the
// JS heap at the stretch's end. stream.webkit.mjs runs the same streams in WebKitGTK. At the end every token must
// be shown once, in order. A page that crashes (out of memory) is reported and the run goes on.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { ask, emit, launch, openApp, runStarted, serveDist, WRITING } from './harness.mjs';
import { fmt, pageTokens, pct, runEach, SCENARIOS, sum } from './streamShapes.mjs';

const { values: args } = parseArgs({
  options: {
    only: { type: 'string' },
    dist: { type: 'string' },
    profile: { type: 'string' },
    trace: { type: 'string' },
    stretches: { type: 'string', default: '10' },
    'batch-ms': { type: 'string', default: '4' },
    help: { type: 'boolean' },
  },
});
if (args.help) {
  console.log(`node ui/browser/stream.bench.mjs [--only ${Object.keys(SCENARIOS).join(',')}] [--dist DIR] [--profile DIR]
  --profile DIR   a CPU profile of each scenario's last stretch (DIR/<name>.cpuprofile) and its top functions
  --trace DIR     a Chromium trace of each scenario's last stretch (DIR/<name>.trace.json) and where the
                  main thread's time went (self time per trace event: script, style, layout, paint…)
  --batch-ms N    milliseconds between the mocked shell's batches (default 4, as the shell sends them)`);
  process.exit(0);
}
const names = args.only ? args.only.split(',') : Object.keys(SCENARIOS);
for (const name of names) if (!SCENARIOS[name]) throw new Error(`unknown scenario ${name} (${Object.keys(SCENARIOS).join(', ')})`);
const STRETCHES = Number(args.stretches);
const BATCH_MS = Number(args['batch-ms']);

/** Arms the page's frame recorder: every rAF frame's start and when its rendering was done. */
function armFrames(page) {
  return page.evaluate(() => {
    const rec = { frames: [], done: [], on: true };
    window.__streamBench = rec;
    const channel = new MessageChannel();
    channel.port1.onmessage = (e) => rec.done.push([e.data, performance.now()]);
    const loop = (t) => {
      if (!rec.on) return;
      rec.frames.push(t);
      // Posted from the frame's callbacks, received once the frame's rendering work is done.
      channel.port2.postMessage(t);
      requestAnimationFrame(loop);
    };
    requestAnimationFrame(loop);
  });
}

async function metrics(cdp) {
  const { metrics: list } = await cdp.send('Performance.getMetrics');
  const m = Object.fromEntries(list.map((x) => [x.name, x.value]));
  return {
    task: m.TaskDuration * 1000,
    script: m.ScriptDuration * 1000,
    layout: m.LayoutDuration * 1000,
    style: m.RecalcStyleDuration * 1000,
    heap: m.JSHeapUsedSize,
  };
}

/** Records a Chromium trace (devtools timeline categories) until `stop()` resolves it. */
async function startTrace(cdp) {
  const complete = new Promise((ok) => cdp.once('Tracing.tracingComplete', ok));
  await cdp.send('Tracing.start', {
    categories: 'devtools.timeline,disabled-by-default-devtools.timeline,v8.execute,blink,cc,gpu,toplevel',
    transferMode: 'ReturnAsStream',
  });
  return async () => {
    await cdp.send('Tracing.end');
    const { stream } = await complete;
    let text = '';
    for (;;) {
      const { data, eof, base64Encoded } = await cdp.send('IO.read', { handle: stream, size: 1 << 20 });
      text += base64Encoded ? Buffer.from(data, 'base64').toString() : data;
      if (eof) break;
    }
    await cdp.send('IO.close', { handle: stream });
    return JSON.parse(text);
  };
}

/** Self time per trace event name on the page's main thread, the top `n`. */
function topTraceEvents(trace, n = 20) {
  const events = trace.traceEvents ?? trace;
  const main = events.find((e) => e.ph === 'M' && e.name === 'thread_name' && e.args?.name === 'CrRendererMain');
  const spans = events
    .filter((e) => e.ph === 'X' && main && e.pid === main.pid && e.tid === main.tid && e.dur > 0)
    .sort((a, b) => a.ts - b.ts || b.dur - a.dur);
  const self = new Map();
  const stack = [];
  for (const e of spans) {
    while (stack.length && stack.at(-1).ts + stack.at(-1).dur <= e.ts) stack.pop();
    const parent = stack.at(-1);
    if (parent) self.set(parent.name, (self.get(parent.name) ?? 0) - e.dur / 1000);
    self.set(e.name, (self.get(e.name) ?? 0) + e.dur / 1000);
    stack.push(e);
  }
  const first = spans[0]?.ts ?? 0;
  const last = spans.reduce((m, e) => Math.max(m, e.ts + e.dur), first);
  return { spanMs: (last - first) / 1000, top: [...self.entries()].sort((a, b) => b[1] - a[1]).slice(0, n) };
}

/** Self time per function of a CPU profile, the top `n`. */
function topFunctions(profile, n = 25) {
  const self = new Map();
  const dt = profile.timeDeltas;
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  for (let i = 0; i < profile.samples.length; i++) {
    const node = byId.get(profile.samples[i]);
    const f = node.callFrame;
    const file = f.url.split('/').pop();
    const key = `${f.functionName || '(anonymous)'} ${file}:${f.lineNumber + 1}`;
    self.set(key, (self.get(key) ?? 0) + (dt[i] ?? 0) / 1000);
  }
  const total = sum([...self.values()]);
  return {
    total,
    top: [...self.entries()].sort((a, b) => b[1] - a[1]).slice(0, n),
  };
}

async function runScenario(browser, url, name) {
  const { shape, n, rate } = SCENARIOS[name];
  const { page, context, errors } = await openApp(browser, url, { width: 1280, height: 800 });
  const cdp = await context.newCDPSession(page);
  await cdp.send('Performance.enable');
  const runId = await ask(page, `bench ${name}`);
  await emit(page, runId, [runStarted(), WRITING]);
  await page.evaluate(`window.__benchTokens = (${pageTokens})(${JSON.stringify([shape, n])})`);
  const sample = await page.evaluate(() => window.__benchTokens.slice(0, 3));
  if (JSON.stringify(sample) !== JSON.stringify(pageTokens([shape, 3]))) throw new Error(`tokens built in the page: ${sample}`);

  await armFrames(page);
  const seconds = n / rate;
  const stretchMs = (seconds * 1000) / STRETCHES;
  const marks = [];
  const t0 = Date.now();
  const done = page.evaluate(
    ([id, rate, batchMs]) => window.__telltaleMock.stream(id, window.__benchTokens, { tokensPerSecond: rate, batchMs, finish: true }),
    [runId, rate, BATCH_MS],
  );
  let profiling = false;
  let stopTrace = null;
  for (let s = 1; s <= STRETCHES; s++) {
    const at = t0 + s * stretchMs;
    if (args.trace && s === STRETCHES && !stopTrace) stopTrace = await startTrace(cdp);
    if (args.profile && s === STRETCHES && !profiling) {
      await cdp.send('Profiler.enable');
      await cdp.send('Profiler.setSamplingInterval', { interval: 200 });
      await cdp.send('Profiler.start');
      profiling = true;
    }
    marks.push({ at: await page.evaluate(() => performance.now()), m: await metrics(cdp) });
    process.stderr.write(`[${name}] ${s}/${STRETCHES}: JS heap ${(marks.at(-1).m.heap / 1e6).toFixed(0)} MB\r`);
    const wait = at - Date.now();
    if (wait > 0) await new Promise((ok) => setTimeout(ok, wait));
  }
  const report = await done;
  marks.push({ at: await page.evaluate(() => performance.now()), m: await metrics(cdp) });
  let profile = null;
  if (profiling) {
    ({ profile } = await cdp.send('Profiler.stop'));
    mkdirSync(args.profile, { recursive: true });
    writeFileSync(join(args.profile, `${name}.cpuprofile`), JSON.stringify(profile));
  }
  let trace = null;
  if (stopTrace) {
    trace = await stopTrace();
    mkdirSync(args.trace, { recursive: true });
    writeFileSync(join(args.trace, `${name}.trace.json`), JSON.stringify(trace));
  }
  const rec = await page.evaluate(() => {
    const r = window.__streamBench;
    r.on = false;
    return { frames: r.frames, done: r.done };
  });
  // Nothing lost, nothing reordered.
  await page.waitForSelector('[data-testid="turn"][data-state="completed"]');
  const shown = await page.evaluate(() => {
    const text = document.querySelector('[data-testid="answer"]').textContent;
    let i = 0;
    let ok = true;
    for (const m of text.matchAll(/w(\d+):/g)) if (Number(m[1]) !== i++) ok = false;
    return {
      count: i,
      inOrder: ok,
      chars: text.length,
      elements: document.querySelector('[data-testid="answer"]').getElementsByTagName('*').length,
    };
  });

  const workOf = new Map(rec.done.map(([t, at]) => [t, at - t]));
  const rows = [];
  for (let s = 0; s < marks.length - 1; s++) {
    const [from, to] = [marks[s].at, marks[s + 1].at];
    const frames = rec.frames.filter((t) => t >= from && t < to);
    const gaps = frames.slice(1).map((t, i) => t - frames[i]);
    const work = frames.map((t) => workOf.get(t)).filter(Number.isFinite);
    const batches = report.batchAt
      .map((t, i) => [t, report.batchCosts[i]])
      .filter(([t]) => t >= from && t < to)
      .map(([, c]) => c);
    const dm = (k) => marks[s + 1].m[k] - marks[s].m[k];
    const ms = to - from;
    rows.push({
      tokens: Math.round(Math.min(n, ((to - marks[0].at) / 1000) * rate)),
      fps: (frames.length / ms) * 1000,
      gapP50: pct(gaps, 50),
      gapP99: pct(gaps, 99),
      gapMax: Math.max(...gaps),
      workP50: pct(work, 50),
      workP95: pct(work, 95),
      syncMax: batches.length ? Math.max(...batches) : 0,
      syncPerS: (sum(batches) / ms) * 1000,
      busy: dm('task') / ms,
      script: dm('script') / ms,
      layout: dm('layout') / ms,
      style: dm('style') / ms,
      heapMB: marks[s + 1].m.heap / 1e6,
    });
  }
  await context.close();
  return { name, shape, n, rate, report, shown, rows, profile, trace, errors };
}

function print(result) {
  const { name, n, rate, report, shown, rows, profile, trace, errors } = result;
  const lost = shown.count !== n || !shown.inOrder;
  console.log(
    `\n## ${name}: ${n.toLocaleString('en')} tokens at ${rate.toLocaleString('en')} tok/s, sent in ${(report.elapsedMs / 1000).toFixed(1)} s, ` +
      `${report.batches} batches; shown ${shown.count.toLocaleString('en')} tokens${lost ? ' — LOST OR REORDERED' : ', in order'}, ` +
      `${(shown.chars / 1e6).toFixed(2)} M characters, ${shown.elements.toLocaleString('en')} elements${errors.length ? `; page errors: ${errors.join('; ')}` : ''}`,
  );
  console.log(
    '| up to token | frames/s | gap p50 | gap p99 | gap max | frame work p50 | p95 | sync apply max | sync ms/s | busy % | script % | layout % | style % | JS heap MB |',
  );
  console.log('|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
  for (const r of rows) {
    console.log(
      `| ${r.tokens.toLocaleString('en')} | ${fmt(r.fps, 1)} | ${fmt(r.gapP50)} | ${fmt(r.gapP99)} | ${fmt(r.gapMax)} | ${fmt(r.workP50)} | ${fmt(r.workP95)} | ` +
        `${fmt(r.syncMax)} | ${fmt(r.syncPerS, 0)} | ${fmt(r.busy * 100, 0)} | ${fmt(r.script * 100, 0)} | ${fmt(r.layout * 100, 0)} | ${fmt(r.style * 100, 0)} | ${fmt(r.heapMB, 0)} |`,
    );
  }
  const first = rows[0];
  const last = rows[rows.length - 1];
  console.log(
    `last stretch / first: frame work p50 ${fmt(last.workP50 / first.workP50, 2)}×, busy ${fmt(last.busy / first.busy, 2)}×, gap max ${fmt(last.gapMax)} ms (first ${fmt(first.gapMax)} ms)`,
  );
  if (trace) {
    const { spanMs, top } = topTraceEvents(trace);
    console.log(`Trace of the last stretch (${fmt(spanMs, 0)} ms): the main thread's self time per event:`);
    for (const [event, ms] of top) console.log(`  ${fmt(ms, 0).padStart(6)} ms ${fmt((ms / spanMs) * 100, 1).padStart(5)}%  ${event}`);
  }
  if (profile) {
    const { total, top } = topFunctions(profile);
    console.log(`CPU profile of the last stretch: ${fmt(total, 0)} ms sampled; self time, top functions:`);
    for (const [key, ms] of top) console.log(`  ${fmt(ms, 0).padStart(6)} ms ${fmt((ms / total) * 100, 1).padStart(5)}%  ${key}`);
  }
}

const server = await serveDist(args.dist ? resolve(args.dist) : undefined);
const browser = await launch();
try {
  await runEach(names, (name) => runScenario(browser, server.url, name), print);
} finally {
  await browser.close();
  await server.close();
}
