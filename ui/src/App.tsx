// The window: sidebar, header, reading column and composer, wired to the shell through `Backend`.
import { useCallback, useEffect, useLayoutEffect, useMemo, useReducer, useRef, useState } from 'react';
import { flushSync } from 'react-dom';
import { filesToSend, NO_FILES, storedFiles, type FilesToSend } from './attachments/toSend';
import type { FileChecker, ReadyFile } from './attachments/useComposerFiles';
import { Composer } from './components/Composer';
import { DraftPanel } from './components/DraftPanel';
import { LocalServersBanner } from './components/LocalServersBanner';
import { latestDraft } from './drafts/useDraft';
import { ConversationView } from './components/ConversationView';
import { SettingsDialog } from './components/SettingsDialog';
import { Sidebar } from './components/Sidebar';
import { ExportMenu } from './components/ExportMenu';
import { SearchBox } from './components/SearchBox';
import { Toast } from './components/Toast';
import { useHistory } from './history/useHistory';
import { useResume } from './history/useResume';
import { useShownRun } from './history/useShownRun';
import { useSettingsShortcut } from './settings/useSettingsShortcut';
import { createEventQueue } from './eventQueue';
import { conversationTitle, formatUsd } from './format';
import { newId } from './ids';
import { errorMessage, type AppInfo, type Backend, type RunParent } from './ipc';
import { WarmUp } from './markdown/WarmUp';
import { ShellContext, type ShellActions } from './shell';
import { parentForNext, parentOf, promptBranchesOf, versionsOf } from './state/branches';
import { initialState, reducer } from './state/reducer';
import { activeConversation, conversationCostUsd, isFinished, runningTurn, sidebarConversations } from './state/selectors';
import './App.css';

type Connection = { kind: 'connecting' } | { kind: 'ready' } | { kind: 'failed'; message: string };

export function App({ backend }: { backend: Backend }) {
  const [state, dispatch] = useReducer(reducer, undefined, () => initialState(newId(), Date.now()));
  const [connection, setConnection] = useState<Connection>({ kind: 'connecting' });
  const [info, setInfo] = useState<AppInfo | null>(null);

  // Listen before anything can be started. Events are rendered synchronously as they are applied
  // (not in a later task, which could miss the frame being painted); see eventQueue.ts for when.
  useEffect(() => {
    let disposed = false;
    let unlisten: (() => void) | null = null;
    const queue = createEventQueue((events) => flushSync(() => dispatch({ type: 'events', events })));
    backend
      .onEvents((events) => queue.push(events))
      .then(
        (stop) => {
          if (disposed) {
            stop();
            return;
          }
          unlisten = stop;
          setConnection({ kind: 'ready' });
        },
        (error: unknown) => {
          if (!disposed) setConnection({ kind: 'failed', message: errorMessage(error) });
        },
      );
    return () => {
      disposed = true;
      unlisten?.();
      queue.dispose();
    };
  }, [backend]);

  useEffect(() => {
    let disposed = false;
    backend.appInfo().then(
      (value) => {
        if (!disposed) setInfo(value);
      },
      (error: unknown) => {
        if (!disposed) setInfo({ provider: '', model: '', label: `Unknown provider (${errorMessage(error)})` });
      },
    );
    return () => {
      disposed = true;
    };
  }, [backend]);

  const conversation = activeConversation(state);
  const running = runningTurn(state, conversation);
  const ready = connection.kind === 'ready';

  // The latest values for callbacks that must not change on every event (updated as each render
  // is committed, before any event handler can run).
  const latest = useRef({ state, running });
  useLayoutEffect(() => {
    latest.current = { state, running };
    // The mock build's browser tests read what the state keeps; other builds drop this line.
    if (import.meta.env.MODE === 'mock') (window as { __telltaleState?: unknown }).__telltaleState = state;
  });

  /** Runs `prompt` with its files after `parentRunId` (`null`: as a first turn) in the active chat. */
  const startAfter = useCallback(
    (prompt: string, parentRunId: string | null, files: FilesToSend = NO_FILES) => {
      const { state: now, running: busy } = latest.current;
      if (busy) return;
      const conversationId = now.activeConversationId;
      const runId = newId();
      const attachments = files.infos;
      dispatch({ type: 'submit', conversationId, runId, prompt, now: Date.now(), parentRunId, attachments });
      const parent: RunParent = parentRunId === null ? { kind: 'root' } : { kind: 'run', run_id: parentRunId };
      backend
        .startRun({ conversationId, runId, prompt, parent, attachments: files.uploads })
        .catch((error: unknown) => dispatch({ type: 'start_failed', runId, message: errorMessage(error) }));
    },
    [backend],
  );

  // A prompt continues the branch on screen, from its last answer.
  const send = useCallback(
    (prompt: string, files?: ReadyFile[]) => {
      const { state: now } = latest.current;
      const chat = now.conversations[now.activeConversationId];
      startAfter(prompt, chat ? parentForNext(chat, now.turns) : null, files ? filesToSend(files) : NO_FILES);
    },
    [startAfter],
  );
  const fileChecker = useMemo<FileChecker>(
    () => ({ check: (files) => backend.checkAttachments(files), pick: backend.pickAttachments?.bind(backend) }),
    [backend],
  );

  // Another version of an answer: its prompt again, after the same run.
  const regenerate = useCallback(
    (runId: string) => {
      const { state: now } = latest.current;
      const turn = now.turns[runId];
      const chat = turn && now.conversations[turn.conversationId];
      if (turn && chat) startAfter(turn.prompt, parentOf(chat, now.turns, runId), storedFiles(turn.attachments));
    },
    [startAfter],
  );

  // An edited prompt: sent in the place of `runId`'s, after the same run (a new branch forks there).
  const edit = useCallback(
    (runId: string, prompt: string) => {
      const { state: now } = latest.current;
      const turn = now.turns[runId];
      const chat = turn && now.conversations[turn.conversationId];
      if (turn && chat) startAfter(prompt, parentOf(chat, now.turns, runId), storedFiles(turn.attachments));
    },
    [startAfter],
  );

  const continueRun = useCallback(
    (runId: string) => {
      const { state: now, running: busy } = latest.current;
      const turn = now.turns[runId];
      if (busy || !turn || !backend.continueRun) return;
      dispatch({ type: 'continue_requested', runId });
      backend
        .continueRun({ conversationId: turn.conversationId, runId })
        .catch((error: unknown) => dispatch({ type: 'start_failed', runId, message: errorMessage(error) }));
    },
    [backend],
  );

  // Another version of an answer, or another branch forking at a prompt: shown with what follows it.
  const pick = useCallback((runId: string, index: number, among: typeof versionsOf) => {
    const { state: now } = latest.current;
    const turn = now.turns[runId];
    const chat = turn && now.conversations[turn.conversationId];
    const other = chat && among(chat, now.turns, runId).ids[index];
    if (other) dispatch({ type: 'show_version', runId: other });
  }, []);
  const pickVersion = useCallback((runId: string, index: number) => pick(runId, index, versionsOf), [pick]);
  const pickBranch = useCallback((runId: string, index: number) => pick(runId, index, promptBranchesOf), [pick]);

  const stop = useCallback(() => {
    const turn = latest.current.running;
    if (!turn || turn.stopRequested) return;
    dispatch({ type: 'stop_requested', runId: turn.runId });
    backend.stopRun(turn.runId).catch((error: unknown) => {
      console.warn('stop_run failed', error);
    });
  }, [backend]);

  const newChat = useCallback(() => dispatch({ type: 'new_conversation', conversationId: newId(), now: Date.now() }), []);

  // Esc stops the chat's run and Ctrl/Cmd+N opens a new chat, from anywhere in the window.
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.defaultPrevented) return;
      if (e.key === 'Escape' && latest.current.running) {
        e.preventDefault();
        stop();
      } else if ((e.ctrlKey || e.metaKey) && !e.altKey && !e.shiftKey && e.key.toLowerCase() === 'n') {
        e.preventDefault();
        newChat();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [stop, newChat]);

  // File → New Chat in the native menu.
  useEffect(() => {
    if (!backend.onMenu) return;
    let disposed = false;
    let unlisten: (() => void) | null = null;
    backend
      .onMenu((action) => {
        if (action === 'new_chat') newChat();
      })
      .then(
        (stop) => (disposed ? stop() : (unlisten = stop)),
        (error: unknown) => console.warn('menu listener failed', error),
      );
    return () => {
      disposed = true;
      unlisten?.();
    };
  }, [backend, newChat]);

  // The newest live draft of this chat opens beside it, until the user closes it.
  const [closedDraft, setClosedDraft] = useState<string | null>(null);
  const draft = useMemo(() => {
    const turns = (conversation?.items ?? []).flatMap((item) => {
      const turn = item.role === 'assistant' ? state.turns[item.runId] : undefined;
      return turn ? [turn] : [];
    });
    return latestDraft(turns);
  }, [conversation, state.turns]);
  const showDraft = draft && draft.step.id !== closedDraft ? draft : undefined;

  const runningIds = useMemo(() => {
    const ids = new Set<string>();
    for (const turn of Object.values(state.turns)) if (!isFinished(turn)) ids.add(turn.conversationId);
    return ids;
  }, [state.turns]);

  const shell = useMemo<ShellActions>(
    () => ({
      openExternal: (url) => {
        backend.openExternal(url).catch((error: unknown) => console.warn('open_external failed', error));
      },
      resolveApproval: (runId, callId, answer) => backend.resolveApproval(runId, callId, answer),
      cancelToolCall: (runId, callId) => backend.cancelToolCall(runId, callId),
      resolveBudget: (runId, answer) => backend.resolveBudget(runId, answer),
      attachmentData: backend.attachmentData?.bind(backend),
    }),
    [backend],
  );

  // Settings (sidebar button, Ctrl/Cmd+,); a change may switch the provider in the header.
  const [settingsOpen, setSettingsOpen] = useState(false);
  const openSettings = useCallback(() => setSettingsOpen(true), []);
  useSettingsShortcut(openSettings, backend.settings !== undefined);
  const refreshInfo = useCallback(() => {
    backend.appInfo().then(setInfo, (error: unknown) => console.warn('app_info failed', error));
  }, [backend]);

  // The saved history: sidebar list, open/rename/delete, search, export, import.
  const saved = useHistory(backend.history, state, dispatch, sidebarConversations(state), newChat);
  // Runs still in progress after a reload: opened and followed from the last seq held.
  useResume(backend, ready && saved.enabled, dispatch);
  // The branch and versions on screen, kept in the history: a conversation reopens on them.
  useShownRun(backend.history, saved.enabled, state);

  const providerTitle = info && info.model ? `${info.provider} · ${info.model}` : undefined;
  const cost = conversationCostUsd(state, conversation);
  const title = conversationTitle(conversation?.title ?? '');

  return (
    <ShellContext.Provider value={shell}>
      <div className={showDraft ? 'app app-with-draft' : 'app'}>
        <Sidebar
          conversations={saved.conversations}
          activeId={state.activeConversationId}
          runningIds={runningIds}
          onNewChat={newChat}
          onSelect={saved.open}
          onRename={saved.rename}
          onDelete={saved.enabled ? saved.remove : undefined}
          search={saved.enabled ? <SearchBox search={saved.search} onOpen={saved.open} /> : undefined}
          onImport={saved.enabled ? saved.importConversation : undefined}
          onOpenSettings={backend.settings ? openSettings : undefined}
        />
        <main className="main">
          <header className="header">
            <h1 className="header-title" data-testid="header-title" title={title}>
              {title}
            </h1>
            {cost !== undefined && (
              <span
                className="conversation-cost"
                data-testid="conversation-cost"
                title="What this conversation's answers cost, from their tokens and the models' prices"
              >
                {formatUsd(cost)}
              </span>
            )}
            <span className="provider-label" data-testid="provider-label" title={providerTitle}>
              {info ? info.label : ''}
            </span>
            {saved.enabled && <ExportMenu disabled={!saved.activeSaved} onExport={saved.exportConversation} />}
          </header>
          {saved.status && !saved.status.saved && saved.status.reason && (
            <p className="banner banner-warning" role="alert" data-testid="history-off">
              {saved.status.enabled ? 'History is not saved' : 'History is off'} — {saved.status.reason}. Chats are kept only until the app
              closes.
            </p>
          )}
          <LocalServersBanner backend={backend.settings} offline={info?.provider === 'offline'} onOpenSettings={openSettings} />
          {connection.kind === 'failed' && (
            <p className="banner banner-error" role="alert">
              Can't receive the agent's events: {connection.message}
            </p>
          )}
          {conversation && (
            <ConversationView
              conversation={conversation}
              turns={state.turns}
              onRetry={running ? undefined : send}
              onEdit={running ? undefined : edit}
              onRegenerate={running ? undefined : regenerate}
              onContinue={running || !backend.continueRun ? undefined : continueRun}
              onPickVersion={pickVersion}
              onPickBranch={pickBranch}
            />
          )}
          {ready && (conversation === undefined || conversation.items.length === 0) && <WarmUp />}
          <div className="composer-bar">
            <div className="column">
              <Composer
                ready={ready}
                busy={running !== undefined}
                onSend={send}
                onStop={stop}
                conversationId={state.activeConversationId}
                files={fileChecker}
              />
            </div>
          </div>
        </main>
        {showDraft && <DraftPanel turn={showDraft.turn} step={showDraft.step} onClose={() => setClosedDraft(showDraft.step.id)} />}
      </div>
      <Toast toast={saved.toast} onDismiss={saved.dismissToast} />
      {settingsOpen && backend.settings && (
        <SettingsDialog backend={backend.settings} onClose={() => setSettingsOpen(false)} onChanged={refreshInfo} />
      )}
    </ShellContext.Provider>
  );
}
