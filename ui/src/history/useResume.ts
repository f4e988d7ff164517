// A window that comes back while runs are in progress (reloaded mid-run): each run's
// conversation is opened from the history and the run followed from after the last `seq` the
// history held, so the answer carries on with no gap and nothing twice (the reducer also skips
// any seq it has applied).
import { useEffect, type Dispatch } from 'react';
import type { Backend } from '../ipc';
import type { Action } from '../state/types';
import { toLoaded } from './types';

/** Once `ready` (events are listened to and the history works), follows the runs in progress. */
export function useResume(backend: Backend, ready: boolean, dispatch: Dispatch<Action>) {
  useEffect(() => {
    const { history, runsInProgress, followRun } = backend;
    if (!ready || !history || !runsInProgress || !followRun) return;
    let disposed = false;
    const resume = async () => {
      const runs = await runsInProgress();
      for (const [index, run] of runs.entries()) {
        const detail = await history.open(run.conversation_id);
        if (disposed) return;
        dispatch({ type: 'load_conversation', conversation: toLoaded(detail), select: index === 0 });
        const saved = detail.runs.find((r) => r.run_id === run.run_id);
        const last = saved ? saved.events.reduce((max, event) => Math.max(max, event.seq), -1) : -1;
        await followRun(run.run_id, last >= 0 ? last : null);
      }
    };
    resume().catch((error: unknown) => console.warn('following the runs in progress failed', error));
    return () => {
      disposed = true;
    };
  }, [backend, ready, dispatch]);
}
