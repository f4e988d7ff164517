// XSS, measured in the built window (ui/dist-mock: production code, Tauri IPC mocked) in headless
// Chromium, which has no CSP here: only the rendering stands between a payload and the page.
// Every payload of fixtures/xss-payloads.json arrives as the model's answer (streamed token by
// token), as a thought, as a tool call's arguments, progress message and output (steps open),
// as a status and as an error message; then every link in the answers is clicked. A payload
// that ran would leave a sentinel: `top.__xss` (scripts and handlers), the custom property
// `--xss` (CSS), a dialog, a navigation, or a link handed to the system browser that is not
// http(s) or mailto. The e2e twin (e2e/xss.e2e.test.mjs) does the same in the real webview.
//   npm run ui:build:mock && node --test ui/browser/xss.browser.test.mjs
import assert from 'node:assert/strict';
import { describe } from 'node:test';
import { ALL, isSafeUrl, NOTHING_RAN, PAYLOADS, readSentinels } from '../../fixtures/xss.mjs';
import { ask, emit, lastTurn, runStarted, screenshotPath, settle, tokenize, useWindow, WRITING } from './harness.mjs';

const app = useWindow();

/** Streams `text` as the model's tokens, `perBatch` in each batch the shell delivers. */
async function streamAnswer(page, runId, text, perBatch) {
  const tokens = tokenize(text);
  for (let i = 0; i < tokens.length; i += perBatch) {
    const batch = tokens.slice(i, i + perBatch);
    await emit(
      page,
      runId,
      batch.map((t) => ({ type: 'token', text: t })),
    );
  }
}

/** Clicks every link of the last answer; resolves to how many it clicked. */
async function clickEveryLink(page) {
  const links = lastTurn(page).locator('[data-testid="answer"] a');
  const count = await links.count();
  for (let i = 0; i < count; i++) {
    await links.nth(i).click();
    await settle(page);
  }
  return count;
}

/** No sentinel is set (see readSentinels), no link but http(s) and mailto went to the system browser. */
async function expectNothingRan(page, start, lastOnly) {
  const { href, ...found } = await page.evaluate(readSentinels, lastOnly);
  const opened = await page.evaluate(() => window.__telltaleMock.opened);
  assert.deepEqual(found, NOTHING_RAN);
  assert.equal(href, start, 'the window did not navigate');
  assert.deepEqual(
    opened.filter((url) => !isSafeUrl(url)),
    [],
  );
}

const FINISHED = { type: 'run_finished', reason: 'completed', usage: { input_tokens: 1, output_tokens: 1 }, ttft_ms: 5 };

/** A run whose answer is `text`, streamed. */
async function answerWith(page, prompt, text) {
  const runId = await ask(page, prompt);
  await emit(page, runId, [runStarted(), WRITING]);
  await streamAnswer(page, runId, text, 3);
  await emit(page, runId, [FINISHED]);
  return runId;
}

/** A run whose every untrusted field is `text`; the steps are open while the calls run. */
async function everywhereWith(page, prompt, text) {
  const runId = await ask(page, prompt);
  await emit(page, runId, [
    runStarted(),
    { type: 'status', message: text, icon: 'tool' },
    { type: 'thought', text },
    { type: 'tool_call', call_id: 'c1', name: 'read_file', args: { path: text } },
    { type: 'tool_progress', call_id: 'c1', progress: 1, total: 2, message: text },
  ]);
  await lastTurn(page).locator('[data-testid="steps-toggle"]').click();
  await settle(page);
  await emit(page, runId, [
    { type: 'tool_result', call_id: 'c1', ok: true, output: text, duration_ms: 3 },
    { type: 'tool_call', call_id: 'c2', name: 'web_fetch', args: { url: 'https://ok.example/', note: text } },
    { type: 'tool_result', call_id: 'c2', ok: false, output: text.split('\n')[0], duration_ms: 4 },
    WRITING,
  ]);
  await streamAnswer(page, runId, text, 20);
  await emit(page, runId, [{ type: 'error', code: 'provider_error', message: text, retryable: true }]);
  await emit(page, runId, [{ type: 'run_finished', reason: 'error' }]);
  return runId;
}

describe('XSS payloads in model and tool output', () => {
  app.test(`none of the ${PAYLOADS.length} payloads runs, each alone, nor all in one answer`, async ({ page, context }) => {
    const dialogs = [];
    page.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    const start = page.url();
    assert.ok(PAYLOADS.length >= 24, `only ${PAYLOADS.length} payloads`);
    // The sentinel can be read, and is unset before anything renders.
    assert.equal(await page.evaluate(() => window.__xss ?? null), null);

    let clicked = 0;
    // Each payload alone as an answer, in a turn of its own.
    for (const { name, markdown } of PAYLOADS) {
      await answerWith(page, `xss probe ${name}`, markdown);
      assert.equal(await lastTurn(page).getAttribute('data-state'), 'completed', name);
      clicked += await clickEveryLink(page);
      await expectNothingRan(page, start, true);
    }

    // All of them at once in every field: status, thought, tool arguments, progress, output (short
    // and long, ok and failed), answer, error.
    await everywhereWith(page, 'xss probe: everything at once', ALL);
    clicked += await clickEveryLink(page);
    await expectNothingRan(page, start, false);
    // Every field got the payloads, as text.
    const turn = lastTurn(page);
    assert.equal(await turn.getAttribute('data-state'), 'error');
    for (const field of [
      '.thought',
      '.step-args',
      '.step-output',
      '.step-output-inline',
      '.turn-error-message',
      '[data-testid="answer"]',
    ]) {
      assert.match(await turn.locator(field).first().textContent(), /<script>top\.__xss=/, field);
    }
    await page.screenshot({ path: screenshotPath('60-xss-payloads') });

    // The links that are links went to the system browser; nothing else did.
    assert.ok(clicked > 0, 'some payloads render as (safe) links, and they were clicked');
    assert.ok((await page.evaluate(() => window.__telltaleMock.opened.length)) > 0);
    assert.deepEqual(dialogs, []);
    assert.equal(context.pages().length, 1, 'no second window');
  });
});
