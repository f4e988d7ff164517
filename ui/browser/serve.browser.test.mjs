// The built UI (ui/dist) served by a real `telltale serve` (the offline demo answering, its
// history in a temporary folder) in Debian's headless Chromium: the address serve prints opens
// the chat (the token leaves the address bar), a prompt streams its answer over EventSource and
// the history lists it; without the token, or with a wrong one, 401.
//   cargo build -p telltale-cli && npm run ui:build && node --test ui/browser/serve.browser.test.mjs
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { connect, createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { after, before, describe, test } from 'node:test';
import { launch } from './harness.mjs';

const repo = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const TELLTALE = process.env.TELLTALE_BIN || join(process.env.CARGO_TARGET_DIR || join(repo, 'target'), 'debug', 'telltale');

/** Starts `telltale serve`; resolves when it has printed its address, token and browser URL. */
async function startServe(dataDir, paceMs = 5) {
  const env = { ...process.env, TELLTALE_DATA_DIR: dataDir };
  delete env.TELLTALE_SERVE_TOKEN;
  const child = spawn(
    TELLTALE,
    ['serve', '--provider', 'offline', '--pace-ms', String(paceMs), '--bind', '127.0.0.1:0', '--ui-dir', join(repo, 'ui', 'dist')],
    { env, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const lines = createInterface({ input: child.stdout });
  const printed = {};
  for await (const line of lines) {
    if (line.startsWith('listening on ')) printed.base = line.slice('listening on '.length);
    if (line.startsWith('token: ')) printed.token = line.slice('token: '.length);
    if (line.startsWith('the chat in a browser: ')) {
      printed.url = line.slice('the chat in a browser: '.length);
      break;
    }
  }
  return { child, ...printed };
}

/** In the page: every event its EventSource delivers (the real one), to check for gaps and repeats. */
function recordSeqs() {
  window.__seqs = [];
  const Real = window.EventSource;
  window.EventSource = class extends Real {
    addEventListener(type, listener, options) {
      const record = (e) => {
        if (type !== 'ping' && e.data.includes('"seq"')) window.__seqs.push(JSON.parse(e.data).seq);
        listener(e);
      };
      super.addEventListener(type, record, options);
    }
  };
}

/** A TCP proxy to `target` whose connections can all be cut at once; counts the event streams opened. */
async function cuttableProxy(target) {
  const { hostname, port } = new URL(target);
  const sockets = new Set();
  const proxy = { streams: 0, cut: () => sockets.forEach((s) => s.destroy()) };
  const server = createServer((client) => {
    const upstream = connect(Number(port), hostname);
    // Requests may share a kept-alive connection: look at each one's request line.
    client.on('data', (chunk) => {
      proxy.streams += (chunk.toString().match(/^GET \/v1\/runs\/[^/]+\/events/gm) ?? []).length;
    });
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      s.on('error', () => {});
    }
    client.pipe(upstream).pipe(client);
  });
  await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
  proxy.base = `http://127.0.0.1:${server.address().port}`;
  proxy.close = () => new Promise((ok) => server.close(ok));
  return proxy;
}

describe('telltale serve in a browser', () => {
  let server;
  let browser;
  let dataDir;
  before(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'telltale-serve-'));
    server = await startServe(dataDir);
    browser = await launch();
  });
  after(async () => {
    await browser?.close();
    server?.child.kill();
    rmSync(dataDir, { recursive: true, force: true });
  });

  test('serve prints the address that opens the chat', () => {
    assert.equal(server.url, `${server.base}/?token=${server.token}`);
  });

  test('without the token, or with a wrong one, 401', async () => {
    for (const path of ['/', '/?token=wrong', '/v1/conversations', '/v1/conversations?token=wrong']) {
      const response = await fetch(server.base + path);
      assert.equal(response.status, 401, path);
    }
    const page = await (await fetch(`${server.base}/`)).text();
    assert.match(page, /Open the address <code>telltale serve<\/code> printed/);
    const wrong = await fetch(`${server.base}/v1/conversations`, { headers: { authorization: 'Bearer wrong' } });
    assert.equal(wrong.status, 401);
  });

  test('a prompt streams its answer over EventSource, and the history lists it', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const errors = [];
    page.on('pageerror', (e) => errors.push(e));
    await page.addInitScript(recordSeqs);
    await page.goto(server.url);
    assert.equal(new URL(page.url()).search, '', 'the token left the address bar');
    await page.waitForSelector('[data-testid="composer-input"]:not([disabled])');
    await page.fill('[data-testid="composer-input"]', 'What is 17 * 23?');
    await page.press('[data-testid="composer-input"]', 'Enter');
    await page.waitForSelector('[data-testid="turn"][data-state="completed"]');
    const answer = await page.locator('[data-testid="answer"]').innerText();
    assert.ok(answer.trim().length > 0, 'the streamed answer is on screen');
    const seqs = await page.evaluate(() => window.__seqs);
    assert.deepEqual(
      seqs,
      seqs.map((_, i) => i),
      'every event once, in order',
    );
    await page.waitForSelector('[data-testid="conversation-item"] >> text=What is 17 * 23?');
    // The settings that only the desktop has are not offered.
    assert.equal(await page.locator('[data-testid="settings-button"]').count(), 0);

    // A reload keeps the tab's token (session storage; the page from the cookie) and the history.
    await page.reload();
    await page.waitForSelector('[data-testid="conversation-item"] >> text=What is 17 * 23?');
    assert.deepEqual(errors, []);
    await context.close();
  });

  test('a conversation reopens on the version of the answer the user left it on', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(server.url);
    await page.waitForSelector('[data-testid="composer-input"]:not([disabled])');
    await page.fill('[data-testid="composer-input"]', 'Which version stays?');
    await page.press('[data-testid="composer-input"]', 'Enter');
    await page.waitForSelector('[data-testid="turn"][data-state="completed"]');
    const versions = () => page.locator('[data-testid="version-picker"] .version-count').innerText();
    await page.click('[data-testid="regenerate"]');
    await page.waitForFunction(() => document.querySelector('[data-testid="version-picker"] .version-count')?.textContent === '2 / 2');
    await page.waitForSelector('[data-testid="turn"][data-state="completed"]');
    await page.click('[data-testid="version-picker"] button[aria-label="Previous version"]');
    assert.equal(await versions(), '1 / 2');

    // The history holds it (the window wrote it as the version changed)…
    const api = (path) => fetch(server.base + path, { headers: { authorization: `Bearer ${server.token}` } }).then((r) => r.json());
    const { id } = (await api('/v1/conversations')).find((c) => c.title === 'Which version stays?');
    let detail;
    const deadline = Date.now() + 5000;
    while ((detail = await api(`/v1/conversations/${id}`)).shown_run_id !== detail.runs[0].run_id && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 50));
    }
    assert.equal(detail.shown_run_id, detail.runs[0].run_id, 'the first version is the one shown');
    // …so the page loaded again opens the conversation on it, not on the newest.
    await page.reload();
    await page.locator('[data-testid="conversation-item"] .conversation-link', { hasText: 'Which version stays?' }).click();
    await page.waitForSelector('[data-testid="version-picker"] .version-count');
    assert.equal(await versions(), '1 / 2');
    await context.close();
  });
});

test('a stream cut mid-run resumes with no gap and nothing twice', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'telltale-serve-'));
  const server = await startServe(dataDir, 40);
  const proxy = await cuttableProxy(server.base);
  const browser = await launch();
  try {
    const page = await browser.newPage();
    await page.addInitScript(recordSeqs);
    await page.goto(`${proxy.base}/?token=${server.token}`);
    await page.waitForSelector('[data-testid="composer-input"]:not([disabled])');
    await page.fill('[data-testid="composer-input"]', 'Tell me about the sea');
    await page.press('[data-testid="composer-input"]', 'Enter');
    await page.waitForFunction(() => window.__seqs.length >= 5);
    assert.equal(proxy.streams, 1);
    proxy.cut();
    // The browser reconnects by itself with Last-Event-ID; the run goes on meanwhile.
    await page.waitForSelector('[data-testid="turn"][data-state="completed"]');
    assert.ok(proxy.streams >= 2, `the stream was opened again (${proxy.streams})`);
    const seqs = await page.evaluate(() => window.__seqs);
    assert.deepEqual(
      seqs,
      seqs.map((_, i) => i),
      'every event once, in order',
    );
    // What the page shows is what the server recorded.
    const runs = await (await fetch(`${server.base}/v1/runs`, { headers: { authorization: `Bearer ${server.token}` } })).json();
    assert.deepEqual(runs, []);
    const list = await (await fetch(`${server.base}/v1/conversations`, { headers: { authorization: `Bearer ${server.token}` } })).json();
    const detail = await (
      await fetch(`${server.base}/v1/conversations/${list[0].id}`, { headers: { authorization: `Bearer ${server.token}` } })
    ).json();
    const recorded = detail.runs[0].events;
    assert.equal(seqs.length, recorded.length);
    const text = recorded
      .filter((e) => e.type === 'token')
      .map((e) => e.text)
      .join('');
    assert.equal((await page.locator('[data-testid="answer"]').innerText()).replace(/\s+/g, ' ').trim(), text.replace(/\s+/g, ' ').trim());
  } finally {
    await browser.close();
    await proxy.close();
    server.child.kill();
    rmSync(dataDir, { recursive: true, force: true });
  }
});
