// End to end: the history survives a restart of the real app. With TELLTALE_DATA_DIR set to a
// fresh folder, ask a question, close the app, start it again: the conversation is listed and
// reopens with its answer and steps, replayed from the SQLite database.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { startDriver, Session, ENTER, appsEnded } from './webdriver.mjs';

const APP = process.env.TELLTALE_APP ?? resolve('target/debug/telltale-app');
const PROMPT = 'What is 17 * 23, and what time is it in Tokyo?';
let dataDir;
let driver;
let app;

before(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'telltale-history-e2e-'));
  driver = await startDriver({ env: { TELLTALE_DATA_DIR: dataDir, TELLTALE_OFFLINE_PACE_MS: '5' } });
});

after(async () => {
  await app?.close().catch(() => {});
  driver?.stop();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

const textIn = async (el, testid) => {
  const [found] = await el.find(`[data-testid="${testid}"]`);
  return found ? found.text() : '';
};

test('a conversation is saved, listed after a restart, and reopens with its answer and steps', async () => {
  app = await Session.create(driver.base, APP);
  const [input] = await app.waitFor('[data-testid="composer-input"]', async ([el]) => (await el.attr('disabled')) === null);
  // A fresh data folder: nothing saved yet, and no "history is off" banner.
  assert.equal((await app.find('[data-testid="history-off"]')).length, 0);
  await input.type(PROMPT + ENTER);
  const [turn] = await app.waitFor('[data-testid="turn"]');
  await app.waitFor('body', async () => (await turn.attr('data-state')) === 'completed', { what: 'the run to complete', timeout: 20000 });
  const answer = await textIn(turn, 'answer');
  assert.match(answer, /17 \* 23 = 391\./);
  // The sidebar shows the saved conversation once the run is recorded.
  await app.waitFor(
    '[data-testid="conversation-item"]',
    async (els) => {
      const texts = await Promise.all(els.map((e) => e.text()));
      return texts.some((t) => t.includes('What is 17 * 23'));
    },
    { what: 'the conversation in the sidebar' },
  );
  assert.ok(existsSync(join(dataDir, 'history.sqlite3')), 'the database is in TELLTALE_DATA_DIR');
  await app.close();
  app = null;
  // The first app is gone before the second starts (it allows one instance per user).
  const leftOver = await appsEnded(driver);
  if (leftOver > 0) console.log(`# ${leftOver} app(s) still running 5 s after their session closed: ended`);

  // The app starts again, with the same data folder.
  app = await Session.create(driver.base, APP);
  await app.waitFor('[data-testid="composer-input"]', async ([el]) => (await el.attr('disabled')) === null);
  await app.waitFor(
    '[data-testid="conversation-item"]',
    async (els) => {
      const texts = await Promise.all(els.map((e) => e.text()));
      return texts.some((t) => t.includes('What is 17 * 23'));
    },
    { what: 'the saved conversation after the restart' },
  );
  await app.clickOn('[data-testid="conversation-item"] button.conversation-link', {
    text: /What is 17 \* 23/,
    what: 'the saved conversation',
  });

  const [reopened] = await app.waitFor(
    '[data-testid="turn"]',
    async (els) => els.length === 1 && (await els[0].attr('data-state')) === 'completed',
    {
      what: 'the reopened turn',
    },
  );
  assert.equal(await textIn(reopened, 'answer'), answer, 'the same answer, exactly');
  const [toggle] = await reopened.find('[data-testid="steps-toggle"]');
  assert.match(await toggle.text(), /2/);
  await toggle.click();
  const steps = await app.waitFor('[data-testid="step"][data-kind="tool"]', (els) => els.length === 2, { what: 'two tool steps' });
  for (const step of steps) assert.equal(await step.attr('data-state'), 'done');
  const stepsText = (await Promise.all(steps.map((s) => s.text()))).join('\n');
  assert.match(stepsText, /calculator/);
  assert.match(stepsText, /391/);
  assert.match(await textIn(reopened, 'run-meta'), /to first token/);
  await app.screenshot('e2e-history-reopened');

  // Search finds it, with the hit marked.
  const [search] = await app.find('[data-testid="search-input"]');
  await search.type('Tokyo');
  const hits = await app.waitFor('[data-testid="search-hit"]', (els) => els.length === 1, { what: 'a search hit' });
  const [mark] = await hits[0].find('mark');
  assert.equal(await mark.text(), 'Tokyo');
});
