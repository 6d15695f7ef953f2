import { approverFor } from '../bot/approvers';
import { pushTo } from '../bot/outbox';
import { activeUsersWithRole } from '../bot/user-directory';
import { businessDay, daysBetween } from '../domain/calendar';
import { formatFen } from '../domain/money';
import type { Db } from '../models/db';
import type { DunningRung } from '../workflows/messages';

type Closed = 'paid' | 'void' | null;

/** The receivable side of collection: its status, and the dunning notices of the ladder. */
export function createReceivableActivities({ db }: { db: Db }) {
  const { Receivable, Customer } = db.models;

  async function receivableStatus({ receivableId }: { receivableId: number }): Promise<{ closed: Closed; openFen: number }> {
    const r = await Receivable.findByPk(receivableId);
    if (!r) return { closed: 'void', openFen: 0 };
    const closed: Closed = r.status === 'paid' ? 'paid' : r.status === 'void' ? 'void' : null;
    return { closed, openFen: r.amountFen - r.paidFen };
  }

  /** A rung of the ladder: who is told follows the config (rep, finance, manager, director). */
  async function dunningNotice({
    receivableId,
    rung,
  }: {
    receivableId: number;
    rung: DunningRung;
  }): Promise<{ closed: Closed; notified: number[] }> {
    const status = await receivableStatus({ receivableId });
    if (status.closed) return { closed: status.closed, notified: [] };
    const r = await Receivable.findByPk(receivableId);
    const customer = r ? await Customer.findByPk(r.customerId) : null;
    if (!r || !customer) return { closed: 'void', notified: [] };
    const to = new Set<number>();
    for (const who of rung.notify) {
      if (who === 'rep') to.add(r.ownerUserId);
      else if (who === 'sales_manager') {
        const m = await approverFor(db, 'sales_manager', customer);
        if (m) to.add(m.id);
      } else for (const u of await activeUsersWithRole(db, who)) to.add(u.id);
    }
    const overdue = Math.max(rung.daysOverdue, daysBetween(r.dueDate, businessDay(new Date())));
    const partly = r.paidFen > 0 ? `（原 ${formatFen(r.amountFen)}，已收 ${formatFen(r.paidFen)}）` : '';
    const text = `催款提醒：${customer.name} 应收 ${r.number} 已逾期 ${overdue} 天，未收 ${formatFen(status.openFen)}${partly}，到期日 ${r.dueDate}`;
    await pushTo(db, [...to], { kind: 'text', text }, { dedupeKey: `dunning:${receivableId}:${rung.daysOverdue}` });
    return { closed: null, notified: [...to] };
  }

  return { receivableStatus, dunningNotice };
}
