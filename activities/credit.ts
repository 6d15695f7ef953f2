import { creditPosition } from '../models/credit-position';
import type { ActivityDeps } from './deps';

export function createCreditActivities({ db }: Pick<ActivityDeps, 'db'>) {
  /** The order's credit check: over the limit means a finance override, not an error. */
  async function checkCredit({
    orderId,
  }: {
    orderId: number;
  }): Promise<{ over: boolean; overByFen: number; message: { zh: string; en: string } }> {
    const order = await db.models.SalesOrder.findByPk(orderId);
    if (!order) throw new Error(`order ${orderId} not found`);
    const c = await creditPosition(db, order.customerId, { thisOrderFen: order.totalFen, excludeOrderId: order.id });
    return { over: c.over, overByFen: c.overByFen, message: c.message };
  }
  return { checkCredit };
}
