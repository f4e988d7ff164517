// Memory growth in the real window: the app driven through WebDriver (tauri-driver) streams long
// answers from the stamp server; its memory is sampled before, after the first answer, after the
// last one, and once a New Chat has taken the last answer off the screen.
import { realpathSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { startDriver, Session, ENTER } from '../../e2e/webdriver.mjs';
import { findByExe, sample } from './pss.mjs';
import { stopTree } from './launch.mjs';

/** `count` samples of the tree under `pid`, `gapMs` apart (the first after `gapMs`). */
export async function samples(pid, count, gapMs) {
  const out = [];
  for (let i = 0; i < count; i++) {
    await sleep(gapMs);
    out.push(sample(pid));
  }
  return out;
}

async function composer(app) {
  const [input] = await app.waitFor('[data-testid="composer-input"]', async ([el]) => (await el.attr('disabled')) === null, {
    what: 'the composer to be ready',
    timeout: 30000,
  });
  return input;
}

/** Sends `prompt`; returns the new turn once it has ended, and whether the answer's last token is in it. */
async function answer(app, prompt, lastToken, timeout) {
  const input = await composer(app);
  const before = (await app.find('[data-testid="turn"]')).length;
  await input.type(prompt + ENTER);
  const turns = await app.waitFor('[data-testid="turn"]', (els) => els.length === before + 1, { what: 'the new turn' });
  const turn = turns.at(-1);
  let state;
  // Polled gently: every WebDriver command runs on the page's main thread too.
  await app.waitFor('body', async () => ['completed', 'error', 'cancelled'].includes((state = await turn.attr('data-state'))), {
    what: 'the answer to end',
    timeout,
  });
  const [el] = await turn.find('[data-testid="answer"]');
  const complete = el
    ? await app.execute('return arguments[0].textContent.includes(arguments[1])', [
        { 'element-6066-11e4-a52e-4f735466cecf': el.id },
        lastToken,
      ])
    : false;
  return { state, complete };
}

/** File → New Chat, through the header button (Ctrl+N if the button is not there). */
async function newChat(app) {
  const [button] = await app.find('[data-testid="new-chat"]');
  if (button) return button.click();
  const key = (type, value) => ({ type, value });
  await app.cmd('POST', '/actions', {
    actions: [
      { type: 'key', id: 'kb', actions: [key('keyDown', '\uE009'), key('keyDown', 'n'), key('keyUp', 'n'), key('keyUp', '\uE009')] },
    ],
  });
}

/**
 * Streams answers of `answerTokens` tokens (a New Chat before each after the first) until
 * `eventsTarget` tokens have streamed or the next answer would end after `budgetS` seconds.
 */
export async function streamGrowth({ appPath, env, answerTokens, eventsTarget, budgetS, settleS, lateS, log }) {
  const exe = realpathSync(appPath);
  const driver = await startDriver({ env });
  let app;
  try {
    app = await Session.create(driver.base, exe);
    await composer(app);
    const [proc] = findByExe(process.pid, exe);
    if (!proc) throw new Error(`no ${exe} process under this one`);
    log(`stream: app pid ${proc.pid}; settling`);
    await sleep(settleS * 1000);
    const before = await samples(proc.pid, 3, 1000);
    const answers = [];
    let afterFirst = null;
    const started = Date.now();
    let events = 0;
    while (events < eventsTarget) {
      const elapsed = (Date.now() - started) / 1000;
      const last = answers.at(-1)?.seconds ?? 0;
      if (answers.length > 0 && elapsed + last > budgetS) break;
      if (answers.length > 0) await newChat(app);
      const t0 = Date.now();
      const { state, complete } = await answer(app, `answer ${answers.length + 1}`, `w${answerTokens - 1}:`, 600000);
      const seconds = (Date.now() - t0) / 1000;
      events += answerTokens;
      // One sample right at each end (the answer still on screen), to see whether memory grows
      // with every answer or levels off.
      const { pss_mb, processes } = sample(proc.pid);
      const byName = Object.fromEntries(processes.map((p) => [p.name, Math.round(p.pss_mb)]));
      answers.push({ tokens: answerTokens, seconds, state, complete, pss_mb_at_end: pss_mb, processes_at_end: byName });
      log(
        `stream: answer ${answers.length}: ${answerTokens} tokens in ${seconds.toFixed(1)} s (${Math.round(answerTokens / seconds)} tokens/s), ${state}${complete ? '' : ', LAST TOKEN MISSING'}`,
      );
      if (answers.length === 1) afterFirst = await samples(proc.pid, 3, 2000);
    }
    const afterAll = answers.length > 1 ? await samples(proc.pid, 3, 2000) : afterFirst;
    await newChat(app);
    await sleep(settleS * 1000);
    const afterNewChat = await samples(proc.pid, 3, 2000);
    // Long after: whatever garbage collection and cache trimming do when left alone, they have done.
    await sleep(lateS * 1000);
    const late = await samples(proc.pid, 3, 2000);
    return { before, afterFirst, afterAll, afterNewChat, late, answers, events, seconds: (Date.now() - started) / 1000 };
  } finally {
    await app?.close().catch(() => {});
    driver.stop();
    await sleep(500);
    for (const left of findByExe(process.pid, exe)) await stopTree(left.pid);
  }
}
