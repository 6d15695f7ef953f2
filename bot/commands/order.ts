import { formatFen } from '../../domain/money';
import { ORDER_STATUS } from '../../domain/statuses';
import type { Db } from '../../models/db';
import { type Locale, type Reply, t } from '../cards/card';
import { canSeeCustomer, type UserContext } from '../user-context';

/**
 * 订单 SO-…: the order's state in words, each line's shipped and back-ordered quantity, its
 * shipments with tracking numbers and its receivables. (Once an order runs as a workflow, its
 * live state — whose approval it waits for, since when — is added from the workflow's query.)
 */
export async function orderCommand(db: Db, user: UserContext, orderNo: string, opts: { locale?: Locale }): Promise<Reply[]> {
  const locale = opts.locale ?? 'zh';
  const { SalesOrder, SalesOrderLine, Product, Customer, Shipment, Receivable } = db.models;
  const order = await SalesOrder.findOne({ where: { number: orderNo } });
  const customer = order ? await Customer.findByPk(order.customerId) : null;
  if (!order || !customer) return [{ kind: 'text', text: t(locale, `没有找到订单 ${orderNo}`, `No order ${orderNo}`) }];
  if (!canSeeCustomer(user, customer))
    return [{ kind: 'text', text: t(locale, `您无权查看订单 ${orderNo}`, `You may not see order ${orderNo}`) }];
  const [lines, shipments, receivables] = await Promise.all([
    SalesOrderLine.findAll({ where: { salesOrderId: order.id }, order: [['lineNo', 'ASC']] }),
    Shipment.findAll({ where: { salesOrderId: order.id }, order: [['shippedAt', 'ASC']] }),
    Receivable.findAll({ where: { salesOrderId: order.id }, order: [['dueDate', 'ASC']] }),
  ]);
  const products = await Product.findAll({ where: { id: lines.map((l) => l.productId) } });
  const status = ORDER_STATUS.labels[order.status as keyof typeof ORDER_STATUS.labels];
  const notes = [
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
          text: t(locale, status?.zh ?? order.status, status?.en ?? order.status),
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
      },
    },
  ];
}
