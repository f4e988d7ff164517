// @vitest-environment happy-dom
// Compare under an answer with versions: the button beside the picker, the version on screen
// against the previous one by default, another chosen, and the marks (<del>/<ins>) it uses.
import { act } from 'react';
import { describe, expect, it } from 'vitest';
import { apply, run, submitted, turnOf } from '../test-support/runEvents';
import { mountPerTest } from '../test-support/dom';
import { type } from '../test-support/settingsDialog';
import { AnswerCompare, defaultAgainst } from './AnswerCompare';
import { Turn } from './Turn';

const dom = mountPerTest();
const { byTestId } = dom;

const ANSWERS = ['The quick brown fox jumps.', 'The slow brown fox leaps.', 'A slow brown dog sleeps.'];

function finishedTurn(answer: string) {
  const r = run();
  return turnOf(apply(submitted(), [r.started(), r.token(10, answer), r.finished(20, 'completed')]));
}

const marks = (tag: 'del' | 'ins') => [...byTestId('compare-text')!.querySelectorAll(tag)].map((e) => e.textContent);

describe('AnswerCompare', () => {
  it('opens from Compare beside the picker, against the previous version', () => {
    const turn = finishedTurn(ANSWERS[2]!);
    act(() => dom.root.render(<Turn turn={turn} version={{ index: 2, count: 3, answers: ANSWERS }} onPickVersion={() => {}} />));
    const button = byTestId<HTMLButtonElement>('compare-versions')!;
    expect(button.getAttribute('aria-pressed')).toBe('false');
    expect(byTestId('answer-compare')).toBeNull();

    act(() => button.click());
    expect(button.getAttribute('aria-pressed')).toBe('true');
    expect(byTestId<HTMLSelectElement>('compare-against')!.value).toBe('1');
    expect(marks('del')).toEqual(['The', 'fox leaps']);
    expect(marks('ins')).toEqual(['A', 'dog sleeps']);
    expect(byTestId('compare-text')!.textContent).toBe('TheA slow brown fox leapsdog sleeps.');

    act(() => type(byTestId<HTMLSelectElement>('compare-against')!, '0'));
    expect(marks('del')).toEqual(['The quick', 'fox jumps']);
    expect(marks('ins')).toEqual(['A slow', 'dog sleeps']);

    act(() => button.click());
    expect(byTestId('answer-compare')).toBeNull();
  });

  it('is not offered for an answer with one version, nor without the texts', () => {
    const turn = finishedTurn('Only');
    act(() => dom.root.render(<Turn turn={turn} version={{ index: 0, count: 1, answers: ['Only'] }} onPickVersion={() => {}} />));
    expect(byTestId('compare-versions')).toBeNull();
    act(() => dom.root.render(<Turn turn={turn} version={{ index: 0, count: 2 }} onPickVersion={() => {}} />));
    expect(byTestId('version-picker')).not.toBeNull();
    expect(byTestId('compare-versions')).toBeNull();
  });

  it('compares the first version with the second, and lists only the others', () => {
    act(() => dom.root.render(<AnswerCompare answers={ANSWERS} index={0} />));
    const options = [...dom.container.querySelectorAll('option')].map((o) => o.textContent);
    expect(options).toEqual(['version 2', 'version 3']);
    expect(marks('del')).toEqual(['slow', 'leaps']);
    expect(marks('ins')).toEqual(['quick', 'jumps']);
    expect(byTestId('answer-compare')!.getAttribute('aria-label')).toBe('Version 1 compared with version 2');
    expect(defaultAgainst(0, 2)).toBe(1);
    expect(defaultAgainst(3, 4)).toBe(2);
  });
});
