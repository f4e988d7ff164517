// The shell's actions as components deep in the tree call them (ShellContext), recorded; each
// can be made to fail with the shell's typed error.
import type { ApprovalAnswer, BudgetAnswer } from '../generated/ipc';
import type { ShellActions } from '../shell';

export function fakeShell() {
  const calls = {
    approvals: [] as [string, string, ApprovalAnswer][],
    cancelled: [] as [string, string][],
    budgets: [] as [string, BudgetAnswer][],
  };
  let fail: string | null = null;
  const shell: ShellActions = {
    openExternal: () => {},
    resolveApproval: async (runId, callId, answer) => {
      if (fail) throw { code: 'not_found', message: fail };
      calls.approvals.push([runId, callId, answer]);
    },
    cancelToolCall: async (runId, callId) => {
      if (fail) throw { code: 'not_found', message: fail };
      calls.cancelled.push([runId, callId]);
    },
    resolveBudget: async (runId, answer) => {
      if (fail) throw { code: 'not_found', message: fail };
      calls.budgets.push([runId, answer]);
    },
  };
  return { shell, calls, failWith: (message: string) => (fail = message) };
}
