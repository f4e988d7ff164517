// @vitest-environment happy-dom
// The status chip while a run is paused at its budget: it says so with the budget card's icon,
// amber like any wait on the user, counts the pause, and goes back to the run's own status after
// Continue anyway (or says it is stopping after Stop); a run that is not paused is unchanged.
import { act } from 'react';
import { describe, expect, it } from 'vitest';
import type { EventKind } from '../generated/protocol';
import type { Turn as TurnValue } from '../state/types';
import { ShellContext } from '../shell';
import { mountPerTest } from '../test-support/dom';
import { fakeShell } from '../test-support/fakeShell';
import { turnAfterKinds } from '../test-support/runEvents';
import { Turn } from './Turn';

const WRITING: EventKind = { type: 'status', message: 'Writing the answer…', icon: 'writing' };
const REACHED: EventKind = { type: 'budget_reached', kind: 'output_tokens', used: 212, limit: 200 };

/** The turn of run `r` after these events, one every 500 ms of the run's clock. */
const turnAfter = (...kinds: EventKind[]) => turnAfterKinds(kinds, 500);

const writing = (...more: EventKind[]) => turnAfter(WRITING, { type: 'token', text: 'Once upon a time' }, ...more);

const dom = mountPerTest();
const $ = dom.byTestId;

function show(turn: TurnValue) {
  act(() => {
    dom.root.render(
      <ShellContext.Provider value={fakeShell().shell}>
        <Turn turn={turn} />
      </ShellContext.Provider>,
    );
  });
}

/** The chip's words, its icon's drawing, and whether it shows a wait on the user. */
function chip() {
  const element = $('status-chip')!;
  return {
    text: element.textContent,
    icon: element.querySelector('svg')!.innerHTML,
    onUser: element.classList.contains('chip-on-user'),
    paused: element.dataset.paused,
  };
}

describe('the status chip of a run paused at its budget', () => {
  it('says the run is paused, with the budget card’s icon, and counts the pause', () => {
    show(writing());
    const before = chip();
    expect(before).toMatchObject({ text: 'Writing the answer…', onUser: false, paused: undefined });

    show(writing(REACHED, { type: 'ping' }, { type: 'ping' }, { type: 'ping' }, { type: 'ping' }));
    const paused = chip();
    expect(paused).toMatchObject({ text: 'Paused at its output-token budget · 2 s', onUser: true, paused: 'budget' });
    expect(paused.icon).toBe($('budget-card')!.querySelector('svg')!.innerHTML);
    expect(paused.icon).not.toBe(before.icon);
    expect($('status-chip')!.getAttribute('aria-live')).toBe('polite');
  });

  it('goes back to the run’s own status after Continue anyway', () => {
    show(writing(REACHED, { type: 'budget_resolved', kind: 'output_tokens', continued: true }, { type: 'token', text: ', the end.' }));
    const resumed = chip();
    expect(resumed).toMatchObject({ onUser: false, paused: undefined });
    expect(resumed.text).toMatch(/^Writing the answer…/);
    show(writing());
    expect(resumed.icon).toBe(chip().icon);
  });

  it('says the run is stopping after Stop, and is gone once the run ends', () => {
    show(writing(REACHED, { type: 'budget_resolved', kind: 'output_tokens', continued: false }));
    expect(chip()).toMatchObject({ text: 'Stopping…', onUser: false, paused: undefined });
    show(
      writing(REACHED, { type: 'budget_resolved', kind: 'output_tokens', continued: false }, { type: 'run_finished', reason: 'cancelled' }),
    );
    expect($('status-chip')).toBeNull();
  });

  it('waits on the user amber while a call asks for approval too', () => {
    show(turnAfter({ type: 'status', message: 'Waiting for your approval to run write_file…', icon: 'approval' }));
    expect(chip()).toMatchObject({ text: 'Waiting for your approval to run write_file…', onUser: true, paused: undefined });
  });
});
