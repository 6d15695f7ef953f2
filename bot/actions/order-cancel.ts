import type { Db } from '../../models/db';
import type { Reply } from '../cards/card';
import type { Flows } from '../flows';
import type { UserContext } from '../user-context';

const MANAGERS = ['sales_manager', 'sales_director', 'admin'];

/** Whether this user may cancel the order: its rep, the team's manager, the director or an admin. */
export function mayCancel(user: UserContext, order: { ownerUserId: number; teamId: number | null }): boolean {
  if (order.ownerUserId === user.id) return true;
  if (!MANAGERS.includes(user.roleCode)) return false;
  return user.roleCode !== 'sales_manager' || (order.teamId !== null && order.teamId === user.teamId);
}

/** 取消订单: the order's flow compensates (reservations, receivables, cards) and tells everyone. */
export async function cancelOrder(
  db: Db,
  flows: Flows,
  user: UserContext,
  orderId: number,
  reason: string | undefined,
  requestId: string,
): Promise<Reply[]> {
  const order = await db.models.SalesOrder.findByPk(orderId);
  if (!order?.workflowId) return [{ kind: 'text', text: '没有找到这个订单的流程' }];
  if (!mayCancel(user, order)) return [{ kind: 'text', text: `只有订单的销售或其经理可以取消 ${order.number}` }];
  if (order.status === 'cancelled')
    return [{ kind: 'text', text: `订单 ${order.number} 已取消${order.cancelReason ? `（${order.cancelReason}）` : ''}` }];
  if (order.status === 'completed') return [{ kind: 'text', text: `订单 ${order.number} 已完成，不能取消` }];
  const res = await flows.cancel(order.workflowId, { userId: user.id, reason: reason?.trim() || '未说明原因' }, requestId);
  return [{ kind: 'text', text: res.message.zh }];
}
