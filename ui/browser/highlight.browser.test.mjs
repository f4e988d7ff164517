// Syntax colours for a long streaming code block come from the highlighter's own thread (a Web
// Worker, ui/src/markdown/highlight.worker.ts): the cut chunks are coloured while the block still
// streams, and once the answer ends the whole block is coloured, its text exactly what was sent.
//   npm run ui:build:mock && node --test ui/browser/highlight.browser.test.mjs
import assert from 'node:assert/strict';
import { describe } from 'node:test';
import { emit, settle, startRun, tokenize, useWindow, WRITING } from './harness.mjs';

const app = useWindow();

describe('highlighting streaming code', () => {
  app.test('a long code block is coloured on the highlighter thread while it streams', async ({ page }) => {
    const workers = [];
    page.on('worker', (worker) => workers.push(worker.url()));
    const runId = await startRun(page, 'Write a long script', [WRITING]);
    const lines = Array.from({ length: 200 }, (_, i) => `value_${i} = compute(${i})  # step ${i}\n`);
    const tokens = ['Here it is:\n\n```python\n', ...lines.flatMap(tokenize)];
    await page.evaluate(
      ([id, t]) => window.__telltaleMock.stream(id, t, { tokensPerSecond: 20_000, finish: false }).then(() => null),
      [runId, tokens],
    );
    const comments = () => page.locator('[data-testid="answer"] .code-chunked .hljs-comment').count();
    // Still streaming: the chunks cut so far (every 16 lines) get their colours from the worker.
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="answer"] .code-chunked .hljs-comment').length >= 176);
    assert.equal(await page.locator('.answer-streaming').count(), 1);
    assert.ok(
      workers.some((url) => url.includes('highlight.worker')),
      `the highlighter's worker runs (workers: ${workers.join(', ') || 'none'})`,
    );

    await emit(page, runId, [{ type: 'run_finished', reason: 'completed', ttft_ms: 10 }]);
    await settle(page);
    assert.equal(await page.locator('.answer-streaming').count(), 0);
    assert.equal(await comments(), 200);
    assert.equal(await page.locator('[data-testid="answer"] code').textContent(), lines.join('').replace(/\n$/, ''));
  });
});
