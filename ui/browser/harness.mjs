// Shared by the browser tests: a static server for ui/dist-mock on 127.0.0.1, Debian's Chromium
// through playwright-core (no browser download), and helpers that drive the mocked shell.
import { createReadStream, existsSync, mkdirSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { chromium } from 'playwright-core';

const repo = resolve(fileURLToPath(new URL('../..', import.meta.url)));
export const DIST = join(repo, 'ui', 'dist-mock');
export const ARTIFACTS = join(repo, 'artifacts', 'browser');

export const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
];

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.json': 'application/json',
};

/**
 * Serves ui/dist-mock (or another mock build, `dir`) on 127.0.0.1 (a free port); resolves to its
 * base URL and a close function.
 */
export async function serveDist(dir = DIST) {
  if (!existsSync(join(dir, 'index.html'))) {
    throw new Error(`${dir}/index.html is missing: run \`npm run ui:build:mock\` first`);
  }
  const server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    if (path === '/favicon.ico') {
      res.writeHead(204).end();
      return;
    }
    const file = normalize(join(dir, path === '/' ? 'index.html' : path));
    if (!file.startsWith(dir + sep) || !existsSync(file) || !statSync(file).isFile()) {
      res.writeHead(404).end('not found');
      return;
    }
    res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream', 'cache-control': 'no-store' });
    createReadStream(file).pipe(res);
  });
  await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
  const { port } = server.address();
  return {
    url: `http://127.0.0.1:${port}/index.html`,
    close: () => new Promise((ok) => server.close(ok)),
  };
}

export async function launch() {
  if (!existsSync(CHROMIUM)) throw new Error(`no Chromium at ${CHROMIUM} (apt-get install chromium)`);
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true });
}

export function screenshotPath(name) {
  mkdirSync(ARTIFACTS, { recursive: true });
  return join(ARTIFACTS, `${name}.png`);
}

/** Opens the window (mocked shell) and waits until the composer is usable (listener registered). */
export async function openApp(browser, url, { width = 1100, height = 760, colorScheme = 'light', query = '' } = {}) {
  const context = await browser.newContext({
    viewport: { width, height },
    deviceScaleFactor: 1,
    colorScheme,
    reducedMotion: 'reduce',
  });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(new Error(m.text()));
  });
  await page.goto(url + query);
  await page.waitForSelector('[data-testid="composer-input"]:not([disabled])');
  return { page, context, errors };
}

/** Types a prompt and presses Enter; resolves to the run id the window chose. */
export async function ask(page, prompt) {
  const before = await page.evaluate(() => window.__telltaleMock.started.length);
  await page.fill('[data-testid="composer-input"]', prompt);
  await page.press('[data-testid="composer-input"]', 'Enter');
  await page.waitForFunction((n) => window.__telltaleMock.started.length > n, before);
  return page.evaluate(() => window.__telltaleMock.lastRun().runId);
}

/** Sends one event batch over the run's channel and waits until the window applied it (next frames). */
export async function emit(page, runId, kinds) {
  await page.evaluate(([id, k]) => window.__telltaleMock.emit(id, k), [runId, kinds]);
  await settle(page);
}

/** `run_started` from the mocked shell's scripted model (`extra` adds fields, such as `t_ms`). */
export function runStarted(extra = {}) {
  return { type: 'run_started', provider: 'mock', model: 'scripted', started_at: Date.now(), ...extra };
}

/** The chip's status while the answer streams. */
export const WRITING = { type: 'status', message: 'Writing the answer…', icon: 'writing' };

/** Asks `prompt` and starts the run: `run_started`, then `kinds`, in one batch; resolves to the run id. */
export async function startRun(page, prompt, kinds) {
  const runId = await ask(page, prompt);
  await emit(page, runId, [runStarted(), ...kinds]);
  return runId;
}

/** Two animation frames: the event queue flushed and React committed. */
export async function settle(page) {
  await page.evaluate(() => new Promise((ok) => requestAnimationFrame(() => requestAnimationFrame(() => setTimeout(ok, 0)))));
}

/** The last turn on screen. */
export function lastTurn(page) {
  return page.locator('[data-testid="turn"]').last();
}

/** Words, whitespace kept on the word before it: how a model's tokens look. */
export function tokenize(text) {
  return text.match(/\s*\S+|\s+/g) ?? [];
}

/** `token` events for `text`, cut as a model's tokens are (`tokenize`). */
export function tokenEvents(text) {
  return tokenize(text).map((t) => ({ type: 'token', text: t }));
}

export function sleep(ms) {
  return new Promise((ok) => setTimeout(ok, ms));
}

/**
 * One served build and one Chromium for a test file (started before its tests, closed after);
 * `open(options)` opens the app in a new page (see `openApp`), `origin()` is the served origin, and
 * `test(name, [options,] body)` is a test on a page of its own: `body({ page, context })`, then no
 * error logged by the page, then the page's context closed.
 */
export function useWindow() {
  let server;
  let browser;
  before(async () => {
    server = await serveDist();
    browser = await launch();
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });
  const open = (options) => openApp(browser, server.url, options);
  return {
    open,
    origin: () => new URL(server.url).origin,
    test: (name, ...args) => {
      const body = args.pop();
      const [options] = args;
      test(name, async () => {
        const { page, context, errors } = await open(options);
        await body({ page, context });
        assert.deepEqual(errors, []);
        await context.close();
      });
    },
  };
}
