// Streaming performance in the built window (ui/dist-mock: production code, Tauri IPC mocked) in
// headless Chromium: 5,000 tokens/s of Markdown must not cause a long task over 50 ms, and the
// work per frame must not grow with one huge code block, list or paragraph. (Chromium is not the
// app's WebKitGTK: bench/window measures the real window.)
//   npm run ui:build:mock && npm run ui:browser-test
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { markdownTokens } from './fixtures.mjs';
import { ask, lastTurn, screenshotPath, startRun, tokenize, useWindow, WRITING } from './harness.mjs';

const app = useWindow();

/**
 * Streams `tokens` into the run at `rate` tokens a second through the mocked shell and reports what
 * the page went through: batches, frames, long tasks (over 50 ms) and long animation frames.
 */
async function measureStream(page, runId, tokens, rate) {
  return page.evaluate(
    async ([id, toks, rate]) => {
      const longTasks = [];
      const longFrames = [];
      const observer = new PerformanceObserver((list) => {
        for (const entry of list.getEntries()) longTasks.push(entry.duration);
      });
      observer.observe({ type: 'longtask' });
      // Long animation frames (script + style + layout + paint of one frame over 50 ms), for the report.
      const frameObserver = new PerformanceObserver((list) => {
        for (const entry of list.getEntries()) longFrames.push(entry.duration);
      });
      if (PerformanceObserver.supportedEntryTypes.includes('long-animation-frame')) {
        frameObserver.observe({ type: 'long-animation-frame' });
      }
      let frames = 0;
      let counting = true;
      const count = () => {
        frames++;
        if (counting) requestAnimationFrame(count);
      };
      requestAnimationFrame(count);
      // The observer works here: a 70 ms busy task is seen (and then forgotten). (Script run by
      // page.evaluate itself is not a task the page's observer sees, hence the timer.)
      setTimeout(() => {
        const t = performance.now();
        while (performance.now() - t < 70);
      }, 0);
      await new Promise((ok) => setTimeout(ok, 200));
      const seen = longTasks.splice(0).length;
      longFrames.splice(0);
      const report = await window.__telltaleMock.stream(id, toks, { tokensPerSecond: rate, finish: true });
      // Let the last batches render.
      await new Promise((ok) => setTimeout(ok, 300));
      counting = false;
      observer.disconnect();
      frameObserver.disconnect();
      return {
        ...report,
        observerSawBusyLoop: seen,
        frames,
        longTasks: longTasks.length,
        maxTaskMs: longTasks.length ? Math.max(...longTasks) : 0,
        longFrames: longFrames.length,
        maxFrameMs: longFrames.length ? Math.max(...longFrames) : 0,
        blocks: document.querySelectorAll('[data-testid="answer"] .md-block').length,
        groups: document.querySelectorAll('[data-testid="answer"] > .md-group').length,
        chars: document.querySelector('[data-testid="answer"]').textContent.length,
      };
    },
    [runId, tokens, rate],
  );
}

describe('performance', () => {
  app.test('5,000 tokens/s of Markdown for 3 s: no long task over 50 ms', async ({ page }) => {
    const runId = await startRun(page, 'Stream a very long answer', [WRITING]);
    const tokens = markdownTokens(15_000, tokenize);
    const figures = await measureStream(page, runId, tokens, 5000);
    const seconds = figures.elapsedMs / 1000;
    console.log(
      `# 5,000 tok/s stream: ${figures.tokens} tokens in ${seconds.toFixed(2)} s (${Math.round(figures.tokens / seconds)} tok/s) ` +
        `in ${figures.batches} batches; ${figures.frames} frames (${Math.round(figures.frames / (seconds + 0.3))} fps); ` +
        `${figures.blocks} Markdown blocks, ${figures.chars} characters; long tasks: ${figures.longTasks}, ` +
        `max task ${figures.maxTaskMs.toFixed(0)} ms; long animation frames: ${figures.longFrames}, ` +
        `max ${figures.maxFrameMs.toFixed(0)} ms`,
    );
    assert.equal(figures.observerSawBusyLoop, 1, 'the long-task observer works');
    assert.equal(figures.tokens, 15_000);
    // The budget is no long task over 50 ms. This machine is shared and noisy, so one isolated
    // stretched task is tolerated; a renderer whose cost grows with the answer produces many long
    // tasks that get longer and longer, which this still catches.
    assert.ok(figures.longTasks <= 1, `${figures.longTasks} long tasks over 50 ms (max ${figures.maxTaskMs} ms)`);
    assert.ok(figures.maxTaskMs <= 120, `a long task took ${figures.maxTaskMs} ms`);
    assert.equal(await lastTurn(page).getAttribute('data-state'), 'completed');
    // The blocks come in groups (ten here); blocks meet with the same gap within a group and
    // where two groups meet.
    const gaps = await page.evaluate(() => {
      const blocks = [...document.querySelectorAll('[data-testid="answer"] .md-block')].map((b) => b.getBoundingClientRect());
      return [...new Set(blocks.slice(1).map((r, i) => Math.round(r.top - blocks[i].bottom)))];
    });
    assert.ok(figures.groups >= 10, `${figures.groups} groups of blocks`);
    assert.equal(gaps.length, 1, `one gap between blocks, not ${gaps.join(', ')} px`);
    // Groups that filled while the answer streamed are skipped while off screen
    // (content-visibility: auto), yet every word is there for a selection (what a copy takes) and
    // find-in-page. (Not for innerText, which is the text as drawn: only what is on screen.)
    const text = await page.evaluate(() => {
      const answer = document.querySelector('[data-testid="answer"]');
      const lazy = answer.querySelectorAll('.md-group-lazy');
      const skipped = !lazy[0].querySelector('h2').checkVisibility({ contentVisibilityAuto: true });
      const headings = answer.querySelectorAll('h2').length;
      const selection = getSelection();
      selection.selectAllChildren(answer);
      const selected = selection.toString();
      selection.removeAllRanges();
      const found = window.find('Section 2', true, false, true);
      const foundIn = selection.anchorNode && lazy[0].contains(selection.anchorNode);
      selection.removeAllRanges();
      const count = (s) => (s.match(/^Section \d+$/gm) ?? []).length;
      return { lazy: lazy.length, skipped, headings, selected: count(selected), found, foundIn };
    });
    assert.equal(text.lazy, figures.groups - 2, 'every group but the last two is lazy');
    assert.ok(text.skipped, 'the first group is skipped while off screen');
    assert.equal(text.selected, text.headings, 'a selection of the answer has every heading');
    assert.ok(text.found && text.foundIn, 'find-in-page finds a heading in a skipped group');
    await page.screenshot({ path: screenshotPath('13-after-15000-tokens') });
  });
  test('one huge code block, list or paragraph at 5,000 tokens/s: the work per frame does not grow with it', async () => {
    // 20,000 tokens of one block each: drawn whole on every frame, these took seconds per frame.
    const shapes = {
      // (a long line now and then, wider than the column)
      code: (i) => (i === 0 ? '```python\n' : '') + (i % 8 === 0 ? `\nx${i} = ` : ' ') + `w${i}` + (i % 3200 === 1 ? ' #'.repeat(90) : ''),
      list: (i) => (i % 12 === 0 ? `${i ? '\n' : ''}- ` : ' ') + `w${i}`,
      para: (i) => ` w${i}`, // the first token too starts with a space, as models send them
    };
    for (const [shape, token] of Object.entries(shapes)) {
      const { page, context, errors } = await app.open();
      const runId = await ask(page, `A very long ${shape}`);
      const tokens = Array.from({ length: 20_000 }, (_, i) => token(i));
      const figures = await measureStream(page, runId, tokens, 5000);
      const costs = figures.batchCosts;
      const q = Math.floor(costs.length / 4);
      const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
      const [early, late] = [median(costs.slice(0, q)), median(costs.slice(-q))];
      console.log(`# ${shape}: batch cost median first quarter ${early.toFixed(2)} ms, last quarter ${late.toFixed(2)} ms`);
      console.log(
        `# ${shape}: ${figures.tokens} tokens in one block, ${(figures.elapsedMs / 1000).toFixed(2)} s, ${figures.frames} frames; ` +
          `long tasks: ${figures.longTasks}, max task ${figures.maxTaskMs.toFixed(0)} ms; long animation frames: ${figures.longFrames}, max ${figures.maxFrameMs.toFixed(0)} ms`,
      );
      // Drawn whole per frame, the last quarter's batches cost 4-5 times the first quarter's here.
      assert.ok(late <= 2.5 * early + 1.5, `${shape}: a batch costs ${early.toFixed(2)} ms early, ${late.toFixed(2)} ms late`);
      assert.ok(figures.longTasks <= 1, `${shape}: ${figures.longTasks} long tasks over 50 ms (max ${figures.maxTaskMs} ms)`);
      assert.ok(figures.maxTaskMs <= 120, `${shape}: a long task took ${figures.maxTaskMs} ms`);
      // Everything arrived, in order, and the block was drawn in chunks.
      // (textContent: innerText is the text as drawn, and lazy groups off screen are not drawn)
      const text = await page.locator('[data-testid="answer"]').textContent();
      const seen = [...text.matchAll(/w(\d+)/g)].map((m) => Number(m[1]));
      assert.equal(seen.length, 20_000, `${shape}: tokens shown`);
      assert.ok(
        seen.every((n, i) => n === i),
        `${shape}: tokens in order`,
      );
      const chunks = await page.locator('.code-chunk, .md-list-chunk, [data-testid="answer"] p > span').count();
      assert.ok(chunks > 10, `${shape}: drawn in ${chunks} chunks`);
      if (shape === 'code') {
        // A group of chunks is as wide as its longest line, so the paint containment of a lazy
        // group (content-visibility) clips nothing; the code scrolls sideways.
        const widths = await page.evaluate(async () => {
          const groups = [...document.querySelectorAll('.code-chunked > .md-chunk-group')];
          const clipped = [];
          for (const group of groups) {
            group.scrollIntoView();
            await new Promise((ok) => requestAnimationFrame(() => requestAnimationFrame(ok)));
            if (group.scrollWidth > group.clientWidth) clipped.push(group.scrollWidth - group.clientWidth);
          }
          const pre = document.querySelector('.code-chunked').closest('pre');
          return {
            groups: groups.length,
            lazy: document.querySelectorAll('.md-chunk-group-lazy').length,
            clipped,
            scrolls: pre.scrollWidth > pre.clientWidth,
          };
        });
        assert.ok(widths.lazy >= 2 && widths.lazy === widths.groups - 2, `code: ${widths.lazy} of ${widths.groups} groups lazy`);
        assert.deepEqual(widths.clipped, [], 'code: no group is narrower than its lines');
        assert.ok(widths.scrolls, 'code: the long lines scroll sideways');
      }
      if (shape === 'list') {
        // Chunks meet with the same gap as items inside one chunk: it looks like one list.
        const gaps = await page.evaluate(() => {
          const items = [...document.querySelectorAll('.md-list-chunks li')].map((li) => li.getBoundingClientRect());
          return [...new Set(items.slice(1).map((r, i) => Math.round(r.top - items[i].bottom)))];
        });
        assert.equal(gaps.length, 1, `list: one gap between items, not ${gaps.join(', ')} px`);
      }
      await page.screenshot({ path: screenshotPath(`14-long-${shape}`) });
      assert.deepEqual(errors, []);
      await context.close();
    }
  });
});
