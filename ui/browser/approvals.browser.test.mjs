// Tool approvals and cancelling in the built window (ui/dist-mock, Tauri IPC mocked) in headless
// Chromium, against the mock shell's scripted runs (src/mock/scripted.ts): a write_file call that
// asks first (approve with edited arguments, deny, always allow) and a slow web_fetch cancelled
// while it runs. Screenshots in artifacts/browser/.
//   npm run ui:build:mock && npm run ui:browser-test
import assert from 'node:assert/strict';
import { describe } from 'node:test';
import { ask, lastTurn, screenshotPath, settle, sleep, useWindow } from './harness.mjs';

const app = useWindow();

const WRITE = 'Please write the shopping list to a file';
const ARGS = { path: 'notes/todo.md', content: '- buy milk\n- call the plumber\n' };

/** Asks for the write_file run and waits until its call asks for approval. */
async function askToWrite(page) {
  const runId = await ask(page, WRITE);
  await page.waitForSelector('[data-testid="approval"]');
  await settle(page);
  return runId;
}

const approvals = (page) => page.evaluate(() => window.__telltaleMock.approvalCalls);

/** Waits until the newest turn completed. */
async function finished(page) {
  await page.waitForFunction(() => [...document.querySelectorAll('[data-testid="turn"]')].pop()?.dataset.state === 'completed');
  await settle(page);
}

describe('tool approvals', () => {
  app.test('a call that asks first waits, shown even folded; edited arguments are approved', async ({ page }) => {
    const runId = await askToWrite(page);
    const turn = lastTurn(page);
    assert.equal(await turn.locator('[data-testid="steps-toggle"]').getAttribute('aria-expanded'), 'false');
    assert.match(await turn.locator('[data-testid="status-chip"]').innerText(), /Waiting for your approval to run write_file/);
    const step = turn.locator('[data-testid="step"][data-kind="tool"]');
    assert.equal(await step.getAttribute('data-phase'), 'waiting');
    assert.match(await step.innerText(), /write_file\s+Waiting for your approval/);
    const args = page.locator('[data-testid="approval-args"]');
    assert.deepEqual(JSON.parse(await args.inputValue()), ARGS);
    assert.equal(await args.inputValue(), JSON.stringify(ARGS, null, 2));
    await page.screenshot({ path: screenshotPath('50-approval-waiting') });

    // Broken JSON: Approve is disabled and the card says why.
    await args.fill('{"path": "notes/todo.md", ');
    assert.equal(await page.locator('[data-testid="approval-approve"]').isDisabled(), true);
    assert.match(await page.locator('[data-testid="approval-invalid"]').innerText(), /Not valid JSON/);
    await page.screenshot({ path: screenshotPath('51-approval-invalid-json') });

    const edited = { path: 'notes/shopping.md', content: '- buy oat milk\n' };
    await args.fill(JSON.stringify(edited, null, 2));
    assert.equal(await page.locator('[data-testid="approval-approve"]').isDisabled(), false);
    // By keyboard: focus the Approve button, then Enter.
    await page.focus('[data-testid="approval-approve"]');
    await page.keyboard.press('Enter');
    await finished(page);
    assert.deepEqual(await approvals(page), [{ runId, callId: 'w1', answer: { approved: true, always: false, args: edited } }]);
    assert.equal(await page.locator('[data-testid="approval"]').count(), 0);
    // Folded again: the steps row says what happened once opened; focus went to the toggle.
    assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('data-testid')), 'steps-toggle');
    await page.keyboard.press('Enter');
    // The open list is laid out in the next frame (steps use content-visibility: auto).
    await settle(page);
    assert.equal(await turn.locator('[data-testid="approval-outcome"]').innerText(), 'Approved with your changes');
    assert.equal(await step.getAttribute('data-state'), 'done');
    assert.match(await step.innerText(), /wrote 15 bytes to notes\/shopping\.md/);
    assert.match(await turn.locator('[data-testid="answer"]').innerText(), /notes\/shopping\.md/);
    await page.screenshot({ path: screenshotPath('52-approval-approved-edited') });
  });

  app.test('Deny: the call fails as denied and the answer says so', async ({ page }) => {
    const runId = await askToWrite(page);
    const turn = lastTurn(page);
    await turn.locator('[data-testid="steps-toggle"]').click();
    await page.getByRole('button', { name: 'Deny' }).click();
    await finished(page);
    assert.deepEqual(await approvals(page), [{ runId, callId: 'w1', answer: { approved: false, always: false } }]);
    const step = turn.locator('[data-testid="step"][data-kind="tool"]');
    assert.equal(await step.getAttribute('data-state'), 'failed');
    assert.equal(await turn.locator('[data-testid="approval-outcome"]').innerText(), 'Denied');
    assert.match(await step.innerText(), /denied by the user/);
    assert.match(await turn.locator('[data-testid="answer"]').innerText(), /did not write/);
    // The list was open: focus landed on the outcome, not on the page.
    assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('data-testid')), 'approval-outcome');
    await page.screenshot({ path: screenshotPath('53-approval-denied') });
  });

  app.test('Always allow: approved, saved in the settings, and the next run does not ask', async ({ page }) => {
    const runId = await askToWrite(page);
    await page.getByRole('button', { name: 'Always allow this tool' }).click();
    await finished(page);
    assert.deepEqual(await approvals(page), [{ runId, callId: 'w1', answer: { approved: true, always: true } }]);
    await lastTurn(page).locator('[data-testid="steps-toggle"]').click();
    await settle(page);
    assert.equal(await lastTurn(page).locator('[data-testid="approval-outcome"]').innerText(), 'Approved · always allowed from now on');

    // Settings › Tools shows write_file as "Always allow".
    await page.click('[data-testid="settings-button"]');
    const select = page.locator('[data-testid="settings-tool-write_file"]');
    await select.waitFor();
    assert.equal(await select.inputValue(), 'always');
    assert.equal(await page.locator('[data-testid="settings-tool-clock"]').inputValue(), 'always');
    await page.screenshot({ path: screenshotPath('54-settings-tools-policy') });
    await page.keyboard.press('Escape');
    await page.waitForSelector('[data-testid="settings-dialog"]', { state: 'detached' });

    await ask(page, WRITE);
    await finished(page);
    const turn = lastTurn(page);
    await turn.locator('[data-testid="steps-toggle"]').click();
    assert.equal(await turn.locator('[data-testid="approval-outcome"]').count(), 0);
    assert.equal(await turn.locator('[data-testid="step"][data-kind="tool"]').getAttribute('data-state'), 'done');
    assert.equal((await approvals(page)).length, 1);
  });

  app.test('Ask first set in Settings › Tools is saved as ask_first', async ({ page }) => {
    await page.click('[data-testid="settings-button"]');
    await page.selectOption('[data-testid="settings-tool-clock"]', 'ask');
    await page.selectOption('[data-testid="settings-tool-web_fetch"]', 'never');
    await page.click('[data-testid="settings-save"]');
    await page.waitForFunction(() => window.__telltaleMock.settingsCalls.some((c) => c.cmd === 'save_settings'));
    const saved = await page.evaluate(() => window.__telltaleMock.settingsCalls.find((c) => c.cmd === 'save_settings').args.settings);
    assert.equal(saved.ask_first.clock, true);
    assert.equal(saved.tools.clock, true);
    assert.equal(saved.tools.web_fetch, false);
    assert.equal(saved.ask_first.write_file, true);
  });
});

describe('cancelling a tool call', () => {
  app.test('a running call ticks its time live and Cancel stops it; the run goes on', async ({ page }) => {
    const runId = await ask(page, 'Fetch the slow report');
    const turn = lastTurn(page);
    await turn.locator('[data-testid="steps-toggle"]').waitFor();
    await turn.locator('[data-testid="steps-toggle"]').click();
    const elapsed = turn.locator('[data-testid="step-elapsed"]');
    await elapsed.waitFor();
    const first = await elapsed.innerText();
    await sleep(450);
    const later = await elapsed.innerText();
    assert.match(first, /^\d+\.\d s$/);
    assert.ok(parseFloat(later) >= parseFloat(first) + 0.3, `the time did not tick: ${first} → ${later}`);
    await page.screenshot({ path: screenshotPath('55-tool-running-cancel') });

    const cancel = page.getByRole('button', { name: 'Cancel web_fetch' });
    await cancel.focus();
    await page.keyboard.press('Enter');
    await finished(page);
    assert.deepEqual(await page.evaluate(() => window.__telltaleMock.cancelCalls), [{ runId, callId: 'f1' }]);
    const step = turn.locator('[data-testid="step"][data-kind="tool"]');
    assert.equal(await step.getAttribute('data-state'), 'failed');
    assert.match(await step.innerText(), /cancelled by the user/);
    assert.equal(await turn.locator('[data-testid="step-elapsed"]').count(), 0);
    assert.equal(await turn.locator('[data-testid="step-cancel"]').count(), 0);
    assert.match(await step.locator('.step-duration').innerText(), /^(\d+ ms|\d+\.\d s)$/);
    assert.match(await turn.locator('[data-testid="answer"]').innerText(), /You cancelled the fetch/);
    await page.screenshot({ path: screenshotPath('56-tool-cancelled') });
  });
});
