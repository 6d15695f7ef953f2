import { creditPosition } from '../models/credit-position';
import type { ActivityDeps } from './deps';

export function createCreditActivities({ db, clock }: Pick<ActivityDeps, 'db' | 'clock'>) {
  const { SalesOrder, Customer } = db.models;
  /**
   * The order's credit check: over the limit means a finance override, not an error. The check
   * and the counting of this order against the customer's credit are one transaction, under
   * the customer's row lock on PostgreSQL (SQLite has one writer): two orders of one customer
   * checked at once are checked one after the other, and the second sees the first.
   */
  async function checkCredit({
    orderId,
  }: {
    orderId: number;
  }): Promise<{ over: boolean; overByFen: number; message: { zh: string; en: string } }> {
    return db.writeTx(async (t) => {
      const order = await SalesOrder.findByPk(orderId, { transaction: t });
      if (!order) throw new Error(`order ${orderId} not found`);
      await Customer.findByPk(order.customerId, { attributes: ['id'], transaction: t, lock: t.LOCK.UPDATE });
      const c = await creditPosition(db, order.customerId, { thisOrderFen: order.totalFen, excludeOrderId: order.id, transaction: t });
      // a retried attempt of a check that passed: the order already counts, its answer stands
      if (order.creditApprovedAt) return { over: false, overByFen: 0, message: c.message };
      if (!c.over) await SalesOrder.update({ creditApprovedAt: clock() }, { where: { id: order.id }, transaction: t });
      return { over: c.over, overByFen: c.overByFen, message: c.message };
    });
  }
  return { checkCredit };
}
