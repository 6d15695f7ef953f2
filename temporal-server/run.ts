import type { Obj } from './proto';

/**
 * One workflow run's mutable state: what the real server keeps beside the history (pending
 * activities, timers, children, the workflow task in flight, events buffered while it runs).
 * Plain data, so it persists as JSON and survives a restart.
 */

export type RunStatus =
  | 'WORKFLOW_EXECUTION_STATUS_RUNNING'
  | 'WORKFLOW_EXECUTION_STATUS_COMPLETED'
  | 'WORKFLOW_EXECUTION_STATUS_FAILED'
  | 'WORKFLOW_EXECUTION_STATUS_CANCELED'
  | 'WORKFLOW_EXECUTION_STATUS_TERMINATED'
  | 'WORKFLOW_EXECUTION_STATUS_CONTINUED_AS_NEW'
  | 'WORKFLOW_EXECUTION_STATUS_TIMED_OUT';

export interface RetryPolicy {
  initialIntervalMs: number;
  backoffCoefficient: number;
  maximumIntervalMs: number;
  maximumAttempts: number;
  nonRetryableErrorTypes: string[];
}

export interface ActivityState {
  scheduledEventId: number;
  activityId: string;
  activityType: string;
  taskQueue: string;
  header: Obj | null;
  input: Obj | null;
  retry: RetryPolicy;
  scheduleToCloseMs: number;
  scheduleToStartMs: number;
  startToCloseMs: number;
  heartbeatMs: number;
  scheduledMs: number;
  attemptScheduledMs: number;
  attempt: number;
  /** backoff: waiting for a retry; done: its result is buffered, waiting to be written */
  state: 'scheduled' | 'started' | 'backoff' | 'done';
  startedMs: number;
  startedIdentity: string;
  startedEventId: number;
  lastHeartbeatMs: number;
  heartbeatDetails: Obj | null;
  lastFailure: Obj | null;
  cancelRequestedEventId: number;
}

export interface TimerState {
  timerId: string;
  startedEventId: number;
  fireAtMs: number;
}

export interface ChildState {
  initiatedEventId: number;
  namespace: string;
  workflowId: string;
  workflowType: string;
  runId: string;
  startedEventId: number;
  parentClosePolicy: string;
}

export interface WorkflowTaskState {
  scheduledEventId: number;
  startedEventId: number;
  attempt: number;
  scheduledMs: number;
  startedMs: number;
  /** when a retried task is held back after repeated failures */
  notBeforeMs: number;
}

/** An event waiting for the workflow task in flight to finish. */
export interface BufferedEvent {
  eventType: string;
  attrKey: string;
  attrs: Obj;
}

export interface UpdateState {
  id: string;
  request: Obj;
  /** admitted: waiting for a task; sent: with the task in flight; then accepted, completed or rejected */
  stage: 'admitted' | 'sent' | 'accepted' | 'completed' | 'rejected';
  acceptedEventId: number;
  outcome: Obj | null;
}

export interface ParentRef {
  namespace: string;
  workflowId: string;
  runId: string;
  initiatedEventId: number;
}

export interface Run {
  namespace: string;
  workflowId: string;
  runId: string;
  firstRunId: string;
  workflowType: string;
  taskQueue: string;
  status: RunStatus;
  startMs: number;
  executionMs: number;
  closeMs: number | null;
  history: Obj[];
  /** how many events of history are in the store */
  persistedEvents: number;
  wft: WorkflowTaskState | null;
  previousStartedEventId: number;
  consecutiveWftFailures: number;
  buffered: BufferedEvent[];
  activities: Record<string, ActivityState>;
  timers: Record<string, TimerState>;
  children: Record<string, ChildState>;
  updates: Record<string, UpdateState>;
  parent: ParentRef | null;
  memo: Obj | null;
  searchAttributes: Obj;
  requestIds: string[];
  cancelRequested: boolean;
  wftTimeoutMs: number;
  runTimeoutMs: number;
  executionTimeoutMs: number;
  runDeadlineMs: number;
  executionDeadlineMs: number;
  newRunId: string;
  /** the stickiness the last completing worker asked for (stage 2 honours it) */
  stickyQueue: string;
  stickyTimeoutMs: number;
}

export const CLOSED_BY_COMMAND: Record<string, RunStatus> = {
  COMMAND_TYPE_COMPLETE_WORKFLOW_EXECUTION: 'WORKFLOW_EXECUTION_STATUS_COMPLETED',
  COMMAND_TYPE_FAIL_WORKFLOW_EXECUTION: 'WORKFLOW_EXECUTION_STATUS_FAILED',
  COMMAND_TYPE_CANCEL_WORKFLOW_EXECUTION: 'WORKFLOW_EXECUTION_STATUS_CANCELED',
  COMMAND_TYPE_CONTINUE_AS_NEW_WORKFLOW_EXECUTION: 'WORKFLOW_EXECUTION_STATUS_CONTINUED_AS_NEW',
};

export const isOpen = (run: Run) => run.status === 'WORKFLOW_EXECUTION_STATUS_RUNNING';

/** JSON with Buffers kept as base64, so payloads survive the trip through the store. */
export function toStoredJson(value: unknown): string {
  return JSON.stringify(value, (_k, v) => {
    if (v && typeof v === 'object' && v.type === 'Buffer' && Array.isArray(v.data)) return { $b: Buffer.from(v.data).toString('base64') };
    if (v instanceof Uint8Array) return { $b: Buffer.from(v).toString('base64') };
    return v;
  });
}

export function fromStoredJson<T>(json: string): T {
  return JSON.parse(json, (_k, v) => (v && typeof v === 'object' && typeof v.$b === 'string' ? Buffer.from(v.$b, 'base64') : v));
}

export function serialiseState(run: Run): string {
  const { history: _h, persistedEvents: _p, ...state } = run;
  return toStoredJson(state);
}

export function deserialiseState(json: string): Omit<Run, 'history' | 'persistedEvents'> {
  return fromStoredJson(json);
}

/** camelCase attribute key of an event type: EVENT_TYPE_TIMER_FIRED → timerFiredEventAttributes. */
export function attrKeyOf(eventType: string): string {
  const words = eventType
    .replace(/^EVENT_TYPE_/, '')
    .toLowerCase()
    .split('_');
  return `${words.map((w, i) => (i === 0 ? w : w[0]!.toUpperCase() + w.slice(1))).join('')}EventAttributes`;
}
