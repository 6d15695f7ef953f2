import type { Engine } from './engine';
import { invalid, notFound } from './errors';
import { decodeObject, encodeObject, type Obj, type } from './proto';
import { isOpen, type Run, type UpdateState } from './run';

/**
 * Workflow updates: admitted by the client, delivered to the worker as a protocol message on
 * the next workflow task, accepted or rejected by the workflow's validator, completed with an
 * outcome. Accepted and completed updates are history events; a rejected one leaves none.
 * UpdateWorkflowExecution and PollWorkflowExecutionUpdate wait (long poll) for the stage asked.
 */
const RequestType = type('temporal.api.update.v1.Request');
const TYPES: Record<string, ReturnType<typeof type>> = {
  'temporal.api.update.v1.Acceptance': type('temporal.api.update.v1.Acceptance'),
  'temporal.api.update.v1.Rejection': type('temporal.api.update.v1.Rejection'),
  'temporal.api.update.v1.Response': type('temporal.api.update.v1.Response'),
};
const STAGES = ['ADMITTED', 'ACCEPTED', 'COMPLETED'] as const;
const stageName = (s: string) => `UPDATE_WORKFLOW_EXECUTION_LIFECYCLE_STAGE_${s}`;
const LONG_POLL_MS = 20_000;

type View = Pick<UpdateState, 'stage' | 'outcome'>;

export class Updates {
  private waiters = new Map<string, Set<() => void>>();
  /**
   * What callers may see of an update whose latest changes are not on disk yet: the stage and
   * outcome as last committed. An outcome reported before its commit could be taken back by a
   * crash — the caller told "done", the restarted server running the update again.
   */
  private held = new Map<string, { view: View; changes: number }>();
  private stopped = false;

  constructor(private readonly engine: Engine) {}

  private key(run: Run, id: string): string {
    return `${run.runId}/${id}`;
  }

  private notify(run: Run, id: string): void {
    for (const fn of this.waiters.get(this.key(run, id)) ?? []) fn();
  }

  private view(run: Run, id: string): View | undefined {
    return this.held.get(this.key(run, id))?.view ?? run.updates[id];
  }

  /** Changes an update's state now and lets callers see the change once it is committed. */
  private change(run: Run, id: string, apply: (u: UpdateState) => void): void {
    const u = run.updates[id];
    if (!u) return;
    const k = this.key(run, id);
    const h = this.held.get(k) ?? { view: { stage: u.stage, outcome: u.outcome }, changes: 0 };
    this.held.set(k, h);
    h.changes++;
    apply(u);
    const after: View = { stage: u.stage, outcome: u.outcome };
    this.engine.markDirty(run);
    this.engine.afterDurable(() => {
      h.view = after;
      if (--h.changes === 0) this.held.delete(k);
      this.notify(run, id);
    });
  }

  async update(req: Obj, onCancel: (fn: () => void) => () => void): Promise<Obj> {
    const run = await this.engine.resolve(req.namespace || 'default', req.workflowExecution);
    const id: string = req.request?.meta?.updateId;
    if (!id) throw invalid('Update id is not set on request.');
    if (!req.request?.input?.name) throw invalid('Update name is not set on request.');
    if (!run.updates[id]) {
      if (!isOpen(run)) throw notFound('workflow execution already completed');
      run.updates[id] = { id, request: req.request, stage: 'admitted', acceptedEventId: 0, outcome: null };
      this.engine.markDirty(run);
      this.engine.scheduleWft(run);
      await this.engine.commit();
    }
    return this.waitFor(run, id, req.waitPolicy?.lifecycleStage, onCancel);
  }

  async poll(req: Obj, onCancel: (fn: () => void) => () => void): Promise<Obj> {
    const run = await this.engine.resolve(req.namespace || 'default', req.updateRef?.workflowExecution);
    const id = req.updateRef?.updateId;
    if (!run.updates[id]) throw notFound(`update ${id} not found`);
    return this.waitFor(run, id, req.waitPolicy?.lifecycleStage, onCancel);
  }

  private async waitFor(run: Run, id: string, wanted: string | undefined, onCancel: (fn: () => void) => () => void): Promise<Obj> {
    const want = Math.max(
      0,
      STAGES.findIndex((s) => stageName(s) === wanted),
    );
    const reached = () => {
      const u = this.view(run, id);
      return !u || u.outcome !== null || STAGES.indexOf(stageOf(u)) >= want;
    };
    if (!reached()) {
      await new Promise<void>((resolve) => {
        const k = this.key(run, id);
        const set = this.waiters.get(k) ?? new Set();
        this.waiters.set(k, set);
        const done = () => {
          if (!reached() && !cancelled && !this.stopped && Date.now() < deadline) return;
          clearTimeout(timer);
          off();
          set.delete(done);
          if (set.size === 0) this.waiters.delete(k);
          resolve();
        };
        let cancelled = false;
        const deadline = Date.now() + LONG_POLL_MS;
        const timer = setTimeout(done, LONG_POLL_MS);
        const off = onCancel(() => {
          cancelled = true;
          done();
        });
        set.add(done);
      });
    }
    const u = this.view(run, id);
    return {
      updateRef: { workflowExecution: { workflowId: run.workflowId, runId: run.runId }, updateId: id },
      outcome: u?.outcome ?? null,
      stage: stageName(u ? stageOf(u) : 'COMPLETED'),
    };
  }

  /** Shutdown: callers waiting for a stage are answered with the stage reached. */
  stop(): void {
    this.stopped = true;
    for (const set of [...this.waiters.values()]) for (const fn of [...set]) fn();
  }

  /** The update requests to deliver with the task being started; unhandled ones go again. */
  takeForTask(run: Run, startedEventId: number): Obj[] {
    const out: Obj[] = [];
    for (const u of Object.values(run.updates)) {
      if (u.stage !== 'admitted') continue;
      u.stage = 'sent';
      out.push({
        id: `${u.id}/request`,
        protocolInstanceId: u.id,
        eventId: startedEventId - 1,
        // google.protobuf.Any keeps its snake_case field name in protobufjs
        body: { type_url: 'type.googleapis.com/temporal.api.update.v1.Request', value: encodeObject(RequestType, u.request) },
      });
    }
    return out;
  }

  hasUndelivered(run: Run): boolean {
    return Object.values(run.updates).some((u) => u.stage === 'admitted');
  }

  /** Decodes the worker's protocol messages of a completion, by message id. */
  decodeMessages(messages: Obj[] | undefined): Map<string, { protocolInstanceId: string; kind: string; body: Obj }> {
    const out = new Map<string, { protocolInstanceId: string; kind: string; body: Obj }>();
    for (const m of messages ?? []) {
      const typeName = String(m.body?.type_url ?? m.body?.typeUrl ?? '').replace(/^.*\//, '');
      const t = TYPES[typeName];
      if (!t) continue;
      out.set(m.id, {
        protocolInstanceId: m.protocolInstanceId,
        kind: typeName.replace('temporal.api.update.v1.', ''),
        body: decodeObject(t, m.body.value),
      });
    }
    return out;
  }

  /** A PROTOCOL_MESSAGE command: the acceptance or the response it names becomes an event. */
  applyCommand(run: Run, messageId: string, messages: ReturnType<Updates['decodeMessages']>, completedId: number): void {
    const m = messages.get(messageId);
    if (!m) return;
    const u = run.updates[m.protocolInstanceId];
    if (m.kind === 'Acceptance') {
      const ev = this.engine.append(run, 'WORKFLOW_EXECUTION_UPDATE_ACCEPTED', {
        protocolInstanceId: m.protocolInstanceId,
        acceptedRequestMessageId: m.body.acceptedRequestMessageId,
        acceptedRequestSequencingEventId: m.body.acceptedRequestSequencingEventId,
        acceptedRequest: m.body.acceptedRequest,
      });
      this.change(run, m.protocolInstanceId, (u) => {
        u.stage = 'accepted';
        u.acceptedEventId = ev.eventId;
      });
    } else if (m.kind === 'Response') {
      this.engine.append(run, 'WORKFLOW_EXECUTION_UPDATE_COMPLETED', {
        meta: m.body.meta,
        acceptedEventId: u?.acceptedEventId ?? 0,
        outcome: m.body.outcome,
      });
      this.change(run, m.protocolInstanceId, (u) => {
        u.stage = 'completed';
        u.outcome = m.body.outcome;
      });
    }
    void completedId;
  }

  /** After a completion: rejections resolve their callers; requests the worker ignored go again. */
  afterCompletion(run: Run, messages: ReturnType<Updates['decodeMessages']>): boolean {
    for (const m of messages.values()) {
      const u = run.updates[m.protocolInstanceId];
      if (m.kind !== 'Rejection' || !u) continue;
      this.change(run, u.id, (x) => {
        x.stage = 'rejected';
        x.outcome = { failure: m.body.failure };
      });
    }
    let again = false;
    for (const u of Object.values(run.updates)) {
      if (u.stage === 'sent') {
        u.stage = 'admitted';
        again = true;
      }
    }
    this.engine.markDirty(run);
    return again;
  }

  /** A task that failed or timed out took its update requests with it: deliver them again. */
  returnSent(run: Run): void {
    for (const u of Object.values(run.updates)) if (u.stage === 'sent') u.stage = 'admitted';
  }

  /** The run closed: whatever was not completed fails, so no caller waits forever. */
  onClose(run: Run): void {
    for (const u of Object.values(run.updates)) {
      if (u.outcome !== null) continue;
      this.change(run, u.id, (x) => {
        x.stage = 'completed';
        x.outcome = {
          failure: { message: 'Workflow Update failed because the Workflow completed before the Update completed.', source: 'Server' },
        };
      });
    }
  }
}

function stageOf(u: View): (typeof STAGES)[number] {
  if (u.stage === 'accepted') return 'ACCEPTED';
  if (u.stage === 'completed' || u.stage === 'rejected') return 'COMPLETED';
  return 'ADMITTED';
}
