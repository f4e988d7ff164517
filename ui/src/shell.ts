// What components deep in the tree need from the shell, without passing the backend down.
import { createContext } from 'react';
import type { ApprovalAnswer, BudgetAnswer } from './generated/ipc';

export interface ShellActions {
  /** Opens a link outside the app (checked again by the shell: http, https, mailto only). */
  openExternal(url: string): void;
  /** Answers a tool call waiting for approval; rejects with the shell's error (`errorMessage`). */
  resolveApproval(runId: string, callId: string, answer: ApprovalAnswer): Promise<void>;
  /** Cancels one running tool call; rejects with the shell's error. */
  cancelToolCall(runId: string, callId: string): Promise<void>;
  /** Answers a run paused at its budget; rejects with the shell's error. */
  resolveBudget(runId: string, answer: BudgetAnswer): Promise<void>;
  /** A file a saved conversation stores, as base64, for its thumbnail (absent: none shown). */
  attachmentData?: ((conversationId: string, sha256: string) => Promise<string>) | undefined;
}

const notConnected = () => Promise.reject(new Error('Not connected to the Telltale app.'));

export const ShellContext = createContext<ShellActions>({
  openExternal: () => {},
  resolveApproval: notConnected,
  cancelToolCall: notConnected,
  resolveBudget: notConnected,
});

/** Puts text on the clipboard; resolves to whether it worked. */
export async function copyText(text: string): Promise<boolean> {
  try {
    if (navigator.clipboard?.writeText) {
      await navigator.clipboard.writeText(text);
      return true;
    }
  } catch {
    // fall back below
  }
  const area = document.createElement('textarea');
  area.value = text;
  area.setAttribute('readonly', '');
  area.style.position = 'fixed';
  area.style.opacity = '0';
  document.body.appendChild(area);
  area.select();
  let ok: boolean;
  try {
    ok = document.execCommand('copy');
  } catch {
    ok = false;
  }
  area.remove();
  return ok;
}
