import { randomUUID } from 'node:crypto';
import { applyCommands, type PostAction } from './commands';
import type { Engine, WftTask } from './engine';
import { invalid, notFound, RpcError } from './errors';
import { msFromDuration, type Obj, tsFromMs } from './proto';
import type { Queries } from './queries';
import { CLOSED_BY_COMMAND, isOpen, type Run } from './run';
import { decodeToken, encodeToken } from './tokens';
import type { Updates } from './updates';

/**
 * The workflow task state machine: poll (start the task, send the history), complete (record
 * the commands, flush what arrived meanwhile), fail and time out (retry, held back after
 * repeated failures so a broken workflow does not spin).
 */
export class WorkflowTasks {
  constructor(
    private readonly engine: Engine,
    private readonly queries: Queries,
    private readonly runPostActions: (actions: PostAction[]) => Promise<void>,
    private readonly updates: Updates,
    private readonly eagerActivity: (run: Run, scheduledEventId: number, identity: string) => Obj | null,
  ) {}

  async poll(req: Obj, onCancel: (fn: () => void) => () => void, pollTimeoutMs: number): Promise<Obj> {
    const queueName = req.taskQueue?.name ?? '';
    const deadline = Date.now() + pollTimeoutMs;
    for (;;) {
      const remaining = deadline - Date.now();
      if (remaining <= 0) return {};
      const task = await this.engine.wftQueues.get(queueName).take(remaining, onCancel);
      if (!task) return {};
      const response = task.queryId ? await this.queries.startQueryTask(task) : await this.start(task, req.identity ?? '', queueName);
      if (response) return response;
    }
  }

  /** Records the start of a scheduled task and builds the poll response; null when stale. */
  private async start(task: WftTask, identity: string, polledQueue: string): Promise<Obj | null> {
    const run = await this.engine.getRun(task.runId);
    if (!run || !isOpen(run) || !run.wft || run.wft.scheduledEventId !== task.scheduledEventId || run.wft.startedEventId > 0) return null;
    // Polled from a sticky queue no longer this run's (stickiness dropped meanwhile): the task
    // was re-queued on the normal queue, where it will be picked up with the full history.
    const sticky = polledQueue !== run.taskQueue;
    if (sticky && polledQueue !== run.stickyQueue) return null;
    const wft = run.wft;
    const started = this.engine.append(run, 'WORKFLOW_TASK_STARTED', {
      scheduledEventId: wft.scheduledEventId,
      identity,
      requestId: randomUUID(),
      historySizeBytes: 0,
    });
    wft.startedEventId = started.eventId;
    wft.startedMs = this.engine.now();
    this.engine.schedule(wft.startedMs + run.wftTimeoutMs, {
      kind: 'wft-timeout',
      runId: run.runId,
      scheduledEventId: wft.scheduledEventId,
      type: 'START_TO_CLOSE',
    });
    // Not awaited: if the server dies before this start is on disk, the restarted server holds
    // the task as scheduled and hands it out again — as the real server does after a lost start.
    this.engine.commitSoon();
    return {
      taskToken: encodeToken({ k: 'w', r: run.runId, s: wft.scheduledEventId }),
      workflowExecution: { workflowId: run.workflowId, runId: run.runId },
      workflowType: { name: run.workflowType },
      previousStartedEventId: run.previousStartedEventId,
      startedEventId: wft.startedEventId,
      attempt: wft.attempt,
      backlogCountHint: this.engine.wftQueues.get(run.taskQueue).backlogSize,
      // The worker that set stickiness has the run cached up to the last task it completed.
      history: { events: sticky ? run.history.slice(run.previousStartedEventId) : run.history },
      workflowExecutionTaskQueue: { name: run.taskQueue, kind: 'TASK_QUEUE_KIND_NORMAL' },
      scheduledTime: tsFromMs(wft.scheduledMs),
      startedTime: tsFromMs(wft.startedMs),
      queries: this.queries.takeAttached(run),
      messages: this.updates.takeForTask(run, wft.startedEventId),
    };
  }

  private async runOfToken(tokenBytes: Uint8Array): Promise<Run> {
    const token = decodeToken(tokenBytes);
    if (token?.k !== 'w') throw invalid('invalid task token');
    const run = await this.engine.getRun(token.r);
    if (!run || !isOpen(run) || !run.wft || run.wft.scheduledEventId !== token.s || run.wft.startedEventId === 0) {
      throw notFound('Workflow task not found.');
    }
    return run;
  }

  async complete(req: Obj): Promise<Obj> {
    const run = await this.runOfToken(req.taskToken);
    const wft = run.wft!;
    const commands: Obj[] = req.commands ?? [];
    this.queries.answerAttached(run, req.queryResults ?? {});
    const sticky = req.stickyAttributes?.workerTaskQueue?.name;
    if (sticky) this.engine.sticky.set(run, sticky, msFromDuration(req.stickyAttributes.scheduleToStartTimeout));
    else this.engine.sticky.clear(run);
    const closing = commands.some((c) => CLOSED_BY_COMMAND[c.commandType]);
    if (closing && (run.buffered.length > 0 || this.updates.hasUndelivered(run))) {
      // New events arrived while the worker decided to close: it must see them first. The
      // SDK only evicts its cached run on exactly this error, so nothing is lost.
      this.failTask(run, 'UNHANDLED_COMMAND', null, req.identity ?? '');
      await this.engine.commit();
      throw new RpcError(3, 'UnhandledCommand');
    }
    const completed = this.engine.append(run, 'WORKFLOW_TASK_COMPLETED', {
      scheduledEventId: wft.scheduledEventId,
      startedEventId: wft.startedEventId,
      identity: req.identity ?? '',
      binaryChecksum: req.binaryChecksum ?? '',
      sdkMetadata: req.sdkMetadata ?? null,
      meteringMetadata: req.meteringMetadata ?? null,
    });
    run.previousStartedEventId = wft.startedEventId;
    run.consecutiveWftFailures = 0;
    this.engine.clearWft(run);
    const messages = this.updates.decodeMessages(req.messages);
    const outcome = applyCommands(this.engine, run, commands, completed.eventId, req.identity ?? '', (id) =>
      this.updates.applyCommand(run, id, messages, completed.eventId),
    );
    const updatesAgain = this.updates.afterCompletion(run, messages);
    if (isOpen(run)) {
      const hadBuffered = this.engine.flushBuffered(run);
      if (hadBuffered || outcome.needsWft || updatesAgain || this.updates.hasUndelivered(run) || req.forceCreateNewWorkflowTask) {
        this.engine.scheduleWft(run);
      }
    }
    await this.engine.commit();
    this.queries.dispatchWaiting(run);
    await this.runPostActions(outcome.post);
    const activityTasks = isOpen(run)
      ? outcome.eagerActivities.map((sid) => this.eagerActivity(run, sid, req.identity ?? '')).filter((x): x is Obj => x !== null)
      : [];
    return { activityTasks };
  }

  async fail(req: Obj): Promise<Obj> {
    const run = await this.runOfToken(req.taskToken);
    this.failTask(
      run,
      (req.cause ?? 'WORKFLOW_TASK_FAILED_CAUSE_UNSPECIFIED').replace('WORKFLOW_TASK_FAILED_CAUSE_', ''),
      req.failure ?? null,
      req.identity ?? '',
    );
    await this.engine.commit();
    this.queries.dispatchWaiting(run);
    return {};
  }

  /** WorkflowTaskFailed, flush, and a retry — held back exponentially after the second failure. */
  failTask(run: Run, cause: string, failure: Obj | null, identity: string): void {
    const wft = run.wft!;
    // The worker dropped (or must drop) its cached run: the retry goes out with full history.
    this.engine.sticky.clear(run);
    this.engine.append(run, 'WORKFLOW_TASK_FAILED', {
      scheduledEventId: wft.scheduledEventId,
      startedEventId: wft.startedEventId,
      cause: `WORKFLOW_TASK_FAILED_CAUSE_${cause}`,
      failure,
      identity,
    });
    this.retryAfterProblem(run, cause);
  }

  private retryAfterProblem(run: Run, cause: string): void {
    this.engine.clearWft(run);
    this.updates.returnSent(run);
    // UnhandledCommand is not the workflow's fault: retry at once, attempt count untouched.
    if (cause !== 'UNHANDLED_COMMAND') run.consecutiveWftFailures++;
    this.engine.flushBuffered(run);
    const n = run.consecutiveWftFailures;
    const delay = n >= 2 ? Math.min(1000 * 2 ** (n - 2), 10 * 60_000) : 0;
    if (n >= 2)
      this.engine.log(
        `workflow ${run.workflowId} (${run.workflowType}): workflow task failed ${n} times in a row (${cause}); retrying in ${delay} ms`,
      );
    this.engine.scheduleWft(run, delay);
  }

  onTimeout(run: Run, scheduledEventId: number): void {
    if (!isOpen(run) || !run.wft || run.wft.scheduledEventId !== scheduledEventId || run.wft.startedEventId === 0) return;
    this.engine.append(run, 'WORKFLOW_TASK_TIMED_OUT', {
      scheduledEventId,
      startedEventId: run.wft.startedEventId,
      timeoutType: 'TIMEOUT_TYPE_START_TO_CLOSE',
    });
    this.engine.sticky.clear(run);
    this.retryAfterProblem(run, 'TIMED_OUT');
    this.queries.dispatchWaiting(run);
  }

  /** After a restart a task that was in flight is gone with its worker: time it out now. */
  recover(run: Run): void {
    // The worker that had it cached may be gone with the old process: start from full history.
    run.stickyQueue = '';
    this.updates.returnSent(run);
    if (!run.wft) {
      if (this.updates.hasUndelivered(run)) this.engine.scheduleWft(run);
      return;
    }
    if (run.wft.startedEventId > 0) this.onTimeout(run, run.wft.scheduledEventId);
    else if (run.wft.notBeforeMs > this.engine.now()) {
      this.engine.schedule(run.wft.notBeforeMs, { kind: 'wft-backoff', runId: run.runId, scheduledEventId: run.wft.scheduledEventId });
    } else this.engine.dispatchWft(run);
  }
}
