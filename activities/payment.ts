import { Op, QueryTypes, type Transaction } from 'sequelize';
import { businessDay } from '../domain/calendar';
import { TASK_SOURCE } from '../domain/tasks';
import { allocatePayment } from '../domain/write-off';
import { queueFlowSignals } from '../models/flow-signal';
import { nextDocumentNumber } from '../models/sequence';
import { closeTasksAbout } from '../models/task';
import type { ActivityDeps } from './deps';

/**
 * Recording a payment and writing it off against the customer's open receivables, oldest
 * first, in one transaction. Each receivable is updated with a guarded UPDATE (paid never
 * exceeds the amount), so two payments at once can never clear the same money twice; the
 * idempotency key makes a retried call return the first result. The flows of the receivables
 * and orders it touched are told in the same transaction (flow_signals, sent by
 * app/signal-relay.ts after the commit): money recorded is never left unannounced.
 */
export interface PaymentInput {
  idempotencyKey: string;
  customerId: number;
  amountFen: number;
  recordedByUserId: number | null;
  method?: string;
  reference?: string | null;
  receivedAt?: Date;
}

export interface PaymentResult {
  paymentId: number;
  number: string;
  amountFen: number;
  unappliedFen: number;
  cleared: { receivableId: number; number: string; amountFen: number; paidOff: boolean; remainingFen: number }[];
}

class LostRace extends Error {}

export function createPaymentActivities({ db, clock }: Pick<ActivityDeps, 'db' | 'clock'>) {
  const { Payment, PaymentAllocation, Receivable, SalesOrder, AuditLog } = db.models;

  async function summary(paymentId: number): Promise<PaymentResult> {
    const p = await Payment.findByPk(paymentId);
    const allocs = await PaymentAllocation.findAll({ where: { paymentId }, order: [['id', 'ASC']] });
    const recs = await Receivable.findAll({ where: { id: { [Op.in]: allocs.map((a) => a.receivableId) } } });
    return {
      paymentId,
      number: p?.number ?? '',
      amountFen: p?.amountFen ?? 0,
      unappliedFen: p?.unappliedFen ?? 0,
      cleared: allocs.map((a) => {
        const r = recs.find((x) => x.id === a.receivableId);
        return {
          receivableId: a.receivableId,
          number: r?.number ?? '',
          amountFen: a.amountFen,
          paidOff: r?.status === 'paid',
          remainingFen: r ? r.amountFen - r.paidFen : 0,
        };
      }),
    };
  }

  /** the receivables' flows stop dunning, the orders' flows complete when shipped and paid */
  async function signalsFor(paymentId: number, receivableIds: number[], tx: Transaction) {
    if (receivableIds.length === 0) return [];
    const recs = await Receivable.findAll({ where: { id: receivableIds }, attributes: ['workflowId', 'salesOrderId'], transaction: tx });
    const orderIds = [...new Set(recs.map((r) => r.salesOrderId).filter((x): x is number => x !== null))];
    const orders = orderIds.length
      ? await SalesOrder.findAll({ where: { id: orderIds }, attributes: ['workflowId'], transaction: tx })
      : [];
    const ids = (xs: { workflowId: string | null }[]) => [...new Set(xs.map((x) => x.workflowId).filter((x): x is string => !!x))];
    return [
      ...ids(recs).map((workflowId) => ({ workflowId, signal: 'receivablePaid' as const, paymentId })),
      ...ids(orders).map((workflowId) => ({ workflowId, signal: 'paymentApplied' as const, paymentId })),
    ];
  }

  async function recordOnce(input: PaymentInput): Promise<number> {
    return db.writeTx(async (tx) => {
      const prior = await Payment.findOne({ where: { idempotencyKey: input.idempotencyKey }, transaction: tx });
      if (prior) return prior.id;
      const open = await Receivable.findAll({
        where: { customerId: input.customerId, status: { [Op.in]: ['open', 'partially_paid'] } },
        transaction: tx,
      });
      const plan = allocatePayment(
        input.amountFen,
        open.map((r) => ({ id: r.id, dueDate: r.dueDate, issuedDate: r.issuedDate, openFen: r.amountFen - r.paidFen })),
      );
      const receivedAt = input.receivedAt ?? clock();
      const number = await nextDocumentNumber(db, 'PAY', businessDay(receivedAt).replace(/-/g, ''), { transaction: tx });
      const payment = await Payment.create(
        {
          number,
          customerId: input.customerId,
          amountFen: input.amountFen,
          unappliedFen: plan.unappliedFen,
          receivedAt,
          method: input.method ?? 'bank',
          reference: input.reference ?? null,
          recordedByUserId: input.recordedByUserId,
          idempotencyKey: input.idempotencyKey,
        },
        { transaction: tx },
      );
      for (const a of plan.allocations) {
        const rows = await db.sequelize.query(
          `UPDATE receivables SET paid_fen = paid_fen + :amount,
             status = CASE WHEN paid_fen + :amount = amount_fen THEN 'paid' ELSE 'partially_paid' END, updated_at = :now
           WHERE id = :id AND status IN ('open', 'partially_paid') AND amount_fen - paid_fen >= :amount RETURNING id`,
          { replacements: { amount: a.amountFen, id: a.receivableId, now: clock() }, type: QueryTypes.SELECT, transaction: tx },
        );
        // Another payment got there between our read and this update (PostgreSQL): start over.
        if (rows.length !== 1) throw new LostRace();
        await PaymentAllocation.create(
          { paymentId: payment.id, receivableId: a.receivableId, amountFen: a.amountFen },
          { transaction: tx },
        );
      }
      // the dunning tasks of what is now paid off are done: nobody is left chasing paid money
      const paidOff = plan.allocations.filter((a) => {
        const r = open.find((x) => x.id === a.receivableId);
        return r !== undefined && r.amountFen - r.paidFen === a.amountFen;
      });
      await closeTasksAbout(
        db,
        { refType: 'receivable', refIds: paidOff.map((a) => a.receivableId), sources: [TASK_SOURCE.dunning] },
        { transaction: tx, now: clock(), actorUserId: input.recordedByUserId },
      );
      await queueFlowSignals(
        db,
        await signalsFor(
          payment.id,
          plan.allocations.map((a) => a.receivableId),
          tx,
        ),
        tx,
      );
      await AuditLog.create(
        {
          userId: input.recordedByUserId,
          action: 'payment.record',
          entityType: 'payment',
          entityId: String(payment.id),
          before: null,
          after: {
            number,
            customerId: input.customerId,
            amountFen: input.amountFen,
            allocations: plan.allocations,
            unappliedFen: plan.unappliedFen,
          },
          at: clock(),
        },
        { transaction: tx },
      );
      return payment.id;
    });
  }

  async function recordPayment(input: PaymentInput): Promise<PaymentResult> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await summary(await recordOnce(input));
      } catch (e) {
        if (!(e instanceof LostRace) || attempt >= 5) throw e;
      }
    }
  }

  return { recordPayment };
}
