// One chat in the sidebar: opens it on click; rename inline (double-click or ✎) and delete (×).
import { useEffect, useRef, useState, type KeyboardEvent } from 'react';
import { conversationTitle } from '../format';
import type { Conversation } from '../state/types';
import './ConversationItem.css';

export interface ConversationItemProps {
  conversation: Conversation;
  active: boolean;
  running: boolean;
  onSelect: (id: string) => void;
  onRename?: ((id: string, title: string) => void) | undefined;
  onDelete?: ((id: string) => void) | undefined;
}

export function ConversationItem({ conversation: c, active, running, onSelect, onRename, onDelete }: ConversationItemProps) {
  const [editing, setEditing] = useState(false);
  const [draft, setDraft] = useState('');
  const input = useRef<HTMLInputElement>(null);
  const hasContent = c.items.length > 0 || c.title !== '';

  useEffect(() => {
    if (editing) input.current?.select();
  }, [editing]);

  const startEditing = () => {
    if (!onRename || !hasContent) return;
    setDraft(conversationTitle(c.title));
    setEditing(true);
  };
  const commit = () => {
    setEditing(false);
    const title = draft.trim();
    if (title && title !== c.title) onRename?.(c.id, title);
  };
  const onKeyDown = (e: KeyboardEvent<HTMLInputElement>) => {
    if (e.key === 'Enter') {
      e.preventDefault();
      commit();
    } else if (e.key === 'Escape') {
      e.preventDefault();
      setEditing(false);
    }
  };

  return (
    <li className="conversation-item" data-testid="conversation-item" data-id={c.id}>
      {editing ? (
        <input
          ref={input}
          className="text-field conversation-rename"
          data-testid="rename-input"
          aria-label="Chat title"
          value={draft}
          onChange={(e) => setDraft(e.target.value)}
          onKeyDown={onKeyDown}
          onBlur={commit}
        />
      ) : (
        <button
          type="button"
          className="conversation-link"
          aria-current={active ? 'page' : undefined}
          title={c.title || undefined}
          onClick={() => onSelect(c.id)}
          onDoubleClick={startEditing}
        >
          <span className="conversation-title">{conversationTitle(c.title)}</span>
          {running && <span className="running-dot" aria-label="running" role="img" />}
        </button>
      )}
      {!editing && hasContent && (onRename || onDelete) && (
        <span className="conversation-actions">
          {onRename && (
            <button
              type="button"
              className="icon-button"
              data-testid="rename-button"
              aria-label="Rename"
              title="Rename"
              onClick={startEditing}
            >
              ✎
            </button>
          )}
          {onDelete && !running && (
            <button
              type="button"
              className="icon-button"
              data-testid="delete-button"
              aria-label="Delete"
              title="Delete"
              onClick={() => onDelete(c.id)}
            >
              ×
            </button>
          )}
        </span>
      )}
    </li>
  );
}
