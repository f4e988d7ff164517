// What a streamed answer's blocks and chunks keep alive: their own text, not every version of the
// answer they were cut from (measured on V8's heap after a full collection).
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { GrowingText } from '../state/growingText';
import { BlockSplitter } from './blocks';
import { BlockChunker } from './chunks';
import { ownCopy } from './ownCopy';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

/** Bytes of heap that `make()`'s result keeps alive (kept until measured). */
function retained(make: () => unknown): number {
  gc();
  const before = process.memoryUsage().heapUsed;
  const kept = make();
  gc();
  const after = process.memoryUsage().heapUsed;
  expect(kept).toBeTruthy();
  return after - before;
}

/**
 * A text that grows as an answer does, `count` tokens, `step` at a time: each version is the last
 * plus the new tokens (a new string once read whole).
 */
function* versions(token: (i: number) => string, count: number, step: number): Generator<string> {
  let text = '';
  for (let i = 0; i < count; i++) {
    text += token(i);
    if (i % step === step - 1) yield text;
  }
}

const MB = 1024 * 1024;

describe('ownCopy', () => {
  it('keeps only its own text alive, where a plain slice keeps the whole string', () => {
    const cuts = (copy: (s: string) => string) => () =>
      Array.from({ length: 40 }, (_, i) => copy(`${i}${'x'.repeat(MB)}`.slice(1000, 1600)));
    expect(retained(cuts((s) => s))).toBeGreaterThan(30 * MB);
    expect(retained(cuts(ownCopy))).toBeLessThan(2 * MB);
  });

  it('keeps a streamed answer of 800 blocks to about its own size', () => {
    // 300 KB of prose, a paragraph every 60 tokens, 25 tokens a version.
    const size = retained(() => {
      const splitter = new BlockSplitter();
      let text = GrowingText.EMPTY;
      for (let i = 0; i < 48_000; i += 25) {
        for (let j = i; j < i + 25; j++) text = text.append(`${j % 60 === 0 && j > 0 ? '\n\n' : ' '}w${j}`);
        splitter.update(text);
      }
      return splitter;
    });
    expect(size).toBeLessThan(8 * MB);
  });

  it('keeps a streamed 500 KB code block to about its own size', () => {
    // 1,250 chunks of 16 lines, 10 tokens a version.
    const size = retained(() => {
      const chunker = new BlockChunker();
      const token = (i: number) => (i === 0 ? '```py' : '') + `${i % 8 === 0 ? '\nx = ' : ' '}w${i}:1764570000000000000`;
      for (const text of versions(token, 20_000, 10)) chunker.update(text);
      return chunker;
    });
    expect(size).toBeLessThan(8 * MB);
  });
});
