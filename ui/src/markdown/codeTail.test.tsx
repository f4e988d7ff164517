// @vitest-environment happy-dom
// A long code block streaming token by token: its unfinished last line is shown as plain text, and
// the lines before it are highlighted again only when a line ends, not on every token; once the
// answer ends, the last line is highlighted too.
import { act } from 'react';
import { describe, expect, it, vi } from 'vitest';
import { GrowingText } from '../state/growingText';
import { mountPerTest } from '../test-support/dom';
import { Markdown } from './Markdown';

const calls = vi.hoisted(() => ({ highlight: 0 }));
vi.mock('./highlight', async (importOriginal) => {
  const real = await importOriginal<typeof import('./highlight')>();
  return {
    ...real,
    highlight: (code: string, language: string) => {
      calls.highlight++;
      return real.highlight(code, language);
    },
  };
});

const dom = mountPerTest();

function render(text: GrowingText, streaming: boolean) {
  act(() => dom.root.render(<Markdown text={text} streaming={streaming} />));
}

const LINES = 300;
/** `x<i> = w<i> + 1  # note <i>`, a line in five tokens. */
const TOKENS = ['```python\n', ...Array.from({ length: LINES }, (_, i) => [`x${i}`, ' =', ` w${i}`, ' + 1', `  # note ${i}\n`]).flat()];

describe('a streaming code block', () => {
  it('highlights at line ends and shows the unfinished line as plain text', () => {
    let text = GrowingText.EMPTY;
    let tokens = 0;
    let chunked = false;
    for (const token of TOKENS.slice(0, -2)) {
      text = text.append(token);
      render(text, true);
      if (!chunked && dom.container.querySelector('.code-chunked')) {
        chunked = true;
        calls.highlight = 0;
        tokens = 0;
      }
      tokens++;
    }
    // Highlighting once per line (and per cut chunk), not once per token.
    expect(tokens).toBeGreaterThan(4 * 200);
    expect(calls.highlight).toBeLessThan(tokens / 3);

    // The last line so far, "x299 = w299", is plain text; the lines before it are highlighted.
    const chunks = [...dom.container.querySelectorAll('.code-chunked .code-chunk')];
    const last = chunks.at(-1)!;
    expect(last.textContent).toBe(`x${LINES - 1} = w${LINES - 1}`);
    expect(last.children).toHaveLength(0);
    expect([...chunks.at(-2)!.querySelectorAll('.hljs-comment')].at(-1)?.textContent).toBe(`# note ${LINES - 2}`);
    const code = dom.container.querySelector('code')!.textContent;
    expect(code).toBe(TOKENS.slice(1, -2).join(''));

    // The answer ends mid-line (stopped): the last line is highlighted with the rest.
    render(text, false);
    const after = [...dom.container.querySelectorAll('.code-chunked .code-chunk')];
    expect(after.at(-1)!.textContent!.endsWith(`x${LINES - 1} = w${LINES - 1}`)).toBe(true);
    expect(after.at(-1)!.querySelector('.hljs-comment')).not.toBeNull();
    expect(dom.container.querySelector('code')!.textContent).toBe(code);
  });
});
