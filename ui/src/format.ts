// Small formatting helpers for numbers, durations and tool arguments.

const integer = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

/** 1204 → "1,204". */
export function formatCount(n: number): string {
  return integer.format(n);
}

/** US dollars: "$0" for nothing, two significant digits under a cent ("$0.00056"), else cents ("$0.07", "$12.40"). */
export function formatUsd(dollars: number): string {
  if (dollars <= 0) return '$0';
  if (dollars < 0.01) return `$${Number(dollars.toPrecision(2))}`;
  return `$${dollars.toFixed(2)}`;
}

/** Under a millisecond "<1 ms", under a second in ms ("412 ms"), else seconds with one decimal ("6.1 s"), minutes past 60 s. */
export function formatDuration(ms: number): string {
  if (ms < 1) return '<1 ms';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const s = ms / 1000;
  if (s < 60) return `${s.toFixed(1)} s`;
  const m = Math.floor(s / 60);
  return `${m} min ${Math.round(s - m * 60)} s`;
}

/** The arguments to show: pretty JSON once complete, else the raw streamed text (pretty if it parses). */
export function formatArgs(args: Record<string, unknown> | undefined, argsText: string): string {
  if (args !== undefined) return JSON.stringify(args, null, 2);
  if (argsText.trim() === '') return '';
  try {
    return JSON.stringify(JSON.parse(argsText), null, 2);
  } catch {
    return argsText;
  }
}

/** Cuts long text for a folded preview: at most `maxChars` characters and `maxLines` lines. */
export function truncate(text: string, maxChars = 600, maxLines = 8): { text: string; truncated: boolean } {
  let end = Math.min(text.length, maxChars);
  let lines = 0;
  for (let i = 0; i < end; i++) {
    if (text.charCodeAt(i) === 10 && ++lines >= maxLines) {
      end = i;
      break;
    }
  }
  return end < text.length ? { text: text.slice(0, end).trimEnd(), truncated: true } : { text, truncated: false };
}

/** The title of a conversation in the sidebar: its first prompt's first line. */
export function conversationTitle(title: string): string {
  const line = title.split('\n', 1)[0]!.trim();
  return line || 'New chat';
}

/** Short, flat arguments on one line (`{"path": "src/a.rs"}`), or undefined when they need the block. */
export function inlineArgs(args: Record<string, unknown> | undefined, maxChars = 72): string | undefined {
  if (args === undefined) return undefined;
  const parts: string[] = [];
  for (const [key, value] of Object.entries(args)) {
    if (value !== null && typeof value === 'object') return undefined;
    parts.push(`${JSON.stringify(key)}: ${JSON.stringify(value)}`);
  }
  const text = `{${parts.join(', ')}}`;
  return text.length <= maxChars && !text.includes('\\n') ? text : undefined;
}

/** Output short enough to sit on the step's line. */
export function isShortOutput(output: string, maxChars = 72): boolean {
  return output.length <= maxChars && !output.includes('\n');
}
