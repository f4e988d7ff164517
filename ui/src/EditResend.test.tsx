// @vitest-environment happy-dom
// Edit & resend in the window: a new branch forks at the prompt, with a picker on the prompt
// that brings the old branch (and its later turns) back.
import { act } from 'react';
import { describe, expect, it } from 'vitest';
import { appDriver, type FakeBackend } from './test-support/appDriver';
import { mountPerTest } from './test-support/dom';

const dom = mountPerTest();
const { byTestId, allByTestId } = dom;
const { nextFrame, listeningApp, send } = appDriver(dom);

async function answer(fake: FakeBackend, runId: string, text: string) {
  fake.emit(runId, { type: 'token', text }, { type: 'run_finished', reason: 'completed' });
  await nextFrame();
}

const texts = (id: string) => allByTestId(id).map((e) => e.textContent);

/** Sets the edit field's text as typing would. */
function typeEdit(text: string) {
  const input = byTestId<HTMLTextAreaElement>('edit-input')!;
  act(() => {
    Object.getOwnPropertyDescriptor(HTMLTextAreaElement.prototype, 'value')!.set!.call(input, text);
    input.dispatchEvent(new window.Event('input', { bubbles: true }));
  });
}

describe('Edit & resend', () => {
  it('forks at the prompt: the later turns stay on the old branch, one click away', async () => {
    const fake = await listeningApp();
    const first = send(fake, 'one?');
    await answer(fake, first.runId, 'A');
    const second = send(fake, 'two?');
    await answer(fake, second.runId, 'B');
    const third = send(fake, 'three?');
    await answer(fake, third.runId, 'C');
    expect(texts('user-message')).toEqual(['one?', 'two?', 'three?']);
    expect(byTestId('prompt-picker')).toBeNull();

    // Edit the second prompt, by keyboard: Enter in the field sends it.
    const edits = allByTestId<HTMLButtonElement>('edit-message');
    expect(edits[1]!.getAttribute('aria-label')).toBe('Edit this message and send it again');
    act(() => edits[1]!.click());
    typeEdit('2?');
    const input = byTestId('edit-input')!;
    act(() => {
      input.dispatchEvent(new window.KeyboardEvent('keydown', { key: 'Enter', bubbles: true, cancelable: true }));
    });
    const edited = fake.calls.started[3]!;
    expect([edited.prompt, edited.parent]).toEqual(['2?', { kind: 'run', run_id: first.runId }]);
    await answer(fake, edited.runId, 'E');
    // The new branch is shown: the third turn stays on the old one.
    expect(texts('user-message')).toEqual(['one?', '2?']);
    expect(texts('answer')).toEqual(['A', 'E']);
    expect(byTestId('prompt-picker')!.textContent).toBe('‹2 / 2›');
    expect(allByTestId('prompt-picker')).toHaveLength(1);
    expect(byTestId('version-picker')).toBeNull(); // a branch, not a version of an answer

    act(() => dom.container.querySelector<HTMLButtonElement>('[aria-label="Previous branch"]')!.click());
    expect(texts('user-message')).toEqual(['one?', 'two?', 'three?']);
    expect(texts('answer')).toEqual(['A', 'B', 'C']);
    expect(byTestId('prompt-picker')!.textContent).toBe('‹1 / 2›');
    // What is sent next continues the branch shown.
    send(fake, 'four?');
    expect(fake.calls.started[4]!.parent).toEqual({ kind: 'run', run_id: third.runId });
  });

  it('keeps the prompt as it was when the edit is cancelled with Escape', async () => {
    const fake = await listeningApp();
    const first = send(fake, 'one?');
    await answer(fake, first.runId, 'A');
    act(() => byTestId<HTMLButtonElement>('edit-message')!.click());
    typeEdit('changed');
    act(() => {
      byTestId('edit-input')!.dispatchEvent(new window.KeyboardEvent('keydown', { key: 'Escape', bubbles: true, cancelable: true }));
    });
    expect(byTestId('edit-input')).toBeNull();
    expect(texts('user-message')).toEqual(['one?']);
    expect(fake.calls.started).toHaveLength(1);
  });

  it('sends an edit only once its text differs: the same text again is what Regenerate is for', async () => {
    const fake = await listeningApp();
    const first = send(fake, 'Plan a day in Tokyo');
    await answer(fake, first.runId, 'A');
    act(() => byTestId('edit-message')!.click());
    const sendButton = byTestId<HTMLButtonElement>('edit-send')!;
    const hint = byTestId('edit-hint')!;
    expect(sendButton.disabled).toBe(true);
    expect(hint.textContent).toBe(
      'Change the text to send it as a new branch. For another answer to the same text, use Regenerate under the answer.',
    );
    expect(sendButton.getAttribute('aria-describedby')).toBe(hint.id);
    expect(byTestId('edit-input')!.getAttribute('aria-describedby')).toBe(hint.id);
    // Only spaces added: the same prompt, sent neither by the button nor by Enter.
    typeEdit('  Plan a day in Tokyo \n');
    expect(sendButton.disabled).toBe(true);
    act(() => {
      byTestId('edit-input')!.dispatchEvent(new window.KeyboardEvent('keydown', { key: 'Enter', bubbles: true, cancelable: true }));
    });
    expect(fake.calls.started).toHaveLength(1);

    typeEdit('Plan a day in Kyoto');
    expect(sendButton.disabled).toBe(false);
    expect(byTestId('edit-hint')!.textContent).toBe('Sends a new branch from here; the turns after this message stay on the old one.');
    act(() => sendButton.click());
    expect(fake.calls.started.map((s) => s.prompt)).toEqual(['Plan a day in Tokyo', 'Plan a day in Kyoto']);
  });
});
