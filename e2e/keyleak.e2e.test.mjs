// Key leak scan in the real window (issue 14): with a recognisable key from the environment and a
// second one stored through Settings, the app answers, then shows an error whose body quotes the
// key back, then tests the connection and lists models. Nothing the webview can read holds
// either key: the page's HTML and text, its storage, and the answer of every command the window
// may call to read state (settings, app info, conversations, search, history status).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ask, settled, useServer, withApp } from './harness.mjs';

const ENV_KEY = 'sk-e2e-leakscan-env-5c1f0a9d';
const STORED_KEY = 'sk-e2e-leakscan-stored-77b2e4';

let requests = 0;
const server = useServer((req, res) => {
  req.resume();
  req.on('end', () => {
    if (req.url.endsWith('/models')) {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ data: [{ id: 'm' }] }));
      return;
    }
    requests += 1;
    if (requests === 1) {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      const chunk = { choices: [{ index: 0, delta: { content: 'Hello from the server.' }, finish_reason: 'stop' }] };
      res.end(`data: ${JSON.stringify(chunk)}\n\ndata: [DONE]\n\n`);
      return;
    }
    // The server quotes whatever key it was sent, as some do.
    const sent = (req.headers.authorization ?? '').replace(/^Bearer /, '');
    res.writeHead(401, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ error: { message: `Incorrect API key provided: ${sent} (also ${ENV_KEY})` } }));
  });
});

/** Everything the page can read of the app's state, as one string. */
const READ_STATE = `
const done = arguments[arguments.length - 1];
(async () => {
  const invoke = window.__TAURI_INTERNALS__.invoke;
  const parts = [document.documentElement.outerHTML, document.body.innerText,
    JSON.stringify({ ...localStorage }), JSON.stringify({ ...sessionStorage })];
  const calls = [["get_settings"], ["app_info"], ["history_status"], ["list_conversations"],
    ["search_history", { query: "Incorrect" }], ["search_history", { query: "sk" }], ["mcp_status"],
    ["test_connection", { providerId: "openai" }], ["list_models", { providerId: "openai" }]];
  for (const [name, args] of calls) {
    try { parts.push(name, JSON.stringify(await invoke(name, args ?? {}))); }
    catch (e) { parts.push(name + " failed", JSON.stringify(e)); }
  }
  for (const c of await invoke("list_conversations")) {
    parts.push(JSON.stringify(await invoke("open_conversation", { id: c.id })));
  }
  done(parts.join("\\n"));
})().catch((e) => done("scan failed: " + e));`;

test('no key the app holds is readable by the webview, after answers, errors and a connection test', async () => {
  const base = `http://127.0.0.1:${server.port}/v1`;
  const env = { TELLTALE_PROVIDER: 'openai', TELLTALE_BASE_URL: base, TELLTALE_MODEL: 'm', TELLTALE_API_KEY: ENV_KEY };
  await withApp(env, async (app) => {
    assert.equal(await settled(app, await ask(app, 'hello')), 'completed');
    assert.equal(await settled(app, await ask(app, 'again')), 'error');
    const [error] = await app.find('[data-testid="turn-error"]');
    assert.match(await error.text(), /\[redacted\]/, 'the error is shown, the key redacted');

    // A key stored through Settings' own command, for the same server.
    const stored = await app.cmd('POST', '/execute/async', {
      script:
        "const done = arguments[arguments.length - 1]; window.__TAURI_INTERNALS__.invoke('set_api_key', arguments[0]).then(() => done('ok'), (e) => done(JSON.stringify(e)))",
      args: [{ providerId: 'openai', key: STORED_KEY, baseUrl: base }],
    });
    assert.equal(stored, 'ok', 'the key was stored');
    const state = await app.cmd('POST', '/execute/async', { script: READ_STATE, args: [] });
    assert.ok(!state.startsWith('scan failed'), state.slice(0, 300));
    assert.ok(state.includes('get_settings') && state.includes('Hello from the server.'), 'the scan read the state');
    for (const key of [ENV_KEY, STORED_KEY]) {
      const at = state.indexOf(key);
      assert.equal(at, -1, `the key is readable by the webview: …${state.slice(Math.max(0, at - 200), at + 40)}…`);
    }
  });
});
