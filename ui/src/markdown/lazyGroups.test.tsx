// @vitest-environment happy-dom
// Which full groups are drawn lazily: those that filled while the answer was shown, two behind the
// last; the one a group's filling makes eligible waits until the next group has an item, so the
// frame in which a group fills does not also restyle another.
import { act } from 'react';
import { describe, expect, it } from 'vitest';
import { mountPerTest } from '../test-support/dom';
import { useLazyGroups } from './lazyGroups';

const dom = mountPerTest();

function Probe({ full, filling }: { full: number; filling: number }) {
  const isLazy = useLazyGroups(full, filling);
  return <p>{Array.from({ length: full }, (_, i) => (isLazy(i) ? 'L' : '-')).join('')}</p>;
}

function lazy(full: number, filling: number): string {
  act(() => dom.root.render(<Probe full={full} filling={filling} />));
  return dom.container.textContent ?? '';
}

describe('useLazyGroups', () => {
  it('makes a group lazy one item after the group that made it eligible filled', () => {
    expect(lazy(0, 3)).toBe('');
    expect(lazy(1, 0)).toBe('-');
    expect(lazy(1, 1)).toBe('-');
    expect(lazy(2, 0)).toBe('--');
    expect(lazy(2, 1)).toBe('L-');
    expect(lazy(3, 0)).toBe('L--');
    expect(lazy(3, 1)).toBe('LL-');
    expect(lazy(3, 5)).toBe('LL-');
  });

  it('never makes lazy the groups full when the answer was first drawn (one reopened)', () => {
    expect(lazy(4, 2)).toBe('----');
    expect(lazy(5, 0)).toBe('-----');
    expect(lazy(6, 1)).toBe('----L-');
  });
});
