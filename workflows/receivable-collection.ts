import { condition, proxyActivities, setHandler } from '@temporalio/workflow';

export type { ReceivableCollectionInput } from './messages';

import type { FlowActivities } from './activity-contract';
import {
  type ReceivableCollectionInput,
  type ReceivableFlowState,
  receivablePaidSignal,
  receivableStateQuery,
  receivableVoidSignal,
} from './messages';

// Activities here are a few database statements: a short timeout means an attempt lost with
// a crashed worker is retried within seconds, not a minute (they are idempotent).
const acts = proxyActivities<FlowActivities>({
  startToCloseTimeout: '10 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '5 minutes' },
});

/**
 * One receivable from issue to paid: a durable timer to each rung of the dunning ladder; each
 * notice re-reads the receivable, so a partial payment shows in it and a full one ends the
 * flow at once. A payment signal ends it early when the money clears it; a void signal (the
 * order was cancelled) ends it.
 */
export async function receivableCollection(input: ReceivableCollectionInput): Promise<'paid' | 'void'> {
  const state: ReceivableFlowState = {
    receivableId: input.receivableId,
    number: input.number,
    dueAt: input.dueAt,
    rungsSent: [],
    closed: null,
  };
  let paymentsSeen = 0;
  let paymentsChecked = 0;
  setHandler(receivableStateQuery, () => state);
  setHandler(receivablePaidSignal, () => {
    paymentsSeen++;
  });
  setHandler(receivableVoidSignal, () => {
    state.closed = 'void';
  });

  /** waits until `at` (or for ever); true when the receivable closed meanwhile */
  async function waitUntil(at: number | null): Promise<boolean> {
    for (;;) {
      const woke = () => state.closed !== null || paymentsSeen > paymentsChecked;
      let early = true;
      if (at === null) await condition(woke);
      else early = await condition(woke, Math.max(1, at - Date.now()));
      if (state.closed) return true;
      if (!early) return false;
      paymentsChecked = paymentsSeen;
      const status = await acts.receivableStatus({ receivableId: input.receivableId });
      if (status.closed) {
        state.closed = status.closed;
        return true;
      }
    }
  }

  // Driven by the input alone, which the history holds: flows started before this field
  // existed have none and replay their old path, so no patched() is needed.
  if (input.closed) {
    state.closed = input.closed;
    return input.closed;
  }
  for (const rung of input.rungs) {
    if (await waitUntil(rung.at)) return state.closed as 'paid' | 'void';
    const sent = await acts.dunningNotice({ receivableId: input.receivableId, rung });
    if (sent.closed) {
      state.closed = sent.closed;
      return sent.closed;
    }
    state.rungsSent.push(rung.daysOverdue);
  }
  await waitUntil(null);
  return state.closed as 'paid' | 'void';
}
