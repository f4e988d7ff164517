// End to end: a long code block streamed into the real window (WebKitGTK, the app's own CSP) is
// coloured by the highlighter's worker (ui/src/markdown/highlight.worker.ts), and once the answer
// ends every line is coloured and the code reads exactly as it was sent.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { ROOT, ask, settled, serverEnv, useServer, withApp } from './harness.mjs';

const LINES = Array.from({ length: 300 }, (_, i) => `value_${i} = compute(${i}, "step")  # line ${i}\n`);

/** The model answers with one long Python block, a line per chunk, a few milliseconds apart. */
function handle(req, res) {
  req.resume();
  req.on('end', async () => {
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
    const send = (delta, finish = null) =>
      res.write(`data: ${JSON.stringify({ choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`);
    send({ role: 'assistant', content: 'Here it is:\n\n```python\n' });
    for (const line of LINES) {
      send({ content: line });
      await sleep(3);
    }
    send({ content: '```\n' });
    send({}, 'stop');
    res.end('data: [DONE]\n\n');
  });
}

const server = useServer(handle);

test('a long streamed code block is coloured by the highlighter worker', async () => {
  const data = mkdtempSync(join(tmpdir(), 'telltale-e2e-highlight-'));
  try {
    await withApp(serverEnv(server, data), async (app) => {
      const turn = await ask(app, 'Write a long script');
      assert.equal(await settled(app, turn), 'completed');
      const found = await app.execute(
        `const code = document.querySelector('[data-testid="answer"] .code-chunked');
         return {
           comments: code ? code.querySelectorAll('.hljs-comment').length : -1,
           strings: code ? code.querySelectorAll('.hljs-string').length : -1,
           text: code ? code.textContent : '',
         };`,
      );
      assert.equal(found.comments, LINES.length);
      assert.equal(found.strings, LINES.length);
      assert.equal(found.text, LINES.join(''));
      // The app's worker runs in this window, under the app's CSP (WebKit lists no worker in its
      // resource timing, so it is started here from the app's own assets and asked once).
      const script = readdirSync(join(ROOT, 'ui/dist/assets')).find((name) => /^highlight\.worker-.*\.js$/.test(name));
      assert.ok(script, 'the build has the highlighter worker');
      const answer = await app.cmd('POST', '/execute/async', {
        args: [script],
        script: `const [script, done] = arguments;
          try {
            const worker = new Worker(new URL('./assets/' + script, location.href), { type: 'module' });
            worker.onmessage = (e) => done(e.data);
            worker.onerror = (e) => done({ error: e.message || 'the worker did not start' });
            worker.postMessage({ id: 7, code: 'x = "a"  # b', language: 'python' });
          } catch (e) {
            done({ error: String(e) });
          }`,
      });
      assert.deepEqual(answer, {
        id: 7,
        html: 'x = <span class="hljs-string">&quot;a&quot;</span>  <span class="hljs-comment"># b</span>',
      });
    });
  } finally {
    rmSync(data, { recursive: true, force: true });
  }
});
