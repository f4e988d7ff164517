// The built window (ui/dist-mock: production code, Tauri IPC mocked) in headless Chromium:
// every visual state with a screenshot in artifacts/browser/ (streaming performance:
// performance.browser.test.mjs).
//   npm run ui:build:mock && npm run ui:browser-test
import assert from 'node:assert/strict';
import { describe } from 'node:test';
import { LONG_MARKDOWN } from './fixtures.mjs';
import { ask, emit, lastTurn, runStarted, screenshotPath, sleep, startRun, tokenEvents, tokenize, useWindow, WRITING } from './harness.mjs';

const app = useWindow();

const PROMPT = 'What is 17 * 23, and what time is it in Tokyo?';

/** A run up to the point where the clock tool has been waited on for 12 s. */
async function runUntilWaiting(page) {
  const runId = await ask(page, PROMPT);
  await emit(page, runId, [
    runStarted({ t_ms: 0.01 }),
    { type: 'status', message: 'Planning…', icon: 'planning', t_ms: 1 },
    { type: 'thought', text: "I'll work out 17 * 23 with the calculator, then check the clock for Tokyo.", t_ms: 40 },
    { type: 'status', message: 'Calculating 17 * 23…', icon: 'calculator', t_ms: 60 },
    { type: 'tool_call_delta', call_id: 'c1', name: 'calculator', args_delta: '{"expres', t_ms: 61 },
    { type: 'tool_call_delta', call_id: 'c1', name: 'calculator', args_delta: 'sion": "17 * 23"}', t_ms: 62 },
    { type: 'tool_call', call_id: 'c1', name: 'calculator', args: { expression: '17 * 23' }, t_ms: 63 },
    { type: 'tool_result', call_id: 'c1', ok: true, output: '391', duration_ms: 0.034, t_ms: 64 },
    { type: 'status', message: 'Checking the time in Asia/Tokyo…', icon: 'clock', t_ms: 70 },
    { type: 'tool_call', call_id: 'c2', name: 'clock', args: { timezone: 'Asia/Tokyo' }, t_ms: 71 },
  ]);
  const pings = Array.from({ length: 12 }, (_, i) => ({ type: 'ping', waiting_for: 'clock', t_ms: 1070 + i * 1000 }));
  await emit(page, runId, pings);
  return runId;
}

async function finishClockAndStream(page, runId, text) {
  const longOutput = Array.from({ length: 30 }, (_, i) => `line ${i + 1}: 2026-11-24T08:${String(i).padStart(2, '0')}:00+09:00`).join('\n');
  await emit(page, runId, [
    { type: 'tool_result', call_id: 'c2', ok: true, output: longOutput, duration_ms: 12004.5, t_ms: 12075 },
    { type: 'status', message: 'Writing the answer…', icon: 'writing', t_ms: 12080 },
    ...tokenize(text).map((t, i) => ({ type: 'token', text: t, t_ms: 12100 + i })),
  ]);
}

describe('visual states', () => {
  app.test('pending: the skeleton, the chip and Stop appear in the frame of Enter', async ({ page }) => {
    await page.fill('[data-testid="composer-input"]', PROMPT);
    // Keydown is a discrete event: React renders before the handler returns, so all of this is
    // already in the DOM in the same task, before the browser paints the next frame.
    const sameTask = await page.evaluate(async () => {
      let framed = false;
      requestAnimationFrame(() => (framed = true));
      const input = document.querySelector('[data-testid="composer-input"]');
      input.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', bubbles: true, cancelable: true }));
      // React commits a discrete event's update in a microtask of the same task.
      await Promise.resolve();
      const turn = document.querySelector('[data-testid="turn"]');
      return {
        framed,
        state: turn?.getAttribute('data-state'),
        skeleton: !!turn?.querySelector('.skeleton'),
        chip: turn?.querySelector('[data-testid="status-chip"]')?.textContent,
        stop: !!document.querySelector('[data-testid="stop-button"]'),
        user: document.querySelector('[data-testid="user-message"]')?.textContent,
      };
    });
    assert.deepEqual(sameTask, { framed: false, state: 'pending', skeleton: true, chip: 'Planning…', stop: true, user: PROMPT });
    await page.screenshot({ path: screenshotPath('01-pending') });
  });

  app.test('streaming: the chip counts the wait, then the answer streams under the steps row', async ({ page }) => {
    const runId = await runUntilWaiting(page);
    const turn = lastTurn(page);
    assert.equal(
      await turn.locator('[data-testid="status-chip"]').textContent(),
      'Checking the time in Asia/Tokyo… · waiting on clock · 12 s',
    );
    assert.match(await turn.locator('[data-testid="steps-toggle"]').innerText(), /2 steps\s*· 12\.1 s/);
    await page.screenshot({ path: screenshotPath('02-waiting-on-tool') });

    await finishClockAndStream(page, runId, '17 * 23 = **391**.\n\nIn Tokyo (Asia/Tokyo) it is 08:20 on');
    assert.equal(await turn.getAttribute('data-state'), 'streaming');
    assert.equal(await turn.locator('[data-testid="status-chip"]').innerText(), 'Writing the answer…');
    assert.equal(await turn.locator('[data-testid="answer"]').innerText(), '17 * 23 = 391.\n\nIn Tokyo (Asia/Tokyo) it is 08:20 on');
    await page.screenshot({ path: screenshotPath('03-streaming') });

    // Steps, open: the thought in italics, the calls with arguments, output folded, durations.
    const toggle = turn.locator('[data-testid="steps-toggle"]');
    assert.equal(await toggle.getAttribute('aria-expanded'), 'false');
    await toggle.click();
    assert.equal(await toggle.getAttribute('aria-expanded'), 'true');
    const steps = turn.locator('[data-testid="step"]');
    assert.deepEqual(await steps.evaluateAll((els) => els.map((e) => [e.dataset.kind, e.dataset.state ?? null])), [
      ['thought', null],
      ['tool', 'done'],
      ['tool', 'done'],
    ]);
    assert.equal(await turn.locator('.thought').evaluate((e) => getComputedStyle(e).fontStyle), 'italic');
    const stepsText = await turn.locator('.steps').innerText();
    assert.match(stepsText, /\{"expression": "17 \* 23"\}/);
    assert.match(stepsText, /<1 ms/);
    assert.match(stepsText, /12\.0 s/);
    assert.match(stepsText, /Show more/);
    assert.doesNotMatch(stepsText, /line 30:/);
    await page.screenshot({ path: screenshotPath('04-steps-expanded') });
    await turn.getByRole('button', { name: /Show more/ }).click();
    assert.match(await turn.locator('.steps').innerText(), /line 30:/);

    // Done: the chip goes, the trail and the meta line stay; nothing below the steps row moved.
    const answerOffset = () =>
      turn
        .locator('[data-testid="answer"]')
        .evaluate((e) => e.getBoundingClientRect().top - e.closest('article').getBoundingClientRect().top);
    const answerTop = await answerOffset();
    await emit(page, runId, [
      { type: 'token', text: ' Tuesday.', t_ms: 12200 },
      { type: 'run_finished', reason: 'completed', usage: { input_tokens: 149, output_tokens: 60 }, ttft_ms: 412.7, t_ms: 12201 },
    ]);
    assert.equal(await turn.getAttribute('data-state'), 'completed');
    assert.equal(await turn.locator('[data-testid="status-chip"]').count(), 0);
    assert.match(await turn.locator('[data-testid="run-meta"]').innerText(), /149 in · 60 out · \d+ tok\/s · 413 ms to first token/);
    assert.match(await turn.locator('.trail').innerText(), /Planning[\s\S]*Calculating 17 \* 23[\s\S]*Writing the answer/);
    assert.equal(await answerOffset(), answerTop);
    await toggle.click();
    await page.screenshot({ path: screenshotPath('05-completed') });
  });

  app.test('stopped: Stop keeps the partial answer, marked stopped', async ({ page }) => {
    await startRun(page, 'Tell me a long story about dragons', [
      WRITING,
      ...tokenEvents('Once upon a time, in the mountains above a quiet valley, there lived a dragon who'),
    ]);
    const turn = lastTurn(page);
    const partial = await turn.locator('[data-testid="answer"]').innerText();
    await page.click('[data-testid="stop-button"]');
    await page.waitForFunction(() => document.querySelector('[data-testid="turn"]')?.dataset.state === 'cancelled');
    assert.equal(await turn.locator('[data-testid="answer"]').innerText(), partial);
    assert.match(await turn.innerText(), /stopped/i);
    await page.waitForSelector('[data-testid="send-button"]');
    await page.screenshot({ path: screenshotPath('06-stopped') });
  });

  app.test('live draft: the email editor opens at the first byte and fills field by field, editable at the end', async ({ page }) => {
    const args = JSON.stringify({
      to: 'Alice',
      subject: 'The launch date',
      body: 'Hi Alice,\n\nThe launch moves to Monday.\n\nBest regards,\n',
    });
    const pieces = args.match(/.{1,12}/gs);
    const delta = (args_delta) => ({ type: 'tool_call_delta', call_id: 'd1', name: 'draft_email', args_delta });
    const runId = await startRun(page, 'Draft an email to Alice about the launch date', [
      { type: 'status', message: 'Planning…', icon: 'planning' },
      delta(pieces[0]),
    ]);
    await page.waitForSelector('[data-testid="draft-panel"][data-state="streaming"]');
    const upToBody = pieces.findIndex((_, i) =>
      pieces
        .slice(0, i + 1)
        .join('')
        .includes('"body":"Hi'),
    );
    await emit(page, runId, pieces.slice(1, upToBody + 1).map(delta));
    await page.waitForFunction(() => document.querySelector('[data-testid="draft-field-subject"]')?.value === 'The launch date');
    assert.equal(await page.inputValue('[data-testid="draft-field-to"]'), 'Alice');
    assert.match(await page.inputValue('[data-testid="draft-field-body"]'), /^Hi/);
    await page.screenshot({ path: screenshotPath('14-draft-streaming') });
    await emit(page, runId, [
      ...pieces.slice(upToBody + 1).map(delta),
      { type: 'tool_call', call_id: 'd1', name: 'draft_email', args: JSON.parse(args) },
      { type: 'tool_result', call_id: 'd1', ok: true, output: 'Draft ready for review.', duration_ms: 0.2 },
      ...tokenEvents("I've drafted the email to Alice."),
      { type: 'run_finished', reason: 'completed', ttft_ms: 120 },
    ]);
    await page.waitForSelector('[data-testid="draft-panel"][data-state="editable"]');
    await page.fill('[data-testid="draft-field-subject"]', 'Launch moves to Monday');
    assert.equal(await page.inputValue('[data-testid="draft-field-subject"]'), 'Launch moves to Monday');
    assert.match(await page.inputValue('[data-testid="draft-field-body"]'), /The launch moves to Monday\./);
    await page.screenshot({ path: screenshotPath('15-draft-editable') });
  });

  app.test('edit & resend: a prompt is edited in place and sent in its place, a branch forking there', async ({ page }) => {
    await startRun(page, 'What is 17 * 24?', [
      ...tokenEvents('17 * 24 = 408.'),
      { type: 'run_finished', reason: 'completed', ttft_ms: 80 },
    ]);
    await page.waitForSelector('[data-testid="send-button"]');
    await page.hover('[data-testid="user-message"]');
    await page.click('[data-testid="edit-message"]');
    await page.fill('[data-testid="edit-input"]', 'What is 17 * 23?');
    await page.screenshot({ path: screenshotPath('16-edit-message') });
    await page.press('[data-testid="edit-input"]', 'Enter');
    // The edited prompt takes the old one's place, with a picker to go back to it.
    await page.waitForSelector('[data-testid="prompt-picker"]');
    assert.equal(await page.innerText('[data-testid="prompt-picker"] .version-count'), '2 / 2');
    assert.equal(await page.locator('[data-testid="turn"]').count(), 1);
    assert.equal(await page.innerText('[data-testid="user-message"]'), 'What is 17 * 23?');
    const started = await page.evaluate(() => window.__telltaleMock.started.map((s) => [s.prompt, s.parent]));
    assert.deepEqual(started, [
      ['What is 17 * 24?', { kind: 'root' }],
      ['What is 17 * 23?', { kind: 'root' }],
    ]);
  });

  app.test('error: a red message below the partial text, and Retry sends the prompt again', async ({ page }) => {
    await startRun(page, 'Summarise the release notes', [
      WRITING,
      ...tokenEvents('The release adds three things:'),
      {
        type: 'error',
        code: 'rate_limited',
        message: 'The provider is rate-limiting requests (HTTP 429). Wait a moment and try again.',
        retryable: true,
      },
      { type: 'run_finished', reason: 'error' },
    ]);
    const turn = lastTurn(page);
    assert.equal(await turn.getAttribute('data-state'), 'error');
    assert.match(await turn.locator('[data-testid="turn-error"]').innerText(), /rate-limiting/);
    await page.screenshot({ path: screenshotPath('07-error-retry') });
    await turn.getByRole('button', { name: 'Retry' }).click();
    const runs = await page.evaluate(() => window.__telltaleMock.started.map((r) => r.prompt));
    assert.deepEqual(runs, ['Summarise the release notes', 'Summarise the release notes']);
    assert.equal(await page.locator('[data-testid="turn"]').count(), 2);
  });
});

/** A finished run with steps and the long Markdown answer, streamed in small pieces. */
async function longAnswer(page) {
  const runId = await runUntilWaiting(page);
  await finishClockAndStream(page, runId, '');
  const tokens = tokenize(LONG_MARKDOWN);
  for (let i = 0; i < tokens.length; i += 9) {
    await page.evaluate(
      ([id, k]) => window.__telltaleMock.emit(id, k),
      [runId, tokens.slice(i, i + 9).map((text) => ({ type: 'token', text }))],
    );
  }
  await emit(page, runId, [{ type: 'run_finished', reason: 'completed', usage: { input_tokens: 1032, output_tokens: 412 }, ttft_ms: 180 }]);
  return runId;
}

describe('Markdown answers', () => {
  app.test('headings, lists, a table, highlighted code with Copy, and links that open outside', async ({ page, context }) => {
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: app.origin() });
    await longAnswer(page);
    const answer = lastTurn(page).locator('[data-testid="answer"]');
    assert.equal(await answer.locator('h2').innerText(), 'A day in Tokyo under $200');
    assert.equal(await answer.locator('ol > li').count(), 3);
    assert.equal(await answer.locator('table tbody tr').count(), 4);
    assert.equal(await answer.locator('.code-block .hljs-keyword').first().innerText(), 'const');
    assert.match(await answer.innerText(), /Here is a plan that keeps transport cheap/);
    assert.doesNotMatch(await answer.innerText(), /Copy/);
    await answer.scrollIntoViewIfNeeded();
    await page.screenshot({ path: screenshotPath('08-markdown'), fullPage: false });

    const copy = answer.locator('button[data-copy]');
    await copy.click();
    await page.waitForFunction(() => document.querySelector('button[data-copy]')?.dataset.copied !== undefined);
    assert.equal(await copy.getAttribute('data-copied'), 'yes');
    assert.match(await page.evaluate(() => navigator.clipboard.readText()), /const total = Object\.values\(costs\)/);

    const before = page.url();
    await answer.getByRole('link', { name: 'JR East fares' }).click();
    await sleep(100);
    assert.equal(page.url(), before, 'the window did not navigate');
    assert.equal((await context.pages()).length, 1, 'no second window');
    assert.deepEqual(await page.evaluate(() => window.__telltaleMock.opened), ['https://www.jreast.co.jp/e/']);
  });

  app.test('dark theme follows the system', async ({ page }) => {
    await longAnswer(page);
    const background = () => page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    assert.equal(await background(), 'rgb(255, 255, 255)');
    await page.emulateMedia({ colorScheme: 'dark' });
    // Chromium applies an emulated media change with the next frames.
    await page.waitForFunction(() => getComputedStyle(document.body).backgroundColor === 'rgb(21, 23, 27)');
    await lastTurn(page).locator('[data-testid="steps-toggle"]').click();
    await page.screenshot({ path: screenshotPath('09-dark') });
  });

  app.test('800×600: nothing overflows sideways', { width: 800, height: 600 }, async ({ page }) => {
    await longAnswer(page);
    const widths = await page.evaluate(() => ({
      doc: document.documentElement.scrollWidth,
      column: document.querySelector('.conversation-scroller').scrollWidth,
      scroller: document.querySelector('.conversation-scroller').clientWidth,
    }));
    assert.ok(widths.doc <= 800, `document ${widths.doc}px wide`);
    assert.ok(widths.column <= widths.scroller, `conversation ${widths.column}px in ${widths.scroller}px`);
    await page.screenshot({ path: screenshotPath('10-800x600') });
  });
});

describe('long runs', () => {
  app.test('60 tool calls stay readable and the chip stays on one line', async ({ page }) => {
    const runId = await ask(page, 'Check every file in the repository');
    const kinds = [{ type: 'status', message: 'Reading files…', icon: 'tool' }];
    for (let i = 0; i < 60; i++) {
      kinds.push({ type: 'tool_call', call_id: `r${i}`, name: 'read_file', args: { path: `src/module_${i}.rs` }, t_ms: i * 20 });
      kinds.push({
        type: 'tool_result',
        call_id: `r${i}`,
        ok: i % 17 !== 16,
        output: i % 17 === 16 ? 'permission denied' : `${40 + i} lines`,
        duration_ms: 3 + i,
        t_ms: i * 20 + 10,
      });
    }
    await emit(page, runId, kinds);
    const turn = lastTurn(page);
    assert.match(await turn.locator('[data-testid="steps-toggle"]').innerText(), /60 steps/);
    const rowHeight = await turn.locator('.steps-line').evaluate((e) => e.getBoundingClientRect().height);
    await turn.locator('[data-testid="steps-toggle"]').click();
    assert.equal(await turn.locator('[data-testid="step"]').count(), 60);
    assert.equal(await turn.locator('[data-testid="step"][data-state="failed"]').count(), 3);
    assert.equal(await turn.locator('.steps-line').evaluate((e) => e.getBoundingClientRect().height), rowHeight);
    await page.screenshot({ path: screenshotPath('11-sixty-steps') });
  });
});
