// The approval card's argument text: pretty-printed for editing, and read back as a JSON object
// (a tool's arguments are always one), with a reason in words when it is not one.

export type ParsedArgs = { ok: true; args: Record<string, unknown> } | { ok: false; reason: string };

/** The arguments as the user first sees them: two-space JSON, `{}` when there are none. */
export function prettyArgs(args: Record<string, unknown> | undefined): string {
  return JSON.stringify(args ?? {}, null, 2);
}

export function parseArgs(text: string): ParsedArgs {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    return { ok: false, reason: `Not valid JSON (${detail}). Fix it to approve.` };
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    return { ok: false, reason: 'The arguments must be a JSON object, {…}. Fix them to approve.' };
  }
  return { ok: true, args: value as Record<string, unknown> };
}

/** Whether `text` means other arguments than `original` (re-indenting alone changes nothing). */
export function argsChanged(parsed: ParsedArgs, original: Record<string, unknown> | undefined): boolean {
  return parsed.ok && JSON.stringify(parsed.args) !== JSON.stringify(original ?? {});
}
