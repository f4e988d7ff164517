// @vitest-environment happy-dom
// The window wired to a fake shell: what the user sees after each action and event batch.
import { act } from 'react';
import { createRoot } from 'react-dom/client';
import { describe, expect, it } from 'vitest';
import type { EventKind } from './generated/protocol';
import { appDriver } from './test-support/appDriver';
import { mountPerTest } from './test-support/dom';

const PROMPT = 'What is 17 * 23, and what time is it in Tokyo?';

const dom = mountPerTest();
const { byTestId, allByTestId } = dom;
const { nextFrame, settle, type, press, startApp, listeningApp, send } = appDriver(dom);

describe('App', () => {
  it('sends an approval and a cancel to the shell for the run they belong to', async () => {
    const fake = await listeningApp();
    const { runId } = send(fake, 'Write the list to a file, then fetch the page');
    const args = { path: 'todo.md', content: 'milk' };
    fake.emit(
      runId,
      { type: 'tool_call', call_id: 'w1', name: 'write_file', args },
      { type: 'approval_required', call_id: 'w1', name: 'write_file', args },
    );
    await nextFrame();
    await act(async () => byTestId('approval-deny')!.click());
    expect(fake.calls.approvals).toEqual([[runId, 'w1', { approved: false, always: false }]]);

    fake.emit(runId, { type: 'tool_call', call_id: 'f1', name: 'web_fetch', args: { url: 'https://example.com' } });
    await nextFrame();
    act(() => byTestId('steps-toggle')!.click());
    await act(async () => byTestId('step-cancel')!.click());
    expect(fake.calls.cancelled).toEqual([[runId, 'f1']]);
  });

  it('keeps the composer disabled until the event listener is registered', async () => {
    const fake = await startApp();
    expect((byTestId('composer-input') as HTMLTextAreaElement).disabled).toBe(true);
    expect((byTestId('send-button') as HTMLButtonElement).disabled).toBe(true);
    fake.listen();
    await settle();
    expect((byTestId('composer-input') as HTMLTextAreaElement).disabled).toBe(false);
    expect(document.activeElement).toBe(byTestId('composer-input'));
    expect((byTestId('send-button') as HTMLButtonElement).disabled).toBe(true);
    type(PROMPT);
    expect((byTestId('send-button') as HTMLButtonElement).disabled).toBe(false);
    expect(byTestId('provider-label')!.textContent).toBe('Offline demo — no model');
  });

  it('runs a prompt from Enter to the finished answer', async () => {
    const fake = await listeningApp();
    type(PROMPT);
    press('Enter');

    // Same frame: user bubble, pending turn with skeleton and chip, Stop instead of Send.
    expect(byTestId('user-message')!.textContent).toBe(PROMPT);
    expect(byTestId('turn')!.dataset.state).toBe('pending');
    expect(byTestId('status-chip')!.textContent).toBe('Planning…');
    expect(byTestId('status-chip')!.getAttribute('aria-live')).toBe('polite');
    expect(dom.container.querySelector('.skeleton')).not.toBeNull();
    expect(byTestId('stop-button')).not.toBeNull();
    expect(byTestId('send-button')).toBeNull();
    expect((byTestId('composer-input') as HTMLTextAreaElement).value).toBe('');
    expect(fake.calls.started).toHaveLength(1);
    const { runId, conversationId, prompt } = fake.calls.started[0]!;
    expect(prompt).toBe(PROMPT);
    expect(runId).toMatch(/^[0-9a-f-]{36}$/);
    expect(conversationId).toMatch(/^[0-9a-f-]{36}$/);

    fake.emit(
      runId,
      { type: 'run_started', provider: 'offline', model: 'demo', started_at: 0 },
      { type: 'status', message: 'Calculating…', icon: 'calculator' },
      { type: 'tool_call', call_id: 'a', name: 'calculator', args: { expression: '17 * 23' } },
    );
    fake.emit(runId, { type: 'tool_result', call_id: 'a', ok: true, output: '391', duration_ms: 2 });
    fake.emit(runId, { type: 'status', message: 'Checking the time in Asia/Tokyo…', icon: 'clock' });
    fake.emit(runId, { type: 'tool_call', call_id: 'b', name: 'clock', args: { timezone: 'Asia/Tokyo' } });
    fake.emit(runId, { type: 'ping', waiting_for: 'clock' }, { type: 'ping', waiting_for: 'clock' });
    await nextFrame();
    // 200 ms in (seq 5..8 at 100 ms apart): the wait shows, under a second, without a count.
    expect(byTestId('status-chip')!.textContent).toBe('Checking the time in Asia/Tokyo… · waiting on clock');

    fake.emit(runId, ...Array.from({ length: 10 }, (): EventKind => ({ type: 'ping', waiting_for: 'clock' })));
    await nextFrame();
    expect(byTestId('status-chip')!.textContent).toBe('Checking the time in Asia/Tokyo… · waiting on clock · 1 s');

    const toggle = byTestId('steps-toggle')!;
    expect(toggle.getAttribute('aria-expanded')).toBe('false');
    expect(toggle.textContent).toBe('▸2 steps · 1.7 s');
    act(() => toggle.click());
    expect(toggle.getAttribute('aria-expanded')).toBe('true');
    expect(allByTestId('step').map((s) => s.dataset.state)).toEqual(['done', 'running']);

    fake.emit(runId, { type: 'tool_result', call_id: 'b', ok: true, output: '09:00', duration_ms: 400 });
    fake.emit(runId, { type: 'status', message: 'Writing the answer…', icon: 'writing' }, { type: 'token', text: '17 × 23 = 391.' });
    await nextFrame();
    expect(byTestId('turn')!.dataset.state).toBe('streaming');
    expect(dom.container.querySelector('.skeleton')).toBeNull();
    expect(byTestId('answer')!.textContent).toBe('17 × 23 = 391.');
    expect(byTestId('status-chip')!.textContent).toBe('Writing the answer…');
    expect(byTestId('conversation-cost')).toBeNull();

    fake.emit(
      runId,
      { type: 'token', text: '\nIt is 09:00 in Tokyo.' },
      { type: 'run_finished', reason: 'completed', usage: { input_tokens: 1000, output_tokens: 204 }, ttft_ms: 412, cost_usd: 0.0045 },
    );
    await nextFrame();
    expect(byTestId('turn')!.dataset.state).toBe('completed');
    expect(byTestId('conversation-cost')!.textContent).toBe('$0.0045');
    expect(byTestId('answer')!.textContent).toBe('17 × 23 = 391.\nIt is 09:00 in Tokyo.');
    expect(byTestId('status-chip')).toBeNull();
    expect(byTestId('run-meta')!.textContent).toBe('1,000 in · 204 out · 114 tok/s · 412 ms to first token · $0.0045');
    expect(allByTestId('step').map((s) => s.dataset.state)).toEqual(['done', 'done']);
    expect(byTestId('send-button')).not.toBeNull();
    expect(byTestId('stop-button')).toBeNull();
    expect(dom.container.querySelector('.conversation-link')!.textContent).toBe(PROMPT);
    // The header shows the whole title on hover, however narrow it gets.
    expect(byTestId('header-title')!.textContent).toBe(PROMPT);
    expect(byTestId('header-title')!.title).toBe(PROMPT);
  });

  it('stops with Esc and keeps the partial answer, marked stopped', async () => {
    const fake = await listeningApp();
    const { runId } = send(fake, 'Tell me a long story');
    fake.emit(runId, { type: 'token', text: 'Once upon' });
    await nextFrame();
    press('Escape');
    expect(fake.calls.stopped).toEqual([runId]);
    expect(byTestId('status-chip')!.textContent).toContain('Stopping…');
    fake.emit(runId, { type: 'run_finished', reason: 'cancelled' });
    await nextFrame();
    expect(byTestId('turn')!.dataset.state).toBe('cancelled');
    expect(byTestId('answer')!.textContent).toBe('Once upon');
    expect(byTestId('run-meta')!.textContent).toContain('Stopped');
    expect(byTestId('send-button')).not.toBeNull();
  });

  it('shows an error in place of the chip, below the partial text', async () => {
    const fake = await listeningApp();
    type('hi');
    act(() => byTestId('send-button')!.click());
    const { runId } = fake.calls.started[0]!;
    fake.emit(
      runId,
      { type: 'token', text: 'Partial' },
      { type: 'error', code: 'network', message: 'Could not reach the provider.', retryable: false },
      { type: 'run_finished', reason: 'error' },
    );
    await nextFrame();
    expect(byTestId('turn')!.dataset.state).toBe('error');
    expect(byTestId('status-chip')).toBeNull();
    expect(byTestId('turn-error')!.textContent).toBe('Could not reach the provider.');
    expect(byTestId('answer')!.textContent).toBe('Partial');
  });

  it('renders Markdown and opens its links outside the window', async () => {
    const fake = await listeningApp();
    const { runId } = send(fake, 'links');
    fake.emit(
      runId,
      { type: 'token', text: '## Sources\n\nSee [the docs](https://example.com/docs) and ' },
      { type: 'token', text: '[bad](javascript:alert(1)).\n\n```js\nlet x = 1;\n```' },
      { type: 'run_finished', reason: 'completed' },
    );
    await nextFrame();
    const answer = byTestId('answer')!;
    expect(answer.querySelector('h2')!.textContent).toBe('Sources');
    const links = [...answer.querySelectorAll('a')];
    expect(links.map((a) => a.getAttribute('href'))).toEqual(['https://example.com/docs']);
    expect(answer.textContent).toContain('[bad](javascript:alert(1))');
    const click = new window.MouseEvent('click', { bubbles: true, cancelable: true });
    act(() => {
      links[0]!.dispatchEvent(click);
    });
    expect(click.defaultPrevented).toBe(true);
    expect(fake.calls.opened).toEqual(['https://example.com/docs']);
    expect(answer.querySelector('.code-block .hljs-keyword')!.textContent).toBe('let');
    expect(answer.querySelector('button[data-copy]')!.textContent).toBe('');
  });

  it('opens a new chat with Ctrl+N and regenerates a finished answer', async () => {
    const fake = await listeningApp();
    const { runId, conversationId } = send(fake, 'first question');
    fake.emit(runId, { type: 'token', text: 'An answer.' }, { type: 'run_finished', reason: 'completed' });
    await nextFrame();
    act(() => byTestId('regenerate')!.click());
    expect(fake.calls.started.map((r) => [r.prompt, r.conversationId, r.parent])).toEqual([
      ['first question', conversationId, { kind: 'root' }],
      // Another version of the first answer: a first turn again, beside it.
      ['first question', conversationId, { kind: 'root' }],
    ]);
    // The new version takes the old one's place, with a picker to go back to it.
    expect(allByTestId('turn')).toHaveLength(1);
    expect(byTestId('version-picker')!.textContent).toBe('‹2 / 2›');
    // A run is going: no Regenerate now.
    expect(byTestId('regenerate')).toBeNull();
    const second = fake.calls.started[1]!.runId;
    fake.emit(second, { type: 'token', text: 'Another answer.' }, { type: 'run_finished', reason: 'completed' });
    await nextFrame();
    expect(byTestId('answer')!.textContent).toBe('Another answer.');
    act(() => dom.container.querySelector<HTMLButtonElement>('[aria-label="Previous version"]')!.click());
    expect(byTestId('answer')!.textContent).toBe('An answer.');
    expect(byTestId('version-picker')!.textContent).toBe('‹1 / 2›');
    // What is sent next continues the version shown.
    send(fake, 'and then?');
    expect(fake.calls.started[2]!.parent).toEqual({ kind: 'run', run_id: runId });
    press('n', { ctrlKey: true });
    expect(dom.container.querySelector('.empty-state')).not.toBeNull();
    expect(dom.container.querySelectorAll('.conversation-link')).toHaveLength(2);
  });

  it('adds a line on Shift+Enter instead of sending', async () => {
    const fake = await listeningApp();
    type('first line');
    press('Enter', { shiftKey: true });
    expect(fake.calls.started).toEqual([]);
  });

  it('starts a fresh chat from "+ New chat"', async () => {
    const fake = await listeningApp();
    const first = send(fake, 'one');
    fake.emit(first.runId, { type: 'run_finished', reason: 'completed' });
    await nextFrame();
    act(() => byTestId('new-chat')!.click());
    expect(allByTestId('turn')).toHaveLength(0);
    const second = send(fake, 'two');
    expect(second.conversationId).not.toBe(first.conversationId);
    expect([...dom.container.querySelectorAll('.conversation-link')].map((e) => e.textContent)).toEqual(['two', 'one']);
  });

  it('removes the listener on teardown', async () => {
    const fake = await listeningApp();
    act(() => dom.root.unmount());
    expect(fake.calls.unlistened).toBe(1);
    dom.root = createRoot(dom.container);
  });
});
