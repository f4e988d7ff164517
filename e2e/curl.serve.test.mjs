// `curl -N` (Debian's curl, which scripts/setup.sh installs) reading a run's Server-Sent Events
// from a real `telltale serve`: curl prints the events while the run is still in progress (not
// held back to its end), in order to `run_finished`, the same as the history recorded;
// `Last-Event-ID` resumes after a seq; `POST /v1/runs?stream=true` answers with the stream itself;
// a wrong token is 401. Run by scripts/test.sh's rust stage.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { startServe } from './serve.mjs';

const TOKEN = 'curl-test-token-0123456789';
const AUTH = ['-H', `Authorization: Bearer ${TOKEN}`];

let served;
let base;

before(async () => {
  // 20 ms between the demo's words: a run streams for a while.
  served = await startServe({ token: TOKEN, paceMs: 20 });
  base = served.base;
});

after(() => served?.stop());

/** One SSE event block: `{id, event, data}` (`id` a number, or undefined for a ping). */
function parse(block) {
  const fields = { data: '' };
  for (const line of block.split('\n')) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const [name, value] = [line.slice(0, colon), line.slice(colon + 1).replace(/^ /, '')];
    if (name === 'data') fields.data += value;
    else fields[name] = value;
  }
  if (fields.event === undefined) return undefined;
  const id = fields.id === undefined ? undefined : Number(fields.id);
  return { id, event: fields.event, data: JSON.parse(fields.data) };
}

/**
 * Runs `curl -N -sS ARGS`, handing `onEvent` each SSE event as curl prints it; resolves with
 * curl's exit code, every event and all it printed.
 */
function curl(args, onEvent = () => {}) {
  const child = spawn('curl', ['-N', '-sS', ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    const events = [];
    let [out, pending] = ['', ''];
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (text) => {
      out += text;
      pending += text;
      let end;
      while ((end = pending.indexOf('\n\n')) >= 0) {
        const event = parse(pending.slice(0, end));
        pending = pending.slice(end + 2);
        if (event) {
          events.push(event);
          onEvent(event);
        }
      }
    });
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, events, out }));
  });
}

async function api(path, init = {}) {
  const headers = { Authorization: `Bearer ${TOKEN}`, 'Content-Type': 'application/json' };
  const response = await fetch(`${base}${path}`, { ...init, headers });
  assert.ok(response.ok, `${path}: ${response.status}`);
  return response.json();
}

const runEvents = (events) => events.filter((event) => event.id !== undefined);
const inOrder = (events) => events.map((_, n) => n);

let finished;

test('curl -N prints a run’s events as they stream, in order to run_finished, as recorded', async () => {
  const prompt = 'What is 17 * 23 and what time is it in Tokyo?';
  const { run_id, conversation_id } = await api('/v1/runs', { method: 'POST', body: JSON.stringify({ prompt }) });
  let inProgress;
  const { code, events } = await curl([...AUTH, `${base}/v1/runs/${run_id}/events`], (event) => {
    // Asked as curl prints the run's first event: the run is still going (the server does not
    // hold the stream back until the run's end).
    if (event.event === 'run_started') inProgress = api('/v1/runs');
  });
  assert.equal(code, 0);
  const streamed = runEvents(events);
  assert.deepEqual(
    streamed.map((event) => event.id),
    inOrder(streamed),
  );
  assert.equal(streamed[0].event, 'run_started');
  assert.equal(streamed.at(-1).event, 'run_finished');
  assert.equal(streamed.at(-1).data.reason, 'completed');
  assert.ok(
    (await inProgress).some((run) => run.run_id === run_id),
    'curl printed run_started while the run was in progress',
  );
  const { runs } = await api(`/v1/conversations/${conversation_id}`);
  assert.deepEqual(
    streamed.map((event) => event.data),
    runs[0].events,
  );
  finished = { run_id, streamed };
});

test('curl -N with Last-Event-ID gets the events after that seq', async () => {
  assert.ok(finished, 'the first test ran');
  const { run_id, streamed } = finished;
  const { code, events } = await curl([...AUTH, '-H', 'Last-Event-ID: 5', `${base}/v1/runs/${run_id}/events`]);
  assert.equal(code, 0);
  assert.deepEqual(
    runEvents(events).map((event) => event.data),
    streamed.slice(6).map((event) => event.data),
  );
});

test('curl -N POST /v1/runs?stream=true answers with the run’s stream', async () => {
  const body = JSON.stringify({ prompt: 'hello' });
  const args = [...AUTH, '-H', 'Content-Type: application/json', '-d', body, `${base}/v1/runs?stream=true`];
  const { code, events } = await curl(args);
  assert.equal(code, 0);
  const streamed = runEvents(events);
  assert.deepEqual(
    streamed.map((event) => event.id),
    inOrder(streamed),
  );
  assert.equal(streamed.at(-1).data.reason, 'completed');
});

test('curl with a wrong token gets 401', async () => {
  const args = ['-o', '/dev/null', '-w', '%{http_code}', '-H', 'Authorization: Bearer wrong', `${base}/v1/runs`];
  const { code, out } = await curl(args);
  assert.equal(code, 0);
  assert.equal(out, '401');
});
