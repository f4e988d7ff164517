// MCP in the built window (ui/dist-mock, Tauri IPC mocked) in headless Chromium: Settings › MCP
// servers (a pasted claude_desktop_config block, each server's status, a refused paste) and a
// tool call that reports its progress (the mock shell's scripted "research" run).
// Screenshots in artifacts/browser/.
//   npm run ui:build:mock && npm run ui:browser-test
import assert from 'node:assert/strict';
import { describe } from 'node:test';
import { ask, lastTurn, screenshotPath, settle, useWindow } from './harness.mjs';

const app = useWindow();

describe('tool progress', () => {
  app.test('a running MCP call shows "step N of 5 · message", a progress bar, and the chip names it', async ({ page }) => {
    await ask(page, 'Please research tidal energy');
    const turn = lastTurn(page);
    await turn.locator('[data-testid="steps-toggle"]').click();
    const bar = turn.locator('[role="progressbar"]');
    await bar.waitFor();
    await page.waitForFunction(() => document.querySelector('[role="progressbar"]')?.getAttribute('aria-valuenow') === '2');
    await settle(page);
    assert.equal(await bar.getAttribute('aria-valuemax'), '5');
    assert.equal(await turn.locator('[data-testid="step-progress"]').innerText(), 'step 2 of 5 · Reading sources');
    assert.match(await turn.locator('[data-testid="status-chip"]').innerText(), /^Running docs__research\s*· step 2 of 5/);
    const width = await bar.evaluate((el) => el.firstElementChild.getBoundingClientRect().width / el.getBoundingClientRect().width);
    assert.ok(Math.abs(width - 0.4) < 0.05, `the bar is ${width} full`);
    await page.screenshot({ path: screenshotPath('60-tool-progress') });

    await page.waitForFunction(() => [...document.querySelectorAll('[data-testid="turn"]')].pop()?.dataset.state === 'completed');
    await settle(page);
    assert.equal(await turn.locator('[role="progressbar"]').count(), 0);
    assert.equal(await turn.locator('[data-testid="step"][data-kind="tool"]').getAttribute('data-state'), 'done');
    assert.match(await turn.locator('[data-testid="answer"]').innerText(), /tidal energy is predictable/);
  });
});

describe('Settings › MCP servers', () => {
  const CONFIG = JSON.stringify(
    { mcpServers: { docs: { command: 'npx', args: ['-y', 'docs-server'] }, broken: { command: 'fail' } } },
    null,
    2,
  );

  app.test('a pasted config adds servers: starting, then ready with tools or failed with the error', async ({ page }) => {
    await page.click('[data-testid="settings-button"]');
    const area = page.locator('[data-testid="mcp-import-json"]');
    await area.waitFor();

    // A refused paste says why, inline, and keeps the text.
    await area.fill('{"mcpServers": {"bad name": {"command": "x"}}}');
    await page.click('[data-testid="mcp-import"]');
    const refusal = page.locator('[data-testid="mcp-import-error"]');
    await refusal.waitFor();
    assert.match(await refusal.innerText(), /may hold only letters, digits, _ and -/);
    assert.equal(await area.getAttribute('aria-invalid'), 'true');

    // By keyboard: paste, then Ctrl+Enter.
    await area.fill(CONFIG);
    await area.press('Control+Enter');
    await page.waitForSelector('[data-testid="mcp-server-docs"]');
    assert.equal(await refusal.count(), 0);
    assert.equal(await page.locator('[data-testid="mcp-import-done"]').innerText(), 'Added broken, docs.');
    await page.waitForSelector('[data-testid="mcp-status-docs"][data-state="ready"]');
    await page.waitForSelector('[data-testid="mcp-status-broken"][data-state="failed"]');
    assert.equal(await page.locator('[data-testid="mcp-status-docs"]').innerText(), 'Ready · 2 tools');
    assert.match(await page.locator('[data-testid="mcp-error-broken"]').innerText(), /Cannot find module/);
    const saved = await page.evaluate(() => window.__telltaleMock.settingsCalls.filter((c) => c.cmd === 'import_mcp_servers').length);
    assert.equal(saved, 2);

    // A tool off and a server off, saved with Save.
    await page.getByRole('group', { name: 'Tools of docs' }).getByRole('checkbox', { name: 'fetch', exact: true }).uncheck();
    await page.getByRole('switch', { name: 'Enabled broken' }).uncheck();
    await page.locator('[data-testid="settings-mcp"]').scrollIntoViewIfNeeded();
    await settle(page);
    await page.screenshot({ path: screenshotPath('61-settings-mcp') });
    await page.click('[data-testid="settings-save"]');
    await page.waitForSelector('[data-testid="mcp-status-broken"][data-state="disabled"]');
    const settings = await page.evaluate(
      () => window.__telltaleMock.settingsCalls.findLast((c) => c.cmd === 'save_settings').args.settings,
    );
    assert.deepEqual(settings.mcp_servers.docs.disabled_tools, ['fetch']);
    assert.equal(settings.mcp_servers.broken.enabled, false);
    await page.waitForSelector('[data-testid="mcp-status-docs"][data-state="ready"]');
    assert.equal(await page.locator('[data-testid="mcp-status-docs"]').innerText(), 'Ready · 1 tool');
    assert.equal(
      await page.getByRole('group', { name: 'Tools of docs' }).getByRole('checkbox', { name: 'fetch', exact: true }).isChecked(),
      false,
    );

    await page.keyboard.press('Escape');
    await page.waitForSelector('[data-testid="settings-dialog"]', { state: 'detached' });
  });
});
