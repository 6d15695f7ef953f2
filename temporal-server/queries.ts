import { randomUUID } from 'node:crypto';
import type { Engine, WftTask } from './engine';
import { invalid, notFound, RpcError } from './errors';
import type { Obj } from './proto';
import { isOpen, type Run } from './run';
import { decodeToken, encodeToken } from './tokens';

/**
 * Queries never write history. No task pending → a standalone query task; a task scheduled
 * but not started → the query rides along with it; a task in flight → wait for it to finish,
 * then decide again.
 */
interface PendingQuery {
  id: string;
  runId: string;
  query: Obj;
  state: 'waiting' | 'attached' | 'sent' | 'dispatched';
  resolve: (r: Obj) => void;
  reject: (e: Error) => void;
}

export class Queries {
  private pending = new Map<string, PendingQuery>();

  constructor(private readonly engine: Engine) {}

  async query(req: Obj, onCancel: (fn: () => void) => () => void): Promise<Obj> {
    const run = await this.engine.resolve(req.namespace || 'default', req.execution);
    const condition = req.queryRejectCondition ?? 'QUERY_REJECT_CONDITION_NONE';
    if (
      (condition === 'QUERY_REJECT_CONDITION_NOT_OPEN' && !isOpen(run)) ||
      (condition === 'QUERY_REJECT_CONDITION_NOT_COMPLETED_CLEANLY' && !isOpen(run) && run.status !== 'WORKFLOW_EXECUTION_STATUS_COMPLETED')
    ) {
      return { queryRejected: { status: run.status } };
    }
    const id = randomUUID();
    const result = new Promise<Obj>((resolve, reject) => {
      this.pending.set(id, { id, runId: run.runId, query: req.query, state: 'waiting', resolve, reject });
    });
    const unsubscribe = onCancel(() => this.drop(id, new RpcError(1, 'query cancelled')));
    this.route(run, this.pending.get(id)!);
    try {
      return await result;
    } finally {
      unsubscribe();
      this.drop(id);
    }
  }

  private drop(id: string, reason?: Error): void {
    const q = this.pending.get(id);
    if (!q) return;
    this.pending.delete(id);
    this.engine.busy.delete(`q:${id}`);
    if (reason) q.reject(reason);
  }

  private route(run: Run, q: PendingQuery): void {
    if (isOpen(run) && run.wft) {
      q.state = run.wft.startedEventId === 0 ? 'attached' : 'waiting';
      return;
    }
    q.state = 'dispatched';
    this.engine.busy.add(`q:${q.id}`);
    this.engine.wftQueues.get(run.taskQueue).offer({ runId: run.runId, scheduledEventId: 0, queryId: q.id });
    this.engine.armTimer();
  }

  /** The queries that ride along with the task being started for this run. */
  takeAttached(run: Run): Record<string, Obj> {
    const out: Record<string, Obj> = {};
    for (const q of this.pending.values()) {
      if (q.runId === run.runId && q.state === 'attached') {
        q.state = 'sent';
        out[q.id] = q.query;
      }
    }
    return out;
  }

  answerAttached(_run: Run, results: Record<string, Obj>): void {
    for (const [id, r] of Object.entries(results)) {
      const q = this.pending.get(id);
      if (!q) continue;
      this.settle(q, r.resultType === 'QUERY_RESULT_TYPE_ANSWERED', r.answer, r.errorMessage);
    }
  }

  /** After a task of this run ended: queries that waited for it (or went unanswered) go again. */
  dispatchWaiting(run: Run): void {
    for (const q of this.pending.values()) {
      if (q.runId === run.runId && (q.state === 'waiting' || q.state === 'sent' || (q.state === 'attached' && !run.wft)))
        this.route(run, q);
    }
  }

  async startQueryTask(task: WftTask): Promise<Obj | null> {
    const q = task.queryId ? this.pending.get(task.queryId) : undefined;
    const run = await this.engine.getRun(task.runId);
    if (!q || !run || q.state !== 'dispatched') return null;
    // The history ends at the last finished task: never at a task scheduled since.
    const end = run.wft && run.wft.startedEventId === 0 ? run.wft.scheduledEventId - 1 : run.history.length;
    return {
      taskToken: encodeToken({ k: 'q', q: q.id }),
      workflowExecution: { workflowId: run.workflowId, runId: run.runId },
      workflowType: { name: run.workflowType },
      previousStartedEventId: run.previousStartedEventId,
      startedEventId: 0,
      attempt: 1,
      history: { events: run.history.slice(0, end) },
      query: q.query,
      workflowExecutionTaskQueue: { name: run.taskQueue, kind: 'TASK_QUEUE_KIND_NORMAL' },
    };
  }

  respondQueryTaskCompleted(req: Obj): Obj {
    const t = decodeToken(req.taskToken);
    if (t?.k !== 'q') throw invalid('invalid query task token');
    const q = this.pending.get(t.q);
    if (!q) throw notFound('query not found (it may have timed out)');
    this.settle(q, req.completedType === 'QUERY_RESULT_TYPE_ANSWERED', req.queryResult, req.errorMessage);
    return {};
  }

  private settle(q: PendingQuery, ok: boolean, answer: Obj | null, errorMessage: string | undefined): void {
    this.pending.delete(q.id);
    this.engine.busy.delete(`q:${q.id}`);
    if (ok) q.resolve({ queryResult: answer ?? null });
    // The client turns INVALID_ARGUMENT into a query failure with this message.
    else q.reject(new RpcError(3, errorMessage || 'query failed'));
  }
}
