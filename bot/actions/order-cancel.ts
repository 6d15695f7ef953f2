import { may } from '../../domain/permissions';
import type { Db } from '../../models/db';
import type { Reply } from '../cards/card';
import type { Flows } from '../flows';
import type { UserContext } from '../user-context';

/**
 * 取消订单: the order's flow compensates (reservations, receivables, cards) and tells everyone.
 * An order the user may not see is answered like one that does not exist; one they may see but
 * not cancel is refused without naming whose it is.
 */
export async function cancelOrder(
  db: Db,
  flows: Flows,
  user: UserContext,
  orderId: number,
  reason: string | undefined,
  requestId: string,
): Promise<Reply[]> {
  const order = await db.models.SalesOrder.findByPk(orderId);
  if (!order?.workflowId || !may(user, 'order.view', order)) return [{ kind: 'text', text: '没有找到这个订单的流程' }];
  if (!may(user, 'order.cancel', order)) return [{ kind: 'text', text: '您无权取消该订单' }];
  if (order.status === 'cancelled')
    return [{ kind: 'text', text: `订单 ${order.number} 已取消${order.cancelReason ? `（${order.cancelReason}）` : ''}` }];
  if (order.status === 'completed') return [{ kind: 'text', text: `订单 ${order.number} 已完成，不能取消` }];
  const res = await flows.cancel(order.workflowId, { userId: user.id, reason: reason?.trim() || '未说明原因' }, requestId);
  return [{ kind: 'text', text: res.message.zh }];
}
