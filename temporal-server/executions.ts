import { requestCancel } from './children';
import type { DueItem, Engine } from './engine';
import { invalid, notFound } from './errors';
import { type Obj, tsFromMs } from './proto';
import { deserialiseState, isOpen, type Run } from './run';
import { failWftInFlight, specFromStartRequest, startWorkflow, terminateRun } from './starts';
import { compileQuery } from './visibility';
import type { WorkflowTasks } from './workflow-tasks';

/** Client-facing operations on executions: start, signal, signal-with-start, cancel, terminate, describe. */
export class Executions {
  constructor(
    private readonly engine: Engine,
    private readonly wfts: WorkflowTasks,
  ) {}

  async start(req: Obj): Promise<Obj> {
    const { run, started } = startWorkflow(this.engine, specFromStartRequest(req), {
      reuse: req.workflowIdReusePolicy,
      conflict: req.workflowIdConflictPolicy,
    });
    await this.engine.commit();
    return { runId: run.runId, started };
  }

  async signal(req: Obj): Promise<Obj> {
    const run = await this.engine.resolve(req.namespace || 'default', req.workflowExecution);
    if (!isOpen(run)) throw notFound('workflow execution already completed');
    if (req.requestId && run.requestIds.includes(req.requestId)) return {};
    this.remember(run, req.requestId);
    this.engine.deliver(run, 'WORKFLOW_EXECUTION_SIGNALED', {
      signalName: req.signalName,
      input: req.input ?? null,
      identity: req.identity ?? '',
      header: req.header ?? null,
      requestId: req.requestId ?? '',
    });
    await this.engine.commit();
    return {};
  }

  async signalWithStart(req: Obj): Promise<Obj> {
    const existingId = this.engine.current.get(this.engine.key(req.namespace || 'default', req.workflowId));
    const existing = existingId ? await this.engine.getRun(existingId) : undefined;
    if (existing && isOpen(existing)) {
      await this.signal({ ...req, input: req.signalInput, workflowExecution: { workflowId: req.workflowId, runId: existing.runId } });
      return { runId: existing.runId, started: false };
    }
    const spec = specFromStartRequest(req);
    spec.signal = {
      signalName: req.signalName,
      input: req.signalInput ?? null,
      header: req.header ?? null,
      identity: req.identity ?? '',
      requestId: req.requestId ?? '',
    };
    const { run } = startWorkflow(this.engine, spec, {
      reuse: req.workflowIdReusePolicy,
      conflict: 'WORKFLOW_ID_CONFLICT_POLICY_USE_EXISTING',
    });
    await this.engine.commit();
    return { runId: run.runId, started: true };
  }

  async requestCancel(req: Obj): Promise<Obj> {
    const run = await this.engine.resolve(req.namespace || 'default', req.workflowExecution);
    if (!isOpen(run)) throw notFound('workflow execution already completed');
    if (req.requestId && run.requestIds.includes(req.requestId)) return {};
    this.remember(run, req.requestId);
    requestCancel(this.engine, run, req.identity ?? '', null);
    await this.engine.commit();
    return {};
  }

  async terminate(req: Obj): Promise<Obj> {
    const run = await this.engine.resolve(req.namespace || 'default', req.workflowExecution);
    if (!isOpen(run)) throw notFound('workflow execution already completed');
    terminateRun(this.engine, run, req.reason ?? '', req.identity ?? '', req.details ?? null);
    await this.engine.commit();
    return {};
  }

  async describe(req: Obj): Promise<Obj> {
    const run = await this.engine.resolve(req.namespace || 'default', req.execution);
    const dur = (ms: number) => ({ seconds: Math.floor(ms / 1000), nanos: (ms % 1000) * 1e6 });
    return {
      executionConfig: {
        taskQueue: { name: run.taskQueue, kind: 'TASK_QUEUE_KIND_NORMAL' },
        workflowExecutionTimeout: dur(run.executionTimeoutMs),
        workflowRunTimeout: dur(run.runTimeoutMs),
        defaultWorkflowTaskTimeout: dur(run.wftTimeoutMs),
      },
      workflowExecutionInfo: executionInfo(run),
      pendingActivities: Object.values(run.activities)
        .filter((a) => a.state !== 'done')
        .map((a) => ({
          activityId: a.activityId,
          activityType: { name: a.activityType },
          state: a.cancelRequestedEventId
            ? 'PENDING_ACTIVITY_STATE_CANCEL_REQUESTED'
            : a.state === 'started'
              ? 'PENDING_ACTIVITY_STATE_STARTED'
              : 'PENDING_ACTIVITY_STATE_SCHEDULED',
          heartbeatDetails: a.heartbeatDetails,
          lastHeartbeatTime: a.lastHeartbeatMs ? tsFromMs(a.lastHeartbeatMs) : null,
          lastStartedTime: a.startedMs ? tsFromMs(a.startedMs) : null,
          attempt: a.attempt,
          maximumAttempts: a.retry.maximumAttempts,
          scheduledTime: tsFromMs(a.attemptScheduledMs),
          lastFailure: a.lastFailure,
          lastWorkerIdentity: a.startedIdentity,
        })),
      pendingChildren: Object.values(run.children).map((c) => ({
        workflowId: c.workflowId,
        runId: c.runId,
        workflowTypeName: c.workflowType,
        initiatedId: c.initiatedEventId,
        parentClosePolicy: c.parentClosePolicy,
      })),
      pendingWorkflowTask: run.wft
        ? {
            state: run.wft.startedEventId ? 'PENDING_WORKFLOW_TASK_STATE_STARTED' : 'PENDING_WORKFLOW_TASK_STATE_SCHEDULED',
            scheduledTime: tsFromMs(run.wft.scheduledMs),
            startedTime: run.wft.startedMs ? tsFromMs(run.wft.startedMs) : null,
            attempt: run.wft.attempt,
          }
        : null,
    };
  }

  /** ListWorkflowExecutions: the latest committed state of every run the query selects. */
  async list(req: Obj): Promise<Obj> {
    const q = compileQuery(req.query ?? '');
    const pageSize = req.pageSize > 0 ? Math.min(req.pageSize, 1000) : 100;
    const offset = req.nextPageToken?.length ? Number(Buffer.from(req.nextPageToken).toString('utf8')) || 0 : 0;
    await this.engine.commit();
    const rows = await this.engine.store.all<{ runId: string; state: string; historyLength: number }>(
      `SELECT run_id AS runId, state, (SELECT COUNT(*) FROM events e WHERE e.run_id = runs.run_id) AS historyLength
       FROM runs WHERE namespace = ? AND (${q.where}) ORDER BY ${q.orderBy} LIMIT ? OFFSET ?`,
      [req.namespace || 'default', ...q.params, pageSize + 1, offset],
    );
    const page = rows.slice(0, pageSize);
    const executions = page.map((r) => {
      const live = this.engine.runs.get(r.runId);
      if (live) return executionInfo(live);
      const run = { ...deserialiseState(r.state), history: [], persistedEvents: 0 } as Run;
      return { ...executionInfo(run), historyLength: r.historyLength };
    });
    return { executions, nextPageToken: rows.length > pageSize ? Buffer.from(String(offset + pageSize)) : Buffer.alloc(0) };
  }

  async count(req: Obj): Promise<Obj> {
    const q = compileQuery(req.query ?? '');
    await this.engine.commit();
    const [row] = await this.engine.store.all<{ n: number }>(`SELECT COUNT(*) AS n FROM runs WHERE namespace = ? AND (${q.where})`, [
      req.namespace || 'default',
      ...q.params,
    ]);
    return { count: row?.n ?? 0, groups: [] };
  }

  private remember(run: Run, requestId: string | undefined): void {
    if (!requestId) return;
    run.requestIds.push(requestId);
    if (run.requestIds.length > 200) run.requestIds.splice(0, run.requestIds.length - 200);
  }

  /** What is due: timers fire, workflow clocks run out, held-back tasks go out. */
  onDue(run: Run, item: DueItem): void {
    if (!isOpen(run)) return;
    switch (item.kind) {
      case 'timer': {
        const timer = run.timers[item.timerId];
        if (!timer || timer.startedEventId !== item.startedEventId) return;
        delete run.timers[item.timerId];
        this.engine.deliver(run, 'TIMER_FIRED', { timerId: item.timerId, startedEventId: item.startedEventId });
        return;
      }
      case 'wft-timeout':
        this.wfts.onTimeout(run, item.scheduledEventId);
        return;
      case 'wft-backoff':
        if (run.wft && run.wft.scheduledEventId === item.scheduledEventId && run.wft.startedEventId === 0) {
          run.wft.notBeforeMs = 0;
          this.engine.dispatchWft(run);
        }
        return;
      case 'sticky-timeout':
        this.engine.sticky.onTimeout(run, item.scheduledEventId);
        return;
      case 'start-delay':
        this.engine.scheduleWft(run);
        return;
      case 'run-timeout':
        failWftInFlight(this.engine, run, 'FORCE_CLOSE_COMMAND');
        this.engine.append(run, 'WORKFLOW_EXECUTION_TIMED_OUT', { retryState: 'RETRY_STATE_TIMEOUT' });
        this.engine.closeRun(run, 'WORKFLOW_EXECUTION_STATUS_TIMED_OUT');
        return;
      default:
        throw invalid(`unexpected due item ${item.kind}`);
    }
  }
}

export function executionInfo(run: Run): Obj {
  return {
    execution: { workflowId: run.workflowId, runId: run.runId },
    type: { name: run.workflowType },
    startTime: tsFromMs(run.startMs),
    closeTime: run.closeMs ? tsFromMs(run.closeMs) : null,
    status: run.status,
    historyLength: run.history.length,
    parentNamespaceId: run.parent?.namespace ?? '',
    parentExecution: run.parent ? { workflowId: run.parent.workflowId, runId: run.parent.runId } : null,
    executionTime: tsFromMs(run.executionMs),
    memo: run.memo,
    searchAttributes: run.searchAttributes,
    taskQueue: run.taskQueue,
    firstRunId: run.firstRunId,
  };
}
