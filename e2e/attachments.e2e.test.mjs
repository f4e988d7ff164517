// End to end: a prompt's files in the real window. The app answers with an OpenAI-compatible
// server on 127.0.0.1 that this test runs and that keeps every request body. Files dropped on the
// window (a real drop event, its files made in the page) show as chips once the shell checked
// them: a binary one refused with why, holding Send until it is removed; the image goes with the
// prompt, reaches the server as an image_url part with its data URL, and shows with the prompt.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, settled, serverEnv, useServer, withApp } from './harness.mjs';
import { ENTER } from './webdriver.mjs';
import { tempDir } from './temp.mjs';

const bodies = [];

function handle(req, res) {
  let body = '';
  req.on('data', (chunk) => (body += chunk));
  req.on('end', () => {
    bodies.push(JSON.parse(body || '{}'));
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
    const send = (delta, finish = null) =>
      res.write(`data: ${JSON.stringify({ choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`);
    send({ content: 'A red square.' });
    send({}, 'stop');
    res.end('data: [DONE]\n\n');
  });
}

const server = useServer(handle);
const RED_PNG = readFileSync(join(ROOT, 'fixtures/attachments/red.png')).toString('base64');

/** Drops files made in the page (name and base64 content) on the window, as a user's drop does. */
const DROP = `
  const files = arguments[0].map(([name, data]) => new File([Uint8Array.from(atob(data), (c) => c.charCodeAt(0))], name));
  const transfer = new DataTransfer();
  for (const file of files) transfer.items.add(file);
  for (const type of ['dragenter', 'dragover', 'drop']) {
    window.dispatchEvent(new DragEvent(type, { dataTransfer: transfer, bubbles: true, cancelable: true }));
  }
`;

const chipStates = async (app) => Promise.all((await app.find('[data-testid="composer-file"]')).map((chip) => chip.attr('data-state')));

test('an image dropped on the window reaches the model with the prompt; a refused file says why first', async () => {
  const dataDir = tempDir('telltale-e2e-attach-');
  const env = serverEnv(server, dataDir);
  await withApp(env, async (app) => {
    const [input] = await app.waitFor('[data-testid="composer-input"]', async ([el]) => (await el.attr('disabled')) === null, {
      what: 'the composer to be ready',
    });
    await app.execute(DROP, [
      [
        ['red.png', RED_PNG],
        ['tool.bin', Buffer.from('\x7fELF\x02\x01\x01\0').toString('base64')],
      ],
    ]);
    await app.waitFor('[data-testid="composer-file"]', async () => JSON.stringify(await chipStates(app)) === '["ready","refused"]', {
      what: 'the files checked by the shell',
    });
    const [error] = await app.find('[data-testid="composer-file-error"]');
    assert.match(await error.text(), /tool\.bin cannot be attached/);
    await input.type('What is this?');
    const [send] = await app.find('[data-testid="send-button"]');
    assert.equal(await send.attr('disabled'), 'true', 'Send waits until the refused file is removed');
    assert.equal(bodies.length, 0, 'nothing was sent');

    const [remove] = await app.find('[data-testid="composer-file"] button[aria-label="Remove tool.bin"]');
    await remove.click();
    await input.type(ENTER);
    const [turn] = await app.waitFor('[data-testid="turn"]');
    assert.equal(await settled(app, turn), 'completed');

    assert.equal(bodies.length, 1);
    const parts = bodies[0].messages.at(-1).content;
    assert.deepEqual(
      parts.map((p) => p.type),
      ['image_url', 'text'],
    );
    assert.equal(parts[0].image_url.url, `data:image/png;base64,${RED_PNG}`);
    assert.equal(parts[1].text, 'What is this?');
    const [thumbnail] = await app.waitFor('[data-testid="prompt-files"] img');
    assert.equal(await thumbnail.attr('alt'), 'red.png');
    assert.equal((await app.find('[data-testid="composer-file"]')).length, 0, 'the composer is empty again');
    await app.close();
  });
});
