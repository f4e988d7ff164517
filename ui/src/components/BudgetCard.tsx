// A run paused at a budget it reached: what it used against its limit, and Continue anyway (that
// budget is lifted for the rest of the run) or Stop (the run ends, keeping what it wrote). It
// stays until the run confirms the answer (`budget_resolved`), so a failed send can be retried;
// after it, a quiet line says what became of the budget.
import { useContext, useId } from 'react';
import type { BudgetAnswer } from '../generated/ipc';
import type { BudgetKind } from '../generated/protocol';
import { ShellContext } from '../shell';
import type { TurnBudget } from '../state/types';
import { AnswerNotSent } from './AnswerNotSent';
import { StatusIcon } from './StatusIcon';
import { useSendOnce } from './useSendOnce';
// The amber card of waiting on the user, as a call that asks first has.
import './ApprovalCard.css';
import './BudgetCard.css';

export interface BudgetCardProps {
  runId: string;
  budget: TurnBudget;
  /** The run ended: nothing waits for an answer any more. */
  finished: boolean;
}

const NAMES: Record<BudgetKind, string> = {
  seconds: 'time',
  tool_calls: 'tool-call',
  output_tokens: 'output-token',
  cost_usd: 'cost',
};

/** What a run paused at a budget of `kind` is, in words (the card's title and the chip's). */
export function pausedAt(kind: BudgetKind): string {
  return `Paused at its ${NAMES[kind]} budget`;
}

/** How much of `kind` a run used against its limit, in words. */
export function budgetUsage(kind: BudgetKind, used: number, limit: number): string {
  switch (kind) {
    case 'seconds':
      return `${used.toFixed(1)} s of its ${limit} s`;
    case 'tool_calls':
      return `${used} tool calls, with a budget of ${limit}`;
    case 'output_tokens':
      return `${used} output tokens of its ${limit}`;
    case 'cost_usd':
      // Three significant digits: a cost just past its limit must not read as the limit.
      return `$${Number(used.toPrecision(3))} of its $${limit}`;
  }
}

export function BudgetCard({ runId, budget, finished }: BudgetCardProps) {
  const shell = useContext(ShellContext);
  const titleId = useId();
  const { sending, failure, send } = useSendOnce();
  const name = NAMES[budget.kind];

  if (budget.state !== 'waiting' || finished) {
    // A run that stopped at its budget without asking (the CLI's) says so in its error.
    if (budget.state === 'waiting') return null;
    return (
      <p className="budget-note" data-testid="budget-note">
        {budget.state === 'continued' ? `Went on past its ${name} budget (${budget.limit}).` : `Stopped at its ${name} budget.`}
      </p>
    );
  }

  const answer = (reply: BudgetAnswer) => send(() => shell.resolveBudget(runId, reply));

  return (
    <div className="approval" role="group" aria-labelledby={titleId} data-testid="budget-card">
      <p className="approval-title" id={titleId}>
        <StatusIcon name="waiting" className="approval-icon" />
        <span>{pausedAt(budget.kind)}</span>
      </p>
      <p className="field-hint" data-testid="budget-usage">
        The run used {budgetUsage(budget.kind, budget.used, budget.limit)}. What it wrote so far is kept.
      </p>
      <div className="approval-buttons">
        <button
          type="button"
          className="button button-primary button-small"
          data-testid="budget-continue"
          disabled={sending}
          title={`Lift the ${name} budget for the rest of this run`}
          onClick={() => answer('continue')}
        >
          Continue anyway
        </button>
        <button type="button" className="button button-small" data-testid="budget-stop" disabled={sending} onClick={() => answer('stop')}>
          Stop
        </button>
      </div>
      <AnswerNotSent failure={failure} />
    </div>
  );
}
