// `@ag-ui/client`'s HttpAgent, unchanged, against a real `telltale serve` (the built CLI, the
// offline demo answering, a history of its own): a run completes, the text messages the client
// assembles are the answer Telltale recorded, the tool calls come with their results, the next
// run continues the thread, and a wrong token fails. Run by scripts/test.sh's rust stage.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { randomUUID } from 'node:crypto';
import { createInterface } from 'node:readline';
import { HttpAgent } from '@ag-ui/client';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const TARGET = resolve(ROOT, process.env.CARGO_TARGET_DIR ?? 'target');
const CLI = process.env.TELLTALE_CLI ?? join(TARGET, 'debug/telltale');
const TOKEN = 'ag-ui-test-token-0123456789';
const PROMPT = 'What is 17 * 23 and what time is it in Tokyo?';

let server;
let base;
let dataDir;

before(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'telltale-ag-ui-'));
  server = spawn(CLI, ['serve', '--provider', 'offline', '--pace-ms', '0', '--bind', '127.0.0.1:0', '--token', TOKEN], {
    env: { ...process.env, TELLTALE_DATA_DIR: dataDir, TELLTALE_PROVIDER: '', TELLTALE_MODEL: '' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const failed = new Promise((_, fail) => server.once('error', fail));
  failed.catch(() => {});
  const lines = createInterface({ input: server.stdout });
  const listening = (async () => {
    for await (const line of lines) {
      if (line.startsWith('listening on ')) return line.slice('listening on '.length);
    }
  })();
  base = await Promise.race([listening, failed]);
  assert.ok(base, 'telltale serve printed its address');
});

after(async () => {
  server?.kill();
  await rm(dataDir, { recursive: true, force: true });
});

function agent(threadId, token = TOKEN) {
  return new HttpAgent({
    url: `${base}/v1/ag-ui`,
    headers: { Authorization: `Bearer ${token}` },
    threadId,
  });
}

/** Runs `prompt` on `client`; returns every event it received and its result. */
async function ask(client, prompt) {
  client.addMessage({ id: randomUUID(), role: 'user', content: prompt });
  const events = [];
  const result = await client.runAgent({}, { onEvent: ({ event }) => void events.push(event) });
  return { events, result };
}

async function conversation(id) {
  const response = await fetch(`${base}/v1/conversations/${id}`, {
    headers: { Authorization: `Bearer ${TOKEN}` },
  });
  assert.equal(response.status, 200);
  return response.json();
}

const recordedAnswer = (run) =>
  run.events
    .filter((event) => event.type === 'token')
    .map((event) => event.text)
    .join('');

test('HttpAgent runs a Telltale agent: its messages are the recorded answer, with the tool calls and results', async () => {
  const threadId = randomUUID();
  const client = agent(threadId);
  const { events, result } = await ask(client, PROMPT);
  const types = events.map((event) => event.type);
  assert.equal(types[0], 'RUN_STARTED');
  assert.equal(types.at(-1), 'RUN_FINISHED');
  assert.equal(events.at(-1).threadId, threadId);
  assert.ok(types.includes('STEP_STARTED') && types.includes('STEP_FINISHED'));
  assert.ok(types.includes('REASONING_MESSAGE_CONTENT'), 'the plan streams as reasoning');
  assert.ok(
    events.some((event) => event.type === 'CUSTOM' && event.name === 'status'),
    'status lines come as CUSTOM',
  );

  const { runs } = await conversation(threadId);
  assert.equal(runs.length, 1);
  assert.equal(runs[0].run_id, events[0].runId, "the AG-UI run is Telltale's run of that id");
  assert.equal(runs[0].prompt, PROMPT);
  const text = client.messages
    .filter((message) => message.role === 'assistant' && message.content)
    .map((message) => message.content)
    .join('');
  assert.equal(text, recordedAnswer(runs[0]));
  assert.match(text, /17 \* 23 = 391/);

  const calls = client.messages.flatMap((message) => message.toolCalls ?? []);
  assert.deepEqual(
    calls.map((call) => [call.function.name, JSON.parse(call.function.arguments)]),
    [
      ['calculator', { expression: '17 * 23' }],
      ['clock', { timezone: 'Asia/Tokyo' }],
    ],
  );
  const results = client.messages.filter((message) => message.role === 'tool');
  assert.deepEqual(
    results.map((message) => message.toolCallId),
    calls.map((call) => call.id),
  );
  assert.equal(results.find((message) => message.toolCallId === calls[0].id).content, '391');
  assert.ok(result.newMessages.length >= 4, "the run's messages are new to the client");
});

test("the next run on the same agent continues the thread's conversation", async () => {
  const threadId = randomUUID();
  const client = agent(threadId);
  await ask(client, 'hello');
  const { events } = await ask(client, PROMPT);
  assert.equal(events.at(-1).type, 'RUN_FINISHED');
  const { runs } = await conversation(threadId);
  assert.equal(runs.length, 2);
  assert.equal(runs[1].parent_run_id, runs[0].run_id);
  const last = client.messages.filter((message) => message.role === 'assistant').at(-1);
  assert.ok(recordedAnswer(runs[1]).endsWith(last.content));
});

test('a wrong token fails the run with 401 and starts nothing', async () => {
  const threadId = randomUUID();
  await assert.rejects(ask(agent(threadId, 'not-the-token'), PROMPT), (error) => {
    assert.equal(error.status, 401);
    return true;
  });
  const response = await fetch(`${base}/v1/conversations/${threadId}`, {
    headers: { Authorization: `Bearer ${TOKEN}` },
  });
  assert.equal(response.status, 404);
});
