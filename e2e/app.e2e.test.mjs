// End to end: the real Telltale window, driven through tauri-driver + WebKitWebDriver.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { resolve } from 'node:path';
import { startDriver, Session, ENTER } from './webdriver.mjs';

// The app under test: the debug build, or an installed one (the .deb stage sets TELLTALE_APP).
const APP = process.env.TELLTALE_APP ?? resolve('target/debug/telltale-app');
let driver;
let app;

before(async () => {
  // A slower offline pace so that a person (and this test) can see the run unfold and stop it.
  driver = await startDriver({ env: { TELLTALE_OFFLINE_PACE_MS: '60' } });
  app = await Session.create(driver.base, APP);
});

after(async () => {
  await app?.close().catch(() => {});
  driver?.stop();
});

/** Types `prompt` and presses Enter; returns the new assistant turn. */
async function ask(prompt) {
  const before = (await app.find('[data-testid="turn"]')).length;
  const [input] = await app.waitFor('[data-testid="composer-input"]', async ([el]) => (await el.attr('disabled')) === null);
  await input.type(prompt + ENTER);
  const turns = await app.waitFor('[data-testid="turn"]', (els) => els.length === before + 1, { timeout: 1000, what: 'the new turn' });
  return turns.at(-1);
}

const stateOf = (turn) => turn.attr('data-state');
const textIn = async (turn, testid) => {
  const [el] = await turn.find(`[data-testid="${testid}"]`);
  return el ? el.text() : '';
};
/** Waits until `check(turn)` holds. */
const until = (turn, check, what, timeout = 10000) => app.waitFor('body', () => check(turn), { what, timeout });

test('the offline provider is labelled honestly', async () => {
  await app.waitFor('[data-testid="provider-label"]', async ([el]) => /Offline demo — no model/.test(await el.text()), {
    what: 'the provider label',
  });
});

test('asking shows the status at once, then the steps and the streamed answer', async () => {
  const turn = await ask('What is 17 * 23, and what time is it in Tokyo?');
  const chip = async () => textIn(turn, 'status-chip');
  await until(turn, async () => /Planning|Calculating|Checking|Reading|Writing/.test(await chip()), 'the status chip', 1000);
  await app.screenshot('e2e-01-planning');

  await until(turn, async () => (await textIn(turn, 'answer')).length > 0, 'the first token');
  await app.screenshot('e2e-02-streaming');
  await until(turn, async () => (await stateOf(turn)) === 'completed', 'the run to complete', 20000);
  const text = await textIn(turn, 'answer');
  assert.match(text, /17 \* 23 = 391\./);
  assert.match(text, /In Tokyo \(Asia\/Tokyo\) it is \d\d:\d\d/);

  const [toggle] = await turn.find('[data-testid="steps-toggle"]');
  assert.match(await toggle.text(), /2/);
  assert.equal(await toggle.attr('aria-expanded'), 'false');
  await toggle.click();
  assert.equal(await toggle.attr('aria-expanded'), 'true');
  let steps = [];
  await until(turn, async () => (steps = await turn.find('[data-testid="step"][data-kind="tool"]')).length === 2, 'two tool steps');
  for (const step of steps) assert.equal(await step.attr('data-state'), 'done');
  const stepsText = (await Promise.all(steps.map((s) => s.text()))).join('\n');
  assert.match(stepsText, /calculator/);
  assert.match(stepsText, /391/);
  assert.match(stepsText, /Asia\/Tokyo/);
  assert.match(await textIn(turn, 'run-meta'), /\d( ms| s) to first token/);
  await app.screenshot('e2e-03-completed-steps');
});

test('a window reloaded mid-answer follows the run on: its answer whole, nothing twice', async () => {
  const turn = await ask('Tell me a long story about a lighthouse');
  await until(turn, async () => (await textIn(turn, 'answer')).split(' ').length > 3, 'a few words of the answer');
  await app.execute('location.reload()');
  // The reloaded page opens the run's conversation from the history and follows the run from
  // the last event the history held.
  await app.waitFor('[data-testid="turn"]', async (els) => els.length > 0 && (await els.at(-1).attr('data-state')) === 'completed', {
    what: 'the run followed to its end after the reload',
    timeout: 30000,
  });
  const live = await textIn((await app.find('[data-testid="turn"]')).at(-1), 'answer');
  assert.ok(live.split(' ').length > 10, `the whole answer: ${live}`);
  // Reloaded again after the run: the answer as the history recorded it is the one shown live.
  const id = await app.execute(
    'return document.querySelector(\'[data-testid="conversation-item"]:has([aria-current="page"])\')?.dataset.id ?? null',
  );
  assert.ok(id, 'the conversation is the one shown');
  await app.execute('location.reload()');
  await app.clickOn(`[data-testid="conversation-item"][data-id="${id}"] .conversation-link`, { what: 'the conversation in the sidebar' });
  await app.waitFor('[data-testid="turn"]', async (els) => els.length > 0 && (await els.at(-1).attr('data-state')) === 'completed', {
    what: 'the conversation reopened',
  });
  assert.equal(await textIn((await app.find('[data-testid="turn"]')).at(-1), 'answer'), live);
});

test('Stop ends the run mid-answer and keeps what streamed', async () => {
  const turn = await ask('Tell me a long story about dragons');
  await until(turn, async () => (await textIn(turn, 'answer')).split(' ').length > 3, 'a few words of the answer');
  const [stop] = await app.waitFor('[data-testid="stop-button"]');
  await stop.click();
  await until(turn, async () => (await stateOf(turn)) === 'cancelled', 'the run to stop', 2000);
  const partial = await textIn(turn, 'answer');
  assert.ok(partial.split(' ').length > 3, 'the partial answer stays');
  assert.match(await turn.text(), /stopped/i, 'the answer is marked as stopped');
  await new Promise((r) => setTimeout(r, 500));
  assert.equal(await textIn(turn, 'answer'), partial, 'nothing streams after Stop');
  await app.waitFor('[data-testid="send-button"]');
  await app.screenshot('e2e-04-stopped');
});
