// A real `telltale serve` for the tests that run against it (scripts/test.sh's rust stage): the
// CLI that `cargo test` built, the offline demo answering at `paceMs` a word, a history of its
// own in a temporary folder.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createInterface } from 'node:readline';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const TARGET = resolve(ROOT, process.env.CARGO_TARGET_DIR ?? 'target');
const CLI = process.env.TELLTALE_CLI ?? join(TARGET, 'debug/telltale');

/** Starts `telltale serve` behind `token`; resolves with its base URL once it listens, and `stop`. */
export async function startServe({ token, paceMs = 0 }) {
  const dataDir = await mkdtemp(join(tmpdir(), 'telltale-serve-'));
  const args = ['serve', '--provider', 'offline', '--pace-ms', String(paceMs), '--bind', '127.0.0.1:0', '--token', token];
  const server = spawn(CLI, args, {
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
  const base = await Promise.race([listening, failed]);
  assert.ok(base, 'telltale serve printed its address');
  const stop = async () => {
    server.kill();
    await rm(dataDir, { recursive: true, force: true });
  };
  return { base, stop };
}
