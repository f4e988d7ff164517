// Follows a drafting tool's streamed arguments with the incremental parser: each render feeds only
// the text that arrived since the last one.
import { useMemo, useState } from 'react';
import type { ToolStep, Turn } from '../state/types';
import { PartialJsonObject, type PartialValue } from './partialJson';

/** The tools whose arguments open a live draft, and the fields each shows, in order. */
export const DRAFT_TOOLS: Record<string, { title: string; fields: { key: string; label: string; multiline?: boolean }[] }> = {
  draft_email: {
    title: 'Email',
    fields: [
      { key: 'to', label: 'To' },
      { key: 'subject', label: 'Subject' },
      { key: 'body', label: 'Body', multiline: true },
    ],
  },
  draft_note: {
    title: 'Note',
    fields: [
      { key: 'title', label: 'Title' },
      { key: 'body', label: 'Body', multiline: true },
    ],
  },
};

/** The newest drafting step among `turns` (in conversation order), with its turn. */
export function latestDraft(turns: Turn[]): { turn: Turn; step: ToolStep } | undefined {
  for (let t = turns.length - 1; t >= 0; t--) {
    const turn = turns[t]!;
    for (let s = turn.steps.length - 1; s >= 0; s--) {
      const step = turn.steps[s]!;
      if (step.kind === 'tool' && step.name in DRAFT_TOOLS) return { turn, step };
    }
  }
  return undefined;
}

export interface DraftFields {
  fields: Record<string, PartialValue>;
  /** The field being written now, if any. */
  current: string | null;
}

/** Feeds a step's streamed arguments to the incremental parser: only the text that arrived since
 *  the last call, starting over for another step or when the text got shorter. */
class DraftFollower {
  private id: string | null = null;
  private parser = new PartialJsonObject();
  private fed = 0;

  follow(id: string, argsText: string): PartialJsonObject {
    if (id !== this.id || argsText.length < this.fed) {
      this.id = id;
      this.parser = new PartialJsonObject();
      this.fed = 0;
    }
    if (argsText.length > this.fed) {
      this.parser.feed(argsText.slice(this.fed));
      this.fed = argsText.length;
    }
    return this.parser;
  }
}

export function useDraftFields(step: ToolStep): DraftFields {
  // One follower for the panel's life (useState keeps the instance).
  const [follower] = useState(() => new DraftFollower());
  return useMemo(() => {
    const parser = follower.follow(step.id, step.argsText);
    // Once the complete call arrived, its parsed arguments are the truth.
    if (step.args) {
      const complete: Record<string, PartialValue> = {};
      for (const [key, value] of Object.entries(step.args)) {
        if (value === null || ['string', 'number', 'boolean'].includes(typeof value)) complete[key] = value as PartialValue;
      }
      return { fields: complete, current: null };
    }
    return { fields: { ...parser.fields }, current: parser.current };
  }, [follower, step.id, step.argsText, step.args]);
}
