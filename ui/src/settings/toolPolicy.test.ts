import { describe, expect, it } from 'vitest';
import { toolPolicy, withToolPolicy } from './toolPolicy';

const maps = { tools: { clock: true, write_file: true, web_fetch: false }, ask_first: { clock: false, write_file: true, web_fetch: true } };

describe('tool policy', () => {
  it('reads Always allow, Ask first and Never from the two maps', () => {
    expect(toolPolicy(maps, 'clock')).toBe('always');
    expect(toolPolicy(maps, 'write_file')).toBe('ask');
    // Off wins over ask_first.
    expect(toolPolicy(maps, 'web_fetch')).toBe('never');
    expect(toolPolicy(maps, 'unknown')).toBe('always');
  });

  it('writes each choice back as tools[name] and ask_first[name]', () => {
    expect(withToolPolicy(maps, 'clock', 'ask')).toEqual({
      tools: { clock: true, write_file: true, web_fetch: false },
      ask_first: { clock: true, write_file: true, web_fetch: true },
    });
    expect(withToolPolicy(maps, 'write_file', 'always')).toEqual({
      tools: { clock: true, write_file: true, web_fetch: false },
      ask_first: { clock: false, write_file: false, web_fetch: true },
    });
    expect(withToolPolicy(maps, 'clock', 'never')).toEqual({
      tools: { clock: false, write_file: true, web_fetch: false },
      ask_first: maps.ask_first,
    });
    expect(withToolPolicy(maps, 'web_fetch', 'always')).toEqual({
      tools: { clock: true, write_file: true, web_fetch: true },
      ask_first: { clock: false, write_file: true, web_fetch: false },
    });
  });
});
