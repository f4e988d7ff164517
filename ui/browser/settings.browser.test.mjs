// The Settings screen in the built window (ui/dist-mock, Tauri IPC mocked) in headless Chromium:
// opened from the sidebar and with Ctrl+, ; keyboard only; the key is write-only (its mask
// shows, the key never reaches the DOM); Test connection; Save. Screenshots in artifacts/browser/.
//   npm run ui:build:mock && npm run ui:browser-test
import assert from 'node:assert/strict';
import { describe } from 'node:test';
import { screenshotPath, settle, useWindow } from './harness.mjs';

const KEY = 'sk-proj-BROWSERSECRET-0123456789-a1b2';

const app = useWindow();

describe('settings', () => {
  app.test('opens from the sidebar, stores a key write-only, tests and saves', async ({ page }) => {
    await page.click('[data-testid="settings-button"]');
    const dialog = page.locator('[data-testid="settings-dialog"]');
    await dialog.waitFor();
    assert.equal(await dialog.getAttribute('role'), 'dialog');
    assert.equal(await page.locator('[data-testid="settings-key-storage"]').getAttribute('data-storage'), 'file');

    await page.selectOption('[data-testid="settings-provider"]', 'openai');
    assert.equal(await page.inputValue('[data-testid="settings-base-url"]'), 'https://api.openai.com/v1');
    // Without a key the test fails with the typed error.
    await page.click('[data-testid="settings-test"]');
    await page.waitForSelector('[data-testid="settings-test-result"][data-ok="false"]');
    assert.match(await page.textContent('[data-testid="settings-test-result"]'), /auth_failed/);

    await page.fill('[data-testid="settings-api-key"]', KEY);
    await page.press('[data-testid="settings-api-key"]', 'Enter');
    await page.waitForSelector('[data-testid="settings-key-mask"]');
    assert.equal(await page.textContent('[data-testid="settings-key-mask"]'), 'sk-…a1b2');
    const html = await page.content();
    assert.ok(!html.includes('BROWSERSECRET'), 'the key is in the DOM');

    // The model picker is filled from the server's list; any name can be typed.
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="settings-models"] option').length === 3);
    await page.fill('[data-testid="settings-model"]', 'gpt-4o-mini');
    await page.selectOption('[data-testid="settings-default-provider"]', 'openai');
    await page.click('[data-testid="settings-test"]');
    await page.waitForSelector('[data-testid="settings-test-result"][data-ok="true"]');
    assert.equal(await page.textContent('[data-testid="settings-test-result"]'), '✓ openai answered with gpt-4o-mini.');
    await settle(page);
    await page.screenshot({ path: screenshotPath('20-settings') });

    await page.click('[data-testid="settings-save"]');
    await page.waitForFunction(() => window.__telltaleMock.settingsCalls.some((c) => c.cmd === 'save_settings'));
    const saved = await page.evaluate(() => window.__telltaleMock.settingsCalls.find((c) => c.cmd === 'save_settings').args.settings);
    assert.equal(saved.default_provider, 'openai');
    assert.equal(saved.providers.find((p) => p.id === 'openai').model, 'gpt-4o-mini');
    assert.ok(!JSON.stringify(saved).includes('BROWSERSECRET'));

    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
  });

  app.test('Ctrl+, opens it; Tab stays inside; Esc closes and focus returns', { colorScheme: 'dark' }, async ({ page }) => {
    await page.focus('[data-testid="composer-input"]');
    await page.keyboard.press('Control+Comma');
    await page.waitForSelector('[data-testid="settings-dialog"] [data-testid="settings-provider"]');
    for (let i = 0; i < 30; i++) {
      await page.keyboard.press('Tab');
      const inside = await page.evaluate(() => !!document.activeElement?.closest('[data-testid="settings-dialog"]'));
      assert.ok(inside, `focus left the dialog after ${i + 1} Tabs`);
    }
    await page.screenshot({ path: screenshotPath('21-settings-dark') });
    await page.keyboard.press('Escape');
    await page.waitForSelector('[data-testid="settings-dialog"]', { state: 'detached' });
    assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('data-testid')), 'composer-input');
  });
});
