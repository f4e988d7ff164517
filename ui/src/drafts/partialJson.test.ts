import { describe, expect, it } from 'vitest';
import { PartialJsonObject } from './partialJson';

const email = {
  to: 'Zoë <zoe@example.com>',
  subject: 'The "launch" — 👋🏽',
  body: 'Hi Zoë,\n\nTabs\there, a backslash \\ and \u00e9.\n\nBest,\n',
  count: -12.5e2,
  urgent: true,
  cc: null,
  meta: { nested: ['a', '}'], deep: { x: '"]' } },
};

function feedAll(text: string, size: number): PartialJsonObject {
  const parser = new PartialJsonObject();
  for (let i = 0; i < text.length; i += size) parser.feed(text.slice(i, i + size));
  return parser;
}

describe('PartialJsonObject', () => {
  it('reads every field whatever the fragment size, including escapes split across fragments', () => {
    for (const text of [JSON.stringify(email), JSON.stringify(email, null, 2), JSON.stringify(email).replace(/é/g, '\\u00e9')]) {
      for (const size of [1, 2, 3, 7, 64, text.length]) {
        const parser = feedAll(text, size);
        expect(parser.failed, `size ${size}`).toBe(false);
        expect(parser.done).toBe(true);
        const { meta: _skipped, ...flat } = email;
        expect(parser.fields).toEqual(flat);
      }
    }
  });

  it('shows the field being written as it grows', () => {
    const parser = new PartialJsonObject();
    parser.feed('{"to":"Al');
    expect(parser.fields).toEqual({ to: 'Al' });
    expect(parser.current).toBe('to');
    parser.feed('ice","subject":"Lau');
    expect(parser.fields).toEqual({ to: 'Alice', subject: 'Lau' });
    expect(parser.current).toBe('subject');
    parser.feed('nch"}');
    expect(parser.current).toBe(null);
    expect(parser.done).toBe(true);
  });

  it('decodes surrogate pairs given as \\u escapes', () => {
    const parser = feedAll('{"a":"\\ud83d\\ude00!"}', 1);
    expect(parser.fields.a).toBe('😀!');
  });

  it('stops at malformed input and keeps what it had', () => {
    const parser = new PartialJsonObject().feed('{"to":"Bob","x":tru,"y":"z"}');
    expect(parser.failed).toBe(true);
    expect(parser.fields.to).toBe('Bob');
    expect(new PartialJsonObject().feed('[1,2]').failed).toBe(true);
    expect(new PartialJsonObject().feed('{"a":"\\q"}').failed).toBe(true);
  });
});
