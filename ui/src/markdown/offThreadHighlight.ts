// Syntax colours for streaming code, worked out on another thread (highlight.worker.ts). While a code
// block streams, the window shows what arrived at once, as plain text, and colours it when the
// highlighter answers (a few milliseconds later); code that is drawn once (a finished answer, a
// reopened conversation) is highlighted on the window's thread as before, reusing what the
// highlighter already answered. Where there is no Worker (tests in Node) or it fails to start, all
// highlighting is done on the window's thread.
import { useEffect, useState } from 'react';
import { flushSync } from 'react-dom';
import { frameScheduler } from '../eventQueue';
import { canHighlight, highlight } from './highlight';

export interface HighlightRequest {
  id: number;
  code: string;
  language: string;
}

export interface HighlightResult {
  id: number;
  html: string;
}

/** What `Highlighter` needs of a Worker. */
export interface WorkerLike {
  postMessage(message: HighlightRequest): void;
  onmessage: ((event: MessageEvent<HighlightResult>) => void) | null;
  onerror: ((event: ErrorEvent) => void) | null;
}

/** A request waiting for its answer; `cancel()` drops it if it was not sent yet. */
export interface HighlightJob {
  cancel(): void;
}

/**
 * Runs `apply` in the window's next animation frame, before that frame is painted. An answer
 * applied as it arrives would be painted in a frame of its own between two of the stream's
 * (WebKitGTK without compositing draws as soon as something changed): a second layout and paint
 * of the code's column in the same 16 ms, which the next token's frame then waits for.
 */
export type AtFrame = (apply: () => void) => void;

/** The window's animation frames (with a timer as a backstop for a hidden window). */
function animationFrames(): AtFrame {
  const scheduler = frameScheduler();
  let pending: (() => void)[] = [];
  return (apply) => {
    pending.push(apply);
    if (pending.length > 1) return;
    scheduler.request(() => {
      const due = pending;
      pending = [];
      for (const run of due) run();
    });
  };
}

interface Job extends HighlightRequest {
  wanted: boolean;
  done: (html: string) => void;
}

/**
 * Sends requests to the worker one at a time, in order. A request cancelled before it was sent is
 * never sent: while code streams faster than the worker colours it, each chunk's newest text is
 * the only one worked on, so the worker never falls further behind than one request per chunk.
 */
export class Highlighter {
  private readonly queue: Job[] = [];
  private sent: Job | null = null;
  private next = 1;
  private broken = false;

  /** `atFrame`: where answers are handed over (tests pass their own frames). */
  constructor(
    private readonly worker: WorkerLike,
    private readonly atFrame: AtFrame = animationFrames(),
  ) {
    worker.onmessage = (event) => this.answered(event.data);
    worker.onerror = () => this.fail();
  }

  request(code: string, language: string, done: (html: string) => void): HighlightJob {
    const job: Job = { id: this.next++, code, language, wanted: true, done };
    if (this.broken) {
      const html = highlight(code, language);
      this.atFrame(() => done(html));
      return { cancel() {} };
    }
    this.queue.push(job);
    this.sendNext();
    return {
      cancel() {
        job.wanted = false;
      },
    };
  }

  private sendNext(): void {
    if (this.sent !== null) return;
    let job = this.queue.shift();
    while (job !== undefined && !job.wanted) job = this.queue.shift();
    if (job === undefined) return;
    this.sent = job;
    this.worker.postMessage({ id: job.id, code: job.code, language: job.language });
  }

  private answered(result: HighlightResult): void {
    const job = this.sent;
    if (job === null || job.id !== result.id) return;
    this.sent = null;
    this.atFrame(() => job.done(result.html));
    this.sendNext();
  }

  /** The worker could not start or threw: what it was asked is highlighted here, as is all that follows. */
  private fail(): void {
    this.broken = true;
    const jobs = [...(this.sent ? [this.sent] : []), ...this.queue].filter((job) => job.wanted);
    this.sent = null;
    this.queue.length = 0;
    for (const job of jobs) {
      const html = highlight(job.code, job.language);
      this.atFrame(() => job.done(html));
    }
  }
}

let shared: Highlighter | null | undefined;

/** The window's highlighter thread, started at the first streaming code; null where there is none. */
function sharedHighlighter(): Highlighter | null {
  if (shared === undefined) {
    try {
      shared =
        typeof Worker === 'undefined'
          ? null
          : new Highlighter(new Worker(new URL('./highlight.worker.ts', import.meta.url), { type: 'module' }));
    } catch {
      shared = null;
    }
  }
  return shared;
}

interface Coloured {
  code: string;
  language: string;
  html: string;
  /** When the answer came (Date.now()). */
  at: number;
}

/**
 * The least time between two colourings of one chunk while it streams, in ms. A fast stream ends
 * a line every frame or more often; colouring the chunk again for each (the worker's work, then
 * the chunk's HTML replaced and laid out again) cost the window a third of its frames at 1,000
 * tokens/s. A stream a person reads (a line every 100 ms or slower) is coloured line by line.
 */
export const RECOLOUR_MS = 100;

/** Code to show: `html` coloured, then `plain` as plain text (not coloured yet). */
export interface ShownCode {
  html: string;
  plain: string;
}

/**
 * `code` to show. With `offThread` (the code is streaming) the colours come from the highlighter:
 * until its answer for this text arrives, the part it already coloured (an earlier, shorter text
 * of the same chunk) stays as it was and the rest is plain text, so that a line that arrives
 * changes only the plain text, and an answer only the coloured part. Without it, the code is
 * highlighted here and now unless the highlighter already answered for exactly this text.
 * `highlighter` is for tests; by default the window's own.
 */
export function useHighlightedCode(
  code: string,
  language: string,
  offThread: boolean,
  highlighter: Highlighter | null = offThread && canHighlight(language) ? sharedHighlighter() : null,
): ShownCode {
  const [coloured, setColoured] = useState<Coloured | null>(null);
  const current = coloured !== null && coloured.language === language ? coloured : null;
  const answered = current !== null && current.code === code;
  const asking = offThread && highlighter !== null && !answered;
  const lastAt = current?.at;
  useEffect(() => {
    if (!asking || highlighter === null) return;
    let job: HighlightJob | null = null;
    const ask = () => {
      // Handed over inside an animation frame: applied at once, so that frame paints it.
      job = highlighter.request(code, language, (html) => flushSync(() => setColoured({ code, language, html, at: Date.now() })));
    };
    // The chunk's first colours are asked at once; then at most one colouring per RECOLOUR_MS,
    // with the newest text when it is due (the wait is counted from the last answer, so text
    // arriving meanwhile does not put it off).
    const wait = lastAt === undefined ? 0 : lastAt + RECOLOUR_MS - Date.now();
    const timer = wait > 0 ? setTimeout(ask, wait) : (ask(), undefined);
    return () => {
      clearTimeout(timer);
      job?.cancel();
    };
  }, [asking, highlighter, code, language, lastAt]);
  if (answered) return { html: current.html, plain: '' };
  if (!asking) return { html: highlight(code, language), plain: '' };
  if (current !== null && code.startsWith(current.code)) return { html: current.html, plain: code.slice(current.code.length) };
  return { html: '', plain: code };
}
