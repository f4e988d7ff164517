// What WebKitGTK's web process keeps of long answers the user left: the mock build (ui/dist-mock) in
// MiniBrowser (webkit.mjs), a few answers of 100,000 prose tokens streamed one after another, each
// left with New chat; the web process's PSS (/proc/<pid>/smaps_rollup) at the start, with each
// answer shown, and 10 s after leaving it. A benchmark: it prints figures and never fails on them.
//   npm run ui:build:mock && node ui/browser/memory.webkit.mjs [--answers 3] [--tokens 100000] [--dist DIR] [--hold-ref]
// --hold-ref holds a WebDriver reference to each turn before leaving it (does it keep the turn alive?).
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { serveDist } from './harness.mjs';
import { pageTokens } from './streamShapes.mjs';
import { askAndStart, MINIBROWSER, openSession, startWebKit, stopAll } from './webkit.mjs';

const { values: args } = parseArgs({
  options: {
    answers: { type: 'string', default: '3' },
    tokens: { type: 'string', default: '100000' },
    dist: { type: 'string' },
    'hold-ref': { type: 'boolean' },
  },
});

/** The pids of the processes `pattern` names among the children of `parent`. */
function children(parent, pattern) {
  try {
    return execFileSync('pgrep', ['-P', String(parent), '-f', pattern], { encoding: 'utf8' })
      .trim()
      .split('\n')
      .filter(Boolean)
      .map(Number);
  } catch {
    return [];
  }
}

const pssMb = (pid) => Number(/Pss:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8'))?.[1] ?? NaN) / 1024;

const server = await serveDist(args.dist ? resolve(args.dist) : undefined);
try {
  const { base, driver } = await startWebKit();
  const tokens = Number(args.tokens);
  const { session, exec, close } = await openSession(base, server.url, 300_000);
  try {
    const web = children(driver.pid, MINIBROWSER).flatMap((pid) => children(pid, 'WebKitWebProcess'));
    if (web.length === 0) throw new Error('no WebKitWebProcess under MiniBrowser');
    const pss = () =>
      web
        .map(pssMb)
        .reduce((a, b) => a + b, 0)
        .toFixed(0);
    console.log(`web process ${web.join(', ')}: PSS ${pss()} MB at the start`);
    for (let answer = 1; answer <= Number(args.answers); answer++) {
      const runId = await askAndStart(exec, `long answer ${answer}`);
      await exec(`window.__benchTokens = (${pageTokens})(arguments[0])`, [['prose', tokens]]);
      await session('POST', '/execute/async', {
        args: [runId],
        script: `const done = arguments[arguments.length - 1];
          window.__telltaleMock.stream(arguments[0], window.__benchTokens, { tokensPerSecond: 50000, finish: true })
            .then(() => { window.__benchTokens = null; setTimeout(() => done(null), 500); });`,
      });
      const shown = pss();
      if (args['hold-ref']) await session('POST', '/element', { using: 'css selector', value: '[data-testid="turn"]' });
      await exec(`document.querySelector('[data-testid="new-chat"]').click()`);
      await sleep(10_000);
      console.log(`answer ${answer} (${tokens.toLocaleString('en')} tokens): PSS ${shown} MB shown, ${pss()} MB 10 s after leaving it`);
    }
  } finally {
    await close();
  }
} finally {
  stopAll();
  await server.close();
}
