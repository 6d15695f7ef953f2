import { formatFen } from '../../domain/money';
import { may } from '../../domain/permissions';
import { ORDER_STATUS } from '../../domain/statuses';
import type { Db } from '../../models/db';
import { elapsed } from '../../workflows/format';
import type { OrderFlowState } from '../../workflows/messages';
import { type Locale, type Reply, t } from '../cards/card';
import type { Flows } from '../flows';
import type { UserContext } from '../user-context';

/** once anything has shipped the way back is a return, so the button goes */
const CANCELLABLE = ['draft', 'pending_approval', 'to_ship'];

/** Whose approval a flow waits for and for how long, with its reminder or escalation. */
export function waitingWords(w: NonNullable<OrderFlowState['waitingFor']>, credit: boolean, now: number): { zh: string; en: string } {
  const e = elapsed(now - w.since);
  const what = credit ? { zh: '超信用额度审批', en: 'credit override' } : { zh: '审批', en: 'approval' };
  return {
    zh: `等待 ${w.approverName} ${what.zh}，已等待 ${e.zh}${w.escalated ? '（已升级）' : w.reminded ? '（已提醒）' : ''}`,
    en: `waiting for ${w.approverName}'s ${what.en} for ${e.en}`,
  };
}

/**
 * Where the order stands, in words, from the books: they are its one source of truth. Only
 * while it awaits approval does its flow add who it waits for and since when (the books know
 * the step; the flow knows its reminder clock).
 */
export function statusWords(
  b: { status: string; rejected: boolean; shipments: number; backorders: { sku: string; qty: number }[] },
  live: OrderFlowState | null,
  now: number,
): { zh: string; en: string } {
  if (b.status === 'pending_approval' && live?.waitingFor) return waitingWords(live.waitingFor, live.phase === 'credit_approval', now);
  const words: Record<string, { zh: string; en: string }> = {
    pending_approval: { zh: '审批中', en: 'being approved' },
    to_ship: { zh: '待发货', en: 'to ship' },
    partially_shipped: { zh: `部分发货（${b.shipments} 次），待发余量`, en: `partially shipped (${b.shipments})` },
    shipped: { zh: '已全部发货，等待回款', en: 'shipped, awaiting payment' },
    delivered: { zh: '已签收，等待回款', en: 'delivered, awaiting payment' },
    cancelled: b.rejected ? { zh: '已驳回', en: 'rejected' } : { zh: '已取消', en: 'cancelled' },
  };
  const label = ORDER_STATUS.labels[b.status as keyof typeof ORDER_STATUS.labels];
  const w = words[b.status] ?? label ?? { zh: b.status, en: b.status };
  return b.backorders.length && ['to_ship', 'partially_shipped'].includes(b.status)
    ? {
        zh: `${w.zh}；欠货 ${b.backorders.map((x) => `${x.sku}×${x.qty}`).join('、')}`,
        en: `${w.en}; back-ordered ${b.backorders.map((x) => `${x.sku}x${x.qty}`).join(', ')}`,
      }
    : w;
}

/**
 * 订单 SO-…: the order's state in words from the books (with whose approval it waits for, and
 * how long, from its flow: "等待 王芳 审批，已等待 2 小时") — each line's shipped and back-ordered quantity, its
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
  const awaiting = order.status === 'pending_approval' && order.workflowId && opts.flows;
  const live = awaiting ? await opts.flows?.orderState(order.workflowId as string).catch(() => null) : null;
  const quote =
    order.status === 'cancelled' && order.quoteId ? await db.models.Quote.findByPk(order.quoteId, { attributes: ['status'] }) : null;
  const words = statusWords(
    {
      status: order.status,
      rejected: quote?.status === 'rejected',
      shipments: shipments.length,
      backorders: lines
        .filter((l) => l.backorderQty > 0)
        .map((l) => ({ sku: products.find((p) => p.id === l.productId)?.sku ?? '', qty: l.backorderQty })),
    },
    live ?? null,
    (opts.now ?? new Date()).getTime(),
  );
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
          text: t(locale, words.zh, words.en),
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
