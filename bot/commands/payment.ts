import { createPaymentActivities } from '../../activities/payment';
import { may } from '../../domain/permissions';
import type { Db } from '../../models/db';
import { type Locale, type Reply, t } from '../cards/card';
import { paymentCard } from '../cards/payment';
import type { Flows } from '../flows';
import { resolveOne } from '../resolve';
import type { UserContext } from '../user-context';

/**
 * 回款 华东机电 30000 (finance): record the payment and write it off against the customer's
 * oldest open receivables. The message id is the idempotency key, so a platform that
 * delivers the same message twice records one payment.
 */
export async function paymentCommand(
  db: Db,
  user: UserContext,
  cmd: { customer: string; amountFen: number },
  opts: { messageId: string; locale?: Locale; flows?: Flows },
): Promise<Reply[]> {
  const locale = opts.locale ?? 'zh';
  const text = (zh: string, en: string): Reply[] => [{ kind: 'text', text: t(locale, zh, en) }];
  if (!may(user, 'payment.record')) return text('只有财务可以登记回款', 'Only finance can record payments');
  const customers = (await db.models.Customer.findAll({ attributes: ['id', 'code', 'name', 'ownerUserId', 'teamId'] })).filter((c) =>
    may(user, 'payment.record', c),
  );
  const hit = resolveOne(
    cmd.customer,
    customers.map((c) => ({ code: c.code, name: c.name, value: c.id })),
  );
  if (!('found' in hit)) {
    return hit.choices.length
      ? text(
          `找到多个客户：${hit.choices.map((c) => c.name).join('、')}，请写全称`,
          `Several customers match: ${hit.choices.map((c) => c.name).join(', ')}`,
        )
      : text(`没有找到客户“${cmd.customer}”`, `No customer matches "${cmd.customer}"`);
  }
  const result = await createPaymentActivities({ db, clock: () => new Date() }).recordPayment({
    idempotencyKey: `chat:${opts.messageId}`,
    customerId: hit.found.value,
    amountFen: cmd.amountFen,
    recordedByUserId: user.id,
  });
  if (opts.flows && result.cleared.length) {
    // the receivables' and orders' flows re-read the books: dunning stops, orders complete
    const recs = await db.models.Receivable.findAll({ where: { id: result.cleared.map((c) => c.receivableId) } });
    const orders = await db.models.SalesOrder.findAll({
      where: { id: recs.map((r) => r.salesOrderId).filter((x): x is number => x !== null) },
    });
    await opts.flows.paymentApplied(
      result.paymentId,
      recs.map((r) => r.workflowId).filter((x): x is string => !!x),
      orders.map((o) => o.workflowId).filter((x): x is string => !!x),
    );
  }
  return [{ kind: 'card', card: paymentCard(hit.found.name, result, locale) }];
}
