// The line under a finished answer: stopped or not, tokens in and out, tokens per second, time
// to first token, and what it cost.
import { formatCount, formatDuration, formatUsd } from '../format';
import { tokensPerSecond, ttftMs } from '../state/selectors';
import type { Turn } from '../state/types';
import './RunMeta.css';

export function runMetaParts(turn: Turn): string[] {
  const parts: string[] = [];
  const usage = turn.finish?.usage;
  if (usage) parts.push(`${formatCount(usage.input_tokens)} in · ${formatCount(usage.output_tokens)} out`);
  const rate = tokensPerSecond(turn);
  if (rate !== undefined) parts.push(`${formatCount(rate)} tok/s`);
  const ttft = ttftMs(turn);
  if (ttft !== undefined) parts.push(`${formatDuration(ttft)} to first token`);
  const cost = turn.finish?.costUsd;
  if (cost !== undefined) parts.push(formatUsd(cost));
  return parts;
}

export function RunMeta({ turn }: { turn: Turn }) {
  if (!turn.finish) return null;
  const stopped = turn.phase === 'cancelled';
  const interrupted = turn.phase === 'interrupted';
  const parts = runMetaParts(turn);
  if (!stopped && !interrupted && parts.length === 0) return null;
  const usage = turn.finish.usage;
  const title = [
    turn.model ? `${turn.provider ?? ''} · ${turn.model}` : '',
    usage ? `${formatCount(usage.input_tokens)} tokens in (the prompt) · ${formatCount(usage.output_tokens)} out (the answer)` : '',
    turn.finish.costUsd !== undefined ? "Cost from the tokens and the model's price" : '',
  ]
    .filter(Boolean)
    .join('\n');
  return (
    <p className="run-meta" data-testid="run-meta" title={title || undefined}>
      {stopped && <span className="badge badge-stopped">Stopped</span>}
      {interrupted && (
        <span
          className="badge badge-interrupted"
          data-testid="interrupted-marker"
          title="The app closed before this answer finished; what had streamed was saved."
        >
          Interrupted
        </span>
      )}
      {parts.join(' · ')}
    </p>
  );
}
