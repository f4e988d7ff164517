// @vitest-environment happy-dom
// A run paused at its budget, in its turn against a fake shell: the card with what was used,
// Continue anyway and Stop sent for the run, the card kept until the run confirms, a failed
// send retried, and a run that stopped at its budget without asking (the CLI's) showing no card.
import { act } from 'react';
import { describe, expect, it } from 'vitest';
import type { EventKind } from '../generated/protocol';
import type { Turn as TurnValue } from '../state/types';
import { ShellContext, type ShellActions } from '../shell';
import { mountPerTest } from '../test-support/dom';
import { fakeShell } from '../test-support/fakeShell';
import { turnAfterKinds } from '../test-support/runEvents';
import { budgetUsage } from './BudgetCard';
import { Turn } from './Turn';

const REACHED: EventKind = { type: 'budget_reached', kind: 'output_tokens', used: 212, limit: 200 };

const paused = (...more: EventKind[]) => turnAfterKinds([{ type: 'token', text: 'Once upon a time' }, REACHED, ...more]);

const dom = mountPerTest();
const $ = dom.byTestId;

function show(turn: TurnValue, shell: ShellActions) {
  act(() => {
    dom.root.render(
      <ShellContext.Provider value={shell}>
        <Turn turn={turn} />
      </ShellContext.Provider>,
    );
  });
}

async function click(testId: string) {
  const button = $<HTMLButtonElement>(testId);
  expect(button, testId).not.toBeNull();
  await act(async () => button!.click());
}

describe('a run paused at its budget', () => {
  it('shows what it used, the partial answer, and Continue anyway sent for the run', async () => {
    const fake = fakeShell();
    show(paused(), fake.shell);
    const card = $('budget-card')!;
    expect(card.getAttribute('role')).toBe('group');
    expect(document.getElementById(card.getAttribute('aria-labelledby')!)!.textContent).toBe('Paused at its output-token budget');
    expect($('budget-usage')!.textContent).toBe('The run used 212 output tokens of its 200. What it wrote so far is kept.');
    expect($('answer')!.textContent).toBe('Once upon a time');
    expect([...card.querySelectorAll('button')].map((b) => b.textContent)).toEqual(['Continue anyway', 'Stop']);
    await click('budget-continue');
    expect(fake.calls.budgets).toEqual([['r', 'continue']]);
    // Until the run confirms, the card stays and takes no second answer.
    expect($<HTMLButtonElement>('budget-continue')!.disabled).toBe(true);
    expect($<HTMLButtonElement>('budget-stop')!.disabled).toBe(true);
    show(paused({ type: 'budget_resolved', kind: 'output_tokens', continued: true }, { type: 'token', text: ', the end.' }), fake.shell);
    expect($('budget-card')).toBeNull();
    expect($('budget-note')!.textContent).toBe('Went on past its output-token budget (200).');
    expect($('answer')!.textContent).toBe('Once upon a time, the end.');
  });

  it('sends Stop, and says where the run stopped once it ended', async () => {
    const fake = fakeShell();
    show(paused(), fake.shell);
    await click('budget-stop');
    expect(fake.calls.budgets).toEqual([['r', 'stop']]);
    const stopped = paused(
      { type: 'budget_resolved', kind: 'output_tokens', continued: false },
      { type: 'run_finished', reason: 'cancelled' },
    );
    expect(stopped.phase).toBe('cancelled');
    show(stopped, fake.shell);
    expect($('budget-card')).toBeNull();
    expect($('budget-note')!.textContent).toBe('Stopped at its output-token budget.');
    expect($('answer')!.textContent).toBe('Once upon a time');
  });

  it('says why an answer could not be sent, and takes it again', async () => {
    const fake = fakeShell();
    fake.failWith('the run is not paused at a budget');
    show(paused(), fake.shell);
    await click('budget-continue');
    expect(dom.container.querySelector('[role="alert"]')!.textContent).toBe("Couldn't send your answer: the run is not paused at a budget");
    expect($<HTMLButtonElement>('budget-continue')!.disabled).toBe(false);
  });

  it('offers nothing once the run ended without asking (a run that stops at its budget)', () => {
    const failed = paused(
      { type: 'error', code: 'budget', message: 'The run reached its budget.', retryable: false },
      { type: 'run_finished', reason: 'error' },
    );
    show(failed, fakeShell().shell);
    expect($('budget-card')).toBeNull();
    expect($('budget-note')).toBeNull();
    expect($('turn-error')!.textContent).toContain('The run reached its budget.');
  });

  it('words each kind of budget', () => {
    expect(budgetUsage('seconds', 61.04, 60)).toBe('61.0 s of its 60 s');
    expect(budgetUsage('tool_calls', 4, 3)).toBe('4 tool calls, with a budget of 3');
    expect(budgetUsage('cost_usd', 0.0123, 0.01)).toBe('$0.0123 of its $0.01');
  });
});
