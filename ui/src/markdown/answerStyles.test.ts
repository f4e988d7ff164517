// A guard on the stylesheets of the answer: no selector whose match depends on an element's whole
// list of children, or on what follows it, for the answer or anything in it. WebKit restyles the
// whole subtree of a parent styled by such a selector (:empty, :has(), :nth-last-child,
// :last-of-type, :only-of-type, :nth-child, ~) each time one of its children is added or removed:
// with `.answer:empty`, every completed group of blocks restyled the whole answer (90 ms per group
// at 300,000 tokens in WebKitGTK 2.50). (:first-child, :last-child and + are invalidated one
// sibling at a time.)
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const SHEETS = ['../components/AnswerBubble.css', './Markdown.css', './ChunkedBlock.css', './code.css'];
const COSTLY = /:empty|:has\(|:nth-|:last-of-type|:only-of-type|:first-of-type|:only-child|~/;

/** The selectors of a stylesheet (comments and declarations dropped). */
function selectors(css: string): string[] {
  const plain = css.replace(/\/\*[\s\S]*?\*\//g, '').replace(/\{[^}]*\}/g, '\n');
  return plain
    .split(/[,\n]/)
    .map((s) => s.replace(/\s+/g, ' ').trim())
    .filter((s) => s !== '' && !s.startsWith('@') && !/^(from|to|\d+%)$/.test(s));
}

describe("the answer's stylesheets", () => {
  it('use no selector that restyles a whole parent when a child comes or goes', () => {
    const costly = SHEETS.flatMap((sheet) => selectors(readFileSync(fileURLToPath(new URL(sheet, import.meta.url)), 'utf8'))).filter((s) =>
      COSTLY.test(s),
    );
    expect(costly).toEqual([]);
  });

  it('would notice one', () => {
    expect(selectors('.answer:empty {\n  display: none;\n}\n/* :has( */ a ~ b, c { x: y }').filter((s) => COSTLY.test(s))).toEqual([
      '.answer:empty',
      'a ~ b',
    ]);
  });
});
