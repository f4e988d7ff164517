// The reading column: the chat's messages, following the stream while the user is at the bottom.
import { useLayoutEffect, useRef, useState } from 'react';
import type { Conversation, Turn as TurnValue } from '../state/types';
import { Turn } from './Turn';
import { UserMessage } from './UserMessage';
import './ConversationView.css';

export interface ConversationViewProps {
  conversation: Conversation;
  turns: Record<string, TurnValue>;
  onRetry?: ((prompt: string) => void) | undefined;
}

/** How close to the bottom (px) still counts as "at the bottom". */
const STICK_PX = 48;

export function ConversationView({ conversation, turns, onRetry }: ConversationViewProps) {
  const scroller = useRef<HTMLDivElement>(null);
  const atBottom = useRef(true);
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
  }, [conversation.id]);

  // Runs after every render that could have grown the content.
  // eslint-disable-next-line react-hooks/exhaustive-deps -- runs after every render on purpose; it only sets newText to true, so it cannot loop
  useLayoutEffect(() => {
    const el = scroller.current;
    if (!el) return;
    if (atBottom.current) {
      el.scrollTop = el.scrollHeight;
    } else if (el.scrollHeight - el.scrollTop - el.clientHeight > STICK_PX) {
      setNewText(true);
    }
  });

  const onScroll = () => {
    const el = scroller.current;
    if (!el) return;
    atBottom.current = el.scrollHeight - el.scrollTop - el.clientHeight <= STICK_PX;
    if (atBottom.current) setNewText(false);
  };

  const toBottom = () => {
    const el = scroller.current;
    if (!el) return;
    atBottom.current = true;
    setNewText(false);
    el.scrollTop = el.scrollHeight;
  };

  return (
    <div className="conversation-scroller" ref={scroller} onScroll={onScroll}>
      <div className="column conversation">
        {conversation.items.length === 0 && (
          <div className="empty-state">
            <h2>What can I help with?</h2>
            <p>Telltale shows what it is doing while it works: the steps fold away, the answer streams in.</p>
          </div>
        )}
        {conversation.items.map((item) => {
          if (item.role === 'user') return <UserMessage key={item.id} text={item.text} onResend={onRetry} />;
          const turn = turns[item.runId];
          return turn ? <Turn key={item.runId} turn={turn} onRetry={onRetry} /> : null;
        })}
      </div>
      {newText && (
        <button type="button" className="button new-text" onClick={toBottom}>
          ↓ New text
        </button>
      )}
    </div>
  );
}
