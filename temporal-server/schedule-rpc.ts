import { status } from '@grpc/grpc-js';
import type { Engine } from './engine';
import { alreadyExists, invalid, notFound, RpcError } from './errors';
import { msFromTs, type Obj, tsFromMs } from './proto';
import { canonicalSpec, describedSpec, SpecError } from './schedule-spec';
import { DEFAULT_CATCHUP_MS, type ScheduleState, type Schedules } from './schedules';

/**
 * The schedule RPCs of WorkflowService, answering as the real server does: ALREADY_EXISTS for a
 * second create (the SDK's ScheduleAlreadyRunning), NOT_FOUND for an unknown or deleted id
 * (ScheduleNotFoundError), INVALID_ARGUMENT "Invalid schedule spec: …" for a bad spec (a
 * TypeError in the SDK), FAILED_PRECONDITION for an update whose conflict token is stale.
 * Each answers after its change is committed.
 */

const FUTURE_ACTIONS = 10;
const FUTURE_ACTIONS_IN_LIST = 5;
const RECENT_ACTIONS_IN_LIST = 5;
const MAX_MATCHING_TIMES = 1000;
const MAX_BACKFILL = 100_000;
const REQUEST_IDS_KEPT = 50;

export class ScheduleRpcs {
  constructor(
    private readonly engine: Engine,
    private readonly schedules: Schedules,
  ) {}

  private get(req: Obj): ScheduleState {
    const s = this.schedules.all.get(this.schedules.key(req.namespace || 'default', req.scheduleId ?? ''));
    if (!s) throw notFound('schedule not found');
    return s;
  }

  async create(req: Obj): Promise<Obj> {
    const namespace = req.namespace || 'default';
    if (!req.scheduleId) throw invalid('ScheduleId is not set on request.');
    const existing = this.schedules.all.get(this.schedules.key(namespace, req.scheduleId));
    if (existing) {
      if (req.requestId && existing.requestIds.includes(req.requestId)) return { conflictToken: token(existing) };
      throw alreadyExists(`schedule "${req.scheduleId}" is already registered`);
    }
    const now = this.engine.now();
    const s: ScheduleState = {
      namespace,
      scheduleId: req.scheduleId,
      schedule: compileSchedule(req.schedule),
      memo: req.memo ?? null,
      searchAttributes: req.searchAttributes ?? null,
      createMs: now,
      updateMs: 0,
      conflictToken: 1,
      lastProcessedMs: now,
      buffer: [],
      actionCount: 0,
      missedCatchupWindow: 0,
      overlapSkipped: 0,
      bufferDropped: 0,
      running: [],
      recentActions: [],
      lastCompletionResult: null,
      requestIds: req.requestId ? [req.requestId] : [],
    };
    this.schedules.all.set(this.schedules.key(namespace, s.scheduleId), s);
    if (req.initialPatch) this.applyPatch(s, req.initialPatch);
    this.schedules.process(s, now);
    await this.engine.commit();
    return { conflictToken: token(s) };
  }

  describe(req: Obj): Obj {
    const s = this.get(req);
    const st = s.schedule.state;
    return {
      schedule: {
        spec: describedSpec(s.schedule.spec),
        action: s.schedule.action,
        policies: s.schedule.policies,
        state: {
          notes: st.notes ?? '',
          paused: Boolean(st.paused),
          limitedActions: Boolean(st.limitedActions),
          remainingActions: st.remainingActions ?? 0,
        },
      },
      info: {
        actionCount: s.actionCount,
        missedCatchupWindow: s.missedCatchupWindow,
        overlapSkipped: s.overlapSkipped,
        bufferDropped: s.bufferDropped,
        bufferSize: s.buffer.length,
        runningWorkflows: this.schedules.runningWorkflows(s),
        recentActions: s.recentActions,
        futureActionTimes: this.futureTimes(s, FUTURE_ACTIONS),
        createTime: tsFromMs(s.createMs),
        updateTime: s.updateMs ? tsFromMs(s.updateMs) : null,
      },
      memo: s.memo,
      searchAttributes: s.searchAttributes,
      conflictToken: token(s),
    };
  }

  list(req: Obj): Obj {
    if (req.query) throw invalid('ListSchedules: the embedded server lists all schedules and supports no query');
    const namespace = req.namespace || 'default';
    const pageSize = req.maximumPageSize > 0 ? req.maximumPageSize : 1000;
    const offset = req.nextPageToken?.length ? Number(Buffer.from(req.nextPageToken).toString('utf8')) || 0 : 0;
    const all = [...this.schedules.all.values()]
      .filter((s) => s.namespace === namespace)
      .sort((a, b) => (a.scheduleId < b.scheduleId ? -1 : a.scheduleId > b.scheduleId ? 1 : 0));
    const page = all.slice(offset, offset + pageSize);
    return {
      schedules: page.map((s) => ({
        scheduleId: s.scheduleId,
        memo: s.memo,
        searchAttributes: s.searchAttributes,
        info: {
          spec: describedSpec(s.schedule.spec),
          workflowType: s.schedule.action.startWorkflow?.workflowType ?? null,
          notes: s.schedule.state.notes ?? '',
          paused: Boolean(s.schedule.state.paused),
          recentActions: s.recentActions.slice(-RECENT_ACTIONS_IN_LIST),
          futureActionTimes: this.futureTimes(s, FUTURE_ACTIONS_IN_LIST),
        },
      })),
      nextPageToken: offset + pageSize < all.length ? Buffer.from(String(offset + pageSize)) : Buffer.alloc(0),
    };
  }

  async update(req: Obj): Promise<Obj> {
    const s = this.get(req);
    if (req.requestId && s.requestIds.includes(req.requestId)) return {};
    const given = req.conflictToken as Buffer | undefined;
    if (given && given.length >= 8 && !Buffer.from(given).equals(token(s))) {
      throw new RpcError(status.FAILED_PRECONDITION, 'mismatched conflict token');
    }
    const schedule = compileSchedule(req.schedule);
    this.catchUp(s);
    s.schedule = schedule;
    if (req.searchAttributes) s.searchAttributes = req.searchAttributes;
    if (req.memo) s.memo = req.memo;
    s.updateMs = this.engine.now();
    s.conflictToken++;
    this.remember(s, req.requestId);
    this.schedules.changed(s, true);
    this.schedules.process(s, s.updateMs);
    await this.engine.commit();
    return {};
  }

  async patch(req: Obj): Promise<Obj> {
    const s = this.get(req);
    if (!req.patch) throw invalid('Patch is not set on request.');
    if (req.requestId && s.requestIds.includes(req.requestId)) return {};
    this.catchUp(s);
    this.applyPatch(s, req.patch);
    this.remember(s, req.requestId);
    this.schedules.drain(s);
    this.schedules.changed(s);
    await this.engine.commit();
    return {};
  }

  /** A request id is remembered once its change is made: a retried RPC is answered, not applied again. */
  private remember(s: ScheduleState, requestId: string | undefined): void {
    if (!requestId) return;
    s.requestIds.push(requestId);
    if (s.requestIds.length > REQUEST_IDS_KEPT) s.requestIds.splice(0, s.requestIds.length - REQUEST_IDS_KEPT);
  }

  /**
   * Time up to now is dealt with under the schedule as it was before a change, as the real
   * scheduler does before it reads a signal: a pause then skips exactly the paused stretch.
   */
  private catchUp(s: ScheduleState): void {
    this.schedules.process(s, this.engine.now());
  }

  /** Trigger now, backfill (start inclusive), pause, unpause. Manual starts skip pause and the catch-up window. */
  private applyPatch(s: ScheduleState, patch: Obj): void {
    const now = this.engine.now();
    if (patch.triggerImmediately) {
      const at = msFromTs(patch.triggerImmediately.scheduledTime) || now;
      this.schedules.addStart(s, { nominalMs: at, actualMs: at, overlap: patch.triggerImmediately.overlapPolicy ?? '', manual: true });
    }
    for (const b of patch.backfillRequest ?? []) {
      // past the buffer's limit starts are counted as dropped; past this many not even counted
      const times = this.schedules.spec(s).between(msFromTs(b.startTime) - 1, msFromTs(b.endTime), MAX_BACKFILL);
      for (const t of times)
        this.schedules.addStart(s, { nominalMs: t.nominal, actualMs: t.next, overlap: b.overlapPolicy ?? '', manual: true });
    }
    if (patch.pause) {
      s.schedule.state.paused = true;
      s.schedule.state.notes = patch.pause;
      s.conflictToken++;
    }
    if (patch.unpause) {
      s.schedule.state.paused = false;
      s.schedule.state.notes = patch.unpause;
      s.conflictToken++;
    }
  }

  async delete(req: Obj): Promise<Obj> {
    // the workflows it started keep running, as on a real server
    this.schedules.remove(this.get(req));
    await this.engine.commit();
    return {};
  }

  matchingTimes(req: Obj): Obj {
    const s = this.get(req);
    if (!req.startTime || !req.endTime) throw invalid('missing or invalid query');
    const times = this.schedules.spec(s).between(msFromTs(req.startTime), msFromTs(req.endTime), MAX_MATCHING_TIMES);
    return { startTime: times.map((t) => tsFromMs(t.next)) };
  }

  /** The next action times from where processing stands, as many as remaining actions allow. */
  private futureTimes(s: ScheduleState, n: number): Obj[] {
    const st = s.schedule.state;
    const limit = st.limitedActions ? Math.min(n, st.remainingActions ?? 0) : n;
    const out: Obj[] = [];
    const spec = this.schedules.spec(s);
    for (let t = spec.next(s.lastProcessedMs); t && out.length < limit; t = spec.next(t.next)) {
      if (t.next >= s.updateMs) out.push(tsFromMs(t.next));
    }
    return out;
  }
}

/** A request's schedule, validated, with the spec canonical and the defaults describe shows. */
function compileSchedule(schedule: Obj | null | undefined): ScheduleState['schedule'] {
  const action = schedule?.action;
  const wf = action?.startWorkflow;
  if (!wf) throw invalid('Schedule action is not set or not supported: only startWorkflow is');
  if (!wf.workflowId) throw invalid('WorkflowId is not set on request.');
  if (!wf.workflowType?.name) throw invalid('WorkflowType is not set on request.');
  if (!wf.taskQueue?.name) throw invalid('TaskQueue is not set on request.');
  let spec: Obj;
  try {
    spec = canonicalSpec(schedule?.spec);
  } catch (e) {
    if (e instanceof SpecError) throw invalid(`Invalid schedule spec: ${e.message}`);
    throw e;
  }
  const p = schedule?.policies ?? {};
  const overlap =
    p.overlapPolicy && p.overlapPolicy !== 'SCHEDULE_OVERLAP_POLICY_UNSPECIFIED' ? p.overlapPolicy : 'SCHEDULE_OVERLAP_POLICY_SKIP';
  const catchupMs = Math.max(p.catchupWindow ? msFromTs(p.catchupWindow) : DEFAULT_CATCHUP_MS, 10_000);
  const st = schedule?.state ?? {};
  return {
    spec,
    action,
    policies: {
      overlapPolicy: overlap,
      catchupWindow: tsFromMs(catchupMs),
      pauseOnFailure: Boolean(p.pauseOnFailure),
      keepOriginalWorkflowId: Boolean(p.keepOriginalWorkflowId),
    },
    state: {
      notes: st.notes ?? '',
      paused: Boolean(st.paused),
      limitedActions: Boolean(st.limitedActions),
      remainingActions: Number(st.remainingActions ?? 0),
    },
  };
}

/** The conflict token on the wire: 8 bytes, big-endian, as the real server encodes it. */
function token(s: ScheduleState): Buffer {
  const b = Buffer.alloc(8);
  b.writeBigUInt64BE(BigInt(s.conflictToken));
  return b;
}
