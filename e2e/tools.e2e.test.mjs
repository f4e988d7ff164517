// End to end: tool approvals in the real window. The app answers with an OpenAI-compatible server
// on 127.0.0.1 that this test runs, whose model asks to write a file in the workspace folder that
// the saved settings name; the user approves, denies, edits the arguments, or always allows, and
// the file on disk is exactly what they decided.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ask, settled, serverEnv, useServer, withApp } from './harness.mjs';
import { tempDir } from './temp.mjs';

const ELEMENT = 'element-6066-11e4-a52e-4f735466cecf';

/** An OpenAI-style event stream of `chunks`. */
function stream(res, chunks) {
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
  for (const chunk of chunks) res.write(`data: ${JSON.stringify({ choices: [{ index: 0, ...chunk }] })}\n\n`);
  res.end('data: [DONE]\n\n');
}

/**
 * The model: asked "write <file>", it calls write_file for <file>; once the tool's result is
 * in the conversation, it answers with that result.
 */
/** The paths asked for, in order. */
const requests = [];

function handle(req, res) {
  requests.push(req.url);
  let body = '';
  req.on('data', (chunk) => (body += chunk));
  req.on('end', () => {
    const messages = JSON.parse(body || '{}').messages ?? [];
    const last = messages.at(-1) ?? {};
    if (last.role === 'tool') {
      stream(res, [{ delta: { content: `Tool said: ${last.content}` } }, { delta: {}, finish_reason: 'stop' }]);
      return;
    }
    const file = /write (\S+)/.exec(last.content ?? '')?.[1] ?? 'plan.md';
    const args = JSON.stringify({ path: file, content: `# ${file}\n` });
    const call = { index: 0, id: `call_${file}`, type: 'function', function: { name: 'write_file', arguments: args } };
    stream(res, [{ delta: { role: 'assistant', tool_calls: [call] } }, { delta: {}, finish_reason: 'tool_calls' }]);
  });
}

const server = useServer(handle);

const workspace = tempDir('telltale-e2e-workspace-');
const dataDir = tempDir('telltale-e2e-tools-');
writeFileSync(join(dataDir, 'settings.json'), JSON.stringify({ settings: { workspace } }));

const withWorkspace = (body) => withApp(serverEnv(server, dataDir), body);

/** Waits for the approval card of the newest turn and returns it. */
async function approvalOf(app) {
  const [card] = await app.waitFor('[data-testid="approval"]', (els) => els.length === 1, { what: 'the approval card' });
  return card;
}

async function press(card, testid) {
  const [button] = await card.find(`[data-testid="${testid}"]`);
  await button.click();
}

const answerOf = async (turn) => {
  const [el] = await turn.find('[data-testid="answer"]');
  return el ? el.text() : '';
};

test('the user approves, denies, edits and always allows a write, and the disk shows exactly that', async () => {
  await withWorkspace(async (app) => {
    // Approve.
    let turn = await ask(app, 'Please write approved.md');
    let card = await approvalOf(app);
    assert.match(await card.text(), /write_file/);
    await app.screenshot('e2e-tools-01-approval-waiting');
    await press(card, 'approval-approve');
    assert.equal(await settled(app, turn), 'completed');
    assert.equal(readFileSync(join(workspace, 'approved.md'), 'utf8'), '# approved.md\n');
    assert.match(await answerOf(turn), /Tool said: Created approved\.md/);

    // Deny: nothing is written, and the model is told.
    turn = await ask(app, 'Please write denied.md');
    card = await approvalOf(app);
    await press(card, 'approval-deny');
    assert.equal(await settled(app, turn), 'completed');
    assert.equal(existsSync(join(workspace, 'denied.md')), false);
    assert.match(await answerOf(turn), /Tool said: Error: denied by the user/);

    // Edit the arguments, then approve: the edited file is written, not the asked one.
    turn = await ask(app, 'Please write asked.md');
    card = await approvalOf(app);
    const [args] = await card.find('[data-testid="approval-args"]');
    const edited = JSON.stringify({ path: 'edited.md', content: 'edited by the user\n' }, null, 2);
    await app.execute(
      `const el = arguments[0];
       Object.getOwnPropertyDescriptor(HTMLTextAreaElement.prototype, "value").set.call(el, arguments[1]);
       el.dispatchEvent(new Event("input", { bubbles: true }));`,
      [{ [ELEMENT]: args.id }, edited],
    );
    await app.screenshot('e2e-tools-02-approval-edited');
    await press(card, 'approval-approve');
    assert.equal(await settled(app, turn), 'completed');
    assert.equal(readFileSync(join(workspace, 'edited.md'), 'utf8'), 'edited by the user\n');
    assert.equal(existsSync(join(workspace, 'asked.md')), false);

    // Always allow: this write runs, and the next one does not ask.
    turn = await ask(app, 'Please write first.md');
    card = await approvalOf(app);
    await press(card, 'approval-always');
    assert.equal(await settled(app, turn), 'completed');
    turn = await ask(app, 'Please write second.md');
    assert.equal(await settled(app, turn), 'completed');
    assert.equal((await turn.find('[data-testid="approval"]')).length, 0, 'no approval asked after always-allow');
    assert.equal(readFileSync(join(workspace, 'second.md'), 'utf8'), '# second.md\n');
    await app.screenshot('e2e-tools-03-always-allowed');

    // Settings open and save (their commands run off the main thread) and show the decision.
    const [open] = await app.find('[data-testid="settings-button"]');
    await open.click();
    const [policy] = await app.waitFor('[data-testid="settings-tool-write_file"]', (els) => els.length === 1, {
      what: 'the Settings dialog',
    });
    assert.equal(await app.execute('return arguments[0].value', [{ [ELEMENT]: policy.id }]), 'always');
    const [save] = await app.find('[data-testid="settings-save"]');
    await save.click();
    await app.waitFor('body', async ([body]) => /Saved\. New chats use these settings/.test(await body.text()), {
      what: 'the settings to be saved',
    });
    await app.screenshot('e2e-tools-04-settings-saved');

    // A script that got to run cannot take the window elsewhere: the shell refuses to navigate.
    await app.execute(`window.location.href = "http://127.0.0.1:${server.port}/elsewhere"`);
    await new Promise((ok) => setTimeout(ok, 500));
    assert.equal(requests.filter((url) => url === '/elsewhere').length, 0, 'the page never left');
    assert.equal((await app.find('[data-testid="composer-input"]')).length, 1, 'the app is still there');
  });
  // The choice is saved with the settings.
  const saved = JSON.parse(readFileSync(join(dataDir, 'settings.json'), 'utf8')).settings;
  assert.equal(saved.ask_first.write_file, false);
});
