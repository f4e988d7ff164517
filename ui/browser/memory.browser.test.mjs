// What the window keeps (ui/dist-mock, Tauri IPC mocked, the mock history recording the runs the
// window starts as the shell does) in headless Chromium: a long answer the user left is dropped
// from the state (read through the mock build's `__telltaleState`) and from the JS heap (after a
// garbage collection), and comes back whole from the history when its chat is opened again; a run
// in a chat not shown goes on streaming into the state.
//   npm run ui:build:mock && npm run ui:browser-test
import assert from 'node:assert/strict';
import { describe } from 'node:test';
import { markdownTokens } from './fixtures.mjs';
import { ask, emit, runStarted, settle, tokenize, useWindow, WRITING } from './harness.mjs';

const app = useWindow();

/** JS heap in use after a full garbage collection, in bytes. */
async function heapAfterGc(page) {
  const cdp = await page.context().newCDPSession(page);
  for (let i = 0; i < 3; i++) await cdp.send('HeapProfiler.collectGarbage');
  const { usedSize } = await cdp.send('Runtime.getHeapUsage');
  await cdp.detach();
  return usedSize;
}

/** What the state keeps of a conversation: whether it is released, and its runs' answers' lengths. */
function kept(page, conversationId) {
  return page.evaluate((id) => {
    const state = window.__telltaleState;
    const c = state.conversations[id];
    const runs = (c?.items ?? []).filter((i) => i.role === 'assistant').map((i) => i.runId);
    return { released: c?.released === true, answers: runs.map((r) => (state.turns[r] ? String(state.turns[r].answer).length : null)) };
  }, conversationId);
}

const activeId = (page) => page.evaluate(() => window.__telltaleState.activeConversationId);

/** Streams `tokens` into the run through the mocked shell as fast as the window takes them. */
function stream(page, runId, tokens, finish) {
  return page.evaluate(
    ([id, t, f]) => window.__telltaleMock.stream(id, t, { tokensPerSecond: 200_000, finish: f }),
    [runId, tokens, finish],
  );
}

const turnText = (page) =>
  page
    .locator('[data-testid="turn"]')
    .last()
    .evaluate((e) => e.textContent);
const answerText = (page) =>
  page
    .locator('[data-testid="answer"]')
    .last()
    .evaluate((e) => e.textContent);
/** Until the last answer has every group drawn (an answer complete when opened is drawn from its end, the rest a frame later). */
const drawnWhole = (page) =>
  page.waitForFunction(() => {
    const answer = [...document.querySelectorAll('[data-testid="answer"]')].at(-1);
    return answer?.querySelector('[data-drawn-from]') === null;
  });
const open = (page, title) => page.locator('[data-testid="conversation-item"]', { hasText: title }).locator('.conversation-link').click();

const mb = (bytes) => (bytes / 1e6).toFixed(2);

describe('memory', () => {
  app.test('a long answer left is dropped from the page, and reopens whole from the history', async ({ page }) => {
    const base = await heapAfterGc(page);
    const tokens = markdownTokens(100_000, tokenize);
    const chars = tokens.join('').length;
    const runId = await ask(page, 'Write a very long report');
    const conversationId = await activeId(page);
    await emit(page, runId, [runStarted(), WRITING]);
    await stream(page, runId, tokens, true);
    await page.locator('[data-testid="turn"][data-state="completed"]').waitFor();
    await settle(page);
    const shownTurn = await turnText(page);
    assert.deepEqual(await kept(page, conversationId), { released: false, answers: [chars] });
    const shown = await heapAfterGc(page);

    // Another chat: the long one is released once the history lists it.
    await page.click('[data-testid="new-chat"]');
    await page.waitForFunction((id) => window.__telltaleState.conversations[id]?.released === true, conversationId);
    assert.deepEqual(await kept(page, conversationId), { released: true, answers: [null] });
    const away = await heapAfterGc(page);
    console.log(
      `# JS heap: ${mb(base)} MB at the start, ${mb(shown)} MB with ${chars} characters shown, ${mb(away)} MB after leaving them`,
    );
    // Its elements and its state are gone (what stays is code compiled meanwhile and the mock history's copy).
    assert.ok(away - base < (shown - base) / 2, 'the answer left is not kept');

    // Opened again: the same turn, from the history, at its end.
    await open(page, 'Write a very long report');
    await page.waitForFunction((id) => window.__telltaleState.activeConversationId === id, conversationId);
    await page.locator('[data-testid="turn"][data-state="completed"]').waitFor();
    await settle(page);
    assert.deepEqual(await kept(page, conversationId), { released: false, answers: [chars] });
    // Drawn from its end, the groups above it a frame later: whole once they are drawn.
    await drawnWhole(page);
    assert.equal(await turnText(page), shownTurn);
    const fromBottom = await page.evaluate(() => {
      const el = document.querySelector('.conversation-scroller');
      return el.scrollHeight - el.scrollTop - el.clientHeight;
    });
    assert.ok(fromBottom <= 48, `opened ${fromBottom} px from its end`);
  });

  app.test('a run in a chat not shown goes on streaming into the state; finished, it is released and reopens whole', async ({ page }) => {
    const tokens = markdownTokens(100_000, tokenize);
    const chars = tokens.join('').length;
    const shownPart = tokens.slice(0, 20_000);
    const runId = await ask(page, 'Write in the background');
    const conversationId = await activeId(page);
    await emit(page, runId, [runStarted(), WRITING]);
    await stream(page, runId, shownPart, false);

    // Away to a saved chat while the run goes on.
    await open(page, 'What time is it in Tokyo?');
    await page.locator('[data-testid="turn"][data-state="completed"]').waitFor();
    await stream(page, runId, tokens.slice(shownPart.length), false);
    assert.deepEqual(await kept(page, conversationId), { released: false, answers: [chars] });
    assert.match(await answerText(page), /18:30/, 'the Tokyo chat is what is shown');
    const running = await heapAfterGc(page);

    // It finishes in the background: then it is released.
    await emit(page, runId, [{ type: 'run_finished', reason: 'completed' }]);
    await page.waitForFunction((id) => window.__telltaleState.conversations[id]?.released === true, conversationId);
    assert.deepEqual(await kept(page, conversationId), { released: true, answers: [null] });
    const released = await heapAfterGc(page);
    console.log(`# JS heap: ${mb(running)} MB with ${chars} characters streamed in the background, ${mb(released)} MB once released`);
    assert.ok(running - released > chars / 4, 'the state held the answer, and no longer does');

    await open(page, 'Write in the background');
    await page.waitForFunction((id) => window.__telltaleState.activeConversationId === id, conversationId);
    await page.locator('[data-testid="turn"][data-state="completed"]').waitFor();
    assert.equal(await page.locator('[data-testid="turn"]').count(), 1);
    assert.deepEqual(await kept(page, conversationId), { released: false, answers: [chars] });
    // Drawn whole: every section's heading in order, and the last words.
    await drawnWhole(page);
    const text = tokens.join('');
    const headings = [...text.matchAll(/^## (Section \d+)$/gm)].map((m) => m[1]);
    assert.deepEqual(await page.locator('[data-testid="answer"] h2').allTextContents(), headings);
    const lastWords = text.trim().split('\n').at(-1).replace(/[`*|]/g, '').trim();
    assert.ok((await answerText(page)).includes(lastWords), `ends with “${lastWords}”`);
  });
});
