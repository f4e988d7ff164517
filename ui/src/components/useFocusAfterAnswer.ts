// After the user answers an approval its buttons go, which would leave focus nowhere (the page).
// Once the run confirms the answer, focus lands on the outcome ("Approved") in the open steps
// list, or on the steps toggle when the list is folded, unless the user moved focus meanwhile.
import { useCallback, useEffect, useRef, type RefObject } from 'react';
import { toolPhase } from '../state/selectors';
import type { Turn } from '../state/types';

/** Returns the callback the approval card calls with the call id the user answered. */
export function useFocusAfterAnswer(
  turn: Turn,
  row: RefObject<HTMLElement | null>,
  toggle: RefObject<HTMLElement | null>,
): (callId: string) => void {
  const answered = useRef<string | null>(null);
  useEffect(() => {
    const callId = answered.current;
    if (callId === null) return;
    const step = turn.steps.find((s) => s.kind === 'tool' && s.id === callId);
    if (step?.kind === 'tool' && toolPhase(step) === 'waiting') return;
    answered.current = null;
    const active = document.activeElement;
    if (active && active !== document.body) return;
    const outcome = row.current?.querySelector<HTMLElement>(`[data-call-id="${CSS.escape(callId)}"] [data-testid="approval-outcome"]`);
    (outcome ?? toggle.current)?.focus();
  }, [turn, row, toggle]);
  return useCallback((callId: string) => {
    answered.current = callId;
  }, []);
}
