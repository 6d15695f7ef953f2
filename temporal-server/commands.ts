import type { Engine } from './engine';
import { msFromDuration, type Obj } from './proto';
import { normaliseRetryPolicy, retryPolicyToProto } from './retry';
import { isOpen, type Run } from './run';
import { createRun } from './starts';

/**
 * Commands of a completed workflow task → history events, in command order, each pointing
 * back at the WorkflowTaskCompleted event. Effects on other workflows (start a child, signal
 * or cancel another workflow) are returned as post actions, run after this run is committed.
 */

export type PostAction =
  | { kind: 'start-child'; parentRunId: string; initiatedEventId: number; attrs: Obj }
  | { kind: 'signal-external'; runId: string; initiatedEventId: number; attrs: Obj }
  | { kind: 'cancel-external'; runId: string; initiatedEventId: number; attrs: Obj };

export interface CommandOutcome {
  needsWft: boolean;
  post: PostAction[];
  /** activities the completing worker asked to run itself: handed back in the response */
  eagerActivities: number[];
}

export function applyCommands(
  engine: Engine,
  run: Run,
  commands: Obj[],
  completedId: number,
  identity: string,
  protocolMessage: (messageId: string) => void = () => {},
): CommandOutcome {
  const out: CommandOutcome = { needsWft: false, post: [], eagerActivities: [] };
  for (const cmd of commands) {
    if (!isOpen(run)) break;
    const type = String(cmd.commandType).replace('COMMAND_TYPE_', '');
    const handler = HANDLERS[type];
    if (!handler) {
      engine.log(`workflow ${run.workflowId}: command ${cmd.commandType} is not supported by the embedded server; recorded nothing for it`);
      continue;
    }
    handler({ engine, run, cmd, completedId, identity, out, protocolMessage });
  }
  return out;
}

interface Ctx {
  engine: Engine;
  run: Run;
  cmd: Obj;
  completedId: number;
  identity: string;
  out: CommandOutcome;
  protocolMessage: (messageId: string) => void;
}

const HANDLERS: Record<string, (c: Ctx) => void> = {
  SCHEDULE_ACTIVITY_TASK: scheduleActivity,
  // an update's acceptance or response, placed among the other commands' events
  PROTOCOL_MESSAGE: ({ cmd, protocolMessage }) => protocolMessage(cmd.protocolMessageCommandAttributes?.messageId ?? ''),
  REQUEST_CANCEL_ACTIVITY_TASK: requestCancelActivity,
  START_TIMER: ({ engine, run, cmd, completedId }) => {
    const a = cmd.startTimerCommandAttributes;
    const ev = engine.append(run, 'TIMER_STARTED', {
      timerId: a.timerId,
      startToFireTimeout: a.startToFireTimeout,
      workflowTaskCompletedEventId: completedId,
    });
    const fireAtMs = engine.now() + msFromDuration(a.startToFireTimeout);
    run.timers[a.timerId] = { timerId: a.timerId, startedEventId: ev.eventId, fireAtMs };
    engine.schedule(fireAtMs, { kind: 'timer', runId: run.runId, timerId: a.timerId, startedEventId: ev.eventId });
  },
  CANCEL_TIMER: ({ engine, run, cmd, completedId, identity }) => {
    const timer = run.timers[cmd.cancelTimerCommandAttributes.timerId];
    if (!timer) return;
    delete run.timers[timer.timerId];
    engine.append(run, 'TIMER_CANCELED', {
      timerId: timer.timerId,
      startedEventId: timer.startedEventId,
      workflowTaskCompletedEventId: completedId,
      identity,
    });
  },
  COMPLETE_WORKFLOW_EXECUTION: ({ engine, run, cmd, completedId }) => {
    engine.append(run, 'WORKFLOW_EXECUTION_COMPLETED', {
      result: cmd.completeWorkflowExecutionCommandAttributes?.result ?? null,
      workflowTaskCompletedEventId: completedId,
    });
    engine.closeRun(run, 'WORKFLOW_EXECUTION_STATUS_COMPLETED');
  },
  FAIL_WORKFLOW_EXECUTION: ({ engine, run, cmd, completedId }) => {
    engine.append(run, 'WORKFLOW_EXECUTION_FAILED', {
      failure: cmd.failWorkflowExecutionCommandAttributes?.failure ?? null,
      retryState: 'RETRY_STATE_RETRY_POLICY_NOT_SET',
      workflowTaskCompletedEventId: completedId,
    });
    engine.closeRun(run, 'WORKFLOW_EXECUTION_STATUS_FAILED');
  },
  CANCEL_WORKFLOW_EXECUTION: ({ engine, run, cmd, completedId }) => {
    engine.append(run, 'WORKFLOW_EXECUTION_CANCELED', {
      details: cmd.cancelWorkflowExecutionCommandAttributes?.details ?? null,
      workflowTaskCompletedEventId: completedId,
    });
    engine.closeRun(run, 'WORKFLOW_EXECUTION_STATUS_CANCELED');
  },
  CONTINUE_AS_NEW_WORKFLOW_EXECUTION: continueAsNew,
  RECORD_MARKER: ({ engine, run, cmd, completedId }) => {
    const a = cmd.recordMarkerCommandAttributes;
    engine.append(run, 'MARKER_RECORDED', {
      markerName: a.markerName,
      details: a.details ?? {},
      header: a.header ?? null,
      failure: a.failure ?? null,
      workflowTaskCompletedEventId: completedId,
    });
  },
  UPSERT_WORKFLOW_SEARCH_ATTRIBUTES: ({ engine, run, cmd, completedId }) => {
    const sa = cmd.upsertWorkflowSearchAttributesCommandAttributes?.searchAttributes ?? { indexedFields: {} };
    run.searchAttributes = { indexedFields: { ...(run.searchAttributes?.indexedFields ?? {}), ...(sa.indexedFields ?? {}) } };
    engine.append(run, 'UPSERT_WORKFLOW_SEARCH_ATTRIBUTES', { searchAttributes: sa, workflowTaskCompletedEventId: completedId });
  },
  MODIFY_WORKFLOW_PROPERTIES: ({ engine, run, cmd, completedId }) => {
    const memo = cmd.modifyWorkflowPropertiesCommandAttributes?.upsertedMemo ?? { fields: {} };
    run.memo = { fields: { ...(run.memo?.fields ?? {}), ...(memo.fields ?? {}) } };
    engine.append(run, 'WORKFLOW_PROPERTIES_MODIFIED', { upsertedMemo: memo, workflowTaskCompletedEventId: completedId });
  },
  START_CHILD_WORKFLOW_EXECUTION: ({ engine, run, cmd, completedId, out }) => {
    const a = cmd.startChildWorkflowExecutionCommandAttributes;
    const attrs = {
      ...a,
      namespace: a.namespace || run.namespace,
      taskQueue: a.taskQueue?.name ? a.taskQueue : { name: run.taskQueue, kind: 'TASK_QUEUE_KIND_NORMAL' },
      parentClosePolicy: a.parentClosePolicy || 'PARENT_CLOSE_POLICY_TERMINATE',
      workflowTaskCompletedEventId: completedId,
    };
    delete attrs.inheritBuildId;
    const ev = engine.append(run, 'START_CHILD_WORKFLOW_EXECUTION_INITIATED', attrs);
    run.children[ev.eventId] = {
      initiatedEventId: ev.eventId,
      namespace: attrs.namespace,
      workflowId: a.workflowId,
      workflowType: a.workflowType?.name ?? '',
      runId: '',
      startedEventId: 0,
      parentClosePolicy: attrs.parentClosePolicy,
    };
    out.post.push({ kind: 'start-child', parentRunId: run.runId, initiatedEventId: ev.eventId, attrs });
  },
  SIGNAL_EXTERNAL_WORKFLOW_EXECUTION: ({ engine, run, cmd, completedId, out }) => {
    const a = cmd.signalExternalWorkflowExecutionCommandAttributes;
    const attrs = {
      ...a,
      workflowExecution: a.execution,
      namespace: a.namespace || run.namespace,
      workflowTaskCompletedEventId: completedId,
    };
    delete attrs.execution;
    const ev = engine.append(run, 'SIGNAL_EXTERNAL_WORKFLOW_EXECUTION_INITIATED', attrs);
    out.post.push({ kind: 'signal-external', runId: run.runId, initiatedEventId: ev.eventId, attrs });
  },
  REQUEST_CANCEL_EXTERNAL_WORKFLOW_EXECUTION: ({ engine, run, cmd, completedId, out }) => {
    const a = cmd.requestCancelExternalWorkflowExecutionCommandAttributes;
    const attrs = {
      namespace: a.namespace || run.namespace,
      workflowExecution: { workflowId: a.workflowId, runId: a.runId ?? '' },
      control: a.control ?? '',
      childWorkflowOnly: a.childWorkflowOnly ?? false,
      reason: a.reason ?? '',
      workflowTaskCompletedEventId: completedId,
    };
    const ev = engine.append(run, 'REQUEST_CANCEL_EXTERNAL_WORKFLOW_EXECUTION_INITIATED', attrs);
    out.post.push({ kind: 'cancel-external', runId: run.runId, initiatedEventId: ev.eventId, attrs });
  },
};

/** Fills in the timeouts and retry policy the way the real server does, then queues the task. */
function scheduleActivity({ engine, run, cmd, completedId, out }: Ctx): void {
  const a = cmd.scheduleActivityTaskCommandAttributes;
  const runLeft = run.runDeadlineMs ? Math.max(0, run.runDeadlineMs - engine.now()) : 0;
  let scheduleToCloseMs = msFromDuration(a.scheduleToCloseTimeout) || runLeft;
  const startToCloseMs = msFromDuration(a.startToCloseTimeout) || scheduleToCloseMs;
  if (runLeft && scheduleToCloseMs > runLeft) scheduleToCloseMs = runLeft;
  const scheduleToStartMs = msFromDuration(a.scheduleToStartTimeout) || scheduleToCloseMs;
  const heartbeatMs = Math.min(msFromDuration(a.heartbeatTimeout), startToCloseMs || Number.MAX_SAFE_INTEGER);
  const retry = normaliseRetryPolicy(a.retryPolicy);
  const taskQueue = a.taskQueue?.name || run.taskQueue;
  const ms = (n: number) => ({ seconds: Math.floor(n / 1000), nanos: (n % 1000) * 1e6 });
  const ev = engine.append(run, 'ACTIVITY_TASK_SCHEDULED', {
    activityId: a.activityId,
    activityType: a.activityType,
    taskQueue: { name: taskQueue, kind: 'TASK_QUEUE_KIND_NORMAL' },
    header: a.header ?? null,
    input: a.input ?? null,
    scheduleToCloseTimeout: ms(scheduleToCloseMs),
    scheduleToStartTimeout: ms(scheduleToStartMs),
    startToCloseTimeout: ms(startToCloseMs),
    heartbeatTimeout: ms(heartbeatMs),
    workflowTaskCompletedEventId: completedId,
    retryPolicy: retryPolicyToProto(retry),
    priority: a.priority ?? null,
  });
  const now = engine.now();
  run.activities[ev.eventId] = {
    scheduledEventId: ev.eventId,
    activityId: a.activityId,
    activityType: a.activityType?.name ?? '',
    taskQueue,
    header: a.header ?? null,
    input: a.input ?? null,
    retry,
    scheduleToCloseMs,
    scheduleToStartMs,
    startToCloseMs,
    heartbeatMs,
    scheduledMs: now,
    attemptScheduledMs: now,
    attempt: 1,
    state: 'scheduled',
    startedMs: 0,
    startedIdentity: '',
    startedEventId: 0,
    lastHeartbeatMs: 0,
    heartbeatDetails: null,
    lastFailure: null,
    cancelRequestedEventId: 0,
  };
  // Eager execution: the worker reserved a slot and gets the task in the completion's answer,
  // saving a poll round trip. Only for its own task queue, where the worker is sure to poll.
  if (a.requestEagerExecution && taskQueue === run.taskQueue) out.eagerActivities.push(ev.eventId);
  else engine.dispatchActivity(run, ev.eventId);
}

function requestCancelActivity({ engine, run, cmd, completedId, out }: Ctx): void {
  const sid = cmd.requestCancelActivityTaskCommandAttributes.scheduledEventId;
  const act = run.activities[sid];
  const ev = engine.append(run, 'ACTIVITY_TASK_CANCEL_REQUESTED', { scheduledEventId: sid, workflowTaskCompletedEventId: completedId });
  if (!act || act.state === 'done') return;
  act.cancelRequestedEventId = ev.eventId;
  if (act.state === 'scheduled' || act.state === 'backoff') {
    // Not with a worker: cancelled at once, and the workflow hears of it in a new task.
    engine.append(run, 'ACTIVITY_TASK_CANCELED', {
      details: null,
      latestCancelRequestedEventId: ev.eventId,
      scheduledEventId: sid,
      startedEventId: 0,
      identity: 'server',
    });
    out.needsWft = true;
  }
}

function continueAsNew({ engine, run, cmd, completedId }: Ctx): void {
  const a = cmd.continueAsNewWorkflowExecutionCommandAttributes;
  const next = createRun(engine, {
    namespace: run.namespace,
    workflowId: run.workflowId,
    workflowType: a.workflowType?.name || run.workflowType,
    taskQueue: a.taskQueue?.name || run.taskQueue,
    input: a.input ?? null,
    header: a.header ?? null,
    memo: a.memo ?? run.memo,
    searchAttributes: a.searchAttributes ?? run.searchAttributes,
    executionTimeoutMs: run.executionTimeoutMs,
    runTimeoutMs: msFromDuration(a.workflowRunTimeout) || run.runTimeoutMs,
    wftTimeoutMs: msFromDuration(a.workflowTaskTimeout) || run.wftTimeoutMs,
    retryPolicy: a.retryPolicy ?? null,
    identity: 'history-service',
    requestId: '',
    startDelayMs: msFromDuration(a.backoffStartInterval),
    parent: run.parent,
    continuedFrom: run,
    continuedInitiator: a.initiator || 'CONTINUE_AS_NEW_INITIATOR_WORKFLOW',
    lastCompletionResult: a.lastCompletionResult ?? null,
  });
  run.newRunId = next.runId;
  engine.append(run, 'WORKFLOW_EXECUTION_CONTINUED_AS_NEW', {
    newExecutionRunId: next.runId,
    workflowType: { name: next.workflowType },
    taskQueue: { name: next.taskQueue, kind: 'TASK_QUEUE_KIND_NORMAL' },
    input: a.input ?? null,
    workflowRunTimeout: a.workflowRunTimeout ?? null,
    workflowTaskTimeout: { seconds: Math.floor(next.wftTimeoutMs / 1000), nanos: 0 },
    workflowTaskCompletedEventId: completedId,
    backoffStartInterval: a.backoffStartInterval ?? null,
    initiator: a.initiator || 'CONTINUE_AS_NEW_INITIATOR_WORKFLOW',
    header: a.header ?? null,
    memo: a.memo ?? null,
    searchAttributes: a.searchAttributes ?? null,
  });
  engine.closeRun(run, 'WORKFLOW_EXECUTION_STATUS_CONTINUED_AS_NEW');
  // createRun made the new run current already; keep that after the close above.
  engine.current.set(engine.key(run.namespace, run.workflowId), next.runId);
}
