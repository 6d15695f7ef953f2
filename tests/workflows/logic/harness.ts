import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Context } from '@temporalio/activity';
import { Client, Connection, type WorkflowHandle, WorkflowUpdateFailedError, WorkflowUpdateStage } from '@temporalio/client';
import { ApplicationFailure, type QueryDefinition } from '@temporalio/common';
import { NativeConnection, Worker } from '@temporalio/worker';
import { workflowBundle } from '../../../app/worker';
import { startTemporalServer, type TemporalServer } from '../../../temporal-server';
import type { FlowActivities } from '../../../workflows/activity-contract';
import {
  type OrderFlowState,
  orderStateQuery,
  quoteToCashId,
  type ReceivableCollectionInput,
  receivableCollectionId,
} from '../../../workflows/messages';
import type { QuoteToCashInput } from '../../../workflows/quote-to-cash';
import { eventTypes, quietRuntime, wid, within } from '../../temporal-server/harness';
import { type ActName, FlowStubs } from './stubs';

export { eventTypes };

export const HOUR = 3_600_000;
export const DAY = 24 * HOUR;
export const MINUTE = 60_000;
/** startUpdate's option: back once the update is accepted, its result later */
export const ACCEPTED = { waitForStage: WorkflowUpdateStage.ACCEPTED } as const;
/** bound on every wait: a broken flow fails its test instead of hanging it */
const BOUND_MS = 10_000;
/** every activity of the contract (the compiler says when one is missing): the worker registers these */
const EVERY: Record<ActName, true> = {
  openOrder: true,
  checkCredit: true,
  openCreditApproval: true,
  sendApprovalCard: true,
  decideStep: true,
  remindApprover: true,
  escalateApproval: true,
  rejectOrder: true,
  confirmOrder: true,
  recordShipment: true,
  orderSettlement: true,
  completeOrder: true,
  cancelOrder: true,
  receivableStatus: true,
  dunningNotice: true,
};
const ACTIVITY_NAMES = Object.keys(EVERY) as ActName[];

/**
 * The flows' logic alone: the embedded server on a virtual clock, the SDK worker with
 * the product's bundle, and stub activities in memory, one set per workflow id. No database,
 * no bot: what a test sees is the order of calls and the flow's answers.
 */
export interface LogicEnv {
  server: TemporalServer;
  client: Client;
  /** stubs for a new quote-to-cash flow; start() once the test has set them up */
  order(opts?: { steps?: number; reminderMs?: number; escalationMs?: number }): Flow<QuoteToCashInput>;
  /** stubs for a new receivable-collection flow */
  receivable(input: (now: number) => Omit<ReceivableCollectionInput, 'number' | 'receivableId'>): Flow<ReceivableCollectionInput>;
  stop(): Promise<void>;
}

/** a flow not started yet: its stubs (registered under its workflow id) and its input */
export interface Flow<I> {
  stubs: FlowStubs;
  input: I;
  start(): Promise<WorkflowHandle>;
}

/**
 * clock 'manual' (default): no timer fires unless the test moves time, so a reminder never
 * cuts into a test about something else. 'auto': time jumps to the next timer whenever
 * nothing runs (never while a stub holds a call), for tests of when timers fire.
 */
export async function startLogicEnv(opts: { clock?: 'manual' | 'auto' } = {}): Promise<LogicEnv> {
  quietRuntime();
  const dir = mkdtempSync(join(tmpdir(), 'q2c-logic-'));
  const server = await startTemporalServer({ dbPath: join(dir, 'temporal.sqlite'), virtualClock: opts.clock ?? 'manual', log: () => {} });
  const taskQueue = 'flow-logic';
  const flows = new Map<string, FlowStubs>();
  const route = (name: ActName) => (input: never) => {
    const id = Context.current().info.workflowExecution?.workflowId ?? '';
    const stubs = flows.get(id);
    if (!stubs) throw ApplicationFailure.nonRetryable(`no stubs for ${id}`);
    return stubs.run(name, input);
  };
  // a Proxy would not do: the worker registers the object's own keys
  const activities = Object.fromEntries(ACTIVITY_NAMES.map((n) => [n, route(n)])) as unknown as FlowActivities;
  const nc = await NativeConnection.connect({ address: server.address });
  const worker = await Worker.create({ connection: nc, taskQueue, workflowBundle: await workflowBundle(), activities });
  const running = worker.run();
  const connection = await Connection.connect({ address: server.address });
  const client = new Client({ connection });
  const now = () => server.now();

  return {
    server,
    client,
    order(opts = {}) {
      const quoteNumber = wid('Q');
      const id = quoteToCashId(quoteNumber);
      const stubs = new FlowStubs(id, now, opts.steps ?? 0);
      flows.set(id, stubs);
      const input: QuoteToCashInput = {
        quoteId: 1,
        quoteNumber,
        submittedByUserId: 1,
        reminderMs: opts.reminderMs ?? 2 * HOUR,
        escalationMs: opts.escalationMs ?? 6 * HOUR,
      };
      return { stubs, input, start: () => client.workflow.start('quoteToCash', { taskQueue, workflowId: id, args: [input] }) };
    },
    receivable(make) {
      const number = wid('AR');
      const id = receivableCollectionId(number);
      const stubs = new FlowStubs(id, now);
      flows.set(id, stubs);
      const input: ReceivableCollectionInput = { receivableId: 7, number, ...make(now()) };
      return { stubs, input, start: () => client.workflow.start('receivableCollection', { taskQueue, workflowId: id, args: [input] }) };
    },
    async stop() {
      for (const s of flows.values()) s.releaseAll();
      if (worker.getState() === 'RUNNING') worker.shutdown();
      await running;
      await nc.close();
      await connection.close();
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** every wait of these tests, bounded */
export const bounded = <T>(p: Promise<T>, what: string): Promise<T> => within(BOUND_MS, p, what);

/** asks `probe` again every 20 ms until `ok` holds (bounded): the flows run apart from the test */
async function poll<T>(probe: () => Promise<T>, ok: (v: T) => boolean, what: string): Promise<T> {
  const until = Date.now() + BOUND_MS;
  for (;;) {
    const v = await probe();
    if (ok(v)) return v;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(v)}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** the flow's state (a query, answered by the worker; the order's unless told) once `ok` holds */
export const untilState = <S = OrderFlowState>(
  handle: WorkflowHandle,
  ok: (s: S) => boolean,
  what: string,
  query: QueryDefinition<S> = orderStateQuery as unknown as QueryDefinition<S>,
) => poll(() => handle.query(query), ok, what);

/** the flow's history (event types) once `ok` holds */
export const untilHistory = (handle: WorkflowHandle, ok: (types: string[]) => boolean, what: string) =>
  poll(() => eventTypes(handle), ok, what);

/**
 * The update was refused by its validator: the client gets a failure of type Refused and the
 * update never reaches history. Returns the refusal's Chinese text; throws when it was accepted.
 */
export async function refusal(update: Promise<unknown>): Promise<string> {
  const outcome = await bounded(
    update.then(
      (v) => ({ accepted: v }),
      (e: unknown) => ({ error: e }),
    ),
    'update',
  );
  if (!('error' in outcome)) throw new Error(`update was accepted: ${JSON.stringify(outcome.accepted)}`);
  const e = outcome.error;
  if (!(e instanceof WorkflowUpdateFailedError) || !(e.cause instanceof ApplicationFailure) || e.cause.type !== 'Refused') throw e;
  return e.cause.message;
}
