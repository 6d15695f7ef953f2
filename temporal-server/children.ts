import type { PostAction } from './commands';
import type { Engine } from './engine';
import { msFromDuration, type Obj } from './proto';
import { isOpen, type Run } from './run';
import { startWorkflow, terminateRun } from './starts';

/**
 * What one workflow does to another: start children, signal and cancel external workflows,
 * tell a parent how its child ended, and apply a closing parent's policy to its children.
 */
export class Relations {
  constructor(private readonly engine: Engine) {}

  async runPostActions(actions: PostAction[]): Promise<void> {
    if (actions.length === 0) return;
    for (const a of actions) {
      const source = await this.engine.getRun(a.kind === 'start-child' ? a.parentRunId : a.runId);
      if (!source) continue;
      if (a.kind === 'start-child') this.startChild(source, a.initiatedEventId, a.attrs);
      else if (a.kind === 'signal-external') await this.signalExternal(source, a.initiatedEventId, a.attrs);
      else await this.cancelExternal(source, a.initiatedEventId, a.attrs);
    }
    await this.engine.commit();
  }

  private startChild(parent: Run, initiatedEventId: number, a: Obj): void {
    const common = {
      namespace: a.namespace,
      workflowId: a.workflowId,
      workflowType: a.workflowType,
      initiatedEventId,
      control: a.control ?? '',
    };
    try {
      const { run: child } = startWorkflow(
        this.engine,
        {
          namespace: a.namespace,
          workflowId: a.workflowId,
          workflowType: a.workflowType?.name ?? '',
          taskQueue: a.taskQueue?.name ?? parent.taskQueue,
          input: a.input ?? null,
          header: a.header ?? null,
          memo: a.memo ?? null,
          searchAttributes: a.searchAttributes ?? null,
          executionTimeoutMs: msFromDuration(a.workflowExecutionTimeout),
          runTimeoutMs: msFromDuration(a.workflowRunTimeout),
          wftTimeoutMs: msFromDuration(a.workflowTaskTimeout),
          retryPolicy: a.retryPolicy ?? null,
          identity: `parent:${parent.workflowId}`,
          requestId: `${parent.runId}:${initiatedEventId}`,
          startDelayMs: 0,
          parent: { namespace: parent.namespace, workflowId: parent.workflowId, runId: parent.runId, initiatedEventId },
        },
        { reuse: a.workflowIdReusePolicy, conflict: 'WORKFLOW_ID_CONFLICT_POLICY_FAIL' },
      );
      const state = parent.children[initiatedEventId];
      if (state) state.runId = child.runId;
      this.engine.deliver(parent, 'CHILD_WORKFLOW_EXECUTION_STARTED', {
        namespace: a.namespace,
        initiatedEventId,
        workflowExecution: { workflowId: child.workflowId, runId: child.runId },
        workflowType: a.workflowType,
        header: a.header ?? null,
      });
    } catch {
      this.engine.deliver(parent, 'START_CHILD_WORKFLOW_EXECUTION_FAILED', {
        ...common,
        cause: 'START_CHILD_WORKFLOW_EXECUTION_FAILED_CAUSE_WORKFLOW_ALREADY_EXISTS',
        workflowTaskCompletedEventId: a.workflowTaskCompletedEventId,
      });
    }
  }

  private async target(namespace: string, execution: Obj): Promise<Run | null> {
    try {
      const run = await this.engine.resolve(namespace, execution);
      return isOpen(run) ? run : null;
    } catch {
      return null;
    }
  }

  private async signalExternal(source: Run, initiatedEventId: number, a: Obj): Promise<void> {
    const target = await this.target(a.namespace, a.workflowExecution);
    const ref = { namespace: a.namespace, workflowExecution: a.workflowExecution, initiatedEventId, control: a.control ?? '' };
    if (!target) {
      this.engine.deliver(source, 'SIGNAL_EXTERNAL_WORKFLOW_EXECUTION_FAILED', {
        ...ref,
        cause: 'SIGNAL_EXTERNAL_WORKFLOW_EXECUTION_FAILED_CAUSE_EXTERNAL_WORKFLOW_EXECUTION_NOT_FOUND',
        workflowTaskCompletedEventId: a.workflowTaskCompletedEventId,
      });
      return;
    }
    this.engine.deliver(target, 'WORKFLOW_EXECUTION_SIGNALED', {
      signalName: a.signalName,
      input: a.input ?? null,
      identity: `workflow:${source.workflowId}`,
      header: a.header ?? null,
      externalWorkflowExecution: { workflowId: source.workflowId, runId: source.runId },
    });
    this.engine.deliver(source, 'EXTERNAL_WORKFLOW_EXECUTION_SIGNALED', {
      ...ref,
      workflowExecution: { workflowId: target.workflowId, runId: target.runId },
    });
  }

  private async cancelExternal(source: Run, initiatedEventId: number, a: Obj): Promise<void> {
    const target = await this.target(a.namespace, a.workflowExecution);
    const ref = { namespace: a.namespace, workflowExecution: a.workflowExecution, initiatedEventId };
    if (!target) {
      this.engine.deliver(source, 'REQUEST_CANCEL_EXTERNAL_WORKFLOW_EXECUTION_FAILED', {
        ...ref,
        control: a.control ?? '',
        cause: 'CANCEL_EXTERNAL_WORKFLOW_EXECUTION_FAILED_CAUSE_EXTERNAL_WORKFLOW_EXECUTION_NOT_FOUND',
        workflowTaskCompletedEventId: a.workflowTaskCompletedEventId,
      });
      return;
    }
    requestCancel(this.engine, target, `workflow:${source.workflowId}`, {
      initiatedEventId,
      workflowId: source.workflowId,
      runId: source.runId,
    });
    this.engine.deliver(source, 'EXTERNAL_WORKFLOW_EXECUTION_CANCEL_REQUESTED', {
      ...ref,
      workflowExecution: { workflowId: target.workflowId, runId: target.runId },
    });
  }

  /** Hooked to Engine.onClose. */
  onClose(run: Run): void {
    this.notifyParent(run);
    for (const child of Object.values(run.children)) {
      if (!child.runId) continue;
      const c = this.engine.runs.get(child.runId);
      if (!c || !isOpen(c)) continue;
      if (child.parentClosePolicy === 'PARENT_CLOSE_POLICY_TERMINATE') terminateRun(this.engine, c, 'by parent close policy', 'server');
      else if (child.parentClosePolicy === 'PARENT_CLOSE_POLICY_REQUEST_CANCEL') requestCancel(this.engine, c, 'server', null);
    }
  }

  private notifyParent(run: Run): void {
    if (!run.parent || run.status === 'WORKFLOW_EXECUTION_STATUS_CONTINUED_AS_NEW') return;
    const parent = this.engine.runs.get(run.parent.runId);
    if (!parent || !isOpen(parent)) return;
    const last = run.history[run.history.length - 1] ?? {};
    const base = {
      namespace: run.namespace,
      workflowExecution: { workflowId: run.workflowId, runId: run.runId },
      workflowType: { name: run.workflowType },
      initiatedEventId: run.parent.initiatedEventId,
      startedEventId: -1,
    };
    const byStatus: Record<string, [string, Obj]> = {
      WORKFLOW_EXECUTION_STATUS_COMPLETED: [
        'CHILD_WORKFLOW_EXECUTION_COMPLETED',
        { result: last.workflowExecutionCompletedEventAttributes?.result ?? null },
      ],
      WORKFLOW_EXECUTION_STATUS_FAILED: [
        'CHILD_WORKFLOW_EXECUTION_FAILED',
        { failure: last.workflowExecutionFailedEventAttributes?.failure ?? null, retryState: 'RETRY_STATE_RETRY_POLICY_NOT_SET' },
      ],
      WORKFLOW_EXECUTION_STATUS_CANCELED: [
        'CHILD_WORKFLOW_EXECUTION_CANCELED',
        { details: last.workflowExecutionCanceledEventAttributes?.details ?? null },
      ],
      WORKFLOW_EXECUTION_STATUS_TIMED_OUT: ['CHILD_WORKFLOW_EXECUTION_TIMED_OUT', { retryState: 'RETRY_STATE_TIMEOUT' }],
      WORKFLOW_EXECUTION_STATUS_TERMINATED: ['CHILD_WORKFLOW_EXECUTION_TERMINATED', {}],
    };
    const entry = byStatus[run.status];
    if (entry) this.engine.deliver(parent, entry[0], { ...base, ...entry[1] });
  }
}

/** WorkflowExecutionCancelRequested once; the workflow decides what cancelling means. */
export function requestCancel(
  engine: Engine,
  run: Run,
  identity: string,
  external: { initiatedEventId: number; workflowId: string; runId: string } | null,
): void {
  if (!isOpen(run) || run.cancelRequested) return;
  run.cancelRequested = true;
  engine.deliver(run, 'WORKFLOW_EXECUTION_CANCEL_REQUESTED', {
    cause: '',
    identity,
    externalInitiatedEventId: external?.initiatedEventId ?? 0,
    externalWorkflowExecution: external ? { workflowId: external.workflowId, runId: external.runId } : null,
  });
}
