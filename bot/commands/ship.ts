import { may } from '../../domain/permissions';
import type { Db } from '../../models/db';
import { type Locale, type Reply, t } from '../cards/card';
import { shippingNoticeFromBooks } from '../cards/shipping-notice';
import type { Flows } from '../flows';
import { latestCardOf } from '../outbox';
import type { UserContext } from '../user-context';
import type { Item } from './grammar';

/**
 * 发货 SO-… A100×1200 顺丰 SF1234567890 (warehouse): recorded through the order's flow, which
 * moves stock, raises the receivable and starts its collection together — or says why not.
 */
export async function shipCommand(
  db: Db,
  flows: Flows | undefined,
  user: UserContext,
  cmd: { orderNo: string; items: Item[]; carrier: string; trackingNo: string },
  opts: { messageId: string; locale?: Locale },
): Promise<Reply[]> {
  const locale = opts.locale ?? 'zh';
  const text = (zh: string, en: string): Reply[] => [{ kind: 'text', text: t(locale, zh, en) }];
  const order = await db.models.SalesOrder.findOne({ where: { number: cmd.orderNo } });
  if (!order || !may(user, 'shipment.record', order)) return text(`没有找到订单 ${cmd.orderNo}`, `No order ${cmd.orderNo}`);
  if (!order.workflowId)
    return text(`订单 ${order.number} 不是通过助手下的单，请在 ERP 中发货`, `Order ${order.number} was not placed through the assistant`);
  if (!flows) return text('流程服务暂不可用，请稍后再试', 'workflows are unavailable, try again later');
  const res = await flows.ship(order.workflowId, {
    userId: user.id,
    lines: cmd.items.map((i) => ({ sku: i.sku, qty: i.qty })),
    carrier: cmd.carrier,
    trackingNo: cmd.trackingNo,
    requestId: opts.messageId,
  });
  const replies: Reply[] = [{ kind: 'text', text: t(locale, res.message.zh, res.message.en) }];
  if (res.ok) {
    // the shipment's notice has just redrawn the warehouse's copy (bot/notices/order): that is the answer
    const card = (await latestCardOf(db, user.id, `shipnotice:${order.id}`)) ?? (await shippingNoticeFromBooks(db, order.id));
    replies.unshift({ kind: 'card', card });
  }
  return replies;
}
