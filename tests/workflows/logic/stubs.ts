import type { FlowActivities } from '../../../workflows/activity-contract';
import type { ApprovalStepInfo, Bilingual } from '../../../workflows/messages';

/**
 * In-memory activities for one flow: each call is logged (name, input, server time) and
 * answered by a default a test can replace; a test can hold the next call of an activity
 * until it releases it, which is how it makes a click arrive while the flow's lock is held.
 */
export type ActName = keyof FlowActivities;
type Input<K extends ActName> = Parameters<FlowActivities[K]>[0];

export interface Call {
  name: ActName;
  input: unknown;
  /** server time (virtual) when the call came */
  at: number;
}

export interface Gate<K extends ActName> {
  /** resolves with the input once the held call has come */
  reached: Promise<Input<K>>;
  release(): void;
}

const said = (en: string): Bilingual => ({ zh: en, en });

/** approval steps 101, 102, … decided by users 11, 12, … */
export function stepsOf(n: number): ApprovalStepInfo[] {
  return Array.from({ length: n }, (_, i) => ({
    stepId: 101 + i,
    stepNo: i + 1,
    role: `level${i + 1}`,
    approverUserId: 11 + i,
    approverName: `approver${i + 1}`,
    facts: {},
  }));
}

export class FlowStubs {
  readonly calls: Call[] = [];
  /** call starts and ends in order: 'openOrder', 'openOrder:done', … */
  readonly log: string[] = [];
  private readonly answers: Partial<FlowActivities>;
  private readonly gates = new Map<ActName, { reached: (v: unknown) => void; released: Promise<void>; release(): void }[]>();
  private readonly open = new Set<() => void>();
  private readonly waiters = new Set<() => void>();
  private shipped = 0;

  constructor(
    readonly workflowId: string,
    private readonly now: () => number,
    steps = 0,
  ) {
    this.answers = {
      openOrder: async () => ({ orderId: 1, orderNumber: 'SO-1', steps: stepsOf(steps), firstCardSent: false }),
      checkCredit: async () => ({ over: false, overByFen: 0, message: said('credit ok') }),
      openCreditApproval: async () => ({ ...stepsOf(1)[0]!, stepId: 900, role: 'finance' }),
      sendApprovalCard: async () => {},
      decideStep: async (req) => ({ ok: true, approverName: `user${req.userId}`, at: this.now(), message: said('decided') }),
      remindApprover: async () => {},
      escalateApproval: async () => {},
      rejectOrder: async () => {},
      confirmOrder: async () => ({ backorders: [] }),
      recordShipment: async () => {
        const n = ++this.shipped;
        const number = `${this.workflowId}-R${n}`;
        // no rungs: the receivable's own flow waits for a signal and calls nothing here
        const receivable = { receivableId: n, number, dueAt: this.now(), rungs: [] };
        return { ok: true, message: said('shipped'), shipmentNumber: `SH-${n}`, receivable, allShipped: true };
      },
      orderSettlement: async () => ({ allShipped: false, allPaid: false }),
      completeOrder: async () => {},
      cancelOrder: async () => ({ ok: true, message: said('cancelled') }),
      receivableStatus: async () => ({ closed: null, openFen: 100 }),
      dunningNotice: async () => ({ closed: null, notified: [1] }),
    };
  }

  /** replaces an activity's answer */
  answer<K extends ActName>(name: K, fn: FlowActivities[K]): this {
    this.answers[name] = fn;
    return this;
  }

  /** answers with each of `results` in turn, the last one for ever after */
  answerInTurn<K extends ActName>(name: K, ...results: Awaited<ReturnType<FlowActivities[K]>>[]): this {
    let i = 0;
    const fn = async () => results[Math.min(i++, results.length - 1)];
    return this.answer(name, fn as unknown as FlowActivities[K]);
  }

  /** the next call of `name` waits until the gate is released */
  hold<K extends ActName>(name: K): Gate<K> {
    let reached!: (v: unknown) => void;
    const reachedP = new Promise<Input<K>>((r) => {
      reached = r as (v: unknown) => void;
    });
    let release!: () => void;
    const released = new Promise<void>((r) => {
      release = r;
    });
    this.open.add(release);
    const gate = { reached, released, release };
    this.gates.set(name, [...(this.gates.get(name) ?? []), gate]);
    return { reached: reachedP, release };
  }

  /** lets every held call go (the worker must be able to shut down) */
  releaseAll(): void {
    for (const r of this.open) r();
  }

  inputs<K extends ActName>(name: K): Input<K>[] {
    return this.calls.filter((c) => c.name === name).map((c) => c.input as Input<K>);
  }

  /** the activities called, in order */
  names(): ActName[] {
    return this.calls.map((c) => c.name);
  }

  count(name: ActName): number {
    return this.inputs(name).length;
  }

  /** resolves once `entry` (a name, or 'name:done') is in the log `times` times */
  until(entry: string, times = 1): Promise<void> {
    const met = () => this.log.filter((e) => e === entry).length >= times;
    if (met()) return Promise.resolve();
    return new Promise((resolve) => {
      const w = () => {
        if (!met()) return;
        this.waiters.delete(w);
        resolve();
      };
      this.waiters.add(w);
    });
  }

  /** what the worker runs for this flow */
  async run<K extends ActName>(name: K, input: Input<K>): Promise<unknown> {
    this.calls.push({ name, input, at: this.now() });
    this.note(name);
    const gate = this.gates.get(name)?.shift();
    if (gate) {
      gate.reached(input);
      await gate.released;
      this.open.delete(gate.release);
    }
    const fn = this.answers[name] as (i: Input<K>) => Promise<unknown>;
    const out = await fn(input);
    this.note(`${name}:done`);
    return out;
  }

  private note(entry: string): void {
    this.log.push(entry);
    for (const w of [...this.waiters]) w();
  }
}
