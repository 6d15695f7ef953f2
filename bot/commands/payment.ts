import { createPaymentActivities } from '../../activities/payment';
import { may } from '../../domain/permissions';
import type { Db } from '../../models/db';
import { scopedKey } from '../../models/idempotency-key';
import { type Locale, type Reply, t } from '../cards/card';
import { paymentCard } from '../cards/payment';
import { resolveOne } from '../resolve';
import type { UserContext } from '../user-context';

/**
 * 回款 华东机电 30000 (finance): record the payment and write it off against the customer's
 * oldest open receivables. The message id, scoped to the customer, is the idempotency key, so
 * a platform that delivers the same message twice records one payment.
 */
export async function paymentCommand(
  db: Db,
  user: UserContext,
  cmd: { customer: string; amountFen: number },
  opts: { messageId: string; locale?: Locale; now?: () => Date },
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
  // The flows of the receivables and orders are told by the relay (app/signal-relay.ts) from
  // rows written with the payment: the answer never waits on them, nor fails with them.
  const result = await createPaymentActivities({ db, clock: opts.now ?? (() => new Date()) }).recordPayment({
    idempotencyKey: scopedKey('pay', `c${hit.found.value}`, opts.messageId),
    customerId: hit.found.value,
    amountFen: cmd.amountFen,
    recordedByUserId: user.id,
  });
  return [{ kind: 'card', card: paymentCard(hit.found.name, result, locale) }];
}
