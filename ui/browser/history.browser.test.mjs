// The saved history in the built window (ui/dist-mock, Tauri IPC mocked) in headless Chromium:
// the sidebar lists saved conversations by last activity; Ctrl+K search shows hits with <mark>;
// a saved conversation reopens as it streamed (an interrupted one with its marker and partial
// answer); rename inline; delete with Undo; Export ▾. Screenshots in artifacts/browser/.
//   npm run ui:build:mock && npm run ui:browser-test
import assert from 'node:assert/strict';
import { describe } from 'node:test';
import { screenshotPath, settle, useWindow } from './harness.mjs';

const app = useWindow();

const titles = (page) => page.locator('[data-testid="conversation-item"] .conversation-title').allInnerTexts();

describe('history', () => {
  app.test('the sidebar lists saved conversations; search hits are marked; a saved chat reopens', async ({ page }) => {
    await page.waitForSelector('[data-testid="conversation-item"] >> text=What time is it in Tokyo?');
    assert.deepEqual(await titles(page), ['New chat', 'What time is it in Tokyo?', 'A haiku about the sea', 'What is 17 * 23?']);

    // Ctrl+K focuses the search box from anywhere.
    await page.focus('[data-testid="composer-input"]');
    await page.keyboard.press('Control+k');
    assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('data-testid')), 'search-input');
    await page.keyboard.type('sea');
    await page.waitForSelector('[data-testid="search-hit"]');
    const hits = page.locator('[data-testid="search-hit"]');
    assert.equal(await hits.count(), 2);
    const marks = await page.locator('[data-testid="search-hit"] mark').allInnerTexts();
    assert.ok(marks.length >= 2 && marks.every((m) => m.toLowerCase() === 'sea'), `marks: ${marks}`);
    assert.equal(await page.locator('.sidebar-nav').isVisible(), false, 'hits take the list’s place');
    await settle(page);
    await page.screenshot({ path: screenshotPath('40-history-search') });

    // A hit opens its conversation: the interrupted haiku, with its partial answer.
    await hits.filter({ hasText: 'A haiku about the sea' }).click();
    const turn = page.locator('[data-testid="turn"]');
    await turn.first().waitFor();
    assert.equal(await turn.count(), 1);
    assert.equal(await turn.getAttribute('data-state'), 'interrupted');
    assert.match(await turn.locator('[data-testid="answer"]').innerText(), /the tide keeps/);
    assert.equal(await page.locator('[data-testid="interrupted-marker"]').innerText(), 'Interrupted');
    assert.equal(await page.locator('.header-title').innerText(), 'A haiku about the sea');

    // Clearing the search brings the list back; the saved Tokyo chat opens with its steps.
    await page.fill('[data-testid="search-input"]', '');
    await page.click('[data-testid="conversation-item"] >> text=What time is it in Tokyo?');
    await page.waitForFunction(() => document.querySelector('[data-testid="turn"]')?.getAttribute('data-state') === 'completed');
    assert.match(await page.locator('[data-testid="answer"]').innerText(), /18:30/);
    await page.click('[data-testid="steps-toggle"]');
    assert.equal(await page.locator('[data-testid="step"]').count(), 1);
    assert.match(await page.locator('[data-testid="run-meta"]').innerText(), /to first token/);
    await settle(page);
    await page.screenshot({ path: screenshotPath('41-history-sidebar') });
  });

  app.test('rename inline, delete with Undo, export from the header', async ({ page }) => {
    const item = page.locator('[data-testid="conversation-item"]', { hasText: 'What is 17 * 23?' });
    await item.waitFor();
    await item.hover();
    await item.locator('[data-testid="rename-button"]').click();
    await page.fill('[data-testid="rename-input"]', 'Arithmetic');
    await page.press('[data-testid="rename-input"]', 'Enter');
    await page.waitForSelector('[data-testid="conversation-item"] >> text=Arithmetic');

    const renamed = page.locator('[data-testid="conversation-item"]', { hasText: 'Arithmetic' });
    await renamed.hover();
    await renamed.locator('[data-testid="delete-button"]').click();
    await page.waitForSelector('[data-testid="toast"] >> text=Deleted');
    assert.ok(!(await titles(page)).includes('Arithmetic'));
    await page.click('[data-testid="toast-action"]');
    await page.waitForSelector('[data-testid="conversation-item"] >> text=Arithmetic');

    // Export: disabled on the blank chat, offered once a saved one is open.
    assert.equal(await page.locator('[data-testid="export-menu"]').isDisabled(), true);
    await page.click('[data-testid="conversation-item"] >> text=Arithmetic');
    await page.waitForSelector('[data-testid="turn"][data-state="completed"]');
    await page.click('[data-testid="export-menu"]');
    await page.click('[data-testid="export-html"]');
    await page.waitForSelector('[data-testid="toast"] >> text=Exported to');
    assert.deepEqual(await page.evaluate(() => window.__telltaleMock.historyCalls.exported), [{ id: 'saved-math', format: 'html' }]);
    assert.equal(await page.locator('[data-testid="import-button"]').isVisible(), true);
  });

  app.test(
    'a history kept in memory (the data folder unusable) says so and still lists, searches and exports',
    { query: '?history=memory' },
    async ({ page }) => {
      const banner = page.locator('[data-testid="history-off"]');
      await banner.waitFor();
      assert.match(await banner.innerText(), /History is not saved — cannot create the data folder .*until the app closes/);
      await page.waitForSelector('[data-testid="conversation-item"] >> text=What time is it in Tokyo?');
      assert.equal(await page.locator('[data-testid="search-input"]').count(), 1, 'search works');
      await page.locator('[data-testid="conversation-item"] >> text=What time is it in Tokyo?').click();
      await page.locator('[data-testid="turn"]').first().waitFor();
      assert.equal(await page.locator('[data-testid="export-menu"]').count(), 1, 'export is offered');
      await settle(page);
      await page.screenshot({ path: screenshotPath('43-history-in-memory') });
    },
  );
});
