// Following the stream (ui/dist-mock, Tauri IPC mocked, headless Chromium): the column stays at the
// end while the user is there, stops as soon as they scroll up by any amount (even in steps the
// next batch would have undone), and "New text" brings it back. Screenshot in artifacts/browser/.
//   npm run ui:build:mock && npm run ui:browser-test
import assert from 'node:assert/strict';
import { describe } from 'node:test';
import { markdownTokens } from './fixtures.mjs';
import { ask, emit, runStarted, screenshotPath, settle, sleep, tokenize, useWindow, WRITING } from './harness.mjs';

const app = useWindow();

/** Pixels between the bottom of the view and the end of the column. */
const gap = (page) =>
  page.evaluate(() => {
    const el = document.querySelector('.conversation-scroller');
    return el.scrollHeight - el.scrollTop - el.clientHeight;
  });
const scrollTop = (page) => page.evaluate(() => document.querySelector('.conversation-scroller').scrollTop);

/**
 * Starts a long answer streaming at 1,000 tokens/s (a batch every frame or so) and waits until the
 * column is taller than the view; resolves to `{ done }`, the stream's promise.
 */
async function streaming(page) {
  const runId = await ask(page, 'Write a long report');
  await emit(page, runId, [runStarted(), WRITING]);
  const tokens = markdownTokens(8000, tokenize);
  const done = page.evaluate(
    ([id, t]) => window.__telltaleMock.stream(id, t, { tokensPerSecond: 1000, finish: true }).then(() => null),
    [runId, tokens],
  );
  await page.waitForFunction(() => {
    const el = document.querySelector('.conversation-scroller');
    return el.scrollHeight > el.clientHeight * 3;
  });
  assert.ok((await gap(page)) <= 1, 'at the end while it streams');
  return { done };
}

/** The user is left where they are while the stream goes on, and "New text" is offered. */
async function leftWhereTheUserIs(page) {
  const top = await scrollTop(page);
  await sleep(500);
  assert.equal(await scrollTop(page), top, 'stayed where the user is');
  assert.ok((await gap(page)) > 200, 'the stream went on below');
  await page.getByRole('button', { name: /New text/ }).waitFor();
}

describe('following the stream', () => {
  app.test(
    'auto-scroll follows the stream only at the bottom; scrolled up, "New text" brings it back',
    { width: 900, height: 600 },
    async ({ page }) => {
      const runId = await ask(page, 'Write a long report');
      const tokens = markdownTokens(3000, tokenize);
      const atBottom = async () => (await gap(page)) <= 48;
      await emit(
        page,
        runId,
        tokens.slice(0, 1000).map((text) => ({ type: 'token', text })),
      );
      assert.equal(await atBottom(), true, 'followed the stream');
      await page.evaluate(() => {
        document.querySelector('.conversation-scroller').scrollTop = 200;
      });
      await settle(page);
      await emit(
        page,
        runId,
        tokens.slice(1000, 2000).map((text) => ({ type: 'token', text })),
      );
      assert.equal(await scrollTop(page), 200, 'stayed where the user is');
      const button = page.getByRole('button', { name: /New text/ });
      await button.waitFor();
      await page.screenshot({ path: screenshotPath('12-new-text') });
      await button.click();
      await emit(
        page,
        runId,
        tokens.slice(2000).map((text) => ({ type: 'token', text })),
      );
      assert.equal(await atBottom(), true, 'follows again');
      assert.equal(await button.count(), 0);
    },
  );

  app.test(
    'small wheel steps up while it streams leave the stream (no batch pulls the user back)',
    { width: 900, height: 600 },
    async ({ page }) => {
      const { done } = await streaming(page);
      await page.mouse.move(450, 300);
      // Five steps of 30 px, each under the 48 px that counts as "at the end".
      for (let i = 0; i < 5; i++) {
        await page.mouse.wheel(0, -30);
        await sleep(30);
      }
      await settle(page);
      await leftWhereTheUserIs(page);
      await done;
    },
  );

  app.test('small scrolls up without a wheel (scroll bar, keys) leave the stream too', { width: 900, height: 600 }, async ({ page }) => {
    const { done } = await streaming(page);
    // Each step is seen by its scroll event only, after whatever batch came in between.
    for (let i = 0; i < 5; i++) {
      await page.evaluate(() => document.querySelector('.conversation-scroller').scrollBy(0, -20));
      await page.evaluate(() => new Promise((ok) => requestAnimationFrame(() => requestAnimationFrame(ok))));
    }
    await leftWhereTheUserIs(page);
    // Back down to the end: following again.
    await page.getByRole('button', { name: /New text/ }).click();
    await sleep(300);
    assert.ok((await gap(page)) <= 1, 'follows again');
    await done;
  });

  app.test(
    'a batch that comes between a scroll and its scroll event does not undo the scroll',
    { width: 900, height: 600 },
    async ({ page }) => {
      const runId = await ask(page, 'Write a long report');
      const tokens = markdownTokens(3000, tokenize).map((text) => ({ type: 'token', text }));
      await emit(page, runId, tokens.slice(0, 1000));
      assert.ok((await gap(page)) <= 1, 'at the end');
      const frames = () => page.evaluate(() => new Promise((ok) => requestAnimationFrame(() => requestAnimationFrame(ok))));
      for (let i = 0; i < 3; i++) {
        // Two quiet frames: the next batch is applied at once, before the scroll's event is sent.
        await frames();
        const { before, after } = await page.evaluate(
          ([id, batch]) => {
            const el = document.querySelector('.conversation-scroller');
            el.scrollBy(0, -20);
            const before = el.scrollTop;
            window.__telltaleMock.emit(id, batch);
            return { before, after: el.scrollTop };
          },
          [runId, tokens.slice(1000 + i * 100, 1100 + i * 100)],
        );
        assert.equal(after, before, `scroll ${i + 1} kept by the batch after it`);
      }
      await settle(page);
      await emit(page, runId, tokens.slice(1300));
      await leftWhereTheUserIs(page);
    },
  );
});
