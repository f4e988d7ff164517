// The mock shell's history: a few saved conversations (one interrupted mid-answer) and the runs
// the window starts, recorded as they stream, answering the history commands, with a simple
// search that marks hits the way the shell's snippets do.
import type { Event, EventKind } from '../generated/protocol';
import type { ConversationDetail, HistoryStatus, SavedConversation, SavedRun as RunRecord, SearchHit, SnippetPart } from '../history/types';
import { Command, type RunParent } from '../generated/ipc';

const DAY = 86_400_000;
const BASE = Date.UTC(2025, 4, 12, 9, 30);

function events(runId: string, kinds: EventKind[]): Event[] {
  return kinds.map((kind, seq) => ({ ...kind, run_id: runId, seq, t_ms: seq * 180 }) as Event);
}

function run(
  id: string,
  prompt: string,
  startedAt: number,
  kinds: EventKind[],
  status: ConversationDetail['runs'][number]['status'],
): ConversationDetail['runs'][number] {
  const recorded = events(id, kinds);
  const finished = recorded.find((event) => event.type === 'run_finished');
  return {
    run_id: id,
    parent_run_id: null,
    prompt,
    attachments: [],
    provider: 'offline',
    model: 'demo',
    started_at: startedAt,
    finished_at: finished ? startedAt + finished.t_ms : null,
    reason: finished?.type === 'run_finished' ? finished.reason : null,
    status,
    events: recorded,
  };
}

const started = (at: number): EventKind => ({ type: 'run_started', provider: 'offline', model: 'demo', started_at: at });

function seed(): ConversationDetail[] {
  return [
    {
      conversation: { id: 'saved-tokyo', title: 'What time is it in Tokyo?', created_at: BASE, updated_at: BASE + 2 * DAY },
      runs: [
        run(
          'saved-tokyo-1',
          'What time is it in Tokyo?',
          BASE + 2 * DAY,
          [
            started(BASE + 2 * DAY),
            { type: 'status', message: 'Checking the clock…', icon: 'clock' },
            { type: 'tool_call', call_id: 'c1', name: 'clock', args: { timezone: 'Asia/Tokyo' } },
            { type: 'tool_result', call_id: 'c1', ok: true, output: '2025-05-14 18:30 JST', duration_ms: 2 },
            { type: 'token', text: 'It is **18:30** in Tokyo (JST, UTC+9).' },
            { type: 'run_finished', reason: 'completed', usage: { input_tokens: 96, output_tokens: 14 }, ttft_ms: 210 },
          ],
          'completed',
        ),
      ],
    },
    {
      conversation: { id: 'saved-haiku', title: 'A haiku about the sea', created_at: BASE, updated_at: BASE + DAY },
      runs: [
        run(
          'saved-haiku-1',
          'A haiku about the sea',
          BASE + DAY,
          [started(BASE + DAY), { type: 'token', text: 'Grey waves fold and break —\nthe tide keeps' }],
          'interrupted',
        ),
      ],
    },
    {
      conversation: { id: 'saved-math', title: 'What is 17 * 23?', created_at: BASE, updated_at: BASE },
      runs: [
        run(
          'saved-math-1',
          'What is 17 * 23?',
          BASE,
          [
            started(BASE),
            { type: 'tool_call', call_id: 'c2', name: 'calculator', args: { expression: '17 * 23' } },
            { type: 'tool_result', call_id: 'c2', ok: true, output: '391', duration_ms: 1 },
            { type: 'token', text: '17 * 23 = **391**. The sea of numbers is calm today.' },
            { type: 'run_finished', reason: 'completed' },
          ],
          'completed',
        ),
      ],
    },
  ];
}

const store: ConversationDetail[] = seed();
const deleted = new Set<string>();
export const historyCalls = { exported: [] as { id: string; format: string }[], imported: 0 };

/** The shell's title for a first prompt: its first line, at most 60 characters, cut at a word. */
function titleFrom(prompt: string): string {
  const line = prompt.trim().split('\n')[0]!.trim();
  if (line.length <= 60) return line || 'New conversation';
  const cut = line.slice(0, 60);
  const space = cut.search(/\s\S*$/);
  return `${(space > 20 ? cut.slice(0, space) : cut).trimEnd()}…`;
}

/** A run the window started, recorded as the shell does: its conversation made by its first run. */
export function recordRun(conversationId: string, runId: string, prompt: string, at: number, parent?: RunParent): void {
  let detail = store.find((d) => d.conversation.id === conversationId);
  if (!detail) {
    detail = { conversation: { id: conversationId, title: titleFrom(prompt), created_at: at, updated_at: at }, runs: [] };
    store.push(detail);
  }
  detail.conversation.updated_at = at;
  const record = {
    prompt,
    attachments: [],
    started_at: at,
    finished_at: null,
    reason: null,
    status: 'running' as const,
    events: [],
  };
  // It continues the run the window named, else the latest run (the shell's default).
  const latest = detail.runs[detail.runs.length - 1]?.run_id ?? null;
  const parentRunId = parent?.kind === 'root' ? null : parent?.kind === 'run' ? parent.run_id : latest;
  detail.runs.push({ run_id: runId, parent_run_id: parentRunId, provider: null, model: null, ...record });
}

/**
 * Events of runs the window started, recorded before the window gets them (as the shell's recorder
 * does). Consecutive tokens are kept as one event, as the shell sends a saved run back
 * (src-tauri/src/replay.rs), their text a copy of the window's.
 */
export function recordEvents(events: readonly Event[]): void {
  let run: RunRecord | undefined;
  let tokens: Extract<Event, { type: 'token' }>[] = [];
  const flush = () => {
    const last = run?.events[run.events.length - 1];
    if (!run || tokens.length === 0) return;
    // Joined per batch: a new string, not the window's token strings.
    const text = tokens.map((t) => t.text).join('');
    const seq = tokens[tokens.length - 1]!.seq;
    if (last?.type === 'token') run.events[run.events.length - 1] = { ...last, seq, text: `${last.text}${text}` };
    else run.events.push({ ...tokens[0]!, seq, text });
    tokens = [];
  };
  for (const event of events) {
    if (run?.run_id !== event.run_id) {
      flush();
      run = store.flatMap((d) => d.runs).find((r) => r.run_id === event.run_id);
    }
    if (!run) continue;
    if (event.type === 'token') {
      tokens.push(event);
      continue;
    }
    flush();
    run.events.push(event);
    if (event.type === 'run_started') [run.provider, run.model] = [event.provider, event.model];
    if (event.type === 'run_finished') {
      run.finished_at = run.started_at + event.t_ms;
      run.reason = event.reason;
      run.status = event.reason;
    }
  }
  flush();
}

function answer(detail: ConversationDetail): string {
  return detail.runs.map((r) => r.events.map((e) => (e.type === 'token' ? e.text : '')).join('')).join(' ');
}

function snippet(text: string, words: string[]): SnippetPart[] | null {
  const lower = text.toLowerCase();
  if (!words.every((w) => lower.includes(w))) return null;
  const parts: SnippetPart[] = [];
  let i = 0;
  while (i < text.length) {
    let next = -1;
    let word = '';
    for (const w of words) {
      const at = lower.indexOf(w, i);
      if (at >= 0 && (next < 0 || at < next)) [next, word] = [at, w];
    }
    if (next < 0) {
      parts.push({ text: text.slice(i), hit: false });
      break;
    }
    if (next > i) parts.push({ text: text.slice(i, next), hit: false });
    parts.push({ text: text.slice(next, next + word.length), hit: true });
    i = next + word.length;
  }
  return parts;
}

function list(): SavedConversation[] {
  return store
    .filter((d) => !deleted.has(d.conversation.id))
    .map((d) => d.conversation)
    .sort((a, b) => b.updated_at - a.updated_at);
}

/** Answers a history command, or `undefined` when `cmd` is not one. */
export function historyCommand(cmd: string, args: Record<string, unknown>): unknown {
  const id = String(args.id ?? '');
  const find = () => {
    const d = store.find((x) => x.conversation.id === id);
    if (!d) throw { code: 'not_found', message: `no conversation ${id}` };
    return d;
  };
  switch (cmd) {
    case Command.history_status:
      // `?history=memory`: the data folder was unusable, so the history works in memory only.
      if (new URLSearchParams(location.search).get('history') === 'memory') {
        return {
          enabled: true,
          saved: false,
          reason: 'cannot create the data folder /mock: read-only file system',
        } satisfies HistoryStatus;
      }
      return { enabled: true, saved: true, path: '/mock/history.sqlite3' } satisfies HistoryStatus;
    case Command.list_conversations:
      return list();
    case Command.open_conversation:
      return find();
    case Command.rename_conversation:
      find().conversation.title = String(args.title);
      return null;
    case Command.show_conversation_run:
      find().shown_run_id = String(args.runId);
      return null;
    case Command.delete_conversation:
      find();
      deleted.add(id);
      return null;
    case Command.undelete_conversation:
      deleted.delete(id);
      return null;
    case Command.search_history: {
      const words = String(args.query).toLowerCase().split(/\s+/).filter(Boolean);
      const hits: SearchHit[] = [];
      for (const d of store) {
        if (deleted.has(d.conversation.id) || words.length === 0) continue;
        const text = `${d.runs.map((r) => r.prompt).join(' ')} ${answer(d)}`;
        const parts = snippet(text, words);
        if (parts)
          hits.push({ conversation_id: d.conversation.id, title: d.conversation.title, run_id: d.runs[0]?.run_id ?? '', snippet: parts });
      }
      return hits;
    }
    case Command.export_conversation:
      find();
      historyCalls.exported.push({ id, format: String(args.format) });
      return `/home/user/Documents/${find().conversation.title}.${String(args.format)}`;
    case Command.import_conversation:
      historyCalls.imported++;
      return null;
    default:
      return undefined;
  }
}
