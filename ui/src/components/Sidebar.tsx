// The left column: app name, "+ New chat", and the chats of this session by first prompt.
import { conversationTitle } from '../format';
import type { Conversation } from '../state/types';

export interface SidebarProps {
  conversations: Conversation[];
  activeId: string;
  /** Conversations with a run going. */
  runningIds: ReadonlySet<string>;
  onNewChat: () => void;
  onSelect: (id: string) => void;
}

export function Sidebar({ conversations, activeId, runningIds, onNewChat, onSelect }: SidebarProps) {
  return (
    <aside className="sidebar">
      <div className="sidebar-brand">Telltale</div>
      <button type="button" className="button new-chat" data-testid="new-chat" onClick={onNewChat}>
        <span aria-hidden="true">+</span> New chat
      </button>
      <nav className="sidebar-nav" aria-label="Chats">
        <ul className="conversation-list">
          {conversations.map((c) => (
            <li key={c.id}>
              <button
                type="button"
                className="conversation-link"
                aria-current={c.id === activeId ? 'page' : undefined}
                title={c.title || undefined}
                onClick={() => onSelect(c.id)}
              >
                <span className="conversation-title">{conversationTitle(c.title)}</span>
                {runningIds.has(c.id) && <span className="running-dot" aria-label="running" role="img" />}
              </button>
            </li>
          ))}
        </ul>
      </nav>
    </aside>
  );
}
