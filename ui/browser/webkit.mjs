// Shared by the WebKitGTK scripts (stream.webkit.mjs, memory.webkit.mjs): the mock build in
// MiniBrowser, driven through WebKitWebDriver on a private Xvfb display, drawing without
// accelerated compositing (as the app does where there is no GPU) unless asked.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';

export const MINIBROWSER = process.env.MINIBROWSER || '/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser';
const DRIVER = process.env.WEBKIT_WEBDRIVER || '/usr/bin/WebKitWebDriver';

/** Processes this run started, killed (each by its own handle) on the way out. */
const started = [];
function start(cmd, argv, env) {
  const child = spawn(cmd, argv, { env: { ...process.env, ...env }, stdio: 'ignore' });
  started.push(child);
  return child;
}
export function stopAll() {
  for (const child of started.reverse()) if (child.exitCode === null) child.kill();
}
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => (stopAll(), process.exit(130)));

/** A free X display number (no lock file). */
function freeDisplay() {
  for (let n = 90; n < 200; n++) if (!existsSync(`/tmp/.X${n}-lock`)) return `:${n}`;
  throw new Error('no free X display');
}

async function webdriver(base, method, path, body) {
  const r = await fetch(base + path, { method, headers: { 'content-type': 'application/json' }, body: body && JSON.stringify(body) });
  const { value } = await r.json();
  if (value?.error) throw new Error(`${value.error}: ${value.message}`);
  return value;
}

/** Xvfb and WebKitWebDriver, up; resolves to the driver's base URL and its process. */
export async function startWebKit({ compositing = false } = {}) {
  for (const path of [MINIBROWSER, DRIVER, '/usr/bin/Xvfb']) if (!existsSync(path)) throw new Error(`${path} is missing`);
  const display = freeDisplay();
  const port = 4600 + Math.floor(Math.random() * 400);
  const base = `http://127.0.0.1:${port}`;
  start('/usr/bin/Xvfb', [display, '-screen', '0', '1280x900x24', '-nolisten', 'tcp'], {});
  await sleep(500);
  const driver = start(DRIVER, [`--port=${port}`], { DISPLAY: display, ...(compositing ? {} : { WEBKIT_DISABLE_COMPOSITING_MODE: '1' }) });
  for (let i = 0; i < 100; i++) {
    const up = await fetch(`${base}/status`).then(
      (res) => res.ok,
      () => false,
    );
    if (up) break;
    await sleep(100);
  }
  return { base, driver };
}

/**
 * A MiniBrowser session on `url` (the mock build), once its composer is usable: `session(method,
 * path, body)` for WebDriver commands, `exec(script, args)` to run a script, `close()`.
 */
export async function openSession(base, url, scriptTimeoutMs) {
  const { sessionId } = await webdriver(base, 'POST', '/session', {
    capabilities: {
      alwaysMatch: { browserName: 'MiniBrowser', 'webkitgtk:browserOptions': { binary: MINIBROWSER, args: ['--automation'] } },
    },
  });
  const session = (method, path, body) => webdriver(base, method, `/session/${sessionId}${path}`, body);
  const exec = (script, argv = []) => session('POST', '/execute/sync', { script, args: argv });
  const close = () => session('DELETE', '').catch(() => {});
  try {
    await session('POST', '/timeouts', { script: scriptTimeoutMs });
    await session('POST', '/url', { url });
    const ready = 'return !!document.querySelector(\'[data-testid="composer-input"]:not([disabled])\')';
    for (let i = 0; i < 100 && !(await exec(ready)); i++) await sleep(100);
  } catch (e) {
    await close();
    throw e;
  }
  return { session, exec, close };
}

/** Asks `prompt` (as a keyboard would: the composer's own handlers) and starts its run; resolves to the run id. */
export async function askAndStart(exec, prompt) {
  const before = await exec('return window.__telltaleMock.started.length');
  await exec(
    `const el = document.querySelector('[data-testid="composer-input"]');
    Object.getOwnPropertyDescriptor(HTMLTextAreaElement.prototype, 'value').set.call(el, arguments[0]);
    el.dispatchEvent(new Event('input', { bubbles: true }));
    el.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', bubbles: true }));`,
    [prompt],
  );
  for (let i = 0; i < 50 && (await exec('return window.__telltaleMock.started.length')) <= before; i++) await sleep(100);
  const runId = await exec('return window.__telltaleMock.lastRun().runId');
  await exec(
    `window.__telltaleMock.emit(arguments[0], [{ type: 'run_started', provider: 'mock', model: 'scripted', started_at: Date.now() },
      { type: 'status', message: 'Writing the answer…', icon: 'writing' }])`,
    [runId],
  );
  return runId;
}
