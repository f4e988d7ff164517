// A minimal W3C WebDriver client over fetch, enough to drive the app through tauri-driver.
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { tempDir } from './temp.mjs';

const ELEMENT = 'element-6066-11e4-a52e-4f735466cecf';

const randomPort = () => 4444 + Math.floor(Math.random() * 1000) * 2;

/**
 * Starts tauri-driver and waits until it answers. A driver that exits (its port taken, say) or is
 * not up within 10 s is stopped and started again on another port, twice at most; the error then
 * says how each attempt ended.
 */
export async function startDriver({ port, env = {} } = {}) {
  const attempts = [];
  for (let attempt = 0; attempt < 3; attempt++) {
    const started = await startDriverOn(port ?? randomPort(), env);
    if (started.ok) return started.driver;
    attempts.push(started.why);
  }
  throw new Error(`tauri-driver did not start: ${attempts.join('; ')}`);
}

async function startDriverOn(port, env) {
  const args = ['--port', String(port), '--native-port', String(port + 1), '--native-driver', '/usr/bin/WebKitWebDriver'];
  // Each app under test keeps its history and settings in a fresh folder, never the user's.
  const dataDir = env.TELLTALE_DATA_DIR ?? tempDir('telltale-e2e-');
  const driver = spawn('tauri-driver', args, {
    env: { ...process.env, TELLTALE_DATA_DIR: dataDir, ...env },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  let exited = null;
  driver.on('exit', (code, signal) => (exited = `exited (${signal ?? code}) on port ${port}`));
  const base = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 100 && exited === null; i++) {
    try {
      const r = await fetch(`${base}/status`, { signal: AbortSignal.timeout(1000) });
      if (r.ok) return { ok: true, driver: { base, dataDir, stop: () => stopAll(driver, dataDir) } };
    } catch {
      // Not answering yet: ask again.
    }
    await sleep(100);
  }
  stopAll(driver, dataDir);
  return { ok: false, why: exited ?? `no answer on port ${port} within 10 s` };
}

/**
 * The processes started for the data folder `dataDir` (tauri-driver's, the apps', WebKit's): they
 * all carry it in their environment. The test runner itself is never among them.
 */
function processesUsing(dataDir) {
  const mark = `TELLTALE_DATA_DIR=${dataDir}`;
  const pids = [];
  for (const name of readdirSync('/proc')) {
    const pid = Number(name);
    if (!Number.isInteger(pid) || pid === process.pid || pid === process.ppid) continue;
    try {
      if (readFileSync(`/proc/${pid}/environ`, 'latin1').split('\0').includes(mark)) pids.push(pid);
    } catch {
      // Gone already, or not ours to read.
    }
  }
  return pids;
}

/**
 * Stops tauri-driver and whatever it left running. An app that outlives its WebDriver session (seen
 * after a session was deleted) would keep the test runner's output pipe open, so `node --test`
 * never ends; and a second app on the same data folder would be another instance of it.
 */
function stopAll(driver, dataDir) {
  driver.kill();
  for (const pid of processesUsing(dataDir)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // It ended meanwhile.
    }
  }
}

/** Waits up to `timeout` ms for every app on `dataDir` to exit, then ends the ones left. */
export async function appsEnded(driver, timeout = 5000) {
  const apps = () => processesUsing(driver.dataDir).filter((pid) => /telltale-app/.test(commandOf(pid)));
  const deadline = Date.now() + timeout;
  while (apps().length > 0 && Date.now() < deadline) await sleep(100);
  const left = apps();
  for (const pid of left) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // It ended meanwhile.
    }
  }
  return left.length;
}

function commandOf(pid) {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'latin1');
  } catch {
    return '';
  }
}

export class Session {
  static async create(base, application) {
    const caps = { capabilities: { alwaysMatch: { browserName: 'wry', 'tauri:options': { application } } } };
    const value = await request(base, 'POST', '/session', caps);
    return new Session(base, value.sessionId);
  }
  constructor(base, id) {
    this.base = base;
    this.id = id;
  }
  cmd(method, path, body) {
    return request(this.base, method, `/session/${this.id}${path}`, body);
  }
  async find(css) {
    const found = await this.cmd('POST', '/elements', { using: 'css selector', value: css });
    return found.map((e) => new Element(this, e[ELEMENT]));
  }
  /**
   * Waits until `css` matches and `check(elements)` holds; returns the elements. A find that
   * fails is tried again until the deadline: during a navigation (a reload) WebKitWebDriver
   * answers "no such frame" to a find that crosses the page's unload.
   */
  async waitFor(css, check = (els) => els.length > 0, { timeout = 10000, what = css } = {}) {
    const deadline = Date.now() + timeout;
    let last;
    while (Date.now() < deadline) {
      try {
        const els = await this.find(css);
        if (await check(els)) return els;
      } catch (e) {
        last = e;
      }
      await sleep(50);
    }
    throw new Error(`timed out waiting for ${what}${last ? `: ${last.message}` : ''}`);
  }
  /**
   * Clicks the first element that matches `css` (and whose text matches `text`, when given),
   * found afresh until the click lands: a list that renders again between the find and the click
   * replaces its nodes, and WebDriver then answers "stale element reference" (or "no such frame"
   * while a reload unloads the page).
   */
  async clickOn(css, { text, timeout = 10000, what = css } = {}) {
    const deadline = Date.now() + timeout;
    let last;
    while (Date.now() < deadline) {
      try {
        for (const el of await this.find(css)) {
          if (text !== undefined && !text.test(await el.text())) continue;
          await el.click();
          return;
        }
      } catch (e) {
        if (!/stale element|no such frame/.test(e.message)) throw e;
        last = e;
      }
      await sleep(50);
    }
    throw new Error(`timed out clicking ${what}${last ? `: ${last.message}` : ''}`);
  }
  execute(script, args = []) {
    return this.cmd('POST', '/execute/sync', { script, args });
  }
  /**
   * The X screen as a user sees it (`import -window root`), not WebKitWebDriver's snapshot: the
   * app draws without compositing where there is no GPU (src-tauri/src/rendering.rs), and then
   * WebKit's snapshot of a page that has stopped changing can wait forever for a paint.
   */
  async screenshot(name) {
    mkdirSync('artifacts', { recursive: true });
    // Let the frame that the last command caused reach the screen.
    await sleep(100);
    execFileSync('import', ['-window', 'root', `artifacts/${name}.png`], { timeout: 10000 });
  }
  close() {
    return this.cmd('DELETE', '');
  }
}

export class Element {
  constructor(session, id) {
    this.s = session;
    this.id = id;
  }
  /** The rendered text (innerText); WebKitWebDriver's own "element text" misses some elements. */
  text() {
    return this.s.execute('return arguments[0].innerText', [{ [ELEMENT]: this.id }]);
  }
  async find(css) {
    const found = await this.s.cmd('POST', `/element/${this.id}/elements`, { using: 'css selector', value: css });
    return found.map((e) => new Element(this.s, e[ELEMENT]));
  }
  attr(name) {
    return this.s.cmd('GET', `/element/${this.id}/attribute/${name}`);
  }
  click() {
    return this.s.cmd('POST', `/element/${this.id}/click`, {});
  }
  type(text) {
    return this.s.cmd('POST', `/element/${this.id}/value`, { text });
  }
}

async function request(base, method, path, body) {
  const r = await fetch(base + path, {
    method,
    headers: { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = await r.json();
  if (!r.ok) throw new Error(`${method} ${path}: ${JSON.stringify(json.value)}`);
  return json.value;
}

export const ENTER = '\uE007';
