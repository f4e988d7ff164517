// Saved conversations for the reopen and scroll scenarios, recorded by the real CLI
// (`telltale run` records to the history in TELLTALE_DATA_DIR by default).
import { execFile } from 'node:child_process';
import { baseUrl } from './harness.mjs';

function cli(cliPath, args, { dataDir, timeoutMs = 60000 }) {
  return new Promise((ok, fail) => {
    execFile(
      cliPath,
      args,
      // killSignal on timeout: a hung CLI must not hang the benchmark.
      {
        env: { ...process.env, TELLTALE_API_KEY: 'x', TELLTALE_DATA_DIR: dataDir },
        timeout: timeoutMs,
        killSignal: 'SIGKILL',
        maxBuffer: 256 << 20,
      },
      (error, stdout, stderr) =>
        error ? fail(new Error(`telltale ${args.slice(0, 2).join(' ')} failed: ${error.message} ${stderr.slice(-500)}`)) : ok(stdout),
    );
  });
}

const runArgs = (port, mode, n) => [
  'run',
  '--json',
  '--provider',
  'openai',
  '--base-url',
  baseUrl(port, mode, n, 0),
  '--model',
  'bench-model',
];

/** One conversation whose answer is `n` prose tokens; returns its id. */
export async function recordLongAnswer({ cliPath, port, dataDir, n, prompt }) {
  await cli(cliPath, [...runArgs(port, 'prose', n), prompt], { dataDir });
  return onlyConversation(cliPath, dataDir);
}

/** One conversation of `turns` turns, each answered with `n` prose tokens; returns its id. */
export async function recordManyTurns({ cliPath, port, dataDir, turns, n, deadline, prompt }) {
  await cli(cliPath, [...runArgs(port, 'prose', n), prompt], { dataDir });
  const id = await onlyConversation(cliPath, dataDir);
  for (let i = 1; i < turns; i++) {
    if (Date.now() > deadline) throw new Error(`recording ${turns} turns took too long (${i} done)`);
    await cli(cliPath, [...runArgs(port, 'prose', n), '--conversation', id, `${prompt} ${i}`], { dataDir });
  }
  return id;
}

async function onlyConversation(cliPath, dataDir) {
  const list = JSON.parse(await cli(cliPath, ['list', '--json'], { dataDir }));
  if (list.length !== 1) throw new Error(`expected one saved conversation, found ${list.length}`);
  return list[0].id;
}
