import { businessDay, daysBetween } from '../domain/calendar';
import { formatFen } from '../domain/money';
import { dueAtOfDay, dunningPriority, TASK_SOURCE } from '../domain/tasks';
import { approverFor } from '../models/approvers';
import { createTask } from '../models/task';
import { activeUsersWithRole } from '../models/user-directory';
import type { DunningRung } from '../workflows/messages';
import type { ActivityDeps } from './deps';

type Closed = 'paid' | 'void' | null;

/** The receivable side of collection: its status, and the dunning notices of the ladder. */
export function createReceivableActivities({ db, config, clock, notify }: ActivityDeps) {
  const { Receivable, Customer } = db.models;

  async function receivableStatus({ receivableId }: { receivableId: number }): Promise<{ closed: Closed; openFen: number }> {
    const r = await Receivable.findByPk(receivableId);
    if (!r) return { closed: 'void', openFen: 0 };
    // an open receivable with nothing left to pay (a 0-fen one raised before they were born
    // closed) is as good as paid: the flow must not dun it
    const openFen = r.amountFen - r.paidFen;
    const closed: Closed = r.status === 'void' ? 'void' : r.status === 'paid' || openFen <= 0 ? 'paid' : null;
    return { closed, openFen };
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
    const now = clock();
    const today = businessDay(now);
    const daysOverdue = Math.max(rung.daysOverdue, daysBetween(r.dueDate, today));
    const rungIndex = config.reminders.dunningLadder.findIndex((x) => x.daysOverdue === rung.daysOverdue);
    await db.writeTx(async (transaction) => {
      // the notice asks each of them to chase the money: one task each, raised a rung at a time
      for (const userId of to)
        await createTask(
          db,
          {
            userId,
            title: `催收 ${customer.name} 应收 ${r.number}（逾期 ${daysOverdue} 天，未收 ${formatFen(status.openFen)}）`,
            dueAt: dueAtOfDay(today),
            priority: dunningPriority(rungIndex),
            refType: 'receivable',
            refId: r.id,
            source: TASK_SOURCE.dunning,
          },
          { transaction, now },
        );
      await notify.emit({ type: 'receivable.overdue', receivableId, daysOverdue, rung: rung.daysOverdue, to: [...to] }, { transaction });
    });
    return { closed: null, notified: [...to] };
  }

  return { receivableStatus, dunningNotice };
}
