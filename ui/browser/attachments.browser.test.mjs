// A prompt's files in the built window (ui/dist-mock, Tauri IPC mocked) in headless Chromium: the
// Attach button's dialog (the mock shell's pick_attachments) hands over an image and a refused
// file; the chips show them (a thumbnail, the refusal with why, holding Send), the refused one is
// removed by keyboard, and start_run gets the image's bytes with the prompt, which shows its
// thumbnail. Screenshots in artifacts/browser/.
//   npm run ui:build:mock && npm run ui:browser-test
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe } from 'node:test';
import { screenshotPath, settle, useWindow } from './harness.mjs';

const app = useWindow();
const RED_PNG = readFileSync(join(import.meta.dirname, '../../fixtures/attachments/red.png')).toString('base64');

describe('attachments', () => {
  app.test('files picked with the Attach button show as chips and go with the prompt', async ({ page }) => {
    await page.evaluate((png) => {
      window.__telltaleMock.pickable = [
        { name: 'red.png', data: png },
        { name: 'refused.exe', data: btoa('MZ') },
      ];
    }, RED_PNG);
    await page.click('[data-testid="attach-button"]');
    await page.waitForSelector('[data-testid="composer-file"][data-state="refused"]');
    assert.equal(await page.locator('[data-testid="composer-file"][data-state="ready"] img').count(), 1);
    assert.match(await page.locator('[data-testid="composer-file-error"]').innerText(), /refused\.exe cannot be attached/);
    await page.fill('[data-testid="composer-input"]', 'What is this?');
    assert.equal(await page.locator('[data-testid="send-button"]').isDisabled(), true);
    await settle(page);
    await page.screenshot({ path: screenshotPath('80-attachments-composer') });

    // By keyboard: the refused file's remove button, then Enter.
    await page.focus('[aria-label="Remove refused.exe"]');
    await page.keyboard.press('Enter');
    assert.equal(await page.locator('[data-testid="composer-file"]').count(), 1);
    await page.focus('[data-testid="composer-input"]');
    await page.keyboard.press('Enter');
    const run = await page.evaluate(() => window.__telltaleMock.lastRun());
    assert.equal(run.prompt, 'What is this?');
    assert.deepEqual(run.attachments, [{ name: 'red.png', data: RED_PNG }]);
    await page.waitForSelector('[data-testid="prompt-files"] img[alt="red.png"]');
    await settle(page);
    await page.screenshot({ path: screenshotPath('81-attachments-sent') });
  });
});
