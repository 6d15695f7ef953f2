import {
  ApplicationFailure,
  type Client,
  WorkflowExecutionAlreadyStartedError,
  WorkflowIdReusePolicy,
  WorkflowNotFoundError,
  WorkflowUpdateFailedError,
  WorkflowUpdateStage,
} from '@temporalio/client';
import type { FlowSignalName } from '../models/flow-signal';
import {
  type Bilingual,
  type CancelInput,
  cancelUpdate,
  type DecideInput,
  type DecideResult,
  decideUpdate,
  type OrderFlowState,
  orderStateQuery,
  paymentAppliedSignal,
  quoteToCashId,
  receivablePaidSignal,
  type ShipInput,
  type ShipResult,
  shipUpdate,
} from '../workflows/messages';
import type { QuoteToCashInput } from '../workflows/quote-to-cash';

/**
 * The bot's side of the flows: start, update, query and signal them through a Temporal
 * client (embedded server or a real cluster alike). A refusal by the workflow (a validator
 * that says no, a finished flow) comes back as { ok: false, message } for the user.
 */
export interface Flows {
  submitQuote(input: QuoteToCashInput): Promise<{ started: boolean; workflowId: string }>;
  /**
   * A decision click as an update; `accepted` is called once the flow has accepted it (its
   * validator passed, the request is in history and survives a crash), before the outcome.
   */
  decide(workflowId: string, input: DecideInput, requestId: string, opts?: { accepted?: () => void }): Promise<DecideResult>;
  ship(workflowId: string, input: ShipInput): Promise<ShipResult>;
  cancel(workflowId: string, input: CancelInput, requestId: string): Promise<DecideResult>;
  orderState(workflowId: string): Promise<OrderFlowState | null>;
  /**
   * Sends one queued signal (models/flow-signal.ts; the relay of app/signal-relay.ts calls
   * this): 'gone' when the flow is not there or has ended, which needs no retry.
   */
  signal(workflowId: string, signal: FlowSignalName, paymentId: number): Promise<'sent' | 'gone'>;
}

const FINISHED: Bilingual = { zh: '该流程已结束', en: 'this flow has finished' };

function refusal(e: unknown): Bilingual | null {
  if (e instanceof WorkflowUpdateFailedError) {
    const cause = e.cause;
    if (cause instanceof ApplicationFailure) {
      const d = cause.details?.[0] as Bilingual | undefined;
      return d && typeof d.zh === 'string' ? d : { zh: cause.message, en: cause.message };
    }
    return { zh: cause?.message ?? e.message, en: cause?.message ?? e.message };
  }
  if (e instanceof WorkflowNotFoundError) return FINISHED;
  if (e instanceof Error && /already completed|not found/i.test(e.message)) return FINISHED;
  return null;
}

async function refusable<T extends { ok: boolean; message: Bilingual }>(p: Promise<T>): Promise<T | { ok: false; message: Bilingual }> {
  try {
    return await p;
  } catch (e) {
    const r = refusal(e);
    if (r) return { ok: false, message: r };
    throw e;
  }
}

export function createFlows(client: Client, taskQueue: string): Flows {
  const wf = client.workflow;
  return {
    async submitQuote(input) {
      const workflowId = quoteToCashId(input.quoteNumber);
      try {
        await wf.start('quoteToCash', {
          taskQueue,
          workflowId,
          args: [input],
          workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
        });
        return { started: true, workflowId };
      } catch (e) {
        if (e instanceof WorkflowExecutionAlreadyStartedError) return { started: false, workflowId };
        throw e;
      }
    },
    decide: (workflowId, input, requestId, opts) =>
      refusable(
        (async () => {
          const update = await wf.getHandle(workflowId).startUpdate(decideUpdate, {
            args: [input],
            updateId: `decide:${requestId}`,
            waitForStage: WorkflowUpdateStage.ACCEPTED,
          });
          opts?.accepted?.();
          return update.result();
        })(),
      ),
    ship: (workflowId, input) =>
      refusable(wf.getHandle(workflowId).executeUpdate(shipUpdate, { args: [input], updateId: `ship:${input.requestId}` })),
    cancel: (workflowId, input, requestId) =>
      refusable(wf.getHandle(workflowId).executeUpdate(cancelUpdate, { args: [input], updateId: `cancel:${requestId}` })),
    async orderState(workflowId) {
      try {
        return await wf.getHandle(workflowId).query(orderStateQuery);
      } catch (e) {
        if (e instanceof WorkflowNotFoundError) return null;
        throw e;
      }
    },
    async signal(workflowId, signal, paymentId) {
      const def = signal === 'paymentApplied' ? paymentAppliedSignal : receivablePaidSignal;
      try {
        await wf.getHandle(workflowId).signal(def, { paymentId });
        return 'sent';
      } catch (e) {
        // receivables from before the flows existed (or already closed) have no open flow
        if (e instanceof WorkflowNotFoundError || /already completed|not found/i.test((e as Error).message)) return 'gone';
        throw e;
      }
    },
  };
}
