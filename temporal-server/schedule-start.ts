import { randomUUID } from 'node:crypto';
import type { Engine } from './engine';
import { msFromDuration, type Obj } from './proto';
import { ALLOW_ALL, type BufferedStart } from './schedule-buffer';
import type { ScheduleState } from './schedules';
import { startWorkflow } from './starts';

/**
 * Starting the workflow of one fire the way Temporal's scheduler does: the id carries the
 * nominal time (`<workflowId>-2026-03-02T01:00:00Z`) unless the schedule keeps the original
 * id; the action supplies input, memo, header, search attributes, timeouts and retry policy;
 * two search attributes say which schedule started it for which time.
 */
export function startScheduledWorkflow(
  engine: Engine,
  s: ScheduleState,
  start: BufferedStart,
  identity: string,
  log: (msg: string) => void,
): { workflowId: string; runId: string; startMs: number } | null {
  const action = s.schedule.action.startWorkflow as Obj;
  const nominal = Math.floor(start.nominalMs / 1000) * 1000;
  const stamp = new Date(nominal).toISOString().replace(/\.\d{3}Z$/, 'Z');
  const workflowId = s.schedule.policies.keepOriginalWorkflowId ? action.workflowId : `${action.workflowId}-${stamp}`;
  // The real server starts scheduled fires with REJECT_DUPLICATE: a fire is never taken twice.
  if (!start.manual && engine.current.has(engine.key(s.namespace, workflowId))) {
    log(`schedule ${s.scheduleId}: workflow ${workflowId} was already started, not starting it again`);
    return null;
  }
  try {
    const { run } = startWorkflow(
      engine,
      {
        namespace: s.namespace,
        workflowId,
        workflowType: action.workflowType?.name ?? '',
        taskQueue: action.taskQueue?.name ?? '',
        input: action.input ?? null,
        header: action.header ?? null,
        memo: action.memo ?? null,
        searchAttributes: {
          indexedFields: {
            ...(action.searchAttributes?.indexedFields ?? {}),
            TemporalScheduledStartTime: searchAttribute(stamp, 'Datetime'),
            TemporalScheduledById: searchAttribute(s.scheduleId, 'Keyword'),
          },
        },
        executionTimeoutMs: msFromDuration(action.workflowExecutionTimeout),
        runTimeoutMs: msFromDuration(action.workflowRunTimeout),
        wftTimeoutMs: msFromDuration(action.workflowTaskTimeout),
        retryPolicy: action.retryPolicy ?? null,
        identity,
        requestId: randomUUID(),
        startDelayMs: 0,
        parent: null,
        // ALLOW_ALL runs take no part in the last-completion chain
        lastCompletionResult: start.overlap === ALLOW_ALL ? null : s.lastCompletionResult,
      },
      // a manual start (trigger, backfill) may repeat an id whose run has closed
      { reuse: 'WORKFLOW_ID_REUSE_POLICY_ALLOW_DUPLICATE' },
    );
    return { workflowId, runId: run.runId, startMs: run.startMs };
  } catch (e) {
    log(`schedule ${s.scheduleId}: starting ${workflowId} failed: ${(e as Error).message}`);
    return null;
  }
}

/** A search attribute value with the type the SDK needs to decode it as a typed attribute. */
function searchAttribute(value: string, type: 'Datetime' | 'Keyword'): Obj {
  return { metadata: { encoding: Buffer.from('json/plain'), type: Buffer.from(type) }, data: Buffer.from(JSON.stringify(value)) };
}
