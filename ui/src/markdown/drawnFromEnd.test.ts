// Where an answer complete when first drawn starts in its first frame: enough of its end to fill a
// tall window, cut at an item, counting the group being filled and the text after it first.
import { describe, expect, it } from 'vitest';
import { FIRST_FRAME_CHARS, firstDrawn, WHOLE } from './drawnFromEnd';

const chars = (n: number) => 'a'.repeat(n);

describe('firstDrawn', () => {
  it('draws everything when the whole answer weighs less than a first frame', () => {
    expect(firstDrawn([[chars(100), chars(100)]], [chars(100)], chars(100))).toEqual(WHOLE);
    expect(firstDrawn([], [], '')).toEqual(WHOLE);
  });

  it('draws no full group when the group being filled and the tail fill the first frame', () => {
    const groups = [[chars(10)], [chars(10)]];
    expect(firstDrawn(groups, [chars(FIRST_FRAME_CHARS / 2)], chars(FIRST_FRAME_CHARS / 2))).toEqual({ group: 2, item: 0 });
    expect(firstDrawn(groups, [], chars(FIRST_FRAME_CHARS))).toEqual({ group: 2, item: 0 });
  });

  it('cuts at the item that fills the first frame, counting from the end', () => {
    const item = chars(FIRST_FRAME_CHARS / 8);
    const groups = [Array(4).fill(item), Array(4).fill(item), Array(4).fill(item)];
    // The tail, the rest's two items, then the last group's four and the middle group's last one.
    expect(firstDrawn(groups, [item, item], item)).toEqual({ group: 1, item: 3 });
    // Cut at a group's first item: that group whole.
    expect(firstDrawn(groups, [item, item, item, item], '')).toEqual({ group: 2, item: 0 });
  });

  it('counts a line break as a line of text, so short lines of code fill the frame sooner', () => {
    const line = 'x = 1\n';
    const code = [Array(100).fill(line), Array(100).fill(line), Array(100).fill(line)];
    const from = firstDrawn(code, [], '');
    const drawn = (3 - from.group) * 100 - from.item;
    // About a hundred and fifty 106-character lines, not 16,000 / 6 = 2,667 lines.
    expect(drawn).toBe(Math.ceil(FIRST_FRAME_CHARS / (line.length + 100)));
  });
});
