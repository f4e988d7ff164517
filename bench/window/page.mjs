// The app's window as a user sees it, through WebDriver and the page observer (observer.js).
// Only stable hooks are used: the composer, the answer, the Stop button, the conversation items
// and the status chip (data-testid="status-chip").
import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { ENTER } from '../../e2e/webdriver.mjs';
import { timed } from './harness.mjs';

const OBSERVER = readFileSync(new URL('./observer.js', import.meta.url), 'utf8');
export const COMPOSER = '[data-testid="composer-input"]';
const CALL_MS = 20000;

export class Page {
  constructor(session) {
    this.s = session;
  }
  exec(script, args = [], ms = CALL_MS) {
    return timed(this.s.execute(script, args), ms, `executeScript ${script.slice(0, 60)}`);
  }
  /** Installs the observer (once per page); returns what it saw at install time. */
  install() {
    return this.exec(`${OBSERVER}\n;return { installedAt: window.__tb.installedAt, composerAtInstall: window.__tb.composerAtInstall };`);
  }
  arm(opts) {
    return this.exec('return window.__tb.arm(arguments[0])', [opts]);
  }
  progress(ms = CALL_MS) {
    return this.exec('return window.__tb.progress()', [], ms);
  }
  result(full = true) {
    return this.exec('return window.__tb.result(arguments[0])', [full], 60000);
  }
  composerReadyAt() {
    return this.exec('return window.__tb.composerReadyAt()');
  }

  /** The composer, once it exists and is enabled. */
  async composer(timeout = 20000) {
    const [el] = await timed(
      this.s.waitFor(COMPOSER, async ([e]) => e && (await e.attr('disabled')) === null, { timeout, what: 'the composer to be ready' }),
      timeout + 5000,
      'the composer',
    );
    return el;
  }

  /** Types the prompt, then presses Enter in a separate call so the prompt's typing is not timed. */
  async send(prompt = 'bench') {
    const input = await this.composer();
    await timed(input.type(prompt), CALL_MS, 'typing the prompt');
    return { input, enter: () => timed(input.type(ENTER), CALL_MS, 'pressing Enter') };
  }

  /** Ctrl+N (a real key press through WebDriver): a new, empty chat. */
  async newChat() {
    const input = await this.composer();
    await timed(input.type('\uE009n\uE000'), CALL_MS, 'pressing Ctrl+N');
    const deadline = Date.now() + 3000;
    while (Date.now() < deadline) {
      const n = await this.exec('return document.querySelectorAll(\'[data-testid="answer"]\').length');
      if (n === 0) return true;
      await sleep(30);
    }
    return false;
  }

  /**
   * Polls (every `everyMs`, so the polling itself barely disturbs the page) until `done(progress)`
   * or the deadline; returns the last progress and whether it finished.
   */
  async until(done, { timeoutMs, everyMs = 500 }) {
    const deadline = Date.now() + timeoutMs;
    let p = null;
    while (Date.now() < deadline) {
      // A page busy for seconds in one frame answers late: that is a figure, not a failure.
      try {
        p = await this.progress(Math.max(1000, deadline - Date.now()));
      } catch (e) {
        if (!/timed out/.test(e.message)) throw e;
        break;
      }
      if (p?.error) throw new Error(`the app shows an error: ${p.error.slice(0, 300)}`);
      if (p && done(p)) return { progress: p, finished: true };
      await sleep(Math.min(everyMs, Math.max(10, deadline - Date.now())));
    }
    return { progress: p, finished: false };
  }

  /** The sidebar's conversation item whose text contains `title` (the active new chat is listed too). */
  async conversationItem(title, timeout = 10000) {
    let found = null;
    await timed(
      this.s.waitFor(
        '[data-testid="conversation-item"]',
        async (els) => {
          for (const el of els) if ((await el.text()).includes(title)) return (found = el);
          return false;
        },
        { timeout, what: `the saved conversation "${title}" in the sidebar` },
      ),
      timeout + 5000,
      'the conversation item',
    );
    return found;
  }

  /** Clicks what opens the conversation: the item's first button (its link), else the item. */
  async open(item) {
    const [button] = await item.find('button');
    await timed((button ?? item).click(), CALL_MS, 'clicking the conversation');
  }
}
