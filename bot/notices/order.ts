import { Op } from 'sequelize';
import type { BusinessEvent } from '../../domain/events';
import { formatFen } from '../../domain/money';
import { shippingNoticeFromBooks } from '../cards/shipping-notice';
import { cardHolders, pushTo, replaceCard } from '../outbox';
import type { NoticeCtx } from './approval';

type Of<T extends BusinessEvent['type']> = Extract<BusinessEvent, { type: T }>;

const text = (c: NoticeCtx, to: readonly number[], body: string, digest?: 'reminder') =>
  pushTo(c.db, to, { kind: 'text', text: body }, { dedupeKey: `${c.key}:text`, transaction: c.t, ...(digest ? { digest } : {}) });

const orderOf = (c: NoticeCtx, orderId: number) =>
  c.db.models.SalesOrder.findByPk(orderId, { transaction: c.t, attributes: ['id', 'number', 'quoteId'] });

export async function orderConfirmed(c: NoticeCtx, e: Of<'order.confirmed'>): Promise<void> {
  const order = await orderOf(c, e.orderId);
  const short = e.backorders.map((b) => `${b.sku} 欠货 ${b.qty}`).join('，');
  await text(c, e.to, `订单 ${order?.number ?? ''} 已确认，库存已锁定${short ? `；${short}，到货后发出` : ''}，已通知仓库发货`);
}

export async function orderRejected(c: NoticeCtx, e: Of<'order.rejected'>): Promise<void> {
  const order = await orderOf(c, e.orderId);
  const quote = order?.quoteId ? await c.db.models.Quote.findByPk(order.quoteId, { transaction: c.t, attributes: ['number'] }) : null;
  await text(c, e.to, `报价 ${quote?.number ?? ''} 被驳回，订单 ${order?.number ?? ''} 已关闭。${e.why}`);
}

/** Everyone involved is told, and so is whoever holds the order's shipping notice (the warehouse). */
export async function orderCancelled(c: NoticeCtx, e: Of<'order.cancelled'>): Promise<void> {
  const order = await orderOf(c, e.orderId);
  const warehouse = await cardHolders(c.db, `shipnotice:${e.orderId}`, c.t);
  await text(c, [...e.to, ...warehouse], `订单 ${order?.number ?? ''} 已取消（${e.why}）：释放锁定库存 ${e.released}`);
}

export async function orderCompleted(c: NoticeCtx, e: Of<'order.completed'>): Promise<void> {
  const order = await orderOf(c, e.orderId);
  await text(c, e.to, `订单 ${order?.number ?? ''} 已完成：全部发货，货款已全部收回`);
}

export async function shippingNoticeSent(c: NoticeCtx, e: Of<'shipping_notice.sent'>): Promise<void> {
  const card = await shippingNoticeFromBooks(c.db, e.orderId, { transaction: c.t });
  await pushTo(c.db, e.to, { kind: 'card', card }, { dedupeKey: `${c.key}:card`, transaction: c.t });
}

export async function shippingNoticeChanged(c: NoticeCtx, e: Of<'shipping_notice.changed'>): Promise<void> {
  const card = await shippingNoticeFromBooks(c.db, e.orderId, { transaction: c.t });
  await replaceCard(c.db, await cardHolders(c.db, card.id, c.t), card, { dedupeKey: c.key, transaction: c.t });
}

export async function shipmentRecorded(c: NoticeCtx, e: Of<'shipment.recorded'>): Promise<void> {
  const { Shipment, ShipmentLine, Product, Receivable, SalesOrder, Customer } = c.db.models;
  const s = await Shipment.findByPk(e.shipmentId, { transaction: c.t });
  if (!s) return;
  const [lines, r, order] = await Promise.all([
    ShipmentLine.findAll({ where: { shipmentId: s.id }, order: [['id', 'ASC']], transaction: c.t }),
    Receivable.findOne({ where: { shipmentId: s.id }, transaction: c.t }),
    SalesOrder.findByPk(s.salesOrderId, { transaction: c.t, attributes: ['number', 'customerId'] }),
  ]);
  const [products, customer] = await Promise.all([
    Product.findAll({ where: { id: { [Op.in]: lines.map((l) => l.productId) } }, attributes: ['id', 'sku'], transaction: c.t }),
    order ? Customer.findByPk(order.customerId, { attributes: ['name'], transaction: c.t }) : null,
  ]);
  const what = lines.map((l) => `${products.find((p) => p.id === l.productId)?.sku ?? ''}×${l.qty}`).join(' ');
  const bill = r ? `；应收 ${r.number} ${formatFen(r.amountFen)}，${r.dueDate} 到期` : '';
  await text(c, e.to, `订单 ${order?.number ?? ''} 已发货 ${what}（${s.carrier} ${s.trackingNo}）${bill}（${customer?.name ?? ''}）`);
}

export async function receivableOverdue(c: NoticeCtx, e: Of<'receivable.overdue'>): Promise<void> {
  const r = await c.db.models.Receivable.findByPk(e.receivableId, { transaction: c.t });
  if (!r) return;
  const customer = await c.db.models.Customer.findByPk(r.customerId, { attributes: ['name'], transaction: c.t });
  const open = r.amountFen - r.paidFen;
  const partly = r.paidFen > 0 ? `（原 ${formatFen(r.amountFen)}，已收 ${formatFen(r.paidFen)}）` : '';
  await text(
    c,
    e.to,
    `催款提醒：${customer?.name ?? ''} 应收 ${r.number} 已逾期 ${e.daysOverdue} 天，未收 ${formatFen(open)}${partly}，到期日 ${r.dueDate}`,
    'reminder',
  );
}
