import type { Engine, WftTask } from './engine';
import { isOpen, type Run } from './run';

/**
 * Sticky queues: a worker that has a run cached asks for the run's next tasks on a queue of
 * its own, with a partial history. Workers go away — shut down (ShutdownWorker), killed, or
 * silent — and their queues must go with them: the runs fall back to the normal queue, and
 * the queue and what waits in it are forgotten. A worker is taken for gone when its queue saw
 * no poll for the schedule-to-start timeout it asked for (a live worker keeps a poll open).
 */

/** Sticky queues nobody polled for this long are dropped by the sweep, tasks or not. */
const GONE_AFTER_MS = 60_000;
const SWEEP_EVERY_MS = 30_000;
const DEFAULT_TIMEOUT_MS = 10_000;

export class Stickiness {
  /** sticky queue → the runs whose tasks go there */
  private runsOf = new Map<string, Set<string>>();
  private sweeper: NodeJS.Timeout | null = null;

  constructor(private readonly engine: Engine) {}

  start(): void {
    this.sweeper = setInterval(() => this.sweep(), SWEEP_EVERY_MS);
    this.sweeper.unref();
  }

  stop(): void {
    if (this.sweeper) clearInterval(this.sweeper);
  }

  set(run: Run, queue: string, timeoutMs: number): void {
    if (run.stickyQueue === queue) return;
    this.clear(run);
    run.stickyQueue = queue;
    run.stickyTimeoutMs = timeoutMs;
    let set = this.runsOf.get(queue);
    if (!set) {
      set = new Set();
      this.runsOf.set(queue, set);
      // Made now, so a worker that never polls it is seen to be gone after its timeout.
      this.engine.wftQueues.get(queue);
    }
    set.add(run.runId);
  }

  clear(run: Run): void {
    if (!run.stickyQueue) return;
    const set = this.runsOf.get(run.stickyQueue);
    set?.delete(run.runId);
    if (set?.size === 0) this.runsOf.delete(run.stickyQueue);
    run.stickyQueue = '';
    this.engine.markDirty(run);
  }

  /**
   * Hands a scheduled task to the worker that has the run cached, while that worker is there;
   * otherwise (or without stickiness) to the normal queue. A sticky task not picked up within
   * the worker's schedule-to-start timeout moves to the normal queue (onTimeout).
   */
  dispatch(run: Run, task: WftTask): void {
    const queue = run.stickyQueue;
    if (queue && this.gone(queue, run.stickyTimeoutMs || DEFAULT_TIMEOUT_MS)) {
      this.clear(run);
      this.drop(queue);
    }
    if (!run.stickyQueue) {
      this.engine.wftQueues.get(run.taskQueue).offer(task);
      return;
    }
    this.engine.wftQueues.get(run.stickyQueue).offer(task);
    this.engine.schedule(this.engine.now() + (run.stickyTimeoutMs || DEFAULT_TIMEOUT_MS), { kind: 'sticky-timeout', ...task });
  }

  /** The sticky task waited its timeout untaken: the run goes on from the normal queue. */
  onTimeout(run: Run, scheduledEventId: number): void {
    if (!run.wft || run.wft.scheduledEventId !== scheduledEventId || run.wft.startedEventId !== 0) return;
    const queue = run.stickyQueue;
    this.clear(run);
    // Nobody polled all that time: the worker is gone, and every run sticky to it goes too.
    if (queue && this.gone(queue, run.stickyTimeoutMs || DEFAULT_TIMEOUT_MS)) this.drop(queue);
    this.engine.dispatchWft(run);
  }

  /** A worker went away (ShutdownWorker, or found gone): its runs go back to the normal queue. */
  drop(queue: string): void {
    const runIds = this.runsOf.get(queue);
    this.runsOf.delete(queue);
    this.engine.wftQueues.delete(queue);
    for (const runId of runIds ?? []) {
      const run = this.engine.runs.get(runId);
      if (!run) continue;
      run.stickyQueue = '';
      this.engine.markDirty(run);
      if (isOpen(run) && run.wft && run.wft.startedEventId === 0 && !run.wft.notBeforeMs)
        this.engine.wftQueues.get(run.taskQueue).offer({ runId, scheduledEventId: run.wft.scheduledEventId });
    }
  }

  private gone(queue: string, ms: number): boolean {
    const q = this.engine.wftQueues.find(queue);
    return !q || q.unpolledFor(ms);
  }

  /** Sticky queues of workers long gone, and queues nobody has used for as long, are forgotten. */
  sweep(): void {
    const gone = [...this.runsOf.keys()].filter((queue) => this.gone(queue, GONE_AFTER_MS));
    for (const queue of gone) this.drop(queue);
    this.engine.wftQueues.sweep(GONE_AFTER_MS);
    this.engine.activityQueues.sweep(GONE_AFTER_MS);
    if (gone.length > 0) this.engine.commitSoon();
  }
}
