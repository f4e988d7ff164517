// The live draft: opens at the first argument byte, fills field by field, editable at the end.
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import type { Event, EventKind } from '../generated/protocol';
import { initialState, reducer } from '../state/reducer';
import type { AppState, Turn } from '../state/types';
import { latestDraft } from '../drafts/useDraft';
import { DraftPanel } from './DraftPanel';

const ARGS = JSON.stringify({ to: 'Alice', subject: 'Launch', body: 'Hi Alice,\n\nIt ships Monday.' });

function turnAfter(kinds: EventKind[]): Turn {
  let state: AppState = reducer(initialState('c', 0), { type: 'submit', conversationId: 'c', runId: 'r', prompt: 'p', now: 0 });
  const events: Event[] = kinds.map((kind, seq) => ({ run_id: 'r', seq, t_ms: seq, ...kind }));
  state = reducer(state, { type: 'events', events });
  return state.turns.r!;
}

const delta = (args_delta: string): EventKind => ({ type: 'tool_call_delta', call_id: 'd1', name: 'draft_email', args_delta });

function panel(turn: Turn): string {
  const draft = latestDraft([turn]);
  expect(draft).toBeDefined();
  return renderToStaticMarkup(<DraftPanel turn={draft!.turn} step={draft!.step} onClose={() => {}} />);
}

describe('DraftPanel', () => {
  it('is not there before a drafting tool streams', () => {
    expect(latestDraft([turnAfter([{ type: 'token', text: 'hi' }])])).toBeUndefined();
  });

  it('opens at the first byte and shows the fields written so far, marking the one being written', () => {
    const out = panel(turnAfter([delta(ARGS.slice(0, 1))]));
    expect(out).toContain('data-testid="draft-panel" data-state="streaming"');
    const half = panel(turnAfter([delta(ARGS.slice(0, 10)), delta(ARGS.slice(10, 30))]));
    expect(half).toMatch(/data-testid="draft-field-to"[^>]*value="Alice"|value="Alice"[^>]*data-testid="draft-field-to"/);
    expect(half).toContain('draft-input draft-writing');
    expect(half).toContain('Drafting email…');
  });

  it('is editable and copyable once the run finished', () => {
    const out = panel(
      turnAfter([
        delta(ARGS.slice(0, 20)),
        delta(ARGS.slice(20)),
        { type: 'tool_call', call_id: 'd1', name: 'draft_email', args: JSON.parse(ARGS) },
        { type: 'tool_result', call_id: 'd1', ok: true, output: 'ok', duration_ms: 1 },
        { type: 'run_finished', reason: 'completed' },
      ]),
    );
    expect(out).toContain('data-state="editable"');
    expect(out).not.toContain('readonly');
    expect(out).toContain('It ships Monday.');
    expect(out).not.toMatch(/data-testid="draft-copy"[^>]*disabled/);
  });
});
