import type { Engine } from './engine';
import type { Obj } from './proto';
import { isOpen } from './run';

const LONG_POLL_MS = 20_000;

/** GetWorkflowExecutionHistory: pages, the close-event filter, and long polls for new events. */
export async function getHistory(engine: Engine, req: Obj, onCancel: (fn: () => void) => () => void): Promise<Obj> {
  const namespace = req.namespace || 'default';
  const token = parseToken(req.nextPageToken);
  const run = token
    ? await engine.resolve(namespace, { workflowId: req.execution?.workflowId, runId: token.r })
    : await engine.resolve(namespace, req.execution);
  const wait = Boolean(req.waitNewEvent);
  if (req.historyEventFilterType === 'HISTORY_EVENT_FILTER_TYPE_CLOSE_EVENT') {
    if (isOpen(run) && wait) await engine.waitHistoryUntil(run.runId, () => !isOpen(run), LONG_POLL_MS, onCancel);
    if (isOpen(run)) return { history: { events: [] }, nextPageToken: wait ? makeToken(run.runId, 0) : Buffer.alloc(0) };
    return { history: { events: [run.history[run.history.length - 1]] }, nextPageToken: Buffer.alloc(0) };
  }
  const from = token?.n || 1;
  if (wait && isOpen(run) && run.history.length < from) {
    await engine.waitHistoryUntil(run.runId, () => run.history.length >= from || !isOpen(run), LONG_POLL_MS, onCancel);
  }
  const pageSize = req.maximumPageSize > 0 ? Math.min(req.maximumPageSize, 1000) : 1000;
  const events = run.history.slice(from - 1, from - 1 + pageSize);
  const next = from + events.length;
  const more = next <= run.history.length || (wait && isOpen(run));
  return { history: { events }, nextPageToken: more ? makeToken(run.runId, next) : Buffer.alloc(0) };
}

function makeToken(runId: string, nextEventId: number): Buffer {
  return Buffer.from(JSON.stringify({ r: runId, n: nextEventId }));
}

function parseToken(b: Uint8Array | null | undefined): { r: string; n: number } | null {
  if (!b || b.length === 0) return null;
  try {
    return JSON.parse(Buffer.from(b).toString('utf8'));
  } catch {
    return null;
  }
}
