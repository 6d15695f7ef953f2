import { Op } from 'sequelize';
import type { AppConfig } from '../../config';
import { agingReport } from '../../domain/aging';
import { businessDay } from '../../domain/calendar';
import { may } from '../../domain/permissions';
import { creditPosition } from '../../models/credit-position';
import type { Db } from '../../models/db';
import { type Locale, type Reply, t } from '../cards/card';
import { customerCard } from '../cards/customer';
import { resolveOne } from '../resolve';
import type { UserContext } from '../user-context';

/**
 * 客户 华东机电: the customer 360 card, for a customer the user may see; one they may not is
 * answered exactly like one that does not exist.
 */
export async function customerCommand(
  db: Db,
  config: AppConfig,
  user: UserContext,
  query: string,
  opts: { now: Date; locale?: Locale },
): Promise<Reply[]> {
  const locale = opts.locale ?? 'zh';
  const text = (zh: string, en: string): Reply[] => [{ kind: 'text', text: t(locale, zh, en) }];
  const { Customer, User, Receivable, Quote, SalesOrder, FollowUp, Contact } = db.models;
  const all = await Customer.findAll({ attributes: ['id', 'code', 'name', 'ownerUserId', 'teamId'] });
  const hit = resolveOne(
    query,
    all.filter((c) => may(user, 'customer.view', c)).map((c) => ({ code: c.code, name: c.name, value: c.id })),
  );
  if (!('found' in hit)) {
    if (hit.choices.length)
      return text(
        `找到多个客户：${hit.choices.map((c) => c.name).join('、')}，请写全称`,
        `Several customers match: ${hit.choices.map((c) => c.name).join(', ')}`,
      );
    return text(`没有找到客户“${query}”`, `No customer matches "${query}"`);
  }
  const c = (await Customer.findByPk(hit.found.value))!;
  const [owner, receivables, quotes, orders, lastFollowUp, contacts] = await Promise.all([
    User.findByPk(c.ownerUserId),
    Receivable.findAll({ where: { customerId: c.id, status: { [Op.in]: ['open', 'partially_paid'] } } }),
    Quote.findAll({
      where: { customerId: c.id, status: { [Op.in]: ['draft', 'pending_approval', 'approved'] } },
      order: [['id', 'DESC']],
      limit: 5,
    }),
    SalesOrder.findAll({
      where: { customerId: c.id, status: { [Op.notIn]: ['completed', 'cancelled'] } },
      order: [['orderDate', 'DESC']],
      limit: 5,
    }),
    FollowUp.findOne({ where: { customerId: c.id }, order: [['followedAt', 'DESC']] }),
    Contact.findAll({ where: { customerId: c.id }, limit: 3 }),
  ]);
  const credit = await creditPosition(db, c.id);
  const followBy = lastFollowUp ? await User.findByPk(lastFollowUp.userId) : null;
  const card = customerCard(
    {
      id: c.id,
      code: c.code,
      name: c.name,
      grade: c.grade,
      owner: owner?.name ?? '',
      paymentTermsDays: c.paymentTermsDays,
      region: c.region,
      credit,
      aging: agingReport(
        receivables.map((r) => ({ dueDate: r.dueDate, openFen: r.amountFen - r.paidFen })),
        opts.now,
        config.aging.buckets,
      ),
      openQuotes: quotes.map((q) => ({ number: q.number, status: q.status, totalFen: q.totalFen })),
      openOrders: orders.map((o) => ({ number: o.number, status: o.status, totalFen: o.totalFen, orderDate: o.orderDate })),
      lastFollowUp: lastFollowUp
        ? { at: businessDay(lastFollowUp.followedAt), by: followBy?.name ?? '', content: lastFollowUp.content }
        : null,
      contacts: contacts.map((p) => ({ name: p.name, title: p.title, mobile: p.mobile })),
    },
    locale,
  );
  return [{ kind: 'card', card }];
}
