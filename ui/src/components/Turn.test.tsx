// Renders turns to HTML (no DOM needed) and checks what the end-to-end test relies on.
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import type { Event, EventKind } from '../generated/protocol';
import { initialState, reducer } from '../state/reducer';
import type { AppState, Turn as TurnValue } from '../state/types';
import { elapsedLabel } from './StatusChip';
import { ToolTimeline } from './ToolTimeline';
import { Turn } from './Turn';

function turnAfter(kinds: EventKind[], stop = false): TurnValue {
  let state: AppState = reducer(initialState('c', 0), { type: 'submit', conversationId: 'c', runId: 'r', prompt: 'p', now: 0 });
  if (stop) state = reducer(state, { type: 'stop_requested', runId: 'r' });
  const events: Event[] = kinds.map((kind, seq) => ({ run_id: 'r', seq, t_ms: seq * 100, ...kind }));
  state = reducer(state, { type: 'events', events });
  return state.turns.r!;
}

const html = (turn: TurnValue) => renderToStaticMarkup(<Turn turn={turn} />);

describe('Turn', () => {
  it('shows the skeleton and the Planning chip before any event', () => {
    const out = html(turnAfter([]));
    expect(out).toContain('data-testid="turn" data-state="pending"');
    expect(out).toMatch(/data-testid="status-chip"[^>]*aria-live="polite"/);
    expect(out).toContain('Planning…');
    expect(out).toContain('class="skeleton"');
    expect(out).not.toContain('data-testid="answer"');
    expect(out).not.toContain('data-testid="run-meta"');
  });

  it('replaces the skeleton with the streaming answer', () => {
    const out = html(turnAfter([{ type: 'token', text: 'Line 1\nLine <2>' }]));
    expect(out).toContain('data-state="streaming"');
    expect(out).not.toContain('class="skeleton"');
    expect(out).toContain(
      'data-testid="answer"><div class="md-group"><div class="md-block"><p>Line 1\nLine &lt;2&gt;</p></div></div></div>',
    );
  });

  it('hides an answer of nothing but white space (there is nothing to draw)', () => {
    expect(html(turnAfter([{ type: 'token', text: '\n\n  ' }]))).toContain('class="answer markdown answer-streaming answer-blank"');
    expect(
      html(
        turnAfter([
          { type: 'token', text: '\n\n  ' },
          { type: 'token', text: 'Hi' },
        ]),
      ),
    ).toContain('class="answer markdown answer-streaming" data-testid="answer"');
  });

  it('counts the wait on the chip', () => {
    const turn = turnAfter([
      { type: 'status', message: 'Checking the time in Asia/Tokyo…', icon: 'clock' },
      ...Array.from({ length: 30 }, (): EventKind => ({ type: 'ping', waiting_for: 'clock' })),
    ]);
    expect(elapsedLabel(turn)).toBe('waiting on clock · 3 s');
    expect(html(turn)).toContain('waiting on clock · 3 s');
  });

  it('shows the steps row collapsed, then each step in order when open', () => {
    const turn = turnAfter([
      { type: 'thought', text: 'Multiply first.' },
      { type: 'tool_call', call_id: 'a', name: 'calculator', args: { expression: '17 * 23' } },
      { type: 'tool_result', call_id: 'a', ok: true, output: '391', duration_ms: 3 },
      { type: 'tool_call_delta', call_id: 'b', name: 'clock', args_delta: '{"timezone": "Asia/' },
    ]);
    const collapsed = html(turn);
    expect(collapsed).toMatch(/data-testid="steps-toggle" aria-expanded="false"/);
    expect(collapsed).toMatch(/<span>2 steps<\/span><span class="steps-total"> · [^<]+<\/span>/);
    expect(collapsed).not.toContain('data-testid="step"');
    const open = renderToStaticMarkup(<ToolTimeline turn={turn} initiallyExpanded />);
    const steps = [...open.matchAll(/data-testid="step" data-kind="(\w+)"(?: data-state="(\w+)")?/g)].map((m) => [m[1], m[2]]);
    expect(steps).toEqual([
      ['thought', undefined],
      ['tool', 'done'],
      ['tool', 'running'],
    ]);
    expect(open).toContain('<code class="step-args-inline">{&quot;expression&quot;: &quot;17 * 23&quot;}</code>');
    expect(open).toContain('{&quot;timezone&quot;: &quot;Asia/');
  });

  it('shows the meta line after a completed run, without the chip', () => {
    const out = html(
      turnAfter([
        { type: 'token', text: '391' },
        { type: 'run_finished', reason: 'completed', usage: { input_tokens: 1000, output_tokens: 204 }, ttft_ms: 412 },
      ]),
    );
    expect(out).toContain('data-state="completed"');
    expect(out).not.toContain('data-testid="status-chip"');
    // The run ended (t_ms 100) before its reported first token: no rate to show.
    expect(out).toMatch(/data-testid="run-meta"[^>]*>1,000 in · 204 out · 412 ms to first token</);
  });

  it('shows tokens per second from the first token to the end, and the cost', () => {
    const out = html(
      turnAfter([
        { type: 'status', message: 'Planning…' },
        { type: 'token', text: 'One' },
        { type: 'token', text: ' two' },
        { type: 'token', text: ' three' },
        { type: 'run_finished', reason: 'completed', usage: { input_tokens: 1200, output_tokens: 204 }, ttft_ms: 100, cost_usd: 0.00504 },
      ]),
    );
    // 204 tokens between the first token (100 ms) and the end (400 ms): 680 a second.
    expect(out).toMatch(/data-testid="run-meta"[^>]*>1,200 in · 204 out · 680 tok\/s · 100 ms to first token · \$0\.005</);
  });

  it('shows a free local model as costing $0, and no cost when the price is unknown', () => {
    const finished = (cost_usd?: number): EventKind => ({
      type: 'run_finished',
      reason: 'completed',
      usage: { input_tokens: 10, output_tokens: 2 },
      ttft_ms: 50,
      ...(cost_usd === undefined ? {} : { cost_usd }),
    });
    expect(html(turnAfter([{ type: 'token', text: 'a' }, finished(0)]))).toMatch(/10 in · 2 out · 40 tok\/s · 50 ms to first token · \$0</);
    expect(html(turnAfter([{ type: 'token', text: 'a' }, finished()]))).not.toContain('$');
  });

  it('marks a stopped answer and keeps it', () => {
    const out = html(
      turnAfter(
        [
          { type: 'token', text: 'Partial' },
          { type: 'run_finished', reason: 'cancelled' },
        ],
        true,
      ),
    );
    expect(out).toContain('data-state="cancelled"');
    expect(out).toContain('<p>Partial</p>');
    expect(out).toContain('Stopped');
  });

  it('says Stopping… on the chip once stop was asked for', () => {
    expect(html(turnAfter([{ type: 'token', text: 'x' }], true))).toContain('Stopping…');
  });

  it('turns the chip into the error message, text above it', () => {
    const out = html(
      turnAfter([
        { type: 'token', text: 'So far' },
        { type: 'error', code: 'network', message: 'Could not reach the provider.', retryable: true },
      ]),
    );
    expect(out).toContain('data-state="error"');
    expect(out).not.toContain('data-testid="status-chip"');
    expect(out.indexOf('So far')).toBeLessThan(out.indexOf('data-testid="turn-error"'));
    expect(out).toContain('Could not reach the provider.');
  });

  it('keeps chip, steps summary and trail on one line; the trail holds the finished phases', () => {
    const running = turnAfter([
      { type: 'status', message: 'Planning…', icon: 'planning' },
      { type: 'status', message: 'Calculating 17 * 23…', icon: 'calculator' },
      { type: 'tool_call', call_id: 'a', name: 'calculator', args: { expression: '17 * 23' } },
      { type: 'ping', waiting_for: 'calculator' },
      { type: 'ping', waiting_for: 'calculator' },
    ]);
    const live = html(running);
    const line = live.slice(live.indexOf('class="steps-line"'), live.indexOf('</div></div>'));
    expect(line).toContain('data-testid="status-chip"');
    expect(line).toContain('data-testid="steps-toggle"');
    // A tool is running: the summary counts up with the run's clock (t_ms of the last ping).
    expect(line).toContain('1 step</span><span class="steps-total"> · 400 ms');
    expect(live).toMatch(/class="trail"[^>]*>.*Planning<\/span><\/li><\/ol>/);
    expect(live).not.toMatch(/class="trail".*Calculating/);

    const done = turnAfter([
      { type: 'status', message: 'Calculating 17 * 23…', icon: 'calculator' },
      { type: 'tool_call', call_id: 'a', name: 'calculator', args: { expression: '17 * 23' } },
      { type: 'tool_result', call_id: 'a', ok: true, output: '391', duration_ms: 0.03 },
      { type: 'status', message: 'Writing the answer…', icon: 'writing' },
      { type: 'token', text: '391' },
      { type: 'run_finished', reason: 'completed' },
    ]);
    const out = html(done);
    expect(out).not.toContain('data-testid="status-chip"');
    expect(out).toContain('1 step</span><span class="steps-total"> · 200 ms');
    expect(out).toMatch(/class="trail".*Calculating 17 \* 23<\/span>.*Writing the answer<\/span>/);
    const open = renderToStaticMarkup(<ToolTimeline turn={done} initiallyExpanded />);
    expect(open).toContain('<span class="step-duration">&lt;1 ms</span>');
  });

  it('offers Retry on a retryable error once the run ended, and sends the same prompt', () => {
    const turn = turnAfter([
      { type: 'error', code: 'rate_limited', message: 'Slow down.', retryable: true },
      { type: 'run_finished', reason: 'error' },
    ]);
    const prompts: string[] = [];
    const out = renderToStaticMarkup(<Turn turn={turn} onRetry={(p) => prompts.push(p)} />);
    expect(out).toMatch(/data-testid="turn-error".*>Retry<\/button>/);
    expect(renderToStaticMarkup(<Turn turn={turn} />)).not.toContain('Retry');
  });

  it('offers Continue under an answer cut off, and shows which version it is', () => {
    const stopped = turnAfter(
      [
        { type: 'token', text: 'Half' },
        { type: 'run_finished', reason: 'cancelled' },
      ],
      true,
    );
    const out = renderToStaticMarkup(
      <Turn turn={stopped} onContinue={() => {}} version={{ index: 1, count: 3 }} onPickVersion={() => {}} />,
    );
    expect(out).toContain('data-testid="continue-answer"');
    expect(out).toMatch(/data-testid="version-picker".*2 \/ 3/);
    const done = turnAfter([
      { type: 'token', text: 'Whole' },
      { type: 'run_finished', reason: 'completed' },
    ]);
    expect(renderToStaticMarkup(<Turn turn={done} onContinue={() => {}} />)).not.toContain('continue-answer');
    expect(renderToStaticMarkup(<Turn turn={done} version={{ index: 0, count: 1 }} onPickVersion={() => {}} />)).not.toContain(
      'version-picker',
    );
  });
});
