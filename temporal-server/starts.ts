import type { Engine } from './engine';
import { alreadyExists, RpcError } from './errors';
import { durationFromMs, msFromDuration, type Obj } from './proto';
import { isOpen, type ParentRef, type Run } from './run';

/**
 * Creating runs: a client's start (with id reuse and conflict policies and request-id
 * idempotency), signal-with-start, continue-as-new and child workflows all come here.
 */

export interface StartSpec {
  namespace: string;
  workflowId: string;
  workflowType: string;
  taskQueue: string;
  input: Obj | null;
  header: Obj | null;
  memo: Obj | null;
  searchAttributes: Obj | null;
  executionTimeoutMs: number;
  runTimeoutMs: number;
  wftTimeoutMs: number;
  retryPolicy: Obj | null;
  identity: string;
  requestId: string;
  startDelayMs: number;
  parent: ParentRef | null;
  /** continue-as-new: the run this one continues, with the lineage kept */
  continuedFrom?: Run;
  continuedInitiator?: string;
  lastCompletionResult?: Obj | null;
  /** signal-with-start: the signal written right after the start */
  signal?: { signalName: string; input: Obj | null; header: Obj | null; identity: string; requestId: string };
}

export function specFromStartRequest(req: Obj): StartSpec {
  return {
    namespace: req.namespace || 'default',
    workflowId: req.workflowId,
    workflowType: req.workflowType?.name ?? '',
    taskQueue: req.taskQueue?.name ?? '',
    input: req.input ?? null,
    header: req.header ?? null,
    memo: req.memo ?? null,
    searchAttributes: req.searchAttributes ?? null,
    executionTimeoutMs: msFromDuration(req.workflowExecutionTimeout),
    runTimeoutMs: msFromDuration(req.workflowRunTimeout),
    wftTimeoutMs: msFromDuration(req.workflowTaskTimeout),
    retryPolicy: req.retryPolicy ?? null,
    identity: req.identity ?? '',
    requestId: req.requestId ?? '',
    startDelayMs: msFromDuration(req.workflowStartDelay),
    parent: null,
  };
}

export type StartOutcome = { run: Run; started: boolean };

/**
 * Applies the id conflict policy (a run with this id is open) and the id reuse policy (the
 * last run is closed) the way the real server does, then creates the run.
 */
export function startWorkflow(engine: Engine, spec: StartSpec, policies: { reuse?: string; conflict?: string } = {}): StartOutcome {
  if (!spec.workflowId) throw new RpcError(3, 'WorkflowId is not set on request.');
  if (!spec.workflowType) throw new RpcError(3, 'WorkflowType is not set on request.');
  if (!spec.taskQueue) throw new RpcError(3, 'TaskQueue is not set on request.');
  const existingId = engine.current.get(engine.key(spec.namespace, spec.workflowId));
  const existing = existingId ? engine.runs.get(existingId) : undefined;
  if (existing && spec.requestId && existing.requestIds.includes(spec.requestId)) return { run: existing, started: true };
  if (existing && isOpen(existing)) {
    const conflict = policies.conflict || 'WORKFLOW_ID_CONFLICT_POLICY_FAIL';
    if (conflict === 'WORKFLOW_ID_CONFLICT_POLICY_USE_EXISTING') return { run: existing, started: false };
    if (
      conflict === 'WORKFLOW_ID_CONFLICT_POLICY_TERMINATE_EXISTING' ||
      policies.reuse === 'WORKFLOW_ID_REUSE_POLICY_TERMINATE_IF_RUNNING'
    ) {
      terminateRun(engine, existing, 'terminated by a new start with the same workflow id', spec.identity);
    } else {
      throw alreadyExists(`Workflow execution is already running. WorkflowId: ${spec.workflowId}, RunId: ${existing.runId}.`);
    }
  } else if (existing && !spec.continuedFrom) {
    const reuse = policies.reuse || 'WORKFLOW_ID_REUSE_POLICY_ALLOW_DUPLICATE';
    const failed = ['FAILED', 'CANCELED', 'TERMINATED', 'TIMED_OUT'].some((s) => existing.status.endsWith(s));
    if (
      reuse === 'WORKFLOW_ID_REUSE_POLICY_REJECT_DUPLICATE' ||
      (reuse === 'WORKFLOW_ID_REUSE_POLICY_ALLOW_DUPLICATE_FAILED_ONLY' && !failed)
    ) {
      throw alreadyExists(
        `Workflow execution already finished and its id cannot be reused. WorkflowId: ${spec.workflowId}, RunId: ${existing.runId}.`,
      );
    }
  }
  return { run: createRun(engine, spec), started: true };
}

export function createRun(engine: Engine, spec: StartSpec): Run {
  const now = engine.now();
  const runId = engine.newRunId();
  const prev = spec.continuedFrom;
  const firstRunId = prev ? prev.firstRunId : runId;
  const executionDeadlineMs = prev ? prev.executionDeadlineMs : spec.executionTimeoutMs > 0 ? now + spec.executionTimeoutMs : 0;
  const runTimeoutMs = spec.runTimeoutMs || spec.executionTimeoutMs;
  const run: Run = {
    namespace: spec.namespace,
    workflowId: spec.workflowId,
    runId,
    firstRunId,
    workflowType: spec.workflowType,
    taskQueue: spec.taskQueue,
    status: 'WORKFLOW_EXECUTION_STATUS_RUNNING',
    startMs: now,
    executionMs: now + spec.startDelayMs,
    closeMs: null,
    history: [],
    persistedEvents: 0,
    wft: null,
    previousStartedEventId: 0,
    consecutiveWftFailures: 0,
    buffered: [],
    activities: {},
    timers: {},
    children: {},
    updates: {},
    parent: spec.parent,
    memo: spec.memo,
    searchAttributes: spec.searchAttributes ?? { indexedFields: {} },
    requestIds: spec.requestId ? [spec.requestId] : [],
    cancelRequested: false,
    wftTimeoutMs: Math.min(spec.wftTimeoutMs || 10_000, 120_000),
    runTimeoutMs,
    executionTimeoutMs: spec.executionTimeoutMs,
    runDeadlineMs: runTimeoutMs > 0 ? now + runTimeoutMs : 0,
    executionDeadlineMs,
    newRunId: '',
    stickyQueue: '',
    stickyTimeoutMs: 0,
  };
  engine.runs.set(runId, run);
  engine.current.set(engine.key(run.namespace, run.workflowId), runId);
  engine.append(run, 'WORKFLOW_EXECUTION_STARTED', {
    workflowType: { name: spec.workflowType },
    parentWorkflowNamespace: spec.parent?.namespace ?? '',
    parentWorkflowExecution: spec.parent ? { workflowId: spec.parent.workflowId, runId: spec.parent.runId } : null,
    parentInitiatedEventId: spec.parent?.initiatedEventId ?? 0,
    taskQueue: { name: spec.taskQueue, kind: 'TASK_QUEUE_KIND_NORMAL' },
    input: spec.input,
    workflowExecutionTimeout: durationFromMs(spec.executionTimeoutMs),
    workflowRunTimeout: durationFromMs(runTimeoutMs),
    workflowTaskTimeout: durationFromMs(run.wftTimeoutMs),
    continuedExecutionRunId: prev?.runId ?? '',
    initiator: spec.continuedInitiator ?? 'CONTINUE_AS_NEW_INITIATOR_UNSPECIFIED',
    lastCompletionResult: spec.lastCompletionResult ?? null,
    originalExecutionRunId: runId,
    identity: spec.identity,
    firstExecutionRunId: firstRunId,
    retryPolicy: spec.retryPolicy,
    attempt: 1,
    workflowExecutionExpirationTime: executionDeadlineMs ? { seconds: Math.floor(executionDeadlineMs / 1000), nanos: 0 } : null,
    firstWorkflowTaskBackoff: durationFromMs(spec.startDelayMs),
    memo: spec.memo,
    searchAttributes: spec.searchAttributes,
    header: spec.header,
    workflowId: spec.workflowId,
  });
  if (spec.signal) {
    engine.append(run, 'WORKFLOW_EXECUTION_SIGNALED', {
      signalName: spec.signal.signalName,
      input: spec.signal.input,
      identity: spec.signal.identity,
      header: spec.signal.header,
      requestId: spec.signal.requestId,
    });
  }
  if (run.runDeadlineMs) engine.schedule(run.runDeadlineMs, { kind: 'run-timeout', runId, deadline: run.runDeadlineMs });
  if (executionDeadlineMs && (!run.runDeadlineMs || executionDeadlineMs < run.runDeadlineMs)) {
    engine.schedule(executionDeadlineMs, { kind: 'run-timeout', runId, deadline: executionDeadlineMs });
  }
  if (spec.startDelayMs > 0) engine.schedule(now + spec.startDelayMs, { kind: 'start-delay', runId });
  else engine.scheduleWft(run);
  return run;
}

/** Fails a workflow task in flight the way the server does before it force-closes a run. */
export function failWftInFlight(engine: Engine, run: Run, cause: string): void {
  if (run.wft && run.wft.startedEventId > 0) {
    engine.append(run, 'WORKFLOW_TASK_FAILED', {
      scheduledEventId: run.wft.scheduledEventId,
      startedEventId: run.wft.startedEventId,
      cause: `WORKFLOW_TASK_FAILED_CAUSE_${cause}`,
      identity: 'server',
    });
  }
  engine.clearWft(run);
  engine.flushBuffered(run);
}

export function terminateRun(engine: Engine, run: Run, reason: string, identity: string, details: Obj | null = null): void {
  failWftInFlight(engine, run, 'FORCE_CLOSE_COMMAND');
  engine.append(run, 'WORKFLOW_EXECUTION_TERMINATED', { reason, details, identity });
  engine.closeRun(run, 'WORKFLOW_EXECUTION_STATUS_TERMINATED');
}
