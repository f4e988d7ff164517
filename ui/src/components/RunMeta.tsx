// The line under a finished answer: stopped or not, time to first token, tokens used.
import { formatCount, formatDuration } from '../format';
import { ttftMs } from '../state/selectors';
import type { Turn } from '../state/types';
import './RunMeta.css';

export function runMetaParts(turn: Turn): string[] {
  const parts: string[] = [];
  const ttft = ttftMs(turn);
  if (ttft !== undefined) parts.push(`${formatDuration(ttft)} to first token`);
  const usage = turn.finish?.usage;
  if (usage) parts.push(`${formatCount(usage.input_tokens + usage.output_tokens)} tokens`);
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
    usage ? `${formatCount(usage.input_tokens)} in · ${formatCount(usage.output_tokens)} out` : '',
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
