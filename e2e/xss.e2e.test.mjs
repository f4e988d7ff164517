// End to end: XSS, measured in the real window (WebKitGTK under tauri-driver, the app's own CSP).
// An OpenAI-compatible server on 127.0.0.1 answers with every payload of fixtures/xss-payloads.json,
// streamed as the model's thought and answer; then the model reads a workspace file holding them
// all (read_file), so they come back as a tool's output, and it answers with that output. Every
// link in the answers is clicked, the steps are opened with their whole output, the conversation
// is reopened from the history and searched. A payload that ran would leave a sentinel (see
// fixtures/xss.mjs): `top.__xss`, the CSS property `--xss`, a foreign element, handler or URL where
// untrusted text lands, a dialog, a navigation, or a link handed to the system browser (here a
// fake xdg-open that records it) that is not http(s) or mailto.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { ALL, NOTHING_RAN, PAYLOADS, isSafeUrl, readSentinels } from '../fixtures/xss.mjs';
import { ask, settled, serverEnv, useServer, withApp } from './harness.mjs';

/** Writes an OpenAI-style event stream of `chunks`, a few milliseconds apart, so that it streams. */
async function stream(res, chunks) {
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
  for (const chunk of chunks) {
    res.write(`data: ${JSON.stringify({ choices: [{ index: 0, ...chunk }] })}\n\n`);
    await sleep(1);
  }
  res.end('data: [DONE]\n\n');
}

/** `text` as deltas of `field` (content, reasoning_content), 40 characters each. */
function deltas(field, text) {
  const out = [];
  for (let at = 0; at < text.length; at += 40) out.push({ delta: { [field]: text.slice(at, at + 40) } });
  return out;
}

const STOP = { delta: {}, finish_reason: 'stop' };

/**
 * The model: asked about payloads.md, it calls read_file for it; given a tool's result, it answers
 * with that result; asked anything else, it thinks and answers with every payload.
 */
function handle(req, res) {
  let body = '';
  req.on('data', (chunk) => (body += chunk));
  req.on('end', () => {
    const messages = JSON.parse(body || '{}').messages ?? [];
    const last = messages.at(-1) ?? {};
    const content = typeof last.content === 'string' ? last.content : JSON.stringify(last.content ?? '');
    if (last.role === 'tool') {
      void stream(res, [...deltas('content', `The file says:\n\n${content}`), STOP]);
    } else if (content.includes('payloads.md')) {
      const call = { index: 0, id: 'call_read', type: 'function', function: { name: 'read_file', arguments: '{"path":"payloads.md"}' } };
      void stream(res, [{ delta: { role: 'assistant', tool_calls: [call] } }, { delta: {}, finish_reason: 'tool_calls' }]);
    } else {
      void stream(res, [...deltas('reasoning_content', ALL), ...deltas('content', ALL), STOP]);
    }
  });
}

const server = useServer(handle);

const workspace = mkdtempSync(join(tmpdir(), 'telltale-e2e-xss-workspace-'));
writeFileSync(join(workspace, 'payloads.md'), `${ALL}\n`);
const dataDir = mkdtempSync(join(tmpdir(), 'telltale-e2e-xss-'));
writeFileSync(join(dataDir, 'settings.json'), JSON.stringify({ settings: { workspace } }));
after(() => {
  for (const dir of [workspace, dataDir]) rmSync(dir, { recursive: true, force: true });
});

// The system browser: a fake xdg-open first on PATH, which only writes down what it was asked to open.
const bin = join(dataDir, 'bin');
const opened = join(dataDir, 'opened.txt');
mkdirSync(bin);
writeFileSync(join(bin, 'xdg-open'), `#!/bin/sh\nprintf '%s\\n' "$1" >> '${opened}'\n`);
chmodSync(join(bin, 'xdg-open'), 0o755);
const openedUrls = () => (existsSync(opened) ? readFileSync(opened, 'utf8').split('\n').filter(Boolean) : []);

const ELEMENT = 'element-6066-11e4-a52e-4f735466cecf';
const ref = (el) => ({ [ELEMENT]: el.id });

/** Any dialog (alert, confirm, prompt) open over the page, or null. */
async function dialog(app) {
  try {
    return await app.cmd('GET', '/alert/text');
  } catch (e) {
    if (/no such alert/i.test(e.message)) return null;
    throw e;
  }
}

/** Nothing ran: no sentinel set, no dialog, still on the app's page, no unsafe link opened. */
async function expectNothingRan(app, start, where) {
  assert.equal(await dialog(app), null, `a dialog opened (${where})`);
  const { href, ...found } = await app.execute(`return (${readSentinels})(arguments[0])`, [false]);
  assert.deepEqual(found, NOTHING_RAN, where);
  assert.equal(href, start, `the window navigated (${where})`);
  assert.equal((await app.find('[data-testid="composer-input"]')).length, 1, `the app is still there (${where})`);
  assert.deepEqual(
    openedUrls().filter((url) => !isSafeUrl(url)),
    [],
    where,
  );
}

/** Opens the turn's steps (and a long output in full); resolves to the steps' text. */
async function openSteps(app, turn) {
  // Clicked from the page: the steps list is laid out lazily (content-visibility), which WebKitWebDriver
  // takes for not interactable.
  const click = (el) => app.execute('arguments[0].click()', [ref(el)]);
  const [toggle] = await turn.find('[data-testid="steps-toggle"]');
  if ((await toggle.attr('aria-expanded')) !== 'true') await click(toggle);
  let list;
  for (let i = 0; i < 100 && !list; i++) {
    [list] = await turn.find('.steps');
    if (!list) await sleep(50);
  }
  assert.ok(list, 'the steps opened');
  for (const more of await turn.find('.step-output .link-button')) await click(more);
  await sleep(100);
  return app.execute('return arguments[0].textContent', [ref(list)]);
}

/** Clicks every link of the turn's answer; resolves to how many. */
async function clickLinks(app, turn) {
  const links = await turn.find('[data-testid="answer"] a');
  for (const link of links) {
    // Into the middle of the view, clear of the composer below it, then a real click.
    await app.execute("arguments[0].scrollIntoView({ block: 'center' })", [ref(link)]);
    await link.click();
    await sleep(50);
  }
  return links.length;
}

const answerText = async (app, turn) => {
  const [answer] = await turn.find('[data-testid="answer"]');
  return app.execute('return arguments[0].textContent', [ref(answer)]);
};

test(`none of the ${PAYLOADS.length} payloads runs in the real window, as answer, thought or tool output`, async () => {
  const env = {
    ...serverEnv(server, dataDir),
    PATH: `${bin}:${process.env.PATH}`,
  };
  await withApp(env, async (app) => {
    await app.waitFor('[data-testid="composer-input"]');
    const start = await app.execute('return location.href');
    // The sentinel is read from the page itself: what a script sets there shows, then it is cleared.
    await app.execute("top.__xss = (top.__xss || []).concat('probe')");
    assert.deepEqual(await app.execute('return window.__xss'), ['probe']);
    await app.execute('delete window.__xss');
    await expectNothingRan(app, start, 'before any answer');

    // The model thinks and answers with every payload (the prompt holds one too: the title, the bubble).
    const img = PAYLOADS.find((p) => p.name === 'img-onerror').markdown;
    let turn = await ask(app, `Answer with every payload ${img}`);
    assert.equal(await settled(app, turn, 30000), 'completed');
    let clicked = await clickLinks(app, turn);
    const thought = await openSteps(app, turn);
    assert.match(thought, /<script>top\.__xss=/, 'the thought holds the payloads, as text');
    assert.match(await answerText(app, turn), /<script>top\.__xss=/, 'so does the answer');
    await app.screenshot('e2e-xss-01-answer');
    await expectNothingRan(app, start, 'the answer and the thought');

    // The model reads them from a file: the tool's output, then an answer quoting it.
    turn = await ask(app, 'What does payloads.md say?');
    assert.equal(await settled(app, turn, 30000), 'completed');
    const steps = await openSteps(app, turn);
    assert.match(steps, /read_file/);
    assert.match(steps, /<img src=x onerror=/, "the tool's output holds the payloads, as text");
    clicked += await clickLinks(app, turn);
    assert.match(await answerText(app, turn), /The file says:[\s\S]*<script>top\.__xss=/);
    await app.screenshot('e2e-xss-02-tool-output');
    await expectNothingRan(app, start, "the tool's output and the answer quoting it");
    assert.ok(clicked > 0, 'some payloads render as (safe) links, and they were clicked');

    // Reopened from the history: the same text rendered again, from the database.
    const [fresh] = await app.find('[data-testid="new-chat"]');
    await fresh.click();
    await app.clickOn('[data-testid="conversation-item"] button.conversation-link', {
      text: /Answer with every payload/,
      what: 'the saved conversation',
    });
    const turns = await app.waitFor('[data-testid="turn"]', (els) => els.length === 2, { what: 'the reopened conversation' });
    for (const reopened of turns) {
      await openSteps(app, reopened);
      await clickLinks(app, reopened);
    }
    await expectNothingRan(app, start, 'the conversation reopened from the history');

    // Searched: the hits quote the payloads.
    const [search] = await app.find('[data-testid="search-input"]');
    await search.type('onerror');
    await app.waitFor('[data-testid="search-hit"]', (els) => els.length > 0, { what: 'a search hit' });
    await app.screenshot('e2e-xss-03-search');
    await expectNothingRan(app, start, 'the search hits');

    // The links that are links went to the system browser, and nothing else did.
    for (let i = 0; i < 20 && openedUrls().length === 0; i++) await sleep(100);
    assert.ok(openedUrls().length > 0, 'the safe links were handed to the system browser');
    assert.deepEqual(
      openedUrls().filter((url) => !isSafeUrl(url)),
      [],
    );
  });
});
