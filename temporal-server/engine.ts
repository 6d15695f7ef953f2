import { randomUUID } from 'node:crypto';
import { type Clock, DueQueue } from './clock';
import { notFound } from './errors';
import { TaskQueues } from './matching';
import { encodeObject, HistoryEventType, type Obj, tsFromMs } from './proto';
import { attrKeyOf, isOpen, type Run, type RunStatus, serialiseState } from './run';
import { RunCache } from './run-cache';
import { Stickiness } from './sticky';
import type { Store } from './store';

/**
 * The core of the embedded server: runs in memory (the open ones all, closed ones on demand),
 * every change written through the store, and one queue of due times that drives timers,
 * timeouts and retries. The RPC-specific logic lives beside it (workflow-tasks.ts,
 * commands.ts, activities.ts, …) and calls into these primitives.
 */

export type DueItem =
  | { kind: 'timer'; runId: string; timerId: string; startedEventId: number }
  | { kind: 'wft-timeout'; runId: string; scheduledEventId: number; type: 'START_TO_CLOSE' | 'SCHEDULE_TO_START' }
  | { kind: 'wft-backoff'; runId: string; scheduledEventId: number }
  | { kind: 'start-delay'; runId: string }
  | { kind: 'activity-retry'; runId: string; scheduledEventId: number; attempt: number }
  | { kind: 'activity-timeout'; runId: string; scheduledEventId: number; attempt: number; type: string; heartbeatAt?: number }
  | { kind: 'run-timeout'; runId: string; deadline: number }
  | { kind: 'sticky-timeout'; runId: string; scheduledEventId: number };

export interface WftTask {
  runId: string;
  scheduledEventId: number;
  /** set for a standalone (legacy) query task */
  queryId?: string;
}

export interface ActivityTask {
  runId: string;
  scheduledEventId: number;
  attempt: number;
}

export type DueHandler = (item: DueItem) => void;

export class Engine {
  readonly cache: RunCache;
  readonly sticky = new Stickiness(this);
  /** namespace/workflowId → the latest run */
  readonly current = new Map<string, string>();
  readonly wftQueues = new TaskQueues<WftTask>();
  readonly activityQueues = new TaskQueues<ActivityTask>();
  readonly due = new DueQueue<DueItem>();
  /** outstanding work a worker holds or will be handed: while any, virtual time stands still */
  readonly busy = new Set<string>();
  private historyWaiters = new Map<string, Set<() => void>>();
  private timer: NodeJS.Timeout | null = null;
  private idleCheck = false;
  private dirty = new Set<Run>();
  /** told once the changes handed to the store so far are on disk */
  private onDurable: (() => void)[] = [];
  private stopped = false;
  dueHandler: DueHandler = () => {};
  /** told when a run closes: parents hear of their children, children of their parent's policy */
  onClose: (run: Run) => void = () => {};
  /** runs on every tick once the due items are handled: schedules take what server time reached */
  afterTick: () => void = () => {};
  log: (msg: string) => void = () => {};

  constructor(
    readonly store: Store,
    readonly clock: Clock,
    readonly autoSkip: boolean,
    keepClosedRuns = 500,
  ) {
    this.cache = new RunCache(
      store,
      keepClosedRuns,
      (r) => this.dirty.has(r) || r.persistedEvents !== r.history.length || this.historyWaiters.has(r.runId),
    );
    this.sticky.start();
  }

  get runs(): Map<string, Run> {
    return this.cache.runs;
  }

  now(): number {
    return this.clock.now();
  }

  key(namespace: string, workflowId: string): string {
    return `${namespace}/${workflowId}`;
  }

  newRunId(): string {
    return randomUUID();
  }

  // ── loading and saving ─────────────────────────────────────────────

  async loadOpenRuns(): Promise<Run[]> {
    const rows = await this.store.loadRuns("status = 'WORKFLOW_EXECUTION_STATUS_RUNNING'");
    const runs: Run[] = [];
    for (const row of rows) runs.push(await this.cache.hydrate(row.runId, row.state));
    const latest = await this.store.all<{ namespace: string; workflowId: string; runId: string }>(
      `SELECT namespace, workflow_id AS workflowId, run_id AS runId FROM runs r
       WHERE start_ms = (SELECT MAX(start_ms) FROM runs r2 WHERE r2.namespace = r.namespace AND r2.workflow_id = r.workflow_id)`,
    );
    for (const l of latest) this.current.set(this.key(l.namespace, l.workflowId), l.runId);
    for (const r of runs) this.current.set(this.key(r.namespace, r.workflowId), r.runId);
    return runs;
  }

  /** A run by id, from memory or the store (closed runs are evicted from memory over time). */
  getRun(runId: string): Promise<Run | undefined> {
    return this.cache.get(runId);
  }

  /** The run an API call names: the given run id, or the latest run of the workflow id. */
  async resolve(namespace: string, execution: Obj | null | undefined): Promise<Run> {
    const workflowId = execution?.workflowId ?? '';
    const runId = execution?.runId || this.current.get(this.key(namespace, workflowId));
    const run = runId ? await this.getRun(runId) : undefined;
    if (!run || run.workflowId !== workflowId) {
      throw notFound(`workflow execution not found: workflowId=${workflowId}${execution?.runId ? ` runId=${execution.runId}` : ''}`);
    }
    return run;
  }

  markDirty(run: Run): void {
    this.dirty.add(run);
  }

  /**
   * Commit without waiting: for changes a crash may lose without harm — a task's start, which
   * on restart is simply scheduled again (the worker's answer to the lost start is refused).
   */
  commitSoon(): void {
    void this.commit().catch((e) => this.log(`commit failed: ${(e as Error).message}`));
  }

  /** Hand every changed run to the store; resolves when it is committed. */
  commit(): Promise<void> {
    for (const run of this.dirty) {
      const events = run.history
        .slice(run.persistedEvents)
        .map((e) => ({ runId: run.runId, eventId: e.eventId as number, data: encodeObject(HistoryEventType, e) }));
      run.persistedEvents = run.history.length;
      this.store.saveRun(
        {
          runId: run.runId,
          namespace: run.namespace,
          workflowId: run.workflowId,
          workflowType: run.workflowType,
          taskQueue: run.taskQueue,
          status: run.status,
          startMs: run.startMs,
          closeMs: run.closeMs,
          executionMs: run.executionMs,
          searchAttrs: JSON.stringify(searchAttributeValues(run.searchAttributes)),
          state: serialiseState(run),
        },
        events,
      );
    }
    this.dirty.clear();
    if (this.clock.virtual) this.store.saveMeta('clockOffset', String(this.clock.offset));
    this.armTimer();
    this.cache.evict();
    const told = this.onDurable.splice(0);
    // Reported only once on disk: a crash must not take back what a caller was told.
    if (told.length > 0)
      void this.store.whenDurable().then(() => {
        for (const fn of told) fn();
      });
    return this.store.committed();
  }

  /** Runs `fn` once the changes made so far are committed — by the next commit, however it fares. */
  afterDurable(fn: () => void): void {
    this.onDurable.push(fn);
  }

  // ── history ────────────────────────────────────────────────────────

  /** Appends an event now (the caller knows no workflow task is in flight or is completing one). */
  append(run: Run, eventType: string, attrs: Obj): Obj {
    const event: Obj = {
      eventId: run.history.length + 1,
      eventTime: tsFromMs(this.now()),
      eventType: `EVENT_TYPE_${eventType}`,
      taskId: run.history.length + 1,
    };
    event[attrKeyOf(event.eventType)] = attrs;
    run.history.push(event);
    this.onAppended(run, event);
    this.markDirty(run);
    this.wakeHistory(run.runId);
    return event;
  }

  /** Bookkeeping that needs the id an event got: later events refer back to it. */
  private onAppended(run: Run, event: Obj): void {
    const id = event.eventId as number;
    const t = event.eventType as string;
    const a = event[attrKeyOf(t)];
    if (t === 'EVENT_TYPE_ACTIVITY_TASK_STARTED') {
      const act = run.activities[a.scheduledEventId];
      if (act) act.startedEventId = id;
    } else if (/^EVENT_TYPE_ACTIVITY_TASK_(COMPLETED|FAILED|TIMED_OUT|CANCELED)$/.test(t)) {
      const act = run.activities[a.scheduledEventId];
      if (act && a.startedEventId === -1) a.startedEventId = act.startedEventId;
      delete run.activities[a.scheduledEventId];
      this.busy.delete(`a:${run.runId}:${a.scheduledEventId}`);
    } else if (t === 'EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_STARTED') {
      const child = run.children[a.initiatedEventId];
      if (child) child.startedEventId = id;
    } else if (
      /^EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_(COMPLETED|FAILED|CANCELED|TIMED_OUT|TERMINATED)$/.test(t) ||
      t === 'EVENT_TYPE_START_CHILD_WORKFLOW_EXECUTION_FAILED'
    ) {
      const child = run.children[a.initiatedEventId];
      if (child && a.startedEventId === -1) a.startedEventId = child.startedEventId;
      delete run.children[a.initiatedEventId];
    }
  }

  /**
   * An event from outside the workflow task (signal, activity result, timer, child result):
   * buffered while a task is in flight, otherwise written at once; either way a task follows.
   */
  deliver(run: Run, eventType: string, attrs: Obj): void {
    this.deliverAll(run, [[eventType, attrs]]);
  }

  /** Several events that belong together (an activity's Started and its outcome), then one task. */
  deliverAll(run: Run, events: [string, Obj][]): void {
    if (!isOpen(run)) return;
    if (run.wft && run.wft.startedEventId > 0) {
      for (const [eventType, attrs] of events) run.buffered.push({ eventType, attrKey: attrKeyOf(`EVENT_TYPE_${eventType}`), attrs });
      this.markDirty(run);
      return;
    }
    for (const [eventType, attrs] of events) this.append(run, eventType, attrs);
    this.scheduleWft(run);
  }

  flushBuffered(run: Run): boolean {
    const had = run.buffered.length > 0;
    for (const b of run.buffered.splice(0)) this.append(run, b.eventType, b.attrs);
    return had;
  }

  /** Schedules a workflow task unless one is pending; `delayMs` holds it back (backoff, start delay). */
  scheduleWft(run: Run, delayMs = 0): void {
    if (!isOpen(run) || run.wft) return;
    const attempt = run.consecutiveWftFailures + 1;
    const ev = this.append(run, 'WORKFLOW_TASK_SCHEDULED', {
      taskQueue: { name: run.taskQueue, kind: 'TASK_QUEUE_KIND_NORMAL' },
      startToCloseTimeout: tsFromMs(run.wftTimeoutMs),
      attempt,
    });
    const notBeforeMs = delayMs > 0 ? this.now() + delayMs : 0;
    run.wft = { scheduledEventId: ev.eventId, startedEventId: 0, attempt, scheduledMs: this.now(), startedMs: 0, notBeforeMs };
    if (notBeforeMs) this.schedule(notBeforeMs, { kind: 'wft-backoff', runId: run.runId, scheduledEventId: ev.eventId });
    else this.dispatchWft(run);
  }

  /** Hands a scheduled workflow task to the worker that has the run cached, or to the normal queue. */
  dispatchWft(run: Run): void {
    if (!run.wft) return;
    this.busy.add(`w:${run.runId}`);
    this.sticky.dispatch(run, { runId: run.runId, scheduledEventId: run.wft.scheduledEventId });
  }

  /** Puts an activity attempt on its task queue, with its schedule-to-start and -to-close clocks. */
  dispatchActivity(run: Run, scheduledEventId: number): void {
    const act = run.activities[scheduledEventId];
    if (!act) return;
    act.state = 'scheduled';
    this.busy.add(`a:${run.runId}:${scheduledEventId}`);
    const base = { runId: run.runId, scheduledEventId, attempt: act.attempt };
    if (act.scheduleToStartMs > 0)
      this.schedule(this.now() + act.scheduleToStartMs, { kind: 'activity-timeout', ...base, type: 'SCHEDULE_TO_START' });
    if (act.attempt === 1 && act.scheduleToCloseMs > 0) {
      this.schedule(act.scheduledMs + act.scheduleToCloseMs, { kind: 'activity-timeout', ...base, type: 'SCHEDULE_TO_CLOSE' });
    }
    this.activityQueues.get(act.taskQueue).offer(base);
  }

  clearWft(run: Run): void {
    run.wft = null;
    this.busy.delete(`w:${run.runId}`);
    this.markDirty(run);
  }

  closeRun(run: Run, status: RunStatus): void {
    this.cache.noteClosed(run.runId);
    this.sticky.clear(run);
    run.status = status;
    run.closeMs = this.now();
    run.wft = null;
    run.buffered = [];
    this.busy.delete(`w:${run.runId}`);
    for (const sid of Object.keys(run.activities)) this.busy.delete(`a:${run.runId}:${sid}`);
    this.markDirty(run);
    this.wakeHistory(run.runId);
    this.onClose(run);
  }

  // ── waiting for history ───────────────────────────────────────────

  waitHistory(runId: string, timeoutMs: number, onCancel: (fn: () => void) => () => void): Promise<void> {
    return new Promise((resolve) => {
      let set = this.historyWaiters.get(runId);
      if (!set) {
        set = new Set();
        this.historyWaiters.set(runId, set);
      }
      const done = () => {
        clearTimeout(timer);
        unsubscribe();
        set.delete(done);
        if (set.size === 0) this.historyWaiters.delete(runId);
        resolve();
      };
      const timer = setTimeout(done, timeoutMs);
      const unsubscribe = onCancel(done);
      set.add(done);
    });
  }

  /** Long poll: resolves when `ready()` holds, after `timeoutMs`, or when the call is cancelled. */
  async waitHistoryUntil(runId: string, ready: () => boolean, timeoutMs: number, onCancel: (fn: () => void) => () => void): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let cancelled = false;
    const off = onCancel(() => {
      cancelled = true;
    });
    try {
      while (!ready() && !cancelled && !this.stopped) {
        const left = deadline - Date.now();
        if (left <= 0) return;
        await this.waitHistory(runId, left, onCancel);
      }
    } finally {
      off();
    }
  }

  private wakeHistory(runId: string): void {
    const set = this.historyWaiters.get(runId);
    if (set) for (const fn of [...set]) queueMicrotask(fn);
  }

  // ── due times ──────────────────────────────────────────────────────

  schedule(at: number, item: DueItem): void {
    this.due.push(at, item);
  }

  /** Runs what is due, then sleeps until the next due time (or skips to it when idle, virtually). */
  armTimer(): void {
    if (this.stopped) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const next = this.due.peek();
    if (!next) return;
    if (this.clock.virtual && this.autoSkip && this.busy.size === 0) {
      if (!this.idleCheck) {
        this.idleCheck = true;
        // Let in-flight RPC replies and microtasks settle before deciding the server is idle.
        setTimeout(() => {
          this.idleCheck = false;
          const n = this.due.peek();
          if (n && this.busy.size === 0 && !this.stopped) this.clock.advanceTo(n.at);
          this.tick();
        }, 5);
      }
      return;
    }
    this.timer = setTimeout(() => this.tick(), Math.max(0, Math.min(next.at - this.now(), 2 ** 31 - 1)));
  }

  tick(): void {
    if (this.stopped) return;
    const now = this.now();
    while (this.due.peek() && (this.due.peek()?.at ?? Infinity) <= now) {
      const item = this.due.pop()?.item;
      if (!item) break;
      try {
        this.dueHandler(item);
      } catch (e) {
        this.log(`due item ${item.kind} failed: ${(e as Error).stack}`);
      }
    }
    try {
      this.afterTick();
    } catch (e) {
      this.log(`after-tick work failed: ${(e as Error).stack}`);
    }
    void this.commit().catch((e) => this.log(`commit failed: ${(e as Error).message}`));
  }

  stop(): void {
    this.stopped = true;
    this.sticky.stop();
    if (this.timer) clearTimeout(this.timer);
    this.wftQueues.drainAll();
    this.activityQueues.drainAll();
    for (const set of this.historyWaiters.values()) for (const fn of set) fn();
  }
}

/** Search attributes as plain values for the visibility index (keyword/text/int/bool/datetime). */
export function searchAttributeValues(sa: Obj | null | undefined): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, p] of Object.entries((sa?.indexedFields ?? {}) as Record<string, Obj>)) {
    try {
      out[k] = JSON.parse(Buffer.from(p.data ?? []).toString('utf8'));
    } catch {
      out[k] = null;
    }
  }
  return out;
}
