import {
  ApplicationFailure,
  allHandlersFinished,
  condition,
  getExternalWorkflowHandle,
  ParentClosePolicy,
  patched,
  proxyActivities,
  setHandler,
  startChild,
  workflowInfo,
} from '@temporalio/workflow';
import { CHANNEL } from '../domain/statuses';
import type { FlowActivities } from './activity-contract';
import { shanghaiMinute } from './format';
import {
  type ApprovalFacts,
  type ApprovalStepInfo,
  type Bilingual,
  cancelUpdate,
  type Decision,
  decideUpdate,
  type OrderFlowState,
  type OrderPhase,
  orderStateQuery,
  paymentAppliedSignal,
  receivableCollectionId,
  receivableVoidSignal,
  shipUpdate,
} from './messages';
import { receivableCollection } from './receivable-collection';

// Activities here are a few database statements: a short timeout means an attempt lost with
// a crashed worker is retried within seconds, not a minute (they are idempotent).
const acts = proxyActivities<FlowActivities>({
  startToCloseTimeout: '10 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '5 minutes' },
});
// A click's activity runs while the flow's lock is held and a person waits for the answer:
// its retries are bounded (about a minute), so a fault is answered instead of hanging every
// later click. Bad input never gets here as an error: the activities answer it as data.
const clickActs = proxyActivities<FlowActivities>({
  startToCloseTimeout: '10 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '20 seconds', maximumAttempts: 6 },
});
/** patch ids (README "Changing a workflow safely"): open flows of older releases replay without them */
const PATCH_RECHECK_AFTER_LOCK = 'recheck-phase-after-lock';
/** back-to-back activities done as one: openOrder sends the first card, orderSettlement completes */
const PATCH_MERGED_ACTIVITIES = 'merged-activities';

export interface QuoteToCashInput {
  quoteId: number;
  quoteNumber: string;
  submittedByUserId: number;
  /** from config at submission, so a config change does not rewrite running flows */
  reminderMs: number;
  escalationMs: number;
}

const refuse = (m: Bilingual) => ApplicationFailure.create({ message: m.zh, type: 'Refused', details: [m], nonRetryable: true });
const TERMINAL: OrderPhase[] = ['completed', 'cancelled', 'rejected'];
const SHIPPABLE: OrderPhase[] = ['to_ship', 'partially_shipped'];
/** once anything has shipped, the way back is a return, not a cancel */
const CANCELLABLE: OrderPhase[] = ['approval', 'credit_approval', 'to_ship'];
const SHIPPED_NO_CANCEL: Bilingual = {
  zh: '订单已有发货，不能取消；如需退回请办理退货',
  en: 'the order has shipments and cannot be cancelled; goods come back through a return',
};
const onlyApprover = (step: ApprovalStepInfo): Bilingual => ({
  zh: `只有 ${step.approverName} 可以审批这一步`,
  en: `only ${step.approverName} may decide this step`,
});
const STEP_CLOSED: Bilingual = { zh: '这一步审批尚未轮到或已结束', en: 'this approval step is not open' };
const PHASE_WORDS: Record<OrderPhase, Bilingual> = {
  approval: { zh: '订单还在审批中', en: 'the order is still being approved' },
  credit_approval: { zh: '订单在等待超信用额度审批', en: 'the order awaits the credit override' },
  rejected: { zh: '订单已被驳回', en: 'the order was rejected' },
  to_ship: { zh: '订单待发货', en: 'the order is to ship' },
  partially_shipped: { zh: '订单部分发货', en: 'the order is partially shipped' },
  collecting: { zh: '订单已全部发货', en: 'the order is fully shipped' },
  completed: { zh: '订单已完成', en: 'the order is completed' },
  cancelled: { zh: '订单已取消', en: 'the order is cancelled' },
};

/**
 * One quote from submission to cash: the policy's approval steps in order (reminder, then
 * escalation, while an approver waits) → credit check, with a finance override when over →
 * the order confirmed and stock reserved (shortfalls back-ordered) → shipments, each raising
 * a receivable with its own collection flow → completed when shipped and paid. A cancel at
 * any point compensates. Every step that touches the books is an activity; `busy` keeps the
 * main line, clicks and cancels from interleaving their writes.
 */
export async function quoteToCash(input: QuoteToCashInput): Promise<OrderPhase> {
  const state: OrderFlowState = {
    phase: 'approval',
    orderId: 0,
    orderNumber: '',
    quoteNumber: input.quoteNumber,
    waitingFor: null,
    decided: [],
    shipments: [],
    receivables: [],
    backorders: [],
  };
  let busy = false;
  /** until openOrder has answered: the first card may already be out */
  let opening = true;
  let deciding = false;
  let current: ApprovalStepInfo | null = null;
  const facts = new Map<number, ApprovalFacts>();
  const decisions = new Map<number, Decision>();
  let paymentsSeen = 0;
  let paymentsHandled = 0;
  let settleNeeded = false;
  const cancelled = () => state.phase === 'cancelled';

  async function locked<T>(fn: () => Promise<T>): Promise<T> {
    await condition(() => !busy);
    busy = true;
    try {
      return await fn();
    } finally {
      busy = false;
    }
  }

  setHandler(orderStateQuery, () => state);
  setHandler(paymentAppliedSignal, () => {
    paymentsSeen++;
  });

  setHandler(
    decideUpdate,
    async (req) => {
      deciding = true;
      try {
        if (opening) {
          // accepted while the order was being opened (its first card goes out inside openOrder)
          await condition(() => !opening);
          if (current?.stepId !== req.stepId) return { ok: false, message: STEP_CLOSED };
          if (req.userId !== current.approverUserId) return { ok: false, message: onlyApprover(current) };
        }
        return await locked(async () => {
          // a cancel (or another decision) may have run while this click waited for the lock
          if (patched(PATCH_RECHECK_AFTER_LOCK) && (TERMINAL.includes(state.phase) || current?.stepId !== req.stepId))
            return { ok: false, message: TERMINAL.includes(state.phase) ? PHASE_WORDS[state.phase] : STEP_CLOSED };
          const rec = await clickActs.decideStep({ ...req, facts: facts.get(req.stepId) ?? {} });
          if (!rec.ok) {
            // the card now shows the new facts; a second click decides on those
            facts.set(req.stepId, rec.facts);
            return { ok: false, message: rec.message };
          }
          decisions.set(req.stepId, req.decision);
          state.decided.push({
            stepId: req.stepId,
            approverName: rec.approverName,
            decision: req.decision,
            at: rec.at,
            comment: req.comment,
            ...(req.via ? { via: req.via } : {}),
          });
          return { ok: true, message: rec.message };
        });
      } finally {
        deciding = false;
      }
    },
    {
      validator: (req) => {
        const done = state.decided.find((d) => d.stepId === req.stepId);
        if (done) {
          const word = done.decision === 'approve' ? { zh: '同意', en: 'approved' } : { zh: '驳回', en: 'rejected' };
          const when = shanghaiMinute(done.at);
          // one approval, copies on several platforms: a late click on one is told where it was decided
          const where = done.via ? CHANNEL.labels[done.via as keyof typeof CHANNEL.labels] : undefined;
          throw refuse({
            zh: `该审批已由 ${done.approverName} 于 ${when}${where ? ` 在${where.zh}` : ''} ${word.zh}，无需重复操作`,
            en: `already ${word.en} by ${done.approverName} at ${when}${where ? ` on ${where.en}` : ''}`,
          });
        }
        if (TERMINAL.includes(state.phase)) throw refuse(PHASE_WORDS[state.phase]);
        if (deciding) throw refuse({ zh: '正在处理另一个操作，请稍候', en: 'another click is being processed' });
        if (!current && opening) return; // its card is out; the handler waits until the flow knows the step
        if (!current || current.stepId !== req.stepId) throw refuse(STEP_CLOSED);
        if (req.userId !== current.approverUserId) throw refuse(onlyApprover(current));
      },
    },
  );

  setHandler(
    shipUpdate,
    (req) =>
      locked(async () => {
        if (patched(PATCH_RECHECK_AFTER_LOCK) && !SHIPPABLE.includes(state.phase)) return { ok: false, message: PHASE_WORDS[state.phase] };
        const res = await clickActs.recordShipment({ orderId: state.orderId, ...req });
        if (!res.ok) return res;
        if (!state.shipments.includes(res.shipmentNumber as string)) {
          state.shipments.push(res.shipmentNumber as string);
          state.receivables.push(res.receivable.number);
          await startChild(receivableCollection, {
            workflowId: receivableCollectionId(res.receivable.number),
            args: [res.receivable],
            parentClosePolicy: ParentClosePolicy.ABANDON,
          });
        }
        state.phase = res.allShipped ? 'collecting' : 'partially_shipped';
        settleNeeded = true;
        return { ok: true, message: res.message, shipmentNumber: res.shipmentNumber, receivableNumber: res.receivable.number };
      }),
    {
      validator: (req) => {
        if (!SHIPPABLE.includes(state.phase)) throw refuse(PHASE_WORDS[state.phase]);
        if (req.lines.length === 0) throw refuse({ zh: '请写明发货的商品和数量', en: 'say what to ship' });
      },
    },
  );

  setHandler(
    cancelUpdate,
    (req) =>
      locked(async () => {
        if (TERMINAL.includes(state.phase)) return { ok: false, message: PHASE_WORDS[state.phase] };
        if (patched(PATCH_RECHECK_AFTER_LOCK) && !CANCELLABLE.includes(state.phase)) return { ok: false, message: SHIPPED_NO_CANCEL };
        const res = await clickActs.cancelOrder({ orderId: state.orderId, userId: req.userId, reason: req.reason });
        if (res.ok === false) return { ok: false, message: res.message };
        state.phase = 'cancelled';
        state.waitingFor = null;
        for (const number of state.receivables) {
          await getExternalWorkflowHandle(receivableCollectionId(number)).signal(receivableVoidSignal, { reason: req.reason });
        }
        return { ok: true, message: res.message };
      }),
    {
      validator: (_req) => {
        if (TERMINAL.includes(state.phase)) throw refuse(PHASE_WORDS[state.phase]);
        if (!CANCELLABLE.includes(state.phase)) throw refuse(SHIPPED_NO_CANCEL);
      },
    },
  );

  /** one approval step: card → wait, with a reminder and then an escalation → the decision */
  async function approvalStep(step: ApprovalStepInfo, cardSent: boolean): Promise<Decision | 'cancelled'> {
    current = step;
    facts.set(step.stepId, step.facts);
    state.waitingFor = {
      stepId: step.stepId,
      approverName: step.approverName,
      role: step.role,
      since: Date.now(),
      reminded: false,
      escalated: false,
    };
    const waiting = state.waitingFor;
    if (!cardSent) await locked(() => acts.sendApprovalCard({ stepId: step.stepId, facts: step.facts }));
    const done = () => cancelled() || decisions.has(step.stepId);
    if (!(await condition(done, input.reminderMs))) {
      await locked(async () => (done() ? undefined : acts.remindApprover({ stepId: step.stepId })));
      waiting.reminded = true;
      if (!(await condition(done, Math.max(1, input.escalationMs - input.reminderMs)))) {
        await locked(async () => (done() ? undefined : acts.escalateApproval({ stepId: step.stepId })));
        waiting.escalated = true;
        await condition(done);
      }
    }
    current = null;
    if (state.waitingFor === waiting) state.waitingFor = null;
    return cancelled() ? 'cancelled' : (decisions.get(step.stepId) as Decision);
  }

  async function end(phase: OrderPhase): Promise<OrderPhase> {
    await condition(allHandlersFinished);
    return phase;
  }

  const merged = patched(PATCH_MERGED_ACTIVITIES);
  const opened = await locked(() =>
    acts.openOrder({
      quoteId: input.quoteId,
      submittedByUserId: input.submittedByUserId,
      workflowId: workflowInfo().workflowId,
      sendFirstCard: merged,
    }),
  );
  state.orderId = opened.orderId;
  state.orderNumber = opened.orderNumber;

  /** an approval step to its end: null when approved, else the phase the flow ends in */
  async function approved(step: ApprovalStepInfo, cardSent = false): Promise<OrderPhase | null> {
    const outcome = await approvalStep(step, cardSent);
    if (outcome === 'cancelled') return 'cancelled';
    if (outcome === 'approve') return null;
    await locked(() => acts.rejectOrder({ orderId: state.orderId, stepId: step.stepId }));
    state.phase = 'rejected';
    return 'rejected';
  }

  opening = false;
  for (const [i, step] of opened.steps.entries()) {
    const ended = await approved(step, i === 0 && opened.firstCardSent === true);
    if (ended) return end(ended);
  }
  if (cancelled()) return end('cancelled');

  const credit = await locked(() => acts.checkCredit({ orderId: state.orderId }));
  if (credit.over && !cancelled()) {
    state.phase = 'credit_approval';
    const step = await locked(() => acts.openCreditApproval({ orderId: state.orderId }));
    const ended = await approved(step);
    if (ended) return end(ended);
  }

  // The phase moves first: confirmOrder tells the warehouse, who may type 发货 at once; the
  // shipment's update is accepted and waits for the lock until the reservation is done.
  const confirmed = await locked(async () => {
    if (cancelled()) return null;
    state.phase = 'to_ship';
    return acts.confirmOrder({ orderId: state.orderId });
  });
  if (!confirmed) return end('cancelled');
  state.backorders = confirmed.backorders;

  while (!cancelled()) {
    await condition(() => cancelled() || settleNeeded || paymentsSeen > paymentsHandled);
    if (cancelled()) break;
    paymentsHandled = paymentsSeen;
    settleNeeded = false;
    const done = await locked(async () => {
      if (cancelled()) return false;
      const s = await acts.orderSettlement({ orderId: state.orderId, completeWhenDone: merged });
      if (!(s.allShipped && s.allPaid)) return false;
      if (!s.completed) await acts.completeOrder({ orderId: state.orderId });
      return true;
    });
    if (done) {
      state.phase = 'completed';
      return end('completed');
    }
  }
  return end('cancelled');
}
