import type { DueItem, Engine } from './engine';
import { invalid, notFound } from './errors';
import { durationFromMs, type Obj, tsFromMs } from './proto';
import { decideRetry } from './retry';
import { type ActivityState, isOpen, type Run } from './run';
import { decodeToken, encodeToken } from './tokens';

/**
 * Activity tasks: handed to workers, retried by the server from the retry policy, timed out
 * by schedule-to-start, start-to-close, schedule-to-close and heartbeat clocks. The Started
 * event is written lazily, with the final attempt, when the activity's outcome is recorded.
 */
export class Activities {
  constructor(private readonly engine: Engine) {}

  async poll(req: Obj, onCancel: (fn: () => void) => () => void, pollTimeoutMs: number): Promise<Obj> {
    const queue = this.engine.activityQueues.get(req.taskQueue?.name ?? '');
    const deadline = Date.now() + pollTimeoutMs;
    for (;;) {
      const remaining = deadline - Date.now();
      if (remaining <= 0) return {};
      const task = await queue.take(remaining, onCancel);
      if (!task) return {};
      const run = await this.engine.getRun(task.runId);
      const act = run?.activities[task.scheduledEventId];
      if (!run || !isOpen(run) || !act || act.state !== 'scheduled' || act.attempt !== task.attempt) continue;
      return this.start(run, act, req.identity ?? '');
    }
  }

  /** An activity the completing worker asked to run itself: started now, its task returned. */
  startEager(run: Run, scheduledEventId: number, identity: string): Obj | null {
    const act = run.activities[scheduledEventId];
    if (act?.state !== 'scheduled') return null;
    this.engine.busy.add(`a:${run.runId}:${scheduledEventId}`);
    const base = { runId: run.runId, scheduledEventId, attempt: act.attempt };
    if (act.scheduleToCloseMs > 0)
      this.engine.schedule(act.scheduledMs + act.scheduleToCloseMs, { kind: 'activity-timeout', ...base, type: 'SCHEDULE_TO_CLOSE' });
    return this.start(run, act, identity);
  }

  private start(run: Run, act: ActivityState, identity: string): Obj {
    const now = this.engine.now();
    act.state = 'started';
    act.startedMs = now;
    act.startedIdentity = identity;
    act.lastHeartbeatMs = now;
    const base = { runId: run.runId, scheduledEventId: act.scheduledEventId, attempt: act.attempt };
    if (act.startToCloseMs > 0)
      this.engine.schedule(now + act.startToCloseMs, { kind: 'activity-timeout', ...base, type: 'START_TO_CLOSE' });
    if (act.heartbeatMs > 0)
      this.engine.schedule(now + act.heartbeatMs, { kind: 'activity-timeout', ...base, type: 'HEARTBEAT', heartbeatAt: now });
    this.engine.markDirty(run);
    this.engine.commitSoon();
    return {
      taskToken: encodeToken({ k: 'a', r: run.runId, s: act.scheduledEventId, a: act.attempt }),
      workflowNamespace: run.namespace,
      workflowType: { name: run.workflowType },
      workflowExecution: { workflowId: run.workflowId, runId: run.runId },
      activityType: { name: act.activityType },
      activityId: act.activityId,
      header: act.header,
      input: act.input,
      heartbeatDetails: act.heartbeatDetails,
      scheduledTime: tsFromMs(act.scheduledMs),
      currentAttemptScheduledTime: tsFromMs(act.attemptScheduledMs),
      startedTime: tsFromMs(now),
      attempt: act.attempt,
      scheduleToCloseTimeout: durationFromMs(act.scheduleToCloseMs),
      startToCloseTimeout: durationFromMs(act.startToCloseMs),
      heartbeatTimeout: durationFromMs(act.heartbeatMs),
      retryPolicy: null,
    };
  }

  /** The started activity a token (or a workflow id + activity id) names; NOT_FOUND when gone. */
  async find(req: Obj): Promise<{ run: Run; act: ActivityState }> {
    let run: Run | undefined;
    let act: ActivityState | undefined;
    if (req.taskToken && req.taskToken.length > 0) {
      const t = decodeToken(req.taskToken);
      if (t?.k !== 'a') throw invalid('invalid task token');
      run = await this.engine.getRun(t.r);
      act = run?.activities[t.s];
      if (act && act.attempt !== t.a) act = undefined;
    } else {
      run = await this.engine.resolve(req.namespace || 'default', { workflowId: req.workflowId, runId: req.runId });
      act = Object.values(run.activities).find((a) => a.activityId === req.activityId);
    }
    if (!run || !isOpen(run) || !act || act.state !== 'started') throw notFound('activity task not found');
    return { run, act };
  }

  async completed(req: Obj): Promise<Obj> {
    const { run, act } = await this.find(req);
    this.finish(run, act, 'ACTIVITY_TASK_COMPLETED', { result: req.result ?? null, identity: req.identity ?? act.startedIdentity });
    await this.engine.commit();
    return {};
  }

  async failed(req: Obj): Promise<Obj> {
    const { run, act } = await this.find(req);
    if (req.lastHeartbeatDetails) act.heartbeatDetails = req.lastHeartbeatDetails;
    this.failOrRetry(run, act, req.failure ?? null, req.identity ?? act.startedIdentity, false);
    await this.engine.commit();
    return { failures: [] };
  }

  async canceled(req: Obj): Promise<Obj> {
    const { run, act } = await this.find(req);
    this.finish(run, act, 'ACTIVITY_TASK_CANCELED', {
      details: req.details ?? null,
      latestCancelRequestedEventId: act.cancelRequestedEventId,
      identity: req.identity ?? act.startedIdentity,
    });
    await this.engine.commit();
    return {};
  }

  async heartbeat(req: Obj): Promise<Obj> {
    const { run, act } = await this.find(req);
    act.lastHeartbeatMs = this.engine.now();
    if (req.details) act.heartbeatDetails = req.details;
    this.engine.markDirty(run);
    await this.engine.commit();
    return { cancelRequested: act.cancelRequestedEventId > 0, activityPaused: false, activityReset: false };
  }

  /** Records the Started event (with the final attempt) and the outcome; the workflow hears of it. */
  private finish(run: Run, act: ActivityState, eventType: string, attrs: Obj): void {
    act.state = 'done';
    this.engine.busy.delete(`a:${run.runId}:${act.scheduledEventId}`);
    const events: [string, Obj][] = [];
    if (act.startedMs > 0) {
      events.push([
        'ACTIVITY_TASK_STARTED',
        {
          scheduledEventId: act.scheduledEventId,
          identity: act.startedIdentity,
          requestId: `${run.runId}-${act.scheduledEventId}-${act.attempt}`,
          attempt: act.attempt,
          lastFailure: act.lastFailure,
        },
      ]);
    }
    events.push([eventType, { ...attrs, scheduledEventId: act.scheduledEventId, startedEventId: act.startedMs > 0 ? -1 : 0 }]);
    this.engine.deliverAll(run, events);
  }

  private failOrRetry(run: Run, act: ActivityState, failure: Obj | null, identity: string, isTimeout: boolean, timeoutFailure?: Obj): void {
    const decision = decideRetry({
      policy: act.retry,
      attempt: act.attempt,
      failure: isTimeout ? null : failure,
      nowMs: this.engine.now(),
      scheduledMs: act.scheduledMs,
      scheduleToCloseMs: act.scheduleToCloseMs,
    });
    if (decision.retry) {
      act.lastFailure = isTimeout ? (timeoutFailure ?? null) : failure;
      act.state = 'backoff';
      act.startedMs = 0;
      act.attempt++;
      this.engine.busy.delete(`a:${run.runId}:${act.scheduledEventId}`);
      this.engine.schedule(this.engine.now() + decision.delayMs, {
        kind: 'activity-retry',
        runId: run.runId,
        scheduledEventId: act.scheduledEventId,
        attempt: act.attempt,
      });
      this.engine.markDirty(run);
      return;
    }
    if (isTimeout) {
      this.finish(run, act, 'ACTIVITY_TASK_TIMED_OUT', { failure: timeoutFailure, retryState: decision.retryState });
    } else {
      this.finish(run, act, 'ACTIVITY_TASK_FAILED', { failure, identity, retryState: decision.retryState });
    }
  }

  onRetryDue(run: Run, item: Extract<DueItem, { kind: 'activity-retry' }>): void {
    const act = run.activities[item.scheduledEventId];
    if (!isOpen(run) || !act || act.state !== 'backoff' || act.attempt !== item.attempt) return;
    act.attemptScheduledMs = this.engine.now();
    this.engine.dispatchActivity(run, act.scheduledEventId);
    this.engine.markDirty(run);
  }

  onTimeoutDue(run: Run, item: Extract<DueItem, { kind: 'activity-timeout' }>): void {
    const act = run.activities[item.scheduledEventId];
    if (!isOpen(run) || !act || act.state === 'done') return;
    const type = item.type;
    if (type !== 'SCHEDULE_TO_CLOSE' && act.attempt !== item.attempt) return;
    if (type === 'SCHEDULE_TO_START' && act.state !== 'scheduled') return;
    if ((type === 'START_TO_CLOSE' || type === 'HEARTBEAT') && act.state !== 'started') return;
    if (type === 'HEARTBEAT') {
      const due = act.lastHeartbeatMs + act.heartbeatMs;
      if (due > this.engine.now()) {
        this.engine.schedule(due, { ...item, heartbeatAt: act.lastHeartbeatMs });
        return;
      }
    }
    const timeoutFailure = {
      message: `activity ${type.replace(/_/g, '-').toLowerCase()} timeout`,
      source: 'Server',
      timeoutFailureInfo: { timeoutType: `TIMEOUT_TYPE_${type}`, lastHeartbeatDetails: act.heartbeatDetails },
    };
    // Only start-to-close and heartbeat timeouts are retried; the others end the activity.
    if (type === 'START_TO_CLOSE' || type === 'HEARTBEAT') {
      this.failOrRetry(run, act, null, act.startedIdentity, true, timeoutFailure);
    } else {
      this.finish(run, act, 'ACTIVITY_TASK_TIMED_OUT', { failure: timeoutFailure, retryState: 'RETRY_STATE_TIMEOUT' });
    }
    this.engine.markDirty(run);
  }

  /** After a restart: queue what was waiting, re-arm the clocks of what a worker held. */
  recover(run: Run): void {
    for (const act of Object.values(run.activities)) {
      const base = { runId: run.runId, scheduledEventId: act.scheduledEventId, attempt: act.attempt };
      if (act.scheduleToCloseMs > 0)
        this.engine.schedule(act.scheduledMs + act.scheduleToCloseMs, { kind: 'activity-timeout', ...base, type: 'SCHEDULE_TO_CLOSE' });
      if (act.state === 'scheduled') this.engine.dispatchActivity(run, act.scheduledEventId);
      else if (act.state === 'backoff') this.engine.schedule(this.engine.now(), { kind: 'activity-retry', ...base });
      else if (act.state === 'started') {
        this.engine.busy.add(`a:${run.runId}:${act.scheduledEventId}`);
        if (act.startToCloseMs > 0)
          this.engine.schedule(act.startedMs + act.startToCloseMs, { kind: 'activity-timeout', ...base, type: 'START_TO_CLOSE' });
        if (act.heartbeatMs > 0)
          this.engine.schedule(act.lastHeartbeatMs + act.heartbeatMs, { kind: 'activity-timeout', ...base, type: 'HEARTBEAT' });
      }
    }
  }
}
