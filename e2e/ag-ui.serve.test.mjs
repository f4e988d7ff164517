// `@ag-ui/client`'s HttpAgent, unchanged, against a real `telltale serve` (the built CLI, the
// offline demo answering, a history of its own): a run completes, the text messages the client
// assembles are the answer Telltale recorded, the tool calls come with their results, the next
// run continues the thread, and a wrong token fails. Run by scripts/test.sh's rust stage.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { HttpAgent } from '@ag-ui/client';
import { startServe } from './serve.mjs';

const TOKEN = 'ag-ui-test-token-0123456789';
const PROMPT = 'What is 17 * 23 and what time is it in Tokyo?';

let served;
let base;

before(async () => {
  served = await startServe({ token: TOKEN });
  base = served.base;
});

after(() => served?.stop());

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
