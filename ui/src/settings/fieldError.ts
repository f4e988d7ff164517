// A settings command's refusal that is about one provider's field: the shell's
// `{code, message, provider}` (crates/ipc's CommandError), placed beside the field to fix.
import type { CommandError } from '../generated/ipc';
import { errorMessage } from '../ipc';

export interface FieldError {
  /** The provider whose field is wrong. */
  provider: string;
  field: 'base_url' | 'api_key' | 'thinking_budget';
  message: string;
}

function isCommandError(error: unknown): error is CommandError {
  return (
    !!error &&
    typeof error === 'object' &&
    typeof (error as CommandError).code === 'string' &&
    typeof (error as CommandError).message === 'string'
  );
}

/** Which provider's field `error` is about, or null when it is about no field. */
export function fieldError(error: unknown): FieldError | null {
  if (!isCommandError(error) || !error.provider) return null;
  switch (error.code) {
    case 'invalid_base_url':
    case 'insecure_base_url':
      return { provider: error.provider, field: 'base_url', message: error.message };
    case 'key_for_another_origin':
      return { provider: error.provider, field: 'api_key', message: error.message };
    case 'invalid_thinking_budget':
      return { provider: error.provider, field: 'thinking_budget', message: error.message };
    default:
      return null;
  }
}

/** The message of a command error (`{code, message}` from the shell) or any other failure. */
export function commandMessage(error: unknown): string {
  if (error && typeof error === 'object' && 'message' in error && typeof error.message === 'string') return error.message;
  return errorMessage(error);
}
