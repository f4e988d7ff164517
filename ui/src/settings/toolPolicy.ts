// Settings › Tools offers one choice per tool; the settings keep it as two maps (`tools`: on or
// off, `ask_first`: whether calls wait for approval). These turn one into the other.
import type { Settings } from './types';

export type ToolPolicy = 'always' | 'ask' | 'never';

export const TOOL_POLICIES: readonly { value: ToolPolicy; label: string }[] = [
  { value: 'always', label: 'Always allow' },
  { value: 'ask', label: 'Ask first' },
  { value: 'never', label: 'Never' },
];

/** A tool missing from a map is on and does not ask (the shell lists every tool, though). */
export function toolPolicy(settings: Pick<Settings, 'tools' | 'ask_first'>, name: string): ToolPolicy {
  if (settings.tools[name] === false) return 'never';
  return settings.ask_first[name] ? 'ask' : 'always';
}

/** The two maps with `name` set to `policy`; "Never" keeps what ask_first said for a later "on". */
export function withToolPolicy(
  settings: Pick<Settings, 'tools' | 'ask_first'>,
  name: string,
  policy: ToolPolicy,
): Pick<Settings, 'tools' | 'ask_first'> {
  const tools = { ...settings.tools, [name]: policy !== 'never' };
  const ask_first = policy === 'never' ? settings.ask_first : { ...settings.ask_first, [name]: policy === 'ask' };
  return { tools, ask_first };
}
