// A run's events over Server-Sent Events (`GET /v1/runs/{id}/events`) with the browser's own
// `EventSource`: it reconnects by itself after a dropped connection, sending `Last-Event-ID`, and
// the server replays what was missed, so nothing is lost and nothing comes twice. `EventSource`
// cannot send a header, so the token goes as `?token=`.
import type { Event, EventKind } from '../generated/protocol';

/** Every event type the server names in `event:` (the compiler keeps this list complete). */
const TYPES = {
  run_started: true,
  status: true,
  thought: true,
  token: true,
  tool_call_delta: true,
  tool_call: true,
  tool_progress: true,
  tool_result: true,
  approval_required: true,
  approval_resolved: true,
  budget_reached: true,
  budget_resolved: true,
  ping: true,
  error: true,
  run_finished: true,
} satisfies Record<EventKind['type'], true>;

/**
 * Follows `runId` from after `afterSeq` (none: from its first event) until `run_finished`,
 * handing each event to `deliver` once, in `seq` order; returns a function that stops following.
 */
export function followEvents(token: string, runId: string, afterSeq: number | null, deliver: (events: Event[]) => void): () => void {
  const query = new URLSearchParams({ token });
  if (afterSeq !== null && afterSeq >= 0) query.set('after', String(afterSeq));
  const source = new EventSource(`/v1/runs/${encodeURIComponent(runId)}/events?${query}`);
  let last = afterSeq ?? -1;
  const onEvent = (message: MessageEvent<string>) => {
    let event: Event;
    try {
      event = JSON.parse(message.data) as Event;
    } catch {
      return;
    }
    // The server's own keep-alive `ping` has no seq: it only keeps the connection open.
    if (typeof event.seq !== 'number' || event.seq <= last) return;
    last = event.seq;
    deliver([event]);
    if (event.type === 'run_finished') source.close();
  };
  for (const type of Object.keys(TYPES)) source.addEventListener(type, onEvent as EventListener);
  // A dropped connection is retried by the browser; a refused one (401, 404) closes the source.
  source.onerror = () => {
    if (source.readyState === EventSource.CLOSED) console.warn(`the events of run ${runId} could not be read`);
  };
  return () => source.close();
}
