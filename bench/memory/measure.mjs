// Issue 9, target 5 (memory): the app's PSS summed over all its processes, idle after launch,
// against a minimal Tauri window (one static page, no app code) measured in the same run (as
// Tauri makes it, and drawing the way the app chooses to; see idle.mjs); then growth in the real
// window after a 100,000-token answer and after streaming many answers.
// Run through run.sh (which provides the X display and a private session bus).
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { isolatedEnv } from './launch.mjs';
import { idleComparison, median, stats } from './idle.mjs';
import { streamGrowth } from './stream.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const num = (name, fallback) => (process.env[name] ? Number(process.env[name]) : fallback);
const CONFIG = {
  app: process.env.TELLTALE_APP ?? join(ROOT, 'target/release/telltale-app'),
  minimal: process.env.MINIMAL_WINDOW ?? join(ROOT, 'target/release/examples/minimal_window'),
  stampServer: process.env.STAMP_SERVER ?? resolve(ROOT, '../shared/bench-window/stamp_server.py'),
  rounds: num('MEMORY_ROUNDS', 3),
  settleS: num('MEMORY_SETTLE_S', 5),
  answerTokens: num('MEMORY_ANSWER_TOKENS', 100000),
  eventsTarget: num('MEMORY_EVENTS', 2000000),
  budgetS: num('MEMORY_STREAM_BUDGET_S', 150),
  lateS: num('MEMORY_LATE_S', 20),
  out: join(ROOT, 'artifacts/bench/memory.json'),
};
const TARGET_RATIO = 1.25;
const log = (line) => console.error(`[memory] ${line}`);

async function startStampServer() {
  const portFile = join(mkdtempSync(join(tmpdir(), 'stamp-')), 'port');
  const child = spawn('python3', [CONFIG.stampServer, portFile], { stdio: 'ignore' });
  for (let i = 0; i < 100 && !existsSync(portFile); i++) await sleep(50);
  await sleep(50);
  const port = existsSync(portFile) ? readFileSync(portFile, 'utf8').trim() : '';
  if (!port) throw new Error(`${CONFIG.stampServer} did not start`);
  return { port, stop: () => child.kill() };
}

/** Median PSS (and its anonymous part) per process name over `list`. */
function byProcess(list) {
  const names = [...new Set(list.flatMap((s) => s.processes.map((p) => p.name)))];
  const of = (name, key) => median(list.map((s) => s.processes.filter((p) => p.name === name).reduce((t, p) => t + p[key], 0)));
  return Object.fromEntries(names.map((name) => [name, { pss_mb: of(name, 'pss_mb'), pss_anon_mb: of(name, 'pss_anon_mb') }]));
}
const describe = (procs) =>
  Object.entries(procs)
    .sort((a, b) => b[1].pss_mb - a[1].pss_mb)
    .map(([name, p]) => `${name} ${p.pss_mb.toFixed(0)} (anon ${p.pss_anon_mb.toFixed(0)})`)
    .join(', ');

const signed = (mb) => `${mb >= 0 ? '+' : ''}${mb.toFixed(0)}`;
/** Per role (the shell — the app's own binary —, WebKit's processes), app minus minimal, in MB. */
function gapByRole(app, minimal) {
  const role = (name) => (name.startsWith('WebKit') ? name : 'shell');
  const roles = (procs) => {
    const out = {};
    for (const [name, p] of Object.entries(procs)) {
      const r = (out[role(name)] ??= { pss_mb: 0, pss_anon_mb: 0 });
      r.pss_mb += p.pss_mb;
      r.pss_anon_mb += p.pss_anon_mb;
    }
    return out;
  };
  const a = roles(app);
  const m = roles(minimal);
  const zero = { pss_mb: 0, pss_anon_mb: 0 };
  return Object.fromEntries(
    [...new Set([...Object.keys(a), ...Object.keys(m)])].map((r) => [
      r,
      { pss_mb: (a[r] ?? zero).pss_mb - (m[r] ?? zero).pss_mb, pss_anon_mb: (a[r] ?? zero).pss_anon_mb - (m[r] ?? zero).pss_anon_mb },
    ]),
  );
}
const describeGrowth = (before, after) =>
  Object.entries(after)
    .map(
      ([name, p]) =>
        `${name} ${signed(p.pss_mb - (before[name]?.pss_mb ?? 0))} (anon ${signed(p.pss_anon_mb - (before[name]?.pss_anon_mb ?? 0))})`,
    )
    .join(', ');
const fmt = (s) => `${s.median.toFixed(1).padStart(7)} (${s.min.toFixed(1)}–${s.max.toFixed(1)})`;
function growth(before, after) {
  const mb = after.median - before.median;
  return `${mb >= 0 ? '+' : ''}${mb.toFixed(1)} MB (${mb >= 0 ? '+' : ''}${((100 * mb) / before.median).toFixed(1)}%)`;
}

async function main() {
  for (const path of [CONFIG.app, CONFIG.minimal, CONFIG.stampServer]) {
    if (!existsSync(path)) throw new Error(`missing ${path}`);
  }
  const started = Date.now();
  const server = await startStampServer();
  const base = (n) => `http://127.0.0.1:${server.port}/prose,n=${n},delay_ms=0/v1`;
  const appEnv = {
    TELLTALE_PROVIDER: 'openai',
    TELLTALE_API_KEY: 'x',
    TELLTALE_MODEL: 'bench-model',
    TELLTALE_BASE_URL: base(CONFIG.answerTokens),
  };
  try {
    const idle = await idleComparison({
      app: CONFIG.app,
      minimal: CONFIG.minimal,
      appEnv,
      rounds: CONFIG.rounds,
      settleS: CONFIG.settleS,
      log,
    });
    const idleApp = idle.app.stats;

    log('stream: starting the app through tauri-driver');
    const stream = await streamGrowth({
      appPath: CONFIG.app,
      env: isolatedEnv(appEnv),
      answerTokens: CONFIG.answerTokens,
      eventsTarget: CONFIG.eventsTarget,
      budgetS: CONFIG.budgetS,
      settleS: CONFIG.settleS,
      lateS: CONFIG.lateS,
      log,
    });
    const before = stats(stream.before);
    const afterFirst = stats(stream.afterFirst);
    const afterAll = stats(stream.afterAll);
    const afterNewChat = stats(stream.afterNewChat);
    const late = stats(stream.late);

    const rows = [
      ['idle: telltale-app', fmt(idleApp), `anon ${idleApp.anon_median.toFixed(0)}, RSS ${idleApp.rss_median.toFixed(0)}`],
      ...idle.floors.flatMap((floor) => [
        [`idle: ${floor.label}`, fmt(floor.stats), `anon ${floor.stats.anon_median.toFixed(0)}, RSS ${floor.stats.rss_median.toFixed(0)}`],
        [
          '  ratio app / that (median of rounds)',
          `${floor.ratio.toFixed(2).padStart(7)} (${Math.min(...floor.roundRatios).toFixed(2)}–${Math.max(...floor.roundRatios).toFixed(2)})`,
          `target ≤ ${TARGET_RATIO}: ${floor.ratio <= TARGET_RATIO ? 'met' : 'MISSED'}; anonymous memory alone ${floor.anonRatio.toFixed(2)}`,
        ],
      ]),
      ['stream: before (WebDriver session)', fmt(before), ''],
      [`after 1 answer of ${CONFIG.answerTokens} tokens`, fmt(afterFirst), growth(before, afterFirst)],
      [
        `after ${stream.events} events (${stream.answers.length} answers)`,
        fmt(afterAll),
        `${growth(before, afterAll)}; vs after 1 answer ${growth(afterFirst, afterAll)}`,
      ],
      ['after New Chat (answer off screen)', fmt(afterNewChat), growth(before, afterNewChat)],
      [`… and ${CONFIG.lateS} s later`, fmt(late), growth(before, late)],
    ];
    console.log("\nmemory: PSS in MB summed over the app's processes, median of samples (min–max)");
    for (const [what, value, note] of rows) console.log(`${what.padEnd(50)} ${value.padEnd(26)} ${note}`);
    const appProcs = byProcess(idle.app.samples);
    console.log(`  idle app per process: ${describe(appProcs)}`);
    for (const floor of idle.floors) {
      floor.processes = byProcess(floor.samples);
      floor.gap = gapByRole(appProcs, floor.processes);
      console.log(`  ${floor.label} per process: ${describe(floor.processes)}`);
      console.log(
        `    app − that: ${Object.entries(floor.gap)
          .map(([role, d]) => `${role} ${signed(d.pss_mb)} (anon ${signed(d.pss_anon_mb)})`)
          .join(', ')}`,
      );
    }
    console.log(`  late vs before, per process: ${describeGrowth(byProcess(stream.before), byProcess(stream.late))}`);
    const trend = stream.answers
      .map((a, i) => [i + 1, a.pss_mb_at_end])
      .filter(([n], i, all) => n === 1 || n % 5 === 0 || i === all.length - 1)
      .map(([n, mb]) => `${n}: ${mb.toFixed(0)}`);
    console.log(`  PSS at the end of answer n (answer on screen): ${trend.join(', ')}`);
    const shared = [...idle.app.samples, ...idle.floors.flatMap((f) => f.samples), ...stream.before, ...stream.afterAll].filter(
      (s) => s.other_webkit_processes > 0,
    ).length;
    if (shared)
      console.log(
        `  note: ${shared} samples were taken while other WebKit processes ran on this machine (they share library pages, lowering PSS)`,
      );
    const rate = stream.answers.length ? stream.events / stream.answers.reduce((t, a) => t + a.seconds, 0) : 0;
    console.log(`  streamed ${stream.events} events in ${stream.seconds.toFixed(0)} s (${rate.toFixed(0)} tokens/s through the window)`);
    console.log(`  whole run ${((Date.now() - started) / 1000).toFixed(0)} s\n`);

    mkdirSync(dirname(CONFIG.out), { recursive: true });
    writeFileSync(
      CONFIG.out,
      JSON.stringify(
        {
          method: 'PSS from /proc/<pid>/smaps_rollup summed over the process and its descendants',
          config: CONFIG,
          idle: {
            target_ratio: TARGET_RATIO,
            app: { ...idleApp, processes: appProcs, samples: idle.app.samples },
            floors: idle.floors.map((f) => ({
              label: f.label,
              env: f.env,
              ...f.stats,
              ratio: f.ratio,
              round_ratios: f.roundRatios,
              anon_ratio: f.anonRatio,
              met: f.ratio <= TARGET_RATIO,
              processes: f.processes,
              app_minus_floor: f.gap,
              samples: f.samples,
            })),
          },
          stream: {
            before,
            after_first_answer: afterFirst,
            after_all: afterAll,
            after_new_chat: afterNewChat,
            late,
            events: stream.events,
            answers: stream.answers,
            seconds: stream.seconds,
            samples: {
              before: stream.before,
              after_first: stream.afterFirst,
              after_all: stream.afterAll,
              after_new_chat: stream.afterNewChat,
              late: stream.late,
            },
          },
        },
        null,
        2,
      ),
    );
    log(`wrote ${CONFIG.out}`);
  } finally {
    server.stop();
  }
}

main().catch((error) => {
  console.error(`memory bench failed: ${error.stack ?? error}`);
  process.exit(1);
});
