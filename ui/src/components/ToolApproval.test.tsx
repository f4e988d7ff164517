// @vitest-environment happy-dom
// A call that asks first and a running call, in the steps row against a fake shell: approve, edit
// the arguments, deny, always allow, invalid JSON, the answer shown after, Cancel and the live time.
import { act } from 'react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Event, EventKind } from '../generated/protocol';
import { initialState, reducer } from '../state/reducer';
import type { AppState, Turn } from '../state/types';
import { ShellContext, type ShellActions } from '../shell';
import { mountPerTest } from '../test-support/dom';
import { fakeShell } from '../test-support/fakeShell';
import { ToolTimeline } from './ToolTimeline';

const ARGS = { path: 'notes/todo.md', content: 'buy milk' };
const STARTED_AT = 1_700_000_000_000;

/** Builds the run's turn event by event, as the window's reducer does. */
function run() {
  let state: AppState = reducer(initialState('c', 0), { type: 'submit', conversationId: 'c', runId: 'r', prompt: 'p', now: 0 });
  let seq = 0;
  return {
    apply(...kinds: [number, EventKind][]): Turn {
      const events: Event[] = kinds.map(([t_ms, kind]) => ({ run_id: 'r', seq: seq++, t_ms, ...kind }));
      state = reducer(state, { type: 'events', events });
      return state.turns.r!;
    },
  };
}

function asking() {
  const r = run();
  const turn = r.apply(
    [0, { type: 'run_started', provider: 'mock', model: 'm', started_at: STARTED_AT }],
    [10, { type: 'tool_call', call_id: 'w1', name: 'write_file', args: ARGS }],
    [11, { type: 'status', message: 'Waiting for your approval to run write_file…', icon: 'approval' }],
    [12, { type: 'approval_required', call_id: 'w1', name: 'write_file', args: ARGS }],
  );
  return { r, turn };
}

beforeEach(() => {
  vi.useFakeTimers({ now: STARTED_AT + 12 });
});
afterEach(() => {
  vi.useRealTimers();
});

const dom = mountPerTest();
const $ = dom.byTestId;

function show(turn: Turn, shell: ShellActions, expanded = false) {
  act(() => {
    dom.root.render(
      <ShellContext.Provider value={shell}>
        <ToolTimeline turn={turn} initiallyExpanded={expanded} />
      </ShellContext.Provider>,
    );
  });
}

async function click(testId: string) {
  const el = $<HTMLButtonElement>(testId);
  expect(el, testId).not.toBeNull();
  await act(async () => {
    el!.click();
  });
}

function edit(text: string) {
  const area = $<HTMLTextAreaElement>('approval-args')!;
  act(() => {
    Object.getOwnPropertyDescriptor(HTMLTextAreaElement.prototype, 'value')!.set!.call(area, text);
    area.dispatchEvent(new Event('input', { bubbles: true }));
  });
}

describe('a call waiting for approval', () => {
  it('shows even with the steps folded: name, pretty arguments, three named buttons', () => {
    const { shell } = fakeShell();
    show(asking().turn, shell);
    expect($('steps-toggle')!.getAttribute('aria-expanded')).toBe('false');
    const step = $('step')!;
    expect(step.dataset.phase).toBe('waiting');
    expect(step.textContent).toContain('write_file');
    expect(step.textContent).toContain('Waiting for your approval');
    const area = $<HTMLTextAreaElement>('approval-args')!;
    expect(area.value).toBe(JSON.stringify(ARGS, null, 2));
    expect(dom.container.querySelector(`label[for="${CSS.escape(area.id)}"]`)).not.toBeNull();
    const group = $('approval')!;
    expect(group.getAttribute('role')).toBe('group');
    expect(document.getElementById(group.getAttribute('aria-labelledby')!)!.textContent).toBe('Run write_file?');
    expect([...group.querySelectorAll('button')].map((b) => b.textContent)).toEqual(['Approve', 'Deny', 'Always allow this tool']);
    // No timer or Cancel while waiting: nothing runs yet.
    expect($('step-elapsed')).toBeNull();
    expect($('step-cancel')).toBeNull();
  });

  it('Approve sends no arguments when they were not changed', async () => {
    const { shell, calls } = fakeShell();
    show(asking().turn, shell);
    // Re-indenting is not a change.
    edit(JSON.stringify(ARGS));
    await click('approval-approve');
    expect(calls.approvals).toEqual([['r', 'w1', { approved: true, always: false }]]);
    // Answered once: the buttons wait for the run's confirmation.
    expect($<HTMLButtonElement>('approval-approve')!.disabled).toBe(true);
  });

  it('Approve sends the edited arguments', async () => {
    const { shell, calls } = fakeShell();
    show(asking().turn, shell);
    edit('{"path": "notes/todo.md", "content": "buy oat milk"}');
    expect(dom.container.textContent).toContain('The call will run with your changes.');
    await click('approval-approve');
    expect(calls.approvals).toEqual([
      ['r', 'w1', { approved: true, always: false, args: { path: 'notes/todo.md', content: 'buy oat milk' } }],
    ]);
  });

  it('invalid JSON disables Approve and Always allow and says why; Deny still works', async () => {
    const { shell, calls } = fakeShell();
    show(asking().turn, shell);
    edit('{"path": "notes/todo.md",');
    const area = $<HTMLTextAreaElement>('approval-args')!;
    expect(area.getAttribute('aria-invalid')).toBe('true');
    expect($<HTMLButtonElement>('approval-approve')!.disabled).toBe(true);
    expect($<HTMLButtonElement>('approval-always')!.disabled).toBe(true);
    const why = $('approval-invalid')!;
    expect(why.textContent).toMatch(/^Not valid JSON \(.+\)\. Fix it to approve\.$/);
    expect(area.getAttribute('aria-describedby')).toBe(why.id);
    edit('[1, 2]');
    expect($('approval-invalid')!.textContent).toContain('must be a JSON object');
    await click('approval-deny');
    expect(calls.approvals).toEqual([['r', 'w1', { approved: false, always: false }]]);
  });

  it('Always allow approves and asks the shell to remember', async () => {
    const { shell, calls } = fakeShell();
    show(asking().turn, shell);
    await click('approval-always');
    expect(calls.approvals).toEqual([['r', 'w1', { approved: true, always: true }]]);
  });

  it('Ctrl+Enter in the arguments approves', async () => {
    const { shell, calls } = fakeShell();
    show(asking().turn, shell);
    await act(async () => {
      $('approval-args')!.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', ctrlKey: true, bubbles: true, cancelable: true }));
    });
    expect(calls.approvals).toEqual([['r', 'w1', { approved: true, always: false }]]);
  });

  it('a refused answer is shown and can be sent again', async () => {
    const fake = fakeShell();
    fake.failWith('no call w1 waits for approval');
    show(asking().turn, fake.shell);
    await click('approval-approve');
    expect(dom.container.querySelector('[role="alert"]')!.textContent).toContain('no call w1 waits for approval');
    expect($<HTMLButtonElement>('approval-approve')!.disabled).toBe(false);
  });

  it('after the answer: the outcome replaces the buttons and takes the focus', async () => {
    const { shell } = fakeShell();
    const { r, turn } = asking();
    show(turn, shell, true);
    $('approval-approve')!.focus();
    await click('approval-approve');
    // The card goes with the run's confirmation; focus would otherwise fall to the page.
    (document.activeElement as HTMLElement | null)?.blur();
    show(r.apply([800, { type: 'approval_resolved', call_id: 'w1', approved: true, always: false }]), shell, true);
    expect($('approval')).toBeNull();
    expect($('approval-outcome')!.textContent).toBe('Approved');
    expect(document.activeElement).toBe($('approval-outcome'));
    expect($('step')!.dataset.phase).toBe('running');
  });

  it('says "Approved with your changes" and "Denied"', () => {
    const { shell } = fakeShell();
    const edited = asking().r;
    show(
      edited.apply([20, { type: 'approval_resolved', call_id: 'w1', approved: true, args: { path: 'a.md' }, always: true }]),
      shell,
      true,
    );
    expect($('approval-outcome')!.textContent).toBe('Approved with your changes · always allowed from now on');
    expect($('step')!.textContent).toContain('{"path": "a.md"}');

    const denied = asking().r;
    show(
      denied.apply(
        [20, { type: 'approval_resolved', call_id: 'w1', approved: false, always: false }],
        [21, { type: 'tool_result', call_id: 'w1', ok: false, output: 'denied by the user', duration_ms: 0 }],
      ),
      shell,
      true,
    );
    expect($('approval-outcome')!.textContent).toBe('Denied');
    expect($('step')!.dataset.state).toBe('failed');
    expect($('step')!.textContent).toContain('denied by the user');
  });

  it('folded: once answered the card goes and focus returns to the steps toggle', async () => {
    const { shell } = fakeShell();
    const { r, turn } = asking();
    show(turn, shell);
    await click('approval-deny');
    (document.activeElement as HTMLElement | null)?.blur();
    show(r.apply([20, { type: 'approval_resolved', call_id: 'w1', approved: false, always: false }]), shell);
    expect($('step')).toBeNull();
    expect(document.activeElement).toBe($('steps-toggle'));
  });
});

describe('a running call', () => {
  function fetching() {
    const r = run();
    const turn = r.apply(
      [0, { type: 'run_started', provider: 'mock', model: 'm', started_at: STARTED_AT }],
      [12, { type: 'tool_call', call_id: 'f1', name: 'web_fetch', args: { url: 'https://example.com' } }],
    );
    return { r, turn };
  }

  it('ticks its elapsed time and stops at the result, showing duration_ms', async () => {
    const { shell } = fakeShell();
    const { r, turn } = fetching();
    show(turn, shell, true);
    const elapsed = $('step-elapsed')!;
    expect(elapsed.textContent).toBe('0.0 s');
    await act(async () => {
      await vi.advanceTimersByTimeAsync(3200);
    });
    expect(elapsed.textContent).toBe('3.2 s');
    show(r.apply([4012, { type: 'tool_result', call_id: 'f1', ok: true, output: 'ok', duration_ms: 4000 }]), shell, true);
    expect($('step-elapsed')).toBeNull();
    expect($('step-cancel')).toBeNull();
    expect($('step')!.querySelector('.step-duration')!.textContent).toBe('4.0 s');
    expect(vi.getTimerCount()).toBe(0);
  });

  it('Cancel asks the shell to cancel that call, named for its tool', async () => {
    const { shell, calls } = fakeShell();
    show(fetching().turn, shell, true);
    const cancel = $<HTMLButtonElement>('step-cancel')!;
    expect(cancel.getAttribute('aria-label')).toBe('Cancel web_fetch');
    await click('step-cancel');
    expect(calls.cancelled).toEqual([['r', 'f1']]);
    expect(cancel.textContent).toBe('Cancelling…');
    expect(cancel.disabled).toBe(true);
  });

  it('a run that finishes stops the timer', () => {
    const { shell } = fakeShell();
    const { r, turn } = fetching();
    show(turn, shell, true);
    expect(vi.getTimerCount()).toBe(1);
    show(r.apply([900, { type: 'run_finished', reason: 'cancelled' }]), shell, true);
    expect($('step-elapsed')).toBeNull();
    expect(vi.getTimerCount()).toBe(0);
    expect($('step')!.textContent).toContain('Stopped before it returned.');
  });
});
