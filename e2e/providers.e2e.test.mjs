// End to end with a real provider: the app is configured through the environment (as until the
// settings screen lands) to talk to an OpenAI-compatible server on 127.0.0.1 that this test
// runs. The window must show exactly the server's answer, and its typed, actionable errors.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { ROOT, ask, settled, useServer, withApp } from './harness.mjs';

const FIXTURES = process.env.TELLTALE_FIXTURES ?? join(ROOT, 'fixtures/wire');
const STREAM = readFileSync(join(FIXTURES, 'openai_chat_text.sse'));
const EXPECTED = JSON.parse(readFileSync(join(FIXTURES, 'openai_chat_text.expected.json'), 'utf8')).expected;

/** What the server was asked, in order. */
const requests = [];

/**
 * `POST /v1/chat/completions`: the fixture as an event stream, in small chunks with pauses so that
 * the answer really streams. `POST /rejecting/v1/chat/completions`: 401 with an OpenAI-style
 * error, until `rejecting` is switched off (as when the user fixes the key).
 */
let rejecting = true;
function handle(req, res) {
  let body = '';
  req.on('data', (chunk) => (body += chunk));
  req.on('end', async () => {
    requests.push({ method: req.method, url: req.url, headers: req.headers, body });
    if (req.method === 'POST' && req.url === '/rejecting/v1/chat/completions' && rejecting) {
      res.writeHead(401, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          error: {
            message: 'Incorrect API key provided. You can find your API key in your account settings.',
            type: 'invalid_request_error',
            param: null,
            code: 'invalid_api_key',
          },
        }),
      );
      return;
    }
    if (req.method === 'POST' && /^(\/rejecting)?\/v1\/chat\/completions$/.test(req.url)) {
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
      for (let at = 0; at < STREAM.length; at += 97) {
        res.write(STREAM.subarray(at, at + 97));
        await sleep(3);
      }
      res.end();
      return;
    }
    res.writeHead(404, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ error: { message: `no route ${req.method} ${req.url}` } }));
  });
}

const server = useServer(handle);

const openai = (base) => ({ TELLTALE_PROVIDER: 'openai', TELLTALE_BASE_URL: base, TELLTALE_MODEL: 'm' });

const textIn = async (turn, testid) => {
  const [el] = await turn.find(`[data-testid="${testid}"]`);
  return el ? el.text() : '';
};
/** The answer's text exactly as streamed: its text nodes (innerText would add the paragraph's line end). */
const answerOf = async (app, turn) => {
  const [el] = await turn.find('[data-testid="answer"]');
  return el ? app.execute('return arguments[0].textContent', [{ 'element-6066-11e4-a52e-4f735466cecf': el.id }]) : '';
};

async function label(app, pattern) {
  let text = '';
  await app.waitFor('[data-testid="provider-label"]', async ([el]) => pattern.test((text = await el.text())), {
    what: `the provider label to match ${pattern} (it reads "${text}")`,
  });
  return text;
}

test('the window shows exactly what an OpenAI-compatible server streamed', async () => {
  await withApp(openai(`http://127.0.0.1:${server.port}/v1`), async (app) => {
    await label(app, new RegExp(`^m via OpenAI-compatible server at 127\\.0\\.0\\.1:${server.port}$`));
    const asked = requests.length;
    const turn = await ask(app, "What's the weather in San Francisco?");
    assert.equal(await settled(app, turn), 'completed');
    assert.equal(await answerOf(app, turn), EXPECTED.text);
    assert.equal((await turn.find('[data-testid="turn-error"]')).length, 0);
    assert.match(await textIn(turn, 'run-meta'), /to first token/);
    await app.screenshot('e2e-providers-01-openai-answer');

    const sent = requests.slice(asked);
    assert.equal(sent.length, 1, 'one request, no retry');
    assert.equal(sent[0].url, '/v1/chat/completions');
    assert.equal(sent[0].headers.authorization, undefined, 'no key is sent to a local server that needs none');
    const body = JSON.parse(sent[0].body);
    assert.equal(body.model, 'm');
    assert.equal(body.stream, true);
    assert.equal(body.messages.at(-1).content, "What's the weather in San Francisco?");
  });
});

test('a rejected key shows the typed, actionable error, and the next message works', async () => {
  rejecting = true;
  await withApp(openai(`http://127.0.0.1:${server.port}/rejecting/v1`), async (app) => {
    const turn = await ask(app, 'hi');
    assert.equal(await settled(app, turn), 'error');
    const [error] = await app.waitFor('[data-testid="turn-error"]', (els) => els.length === 1, { what: 'the error' });
    const message = await error.text();
    assert.match(message, /rejected the API key \(HTTP 401\)/);
    assert.match(message, /TELLTALE_API_KEY/, 'it says where the key goes');
    assert.match(message, /Incorrect API key provided/, 'it quotes the server');
    assert.doesNotMatch(message, /Retry/, 'a rejected key is not worth retrying as is');
    await app.screenshot('e2e-providers-02-key-rejected');

    // Ready for the next message: the composer is enabled, and once the server accepts, it answers.
    rejecting = false;
    const next = await ask(app, 'hi again');
    assert.equal(await settled(app, next), 'completed');
    assert.equal(await answerOf(app, next), EXPECTED.text);
    assert.equal(await turn.attr('data-state'), 'error', 'the failed turn stays as it was');
  });
});

test('a server that is not running is a network error that says what to check', async () => {
  // A port that was just free: nothing listens there.
  const probe = createServer();
  await new Promise((ok) => probe.listen(0, '127.0.0.1', ok));
  const closed = probe.address().port;
  await new Promise((ok) => probe.close(ok));

  await withApp(openai(`http://127.0.0.1:${closed}/v1`), async (app) => {
    const turn = await ask(app, 'hi');
    assert.equal(await settled(app, turn), 'error');
    const message = await textIn(turn, 'turn-error');
    assert.match(message, new RegExp(`Could not connect to the OpenAI-compatible server at 127\\.0\\.0\\.1:${closed}`));
    assert.match(message, /Check the base URL/);
    assert.match(message, /refused/i);
    await app.waitFor('[data-testid="composer-input"]', async ([el]) => (await el.attr('disabled')) === null, {
      what: 'the composer to be ready again',
    });
    await app.screenshot('e2e-providers-03-connection-refused');
  });
});

test('settings that cannot work still open the app, on the offline demo, saying why', async () => {
  await withApp(openai('https://api.example.com/v1'), async (app) => {
    const text = await label(app, /^Offline demo — OpenAI settings incomplete: /);
    assert.match(text, /no API key for https:\/\/api\.example\.com\/v1: set TELLTALE_API_KEY \(or OPENAI_API_KEY\)/);
    const turn = await ask(app, 'What is 2 + 2?');
    assert.equal(await settled(app, turn), 'completed');
    assert.match(await textIn(turn, 'answer'), /2 \+ 2 = 4/);
  });
});
