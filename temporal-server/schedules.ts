import { requestCancel } from './children';
import type { Engine } from './engine';
import { msFromDuration, type Obj, tsFromMs } from './proto';
import { fromStoredJson, isOpen, type Run, toStoredJson } from './run';
import { type BufferedStart, resolveBuffer } from './schedule-buffer';
import { CompiledSpec } from './schedule-spec';
import { startScheduledWorkflow } from './schedule-start';
import { terminateRun } from './starts';

/**
 * Schedules: each one's whole state in memory and, after every change, as one row of the store
 * (group-committed with the runs it started, so a start and the schedule's record of it land
 * together). What is due is taken when server time reaches it, never sooner.
 *
 * Why schedule fires do not pull the 'auto' virtual clock forward: the auto clock jumps to the
 * next due timer whenever the server is idle. An endless schedule always has a next fire, so
 * if fires counted, an idle test server would race through days of daily scans, one after
 * another, forever. So the fires keep their own timer outside the engine's due queue: they
 * happen when server time reaches them — by wall time, by advanceTime(), or by a jump the
 * auto clock makes for a workflow timer — and the fires a jump passed over are caught up as
 * after downtime: those within the catch-up window are taken, the rest counted as missed.
 */

export interface ScheduleState {
  namespace: string;
  scheduleId: string;
  /** spec in canonical form; policies with defaults filled in, as describe shows them */
  schedule: { spec: Obj; action: Obj; policies: Obj; state: Obj };
  memo: Obj | null;
  searchAttributes: Obj | null;
  createMs: number;
  updateMs: number;
  conflictToken: number;
  /** fire times up to here have been dealt with (taken, buffered, skipped or missed) */
  lastProcessedMs: number;
  buffer: BufferedStart[];
  actionCount: number;
  missedCatchupWindow: number;
  overlapSkipped: number;
  bufferDropped: number;
  /** non-overlapping workflows it started that are still running: workflow id and first run id */
  running: { workflowId: string; runId: string }[];
  recentActions: Obj[];
  lastCompletionResult: Obj | null;
  /** request ids of the create, updates and patches applied lately: a retried RPC is not applied twice */
  requestIds: string[];
}

const MAX_BUFFER = 1000;
const RECENT_ACTIONS = 10;
/** fire times looked at in one pass; a longer stretch (a 1 s interval after a year) goes on next tick */
const MAX_FIRES_PER_PASS = 100_000;
export const DEFAULT_CATCHUP_MS = 365 * 86_400_000;
const MIN_CATCHUP_MS = 10_000;

export class Schedules {
  readonly all = new Map<string, ScheduleState>();
  private readonly specs = new Map<string, CompiledSpec>();
  private readonly wakeAt = new Map<string, number>();
  /** namespace/workflowId of a running scheduled workflow → its schedule */
  private readonly byWorkflow = new Map<string, string>();
  private timer: NodeJS.Timeout | null = null;
  private stopped = false;

  constructor(
    private readonly engine: Engine,
    private readonly log: (msg: string) => void,
  ) {}

  key(namespace: string, scheduleId: string): string {
    return `${namespace}/${scheduleId}`;
  }

  /** Loads every schedule and takes what fell due while the server was down. */
  async load(): Promise<void> {
    for (const row of await this.engine.store.loadSchedules()) {
      const s = fromStoredJson<ScheduleState>(row.state);
      this.all.set(this.key(s.namespace, s.scheduleId), s);
      for (const r of s.running) this.byWorkflow.set(this.engine.key(s.namespace, r.workflowId), this.key(s.namespace, s.scheduleId));
    }
    for (const s of this.all.values()) this.process(s, this.engine.now());
    this.arm();
  }

  spec(s: ScheduleState): CompiledSpec {
    const k = this.key(s.namespace, s.scheduleId);
    let c = this.specs.get(k);
    if (!c) {
      c = new CompiledSpec(s.schedule.spec, `default-${s.scheduleId}`);
      this.specs.set(k, c);
    }
    return c;
  }

  /** After a change: forget the compiled spec, queue the row, re-arm the timer. */
  changed(s: ScheduleState, specChanged = false): void {
    const k = this.key(s.namespace, s.scheduleId);
    if (specChanged) this.specs.delete(k);
    this.engine.store.saveSchedule({ namespace: s.namespace, scheduleId: s.scheduleId, state: toStoredJson(s) });
    const next = this.canTake(s, false, false) ? this.spec(s).next(s.lastProcessedMs) : null;
    if (next) this.wakeAt.set(k, next.next);
    else this.wakeAt.delete(k);
    this.arm();
  }

  remove(s: ScheduleState): void {
    const k = this.key(s.namespace, s.scheduleId);
    this.all.delete(k);
    this.specs.delete(k);
    this.wakeAt.delete(k);
    for (const r of s.running) this.byWorkflow.delete(this.engine.key(s.namespace, r.workflowId));
    this.engine.store.saveSchedule({ namespace: s.namespace, scheduleId: s.scheduleId, state: null });
    this.arm();
  }

  catchupMs(s: ScheduleState): number {
    return Math.max(msFromDuration(s.schedule.policies.catchupWindow) || DEFAULT_CATCHUP_MS, MIN_CATCHUP_MS);
  }

  /** Called on every engine tick (advanceTime, an auto-clock jump, a due timer): take what is due. */
  tick(): void {
    if (this.stopped) return;
    const now = this.engine.now();
    for (const [k, at] of this.wakeAt) {
      const s = this.all.get(k);
      if (s && at <= now) this.process(s, now);
    }
  }

  /**
   * Deals with every fire time in (lastProcessed, now]: too old for the catch-up window →
   * missed; otherwise buffered, then the buffer is worked off under the overlap policy. While
   * paused (or out of actions) the time passes unprocessed: unpausing does not replay it.
   */
  process(s: ScheduleState, nowMs: number): void {
    const now = Math.max(nowMs, s.lastProcessedMs);
    let reached = now;
    if (this.canTake(s, false, false)) {
      const spec = this.spec(s);
      const window = this.catchupMs(s);
      let n = 0;
      for (let t = spec.next(s.lastProcessedMs); t && t.next <= now; t = spec.next(t.next)) {
        if (++n > MAX_FIRES_PER_PASS) {
          reached = t.next - 1;
          setImmediate(() => this.engine.tick());
          break;
        }
        if (t.next < s.updateMs) continue; // fires from before the last update belong to the old spec
        if (now - t.next > window) s.missedCatchupWindow++;
        else this.addStart(s, { nominalMs: t.nominal, actualMs: t.next, overlap: 'SCHEDULE_OVERLAP_POLICY_UNSPECIFIED', manual: false });
      }
    }
    s.lastProcessedMs = reached;
    this.drain(s);
    this.changed(s);
  }

  addStart(s: ScheduleState, start: BufferedStart): void {
    if (s.buffer.length >= MAX_BUFFER) s.bufferDropped++;
    else s.buffer.push(start);
  }

  canTake(s: ScheduleState, manual: boolean, decrement: boolean): boolean {
    if (manual) return true;
    const st = s.schedule.state;
    if (st.paused) return false;
    if (!st.limitedActions) return true;
    if ((st.remainingActions ?? 0) <= 0) return false;
    if (decrement) {
      st.remainingActions--;
      s.conflictToken++;
    }
    return true;
  }

  resolvePolicy(s: ScheduleState, policy: string | undefined): string {
    if (policy && policy !== 'SCHEDULE_OVERLAP_POLICY_UNSPECIFIED') return policy;
    return s.schedule.policies.overlapPolicy || 'SCHEDULE_OVERLAP_POLICY_SKIP';
  }

  /** The run a running entry stands for, if it (or a run continuing it) is still open. */
  private openRun(s: ScheduleState, entry: { workflowId: string; runId: string }): Run | undefined {
    const current = this.engine.current.get(this.engine.key(s.namespace, entry.workflowId));
    const run = current ? this.engine.runs.get(current) : undefined;
    return run && isOpen(run) && run.firstRunId === entry.runId ? run : undefined;
  }

  runningWorkflows(s: ScheduleState): { workflowId: string; runId: string }[] {
    return s.running.filter((r) => this.openRun(s, r));
  }

  /** Starts what the buffer allows now; cancels or terminates a running one if a policy says so. */
  drain(s: ScheduleState): void {
    for (let again = true; again && s.buffer.length > 0; ) {
      again = false;
      s.running = this.runningWorkflows(s);
      const out = resolveBuffer(s.buffer, s.running.length > 0, (p) => this.resolvePolicy(s, p));
      s.buffer = out.keep;
      s.overlapSkipped += out.skipped;
      for (const start of out.single ? [...out.overlapping, out.single] : out.overlapping) {
        if (!this.canTake(s, start.manual, true)) {
          again = true;
          continue;
        }
        this.take(s, start, start !== out.single);
      }
      if (out.cancelRunning || out.terminateRunning) {
        const identity = this.identity(s);
        for (const r of s.running) {
          const run = this.openRun(s, r);
          if (!run) continue;
          if (out.terminateRunning) terminateRun(this.engine, run, 'terminated by schedule overlap policy', identity);
          else if (!run.cancelRequested) requestCancel(this.engine, run, identity, null);
        }
      }
    }
  }

  identity(s: ScheduleState): string {
    return `temporal-scheduler-${s.namespace}-${s.scheduleId}`;
  }

  /** Takes one fire: starts the workflow and records the action; an overlapping (ALLOW_ALL) one is not tracked. */
  private take(s: ScheduleState, start: BufferedStart, overlapping: boolean): void {
    const started = startScheduledWorkflow(this.engine, s, start, this.identity(s), this.log);
    if (!started) return;
    s.actionCount++;
    s.recentActions.push({
      scheduleTime: tsFromMs(start.actualMs),
      actualTime: tsFromMs(started.startMs),
      startWorkflowResult: { workflowId: started.workflowId, runId: started.runId },
      startWorkflowStatus: 'WORKFLOW_EXECUTION_STATUS_RUNNING',
    });
    if (s.recentActions.length > RECENT_ACTIONS) s.recentActions.splice(0, s.recentActions.length - RECENT_ACTIONS);
    if (!overlapping) {
      s.running.push({ workflowId: started.workflowId, runId: started.runId });
      this.byWorkflow.set(this.engine.key(s.namespace, started.workflowId), this.key(s.namespace, s.scheduleId));
    }
  }

  /**
   * A run closed: if a schedule is waiting on it, it stops counting as running (a buffered
   * start may go now), its outcome feeds pause-on-failure and the last completion result.
   * Handled after the closing call has finished its own bookkeeping.
   */
  onClose(run: Run): void {
    if (run.status === 'WORKFLOW_EXECUTION_STATUS_CONTINUED_AS_NEW') return;
    const wfKey = this.engine.key(run.namespace, run.workflowId);
    const s = this.all.get(this.byWorkflow.get(wfKey) ?? '');
    if (!s?.running.some((r) => r.workflowId === run.workflowId && r.runId === run.firstRunId)) return;
    queueMicrotask(() => {
      if (this.stopped) return;
      this.byWorkflow.delete(wfKey);
      s.running = s.running.filter((r) => r.workflowId !== run.workflowId);
      for (const a of s.recentActions) if (a.startWorkflowResult?.workflowId === run.workflowId) a.startWorkflowStatus = run.status;
      const close = run.history[run.history.length - 1];
      if (run.status === 'WORKFLOW_EXECUTION_STATUS_COMPLETED') {
        s.lastCompletionResult = close?.workflowExecutionCompletedEventAttributes?.result ?? null;
      }
      const failed = run.status === 'WORKFLOW_EXECUTION_STATUS_FAILED' || run.status === 'WORKFLOW_EXECUTION_STATUS_TIMED_OUT';
      if (failed && s.schedule.policies.pauseOnFailure && !s.schedule.state.paused) {
        s.schedule.state.paused = true;
        s.schedule.state.notes =
          run.status === 'WORKFLOW_EXECUTION_STATUS_FAILED'
            ? `paused due to workflow failure: ${run.workflowId}: ${close?.workflowExecutionFailedEventAttributes?.failure?.message ?? ''}`
            : `paused due to workflow timeout: ${run.workflowId}`;
        s.conflictToken++;
      }
      this.drain(s);
      this.changed(s);
      this.engine.commitSoon();
    });
  }

  /** One timer for the earliest fire of all schedules; it runs an engine tick, which commits. */
  private arm(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.stopped || this.wakeAt.size === 0) return;
    const next = Math.min(...this.wakeAt.values());
    this.timer = setTimeout(() => this.engine.tick(), Math.max(0, Math.min(next - this.engine.now(), 2 ** 31 - 1)));
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
  }
}
