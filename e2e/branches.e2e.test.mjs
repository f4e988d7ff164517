// End to end: versions and branches in the real window. The app answers with an OpenAI-compatible
// server on 127.0.0.1 that this test runs, whose every answer is numbered ("Reply 3 to: …"), so
// each version of an answer reads differently. Regenerate an answer: the ‹ 2 / 2 › picker under it
// switches between its versions. Edit & resend a prompt: the picker on the prompt switches between
// the branches forking there, the old one with its later turns. And a run that reaches its budget
// pauses with Continue anyway and Stop.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ask, settled, serverEnv, useServer, withApp } from './harness.mjs';
import { appsEnded, ENTER } from './webdriver.mjs';
import { tempDir } from './temp.mjs';

const ELEMENT = 'element-6066-11e4-a52e-4f735466cecf';
/** The words of the long answer the server streams for "story" prompts, one chunk each. */
const STORY = Array.from({ length: 40 }, (_, i) => `word${i} `);

let replies = 0;

/** The model: "Reply N to: <the last prompt>", or for a story, many words, a little apart. */
function handle(req, res) {
  let body = '';
  req.on('data', (chunk) => (body += chunk));
  req.on('end', async () => {
    const messages = JSON.parse(body || '{}').messages ?? [];
    const prompt = [...messages].reverse().find((m) => m.role === 'user')?.content ?? '';
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
    const send = (delta, finish = null) =>
      res.write(`data: ${JSON.stringify({ choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`);
    const words = /story/.test(prompt) ? STORY : [`Reply ${++replies} to: ${prompt}`];
    for (const word of words) {
      if (res.destroyed) return;
      send({ content: word });
      // Pacing only (nothing is timed): the window can pause the run between two words.
      if (words.length > 1) await new Promise((ok) => setTimeout(ok, 40));
    }
    send({}, 'stop');
    res.end('data: [DONE]\n\n');
  });
}

const server = useServer(handle);

/** The app answering from the test's server, its settings (e.g. a budget) saved beforehand. */
const withServer = (settings, body) => {
  const dataDir = tempDir('telltale-e2e-branches-');
  writeFileSync(join(dataDir, 'settings.json'), JSON.stringify({ settings }));
  const env = serverEnv(server, dataDir);
  return withApp(env, async (app) => {
    await body(app);
    await app.close();
    // The app ends with its session (withApp then stops tauri-driver and anything left).
    assert.equal(await appsEnded({ dataDir }), 0, 'the app ended with its session');
  });
};

const texts = async (app, testid) => Promise.all((await app.find(`[data-testid="${testid}"]`)).map(async (e) => (await e.text()).trim()));

/** The picker's "1 / 2" (`testid`: version-picker under an answer, prompt-picker on a prompt). */
const pickerCount = async (app, testid) => {
  const [count] = await app.find(`[data-testid="${testid}"] .version-count`);
  return count ? (await count.text()).trim() : '';
};

/** Waits until what `read` gives equals `want`. */
async function until(app, read, want, what) {
  let got;
  await app
    .waitFor('body', async () => JSON.stringify((got = await read())) === JSON.stringify(want), {
      what: `${what}: ${JSON.stringify(want)}`,
    })
    .catch((e) => {
      throw new Error(`${e.message} (last: ${JSON.stringify(got)})`);
    });
}

async function pick(app, testid, label) {
  const [button] = await app.find(`[data-testid="${testid}"] button[aria-label="${label}"]`);
  await button.click();
}

test('Regenerate keeps both versions of an answer, one click apart', async () => {
  await withServer({}, async (app) => {
    const first = await ask(app, 'one?');
    assert.equal(await settled(app, first), 'completed');
    const before = (await texts(app, 'answer'))[0];
    assert.match(before, /^Reply \d+ to: one\?$/);
    const [regenerate] = await app.find('[data-testid="regenerate"]');
    await regenerate.click();
    await until(app, () => pickerCount(app, 'version-picker'), '2 / 2', 'the picker under the new version');
    const [turn] = await app.find('[data-testid="turn"]');
    assert.equal(await settled(app, turn), 'completed');
    const after = (await texts(app, 'answer'))[0];
    assert.match(after, /^Reply \d+ to: one\?$/);
    assert.notEqual(after, before);
    await app.screenshot('e2e-branches-01-versions');

    await pick(app, 'version-picker', 'Previous version');
    await until(app, () => texts(app, 'answer'), [before], 'the first version');
    assert.equal(await pickerCount(app, 'version-picker'), '1 / 2');
    await pick(app, 'version-picker', 'Next version');
    await until(app, () => texts(app, 'answer'), [after], 'the second version again');
  });
});

test('Edit & resend forks at the prompt; its picker brings back the old branch with its later turns', async () => {
  await withServer({}, async (app) => {
    for (const prompt of ['alpha?', 'beta?', 'gamma?']) assert.equal(await settled(app, await ask(app, prompt)), 'completed');
    const oldAnswers = await texts(app, 'answer');
    assert.deepEqual(await texts(app, 'user-message'), ['alpha?', 'beta?', 'gamma?']);
    assert.equal((await app.find('[data-testid="prompt-picker"]')).length, 0);

    // Edit shows beside the prompt on hover or keyboard focus: focused here, then pressed.
    const edits = await app.find('[data-testid="edit-message"]');
    await app.execute('arguments[0].focus(); arguments[0].click();', [{ [ELEMENT]: edits[1].id }]);
    const [field] = await app.waitFor('[data-testid="edit-input"]');
    await app.cmd('POST', `/element/${field.id}/clear`, {});
    await field.type('BETA?' + ENTER);

    await until(app, () => texts(app, 'user-message'), ['alpha?', 'BETA?'], 'the new branch');
    await until(app, () => pickerCount(app, 'prompt-picker'), '2 / 2', 'the picker on the edited prompt');
    const turns = await app.find('[data-testid="turn"]');
    assert.equal(await settled(app, turns[1]), 'completed');
    const [, edited] = await texts(app, 'answer');
    assert.match(edited, /^Reply \d+ to: BETA\?$/);
    assert.equal((await app.find('[data-testid="version-picker"]')).length, 0, 'a branch, not a version of the answer');
    await app.screenshot('e2e-branches-02-edited');

    await pick(app, 'prompt-picker', 'Previous branch');
    await until(app, () => texts(app, 'user-message'), ['alpha?', 'beta?', 'gamma?'], 'the old branch and its later turn');
    assert.deepEqual(await texts(app, 'answer'), oldAnswers);
    assert.equal(await pickerCount(app, 'prompt-picker'), '1 / 2');
    await app.screenshot('e2e-branches-03-old-branch');
    await pick(app, 'prompt-picker', 'Next branch');
    await until(app, () => texts(app, 'user-message'), ['alpha?', 'BETA?'], 'the new branch again');
  });
});

test('A run that reaches its budget pauses: Continue anyway goes on, Stop keeps the partial answer', async () => {
  await withServer({ budget: { max_output_tokens: 8 } }, async (app) => {
    let turn = await ask(app, 'Tell me a story');
    let [card] = await app.waitFor('[data-testid="budget-card"]', (els) => els.length === 1, { what: 'the budget card' });
    assert.match(await card.text(), /Paused at its output-token budget/);
    await app.screenshot('e2e-branches-04-budget-paused');
    let [button] = await card.find('[data-testid="budget-continue"]');
    await button.click();
    assert.equal(await settled(app, turn, 20000), 'completed');
    assert.equal((await texts(app, 'answer')).at(-1), STORY.join('').trim());
    assert.match((await texts(app, 'budget-note')).join(), /Went on past its output-token budget \(8\)/);

    turn = await ask(app, 'Another story');
    [card] = await app.waitFor('[data-testid="budget-card"]', (els) => els.length === 1, { what: 'the second budget card' });
    [button] = await card.find('[data-testid="budget-stop"]');
    await button.click();
    assert.equal(await settled(app, turn), 'cancelled');
    const partial = (await texts(app, 'answer')).at(-1);
    assert.ok(partial.length > 0 && STORY.join('').startsWith(partial.trim()), partial);
    assert.notEqual(partial.trim(), STORY.join('').trim(), 'the rest never came');
  });
});
