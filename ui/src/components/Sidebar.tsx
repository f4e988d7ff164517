// The left column: app name, "+ New chat", search, the chats (saved ones by last activity) and Import….
import type { ReactNode } from 'react';
import type { Conversation } from '../state/types';
import { ConversationItem } from './ConversationItem';
import './Sidebar.css';

export interface SidebarProps {
  conversations: Conversation[];
  activeId: string;
  /** Conversations with a run going. */
  runningIds: ReadonlySet<string>;
  onNewChat: () => void;
  onSelect: (id: string) => void;
  /** Saved history: inline rename, delete, the search box and Import…. */
  onRename?: ((id: string, title: string) => void) | undefined;
  onDelete?: ((id: string) => void) | undefined;
  search?: ReactNode;
  onImport?: (() => void) | undefined;
  /** Opens Settings (also Ctrl/Cmd+,). */
  onOpenSettings?: () => void;
}

export function Sidebar(props: SidebarProps) {
  const { conversations, activeId, runningIds, onNewChat, onSelect, onOpenSettings } = props;
  return (
    <aside className="sidebar">
      <div className="sidebar-brand">Telltale</div>
      <button type="button" className="button new-chat" data-testid="new-chat" onClick={onNewChat}>
        <span aria-hidden="true">+</span> New chat
      </button>
      {props.search}
      <nav className="sidebar-nav" aria-label="Chats">
        <ul className="conversation-list">
          {conversations.map((c) => (
            <ConversationItem
              key={c.id}
              conversation={c}
              active={c.id === activeId}
              running={runningIds.has(c.id)}
              onSelect={onSelect}
              onRename={props.onRename}
              onDelete={props.onDelete}
            />
          ))}
        </ul>
      </nav>
      {props.onImport && (
        <button type="button" className="button sidebar-import" data-testid="import-button" onClick={props.onImport}>
          Import…
        </button>
      )}
      {onOpenSettings && (
        <button
          type="button"
          className="button sidebar-settings"
          data-testid="settings-button"
          aria-keyshortcuts="Control+Comma Meta+Comma"
          onClick={onOpenSettings}
        >
          <span aria-hidden="true">⚙</span> Settings
        </button>
      )}
    </aside>
  );
}
