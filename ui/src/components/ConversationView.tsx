// The reading column: the chat's messages, following the stream while the user is at the bottom.
import { Fragment, useCallback, useLayoutEffect, useMemo, useRef, useState, type KeyboardEvent, type WheelEvent } from 'react';
import { PinToEnd } from '../markdown/drawnFromEnd';
import { runTree, type RunTree } from '../state/branches';
import { GrowingText } from '../state/growingText';
import type { Conversation, Turn as TurnValue } from '../state/types';
import { Turn, type TurnVersion } from './Turn';
import { UserMessage, type UserMessageProps } from './UserMessage';
import './ConversationView.css';

export interface ConversationViewProps {
  conversation: Conversation;
  turns: Record<string, TurnValue>;
  onRetry?: ((prompt: string) => void) | undefined;
  /** Sends an edited prompt in the place of `runId`'s: a new branch forking there. */
  onEdit?: ((runId: string, prompt: string) => void) | undefined;
  onRegenerate?: ((runId: string) => void) | undefined;
  onContinue?: ((runId: string) => void) | undefined;
  /** Shows another version of an answer (the `index`th of its run's versions). */
  onPickVersion?: ((runId: string, index: number) => void) | undefined;
  /** Shows another branch forking at a prompt (the `index`th of its branches). */
  onPickBranch?: ((runId: string, index: number) => void) | undefined;
}

/** How close to the bottom (px) counts as "at the bottom" when the user scrolls down to it. */
const STICK_PX = 48;

/** Pixels between the bottom of the view and the end of the column. */
const gapBelow = (el: HTMLElement) => el.scrollHeight - el.scrollTop - el.clientHeight;

/**
 * Whether the column is higher than `lastTop` (where it was last seen or put) and not at its very
 * end: the user moved it. (Content that shrinks pulls the column up too, but then it is still at
 * the very end.)
 */
const movedUp = (el: HTMLElement, lastTop: number) => el.scrollTop < lastTop - 1 && gapBelow(el) > 1;

/** Keys that scroll the column up. */
const UP_KEYS = new Set(['ArrowUp', 'PageUp', 'Home']);

export function ConversationView({
  conversation,
  turns,
  onRetry,
  onEdit,
  onRegenerate,
  onContinue,
  onPickVersion,
  onPickBranch,
}: ConversationViewProps) {
  const scroller = useRef<HTMLDivElement>(null);
  const atBottom = useRef(true);
  // Where the column was last seen (a scroll event) or put (following the stream): a scroll event
  // that finds it higher is the user's.
  const lastTop = useRef(0);
  const [newText, setNewText] = useState(false);
  const [shownId, setShownId] = useState(conversation.id);

  // A different chat opens at its end: no "New text" button (set while rendering, so the old
  // chat's button is never drawn over the new one) and following the stream again.
  if (shownId !== conversation.id) {
    setShownId(conversation.id);
    setNewText(false);
  }
  useLayoutEffect(() => {
    atBottom.current = true;
    lastTop.current = 0;
  }, [conversation.id]);

  // Puts the column at its end if that is where the user is. First, a scroll up the user made since
  // the column was last seen or put (a scroll bar drag, `scrollBy`) whose scroll event has not come
  // yet: a batch applied between that scroll and its event would undo it here, and the event would
  // then find the column at its end. (lastTop is left as it is: the event still reads as a move up.)
  const pinToEnd = useCallback(() => {
    const el = scroller.current;
    if (!el) return;
    if (atBottom.current && movedUp(el, lastTop.current)) atBottom.current = false;
    if (!atBottom.current) return;
    el.scrollTop = el.scrollHeight;
    lastTop.current = el.scrollTop;
  }, []);

  // Runs after every render that could have grown the content. (Groups of a long answer drawn above
  // what the column shows, markdown/drawnFromEnd.ts, call pinToEnd through PinToEnd.)
  // eslint-disable-next-line react-hooks/exhaustive-deps -- runs after every render on purpose; it only sets newText to true, so it cannot loop
  useLayoutEffect(() => {
    const el = scroller.current;
    if (!el) return;
    pinToEnd();
    if (!atBottom.current && gapBelow(el) > STICK_PX) setNewText(true);
  });

  // Following stops as soon as the user scrolls up, by any amount; it starts again when they come
  // back to within STICK_PX of the end. Deciding by distance alone raced with the stream: a scroll
  // up of less than STICK_PX was undone by the next batch's pin before the user got further (and
  // content grown between a pin and its scroll event could read as the user leaving).
  const onScroll = () => {
    const el = scroller.current;
    if (!el) return;
    if (movedUp(el, lastTop.current)) {
      atBottom.current = false;
    } else if (gapBelow(el) <= STICK_PX) {
      atBottom.current = true;
      setNewText(false);
    }
    lastTop.current = el.scrollTop;
  };

  // The wheel and the keys say "up" before the scroll they cause is seen: a batch pinned to the end
  // in between would undo that scroll, and its scroll event would find the column at the end.
  const onWheel = (e: WheelEvent<HTMLDivElement>) => {
    if (e.deltaY < 0) atBottom.current = false;
  };
  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    if (UP_KEYS.has(e.key) || (e.key === ' ' && e.shiftKey)) atBottom.current = false;
  };

  const toBottom = () => {
    const el = scroller.current;
    if (!el) return;
    atBottom.current = true;
    setNewText(false);
    el.scrollTop = el.scrollHeight;
    lastTop.current = el.scrollTop;
  };

  const tree = runTree(conversation, turns);
  const pickers = usePickers(conversation.id, tree, turns, onPickBranch);

  // The prompt of each run: the user item just before it (the branch shown is rebuilt from the runs).
  const prompts = new Map<string, { text: string }>();
  conversation.items.forEach((item, i) => {
    const before = conversation.items[i - 1];
    if (item.role === 'assistant' && before?.role === 'user') prompts.set(item.runId, before);
  });

  return (
    <PinToEnd.Provider value={pinToEnd}>
      <div className="conversation-scroller" ref={scroller} onScroll={onScroll} onWheel={onWheel} onKeyDown={onKeyDown}>
        <div className="column conversation">
          {conversation.items.length === 0 && (
            <div className="empty-state">
              <h2>What can I help with?</h2>
              <p>Telltale shows what it is doing while it works: the steps fold away, the answer streams in.</p>
            </div>
          )}
          {tree.visible().map((runId) => {
            const turn = turns[runId];
            const prompt = prompts.get(runId);
            if (!turn) return null;
            return (
              <Fragment key={runId}>
                {prompt && (
                  <UserMessage
                    text={prompt.text}
                    files={turn.attachments}
                    conversationId={conversation.id}
                    onResend={onEdit ? (text) => onEdit(runId, text) : undefined}
                    branches={pickers.branches(runId)}
                  />
                )}
                <Turn
                  turn={turn}
                  onRetry={onRetry}
                  onRegenerate={onRegenerate}
                  onContinue={onContinue}
                  version={pickers.version(runId)}
                  onPickVersion={onPickVersion}
                />
              </Fragment>
            );
          })}
        </div>
        {newText && (
          <button type="button" className="button new-text" onClick={toBottom}>
            ↓ New text
          </button>
        )}
      </div>
    </PinToEnd.Provider>
  );
}

/**
 * The version and branch pickers' props of each run on screen, the same objects from render to
 * render while what they show is the same: the column renders on every frame of a stream, and a new
 * object would render every turn with versions (and every prompt with branches) again each time.
 */
function usePickers(
  conversationId: string,
  tree: RunTree,
  turns: Record<string, TurnValue>,
  onPickBranch: ((runId: string, index: number) => void) | undefined,
) {
  // Only the chat on screen's: a version's answer kept here would outlive its chat's release (state/release.ts).
  const { versions: versionsKept, branches: branchesKept } = useMemo(() => keptPickers(conversationId), [conversationId]);
  return {
    version(runId: string): TurnVersion | undefined {
      const { ids, index } = tree.versionsOf(runId);
      if (ids.length < 2) return undefined;
      // Each version's answer as it is (the text is read only when two are compared).
      const answers = ids.map((id) => turns[id]?.answer ?? GrowingText.EMPTY);
      const kept = versionsKept.get(runId);
      if (kept && kept.index === index && sameItems(kept.answers ?? [], answers)) return kept;
      const version = { index, count: ids.length, answers };
      versionsKept.set(runId, version);
      return version;
    },
    branches(runId: string): UserMessageProps['branches'] {
      const { ids, index } = tree.promptBranchesOf(runId);
      if (ids.length < 2 || !onPickBranch) return undefined;
      const kept = branchesKept.get(runId);
      if (kept && kept.props.index === index && kept.props.count === ids.length && kept.onPickBranch === onPickBranch) return kept.props;
      const props = { index, count: ids.length, onPick: (i: number) => onPickBranch(runId, i) };
      branchesKept.set(runId, { props, onPickBranch });
      return props;
    },
  };
}

function keptPickers(conversationId: string) {
  return {
    conversationId,
    versions: new Map<string, TurnVersion>(),
    branches: new Map<string, { props: NonNullable<UserMessageProps['branches']>; onPickBranch: unknown }>(),
  };
}

function sameItems<T>(a: readonly T[], b: readonly T[]): boolean {
  return a.length === b.length && a.every((item, i) => item === b[i]);
}
