// What the end-to-end tests share: a local HTTP server for the app to talk to, the app under
// tauri-driver for one test, and asking a question in its window.
import { before, after } from 'node:test';
import { createServer } from 'node:http';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { startDriver, Session, ENTER } from './webdriver.mjs';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
// The debug build, or an installed app (TELLTALE_APP).
export const APP = process.env.TELLTALE_APP ?? join(ROOT, 'target/debug/telltale-app');

/** Serves `handle` on 127.0.0.1 for the file's tests; `server.port` once they run. */
export function useServer(handle) {
  const server = { port: 0 };
  let http;
  before(async () => {
    http = createServer(handle);
    await new Promise((ok) => http.listen(0, '127.0.0.1', ok));
    server.port = http.address().port;
  });
  after(async () => {
    http?.closeAllConnections?.();
    await new Promise((ok) => http?.close(ok) ?? ok());
  });
  return server;
}

/** The app's environment to answer from `server` (a useServer one, OpenAI-compatible; model "m"), its data in `dataDir`. */
export function serverEnv(server, dataDir) {
  return {
    TELLTALE_DATA_DIR: dataDir,
    TELLTALE_PROVIDER: 'openai',
    TELLTALE_BASE_URL: `http://127.0.0.1:${server.port}/v1`,
    TELLTALE_MODEL: 'm',
  };
}

/**
 * Starts tauri-driver and the app with `env`, runs `body(app)`, and always closes both: the app
 * allows one instance, so sessions run one after another. No key is set anywhere.
 */
export async function withApp(env, body) {
  const noKeys = { TELLTALE_API_KEY: '', OPENAI_API_KEY: '', ANTHROPIC_API_KEY: '', TELLTALE_IDLE_TIMEOUT_S: '' };
  const driver = await startDriver({ env: { ...noKeys, ...env } });
  let app;
  try {
    app = await Session.create(driver.base, APP);
    await body(app);
  } finally {
    await app?.close().catch(() => {});
    driver.stop();
    await sleep(300);
  }
}

/** Types `prompt` and presses Enter; returns the new assistant turn. */
export async function ask(app, prompt) {
  const before = (await app.find('[data-testid="turn"]')).length;
  const [input] = await app.waitFor('[data-testid="composer-input"]', async ([el]) => (await el.attr('disabled')) === null, {
    what: 'the composer to be ready',
  });
  await input.type(prompt + ENTER);
  const turns = await app.waitFor('[data-testid="turn"]', (els) => els.length === before + 1, { timeout: 2000, what: 'the new turn' });
  return turns.at(-1);
}

/** Waits for the turn to reach a final state and returns it. */
export async function settled(app, turn, timeout = 15000) {
  let state;
  await app.waitFor('body', async () => ['completed', 'error', 'cancelled'].includes((state = await turn.attr('data-state'))), {
    what: 'the run to end',
    timeout,
  });
  return state;
}
