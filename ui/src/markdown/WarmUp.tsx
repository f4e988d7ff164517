// The first answer drawn after the app starts (a conversation opened from the history, or the
// first tokens of the first run) paid the web engine's first-use costs: its text engine's fonts
// and caches, style rules matched for the first time, markdown-it and highlight.js not yet
// compiled by the JS engine. In the release window (WebKitGTK 2.50, bench/window reopen), a
// 10,000-token conversation opened right after launch painted its end in 139-150 ms, and another
// such conversation opened next in 54-68 ms. So once the window is ready (the frame after the
// composer is enabled), a small sample answer is drawn off screen, invisible and hidden from
// assistive technology, laid out once and removed in the next frame: about 20-40 ms of work that
// the user's first answer no longer pays. Once per page, and only while no answer is shown.
// (Not when the window is idle: a page that draws every frame, as the benchmark's observer does,
// never is, and the sample then came up to a second late, in the middle of the user's first click.)
import { useEffect, useLayoutEffect, useRef, useState } from 'react';
import { GrowingText } from '../state/growingText';
import { Markdown } from './Markdown';
import './WarmUp.css';

/** A little of everything an answer draws: headings, emphasis, links, lists, quotes, code, a table. */
const SAMPLE = GrowingText.of(
  [
    '## Getting started 0123456789',
    'Plain text with **bold**, *italic*, `inline code`, a [link](https://example.com) and numbers: 3.14, 42%, 2026-12-02 (a, b; c).',
    '- one item\n- another item with `code`\n\n1. first\n2. second',
    '> A quoted line.',
    '```python\ndef answer(question: str) -> int:\n    """Says 42."""\n    return len(question) + 42  # a comment\n```',
    '| name | value |\n| --- | --- |\n| alpha | 1 |',
    '### Summary\n\nThe end.',
  ].join('\n\n'),
);

type Phase = 'waiting' | 'drawing' | 'done';

/** The sample was drawn: once is enough. */
let warm = false;

/**
 * Mounted while the window is ready and shows no answer: draws `SAMPLE` once off screen after the
 * next frame; unmounted before that (an answer is shown), it draws nothing.
 */
export function WarmUp() {
  const [phase, setPhase] = useState<Phase>(() => (warm ? 'done' : 'waiting'));
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (phase !== 'waiting') return;
    // After the frame that shows the window as it is now, in a task of its own.
    let timer: ReturnType<typeof setTimeout> | undefined;
    const frame = requestAnimationFrame(() => {
      timer = setTimeout(() => setPhase('drawing'), 0);
    });
    return () => {
      cancelAnimationFrame(frame);
      clearTimeout(timer);
    };
  }, [phase]);
  useLayoutEffect(() => {
    if (phase !== 'drawing') return;
    // Laid out now (it is never painted: it is invisible and off screen).
    void box.current?.offsetHeight;
    warm = true;
    const frame = requestAnimationFrame(() => setPhase('done'));
    return () => cancelAnimationFrame(frame);
  }, [phase]);
  if (phase !== 'drawing') return null;
  return (
    <div ref={box} className="warm-up markdown" aria-hidden="true" data-testid="warm-up">
      <Markdown text={SAMPLE} streaming={false} />
    </div>
  );
}
