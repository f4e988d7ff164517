// @vitest-environment happy-dom
// Files in the composer: added with the Attach button's file input, pasted or dropped; each shown
// as a chip once the shell checked it (a thumbnail for an image, its size, a remove button), a
// refused one with why, holding Send until removed; sent with the prompt and shown with it.
import { act } from 'react';
import { describe, expect, it } from 'vitest';
import { appDriver, type FakeBackend } from './test-support/appDriver';
import { mountPerTest } from './test-support/dom';

const dom = mountPerTest();
const { byTestId, allByTestId } = dom;
const { listeningApp, type, press, nextFrame } = appDriver(dom);

const PNG = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]);

function chooseFiles(files: File[]) {
  const input = byTestId<HTMLInputElement>('attach-input')!;
  Object.defineProperty(input, 'files', { value: files, configurable: true });
  act(() => {
    input.dispatchEvent(new window.Event('change', { bubbles: true }));
  });
}

/** Lets the files be read and the (fake) shell's checks come back. */
async function checked() {
  for (let i = 0; i < 3; i++) await nextFrame();
}

const chips = () => allByTestId('composer-file').map((chip) => [chip.dataset.state, chip.textContent]);
const sendButton = () => byTestId<HTMLButtonElement>('send-button')!;

async function withChosenFiles(): Promise<FakeBackend> {
  const fake = await listeningApp();
  chooseFiles([
    new File([PNG], 'red.png', { type: 'image/png' }),
    new File(['fn main() {}\n'], 'main.rs'),
    new File(['MZ'], 'refused.exe'),
  ]);
  await checked();
  return fake;
}

describe('attachments in the composer', () => {
  it('shows each file as a chip, a refused one with why, and holds Send until it is removed', async () => {
    const fake = await withChosenFiles();
    expect(fake.calls.checked.map((files) => files.map((f) => f.name))).toEqual([['red.png'], ['main.rs'], ['refused.exe']]);
    expect(chips()).toEqual([
      ['ready', 'red.png12 bytes×'],
      ['ready', 'main.rs13 bytes×'],
      ['refused', 'refused.exerefused.exe cannot be attached×'],
    ]);
    expect(byTestId('composer-files')!.querySelector('img')).not.toBeNull();
    expect(byTestId('composer-file-error')!.getAttribute('role')).toBe('alert');
    expect(byTestId('composer-hint')!.textContent).toContain('Remove the files that cannot be sent');
    type('What are these?');
    expect(sendButton().disabled).toBe(true);

    const remove = byTestId('composer-files')!.querySelector<HTMLButtonElement>('[aria-label="Remove refused.exe"]')!;
    act(() => remove.click());
    expect(byTestId('composer-hint')).toBeNull();
    expect(sendButton().disabled).toBe(false);
    press('Enter');

    const [run] = fake.calls.started;
    expect(run!.prompt).toBe('What are these?');
    expect(run!.attachments!.map((f) => ('data' in f ? [f.name, atob(f.data).length] : [f.name]))).toEqual([
      ['red.png', 12],
      ['main.rs', 13],
    ]);
    expect(byTestId('composer-files')).toBeNull();
    // The prompt shows its files: the image as a thumbnail, the code file as a chip.
    const shown = byTestId('prompt-files')!;
    expect(shown.querySelector<HTMLImageElement>('img')!.alt).toBe('red.png');
    expect(shown.textContent).toContain('main.rs13 bytes');
  });

  it('takes files pasted into the box and dropped on the window, and files alone are a prompt', async () => {
    const fake = await listeningApp();
    const input = byTestId('composer-input')!;
    const paste = new window.Event('paste', { bubbles: true, cancelable: true });
    Object.defineProperty(paste, 'clipboardData', { value: { files: [new File([PNG], 'image.png')], getData: () => '' } });
    act(() => {
      input.dispatchEvent(paste);
    });
    const drop = new window.Event('drop', { bubbles: true, cancelable: true });
    Object.defineProperty(drop, 'dataTransfer', { value: { types: ['Files'], files: [new File(['# notes'], 'notes.md')] } });
    act(() => {
      window.dispatchEvent(drop);
    });
    await checked();
    expect(chips().map(([state, text]) => [state, text!.split(/\d/)[0]])).toEqual([
      ['ready', 'image.png'],
      ['ready', 'notes.md'],
    ]);
    expect(drop.defaultPrevented).toBe(true);
    act(() => sendButton().click());
    expect(fake.calls.started[0]!.prompt).toBe('');
    expect(fake.calls.started[0]!.attachments).toHaveLength(2);
  });

  it('refuses a file larger than any kind allows without reading it', async () => {
    const fake = await listeningApp();
    const huge = new File(['x'], 'movie.png');
    Object.defineProperty(huge, 'size', { value: 2_500_000_000 });
    chooseFiles([huge]);
    await checked();
    expect(chips()).toEqual([['refused', 'movie.pngmovie.png is 2500 MB: files may be at most 20 MB×']]);
    expect(fake.calls.checked).toEqual([]);
  });

  it('sends a prompt’s files again by their hash when its answer is regenerated', async () => {
    const fake = await withChosenFiles();
    act(() => byTestId('composer-files')!.querySelector<HTMLButtonElement>('[aria-label="Remove refused.exe"]')!.click());
    type('Again?');
    press('Enter');
    const first = fake.calls.started[0]!;
    fake.emit(first.runId, { type: 'token', text: 'A' }, { type: 'run_finished', reason: 'completed' });
    await nextFrame();
    act(() => byTestId<HTMLButtonElement>('regenerate')!.click());
    expect(fake.calls.started[1]!.attachments).toEqual([
      { name: 'red.png', sha256: 'sha-0-red.png' },
      { name: 'main.rs', sha256: 'sha-0-main.rs' },
    ]);
  });
});
