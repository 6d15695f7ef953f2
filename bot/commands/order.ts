import { formatFen } from '../../domain/money';
import { may } from '../../domain/permissions';
import { ORDER_STATUS } from '../../domain/statuses';
import type { Db } from '../../models/db';
import { elapsed } from '../../workflows/format';
import type { OrderFlowState } from '../../workflows/messages';
import { type Locale, type Reply, t } from '../cards/card';
import type { Flows } from '../flows';
import type { UserContext } from '../user-context';

const PHASE_RANK: Record<OrderFlowState['phase'], number> = {
  approval: 0,
  credit_approval: 0,
  to_ship: 1,
  partially_shipped: 2,
  collecting: 3,
  completed: 4,
  rejected: 5,
  cancelled: 5,
};
/** once anything has shipped the way back is a return, so the button goes */
const CANCELLABLE = ['draft', 'pending_approval', 'to_ship'];
const STATUS_RANK: Record<string, number> = { to_ship: 1, partially_shipped: 2, shipped: 3, delivered: 3, completed: 4, cancelled: 5 };

/** The flow's state as a sentence: whose approval it waits for and for how long, or its phase. */
export function flowWords(s: OrderFlowState, now: number): { zh: string; en: string } {
  if (s.waitingFor && (s.phase === 'approval' || s.phase === 'credit_approval')) {
    const e = elapsed(now - s.waitingFor.since);
    const what = s.phase === 'credit_approval' ? { zh: '超信用额度审批', en: 'credit override' } : { zh: '审批', en: 'approval' };
    return {
      zh: `等待 ${s.waitingFor.approverName} ${what.zh}，已等待 ${e.zh}${s.waitingFor.escalated ? '（已升级）' : s.waitingFor.reminded ? '（已提醒）' : ''}`,
      en: `waiting for ${s.waitingFor.approverName}'s ${what.en} for ${e.en}`,
    };
  }
  const words: Record<OrderFlowState['phase'], { zh: string; en: string }> = {
    approval: { zh: '审批中', en: 'being approved' },
    credit_approval: { zh: '等待超信用额度审批', en: 'awaiting the credit override' },
    rejected: { zh: '已驳回', en: 'rejected' },
    to_ship: { zh: '待发货', en: 'to ship' },
    partially_shipped: { zh: `部分发货（${s.shipments.length} 次），待发余量`, en: `partially shipped (${s.shipments.length})` },
    collecting: { zh: '已全部发货，等待回款', en: 'shipped, awaiting payment' },
    completed: { zh: '已完成', en: 'completed' },
    cancelled: { zh: '已取消', en: 'cancelled' },
  };
  const backorder = s.backorders.length && ['to_ship', 'partially_shipped'].includes(s.phase);
  const w = words[s.phase];
  return backorder
    ? {
        zh: `${w.zh}；欠货 ${s.backorders.map((b) => `${b.sku}×${b.qty}`).join('、')}`,
        en: `${w.en}; back-ordered ${s.backorders.map((b) => `${b.sku}x${b.qty}`).join(', ')}`,
      }
    : w;
}

/**
 * 订单 SO-…: the order's state in words — from its live flow when it has one ("等待 王芳 审批，
 * 已等待 2 小时"), else from the books — each line's shipped and back-ordered quantity, its
 * shipments with tracking numbers and its receivables; a cancel button for who may cancel.
 */
export async function orderCommand(
  db: Db,
  user: UserContext,
  orderNo: string,
  opts: { locale?: Locale; flows?: Flows; now?: Date },
): Promise<Reply[]> {
  const locale = opts.locale ?? 'zh';
  const { SalesOrder, SalesOrderLine, Product, Customer, Shipment, Receivable } = db.models;
  const order = await SalesOrder.findOne({ where: { number: orderNo } });
  // an order the user may not see is answered like one that does not exist
  const customer = order && may(user, 'order.view', order) ? await Customer.findByPk(order.customerId) : null;
  if (!order || !customer) return [{ kind: 'text', text: t(locale, `没有找到订单 ${orderNo}`, `No order ${orderNo}`) }];
  const [lines, shipments, receivables] = await Promise.all([
    SalesOrderLine.findAll({ where: { salesOrderId: order.id }, order: [['lineNo', 'ASC']] }),
    Shipment.findAll({ where: { salesOrderId: order.id }, order: [['shippedAt', 'ASC']] }),
    Receivable.findAll({ where: { salesOrderId: order.id }, order: [['dueDate', 'ASC']] }),
  ]);
  const products = await Product.findAll({ where: { id: lines.map((l) => l.productId) } });
  const status = ORDER_STATUS.labels[order.status as keyof typeof ORDER_STATUS.labels];
  const live = order.workflowId && opts.flows ? await opts.flows.orderState(order.workflowId).catch(() => null) : null;
  // the flow tells its users before it updates its own state: when the books are already
  // further along (confirmed, completed), they are the answer
  const liveWords =
    live && PHASE_RANK[live.phase] >= (STATUS_RANK[order.status] ?? 0) ? flowWords(live, (opts.now ?? new Date()).getTime()) : null;
  const notes = [
    ...(order.status === 'cancelled' && order.cancelReason
      ? [t(locale, `关闭原因：${order.cancelReason}`, `closed: ${order.cancelReason}`)]
      : []),
    ...shipments.map((s) =>
      t(locale, `发货 ${s.number}：${s.carrier} ${s.trackingNo}`, `shipment ${s.number}: ${s.carrier} ${s.trackingNo}`),
    ),
    ...receivables.map((r) =>
      t(
        locale,
        `应收 ${r.number} ${formatFen(r.amountFen)}，到期 ${r.dueDate}，${r.status === 'paid' ? '已收' : `未收 ${formatFen(r.amountFen - r.paidFen)}`}`,
        `receivable ${r.number} ${formatFen(r.amountFen)}, due ${r.dueDate}, ${r.status === 'paid' ? 'paid' : `${formatFen(r.amountFen - r.paidFen)} open`}`,
      ),
    ),
  ];
  return [
    {
      kind: 'card',
      card: {
        id: `order:${order.id}`,
        title: `${t(locale, '订单', 'Order')} ${order.number} · ${customer.name}`,
        status: {
          text: liveWords ? t(locale, liveWords.zh, liveWords.en) : t(locale, status?.zh ?? order.status, status?.en ?? order.status),
          tone: order.status === 'cancelled' ? 'danger' : order.status === 'completed' ? 'success' : 'info',
        },
        fields: [
          { label: t(locale, '下单日期', 'Order date'), value: order.orderDate },
          { label: t(locale, '价税合计', 'Total incl. VAT'), value: formatFen(order.totalFen) },
        ],
        table: {
          columns: t(locale, '商品|数量|已发|欠货', 'Item|Qty|Shipped|Back-ordered').split('|'),
          align: ['left', 'right', 'right', 'right'],
          rows: lines.map((l) => {
            const p = products.find((x) => x.id === l.productId);
            return [`${p?.sku ?? ''} ${p?.name ?? ''}`.trim(), String(l.qty), String(l.shippedQty), String(l.backorderQty)];
          }),
        },
        notes: notes.length ? notes : [t(locale, '尚未发货', 'not shipped yet')],
        buttons:
          order.workflowId && CANCELLABLE.includes(order.status) && may(user, 'order.cancel', order)
            ? [{ text: t(locale, '取消订单', 'Cancel order'), action: 'order.cancel', value: { orderId: order.id }, style: 'danger' }]
            : [],
      },
    },
  ];
}
