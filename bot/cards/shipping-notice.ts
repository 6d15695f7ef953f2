import { Op, type Transaction } from 'sequelize';
import type { Db } from '../../models/db';
import { type Card, type Locale, t } from './card';

export interface ShippingNoticeData {
  orderId: number;
  orderNumber: string;
  customer: string;
  region: string;
  status: 'to_ship' | 'partially_shipped' | 'shipped' | 'cancelled' | 'other';
  lines: { sku: string; name: string; qty: number; shipped: number; reserved: number; backordered: number }[];
  shipments: string[];
}

/**
 * 发货通知 to the warehouse: what to ship and what is reserved for it; updated in place as
 * shipments are recorded (and closed when the order is cancelled). Shipping itself is the
 * 发货 command, because it needs carrier and tracking number.
 */
export function shippingNoticeCard(d: ShippingNoticeData, locale: Locale = 'zh'): Card {
  const example = d.lines.find((l) => l.qty > l.shipped);
  const status =
    d.status === 'cancelled'
      ? { text: t(locale, '订单已取消，请勿发货', 'Order cancelled: do not ship'), tone: 'danger' as const }
      : d.status === 'shipped'
        ? { text: t(locale, '已全部发货', 'Fully shipped'), tone: 'success' as const }
        : d.status === 'partially_shipped'
          ? { text: t(locale, '部分发货', 'Partially shipped'), tone: 'warning' as const }
          : { text: t(locale, '待发货', 'To ship'), tone: 'info' as const };
  return {
    id: `shipnotice:${d.orderId}`,
    title: `${t(locale, '发货通知', 'Shipping notice')} ${d.orderNumber} · ${d.customer}`,
    status,
    fields: [{ label: t(locale, '地区', 'Region'), value: d.region || '—' }],
    table: {
      columns: t(locale, '商品|订购|已发|已锁定|欠货', 'Item|Ordered|Shipped|Reserved|Back-ordered').split('|'),
      align: ['left', 'right', 'right', 'right', 'right'],
      rows: d.lines.map((l) => [`${l.sku} ${l.name}`, String(l.qty), String(l.shipped), String(l.reserved), String(l.backordered)]),
    },
    notes: [
      ...d.shipments,
      ...(example && d.status !== 'cancelled'
        ? [
            t(
              locale,
              `登记发货：发货 ${d.orderNumber} ${example.sku}×${example.qty - example.shipped} 顺丰 SF1234567890`,
              `to ship: ship ${d.orderNumber} ${example.sku}x${example.qty - example.shipped} SF SF1234567890`,
            ),
          ]
        : []),
    ],
  };
}

/** The warehouse's shipping notice for an order, as the books stand now. */
export async function shippingNoticeFromBooks(
  db: Db,
  orderId: number,
  opts: { transaction?: Transaction; locale?: Locale } = {},
): Promise<Card> {
  const transaction = opts.transaction;
  const { SalesOrder, SalesOrderLine, Customer, Product, Reservation, Shipment } = db.models;
  const order = await SalesOrder.findByPk(orderId, { transaction });
  if (!order) throw new Error(`order ${orderId} not found`);
  const [customer, lines, reservations, shipments] = await Promise.all([
    Customer.findByPk(order.customerId, { transaction }),
    SalesOrderLine.findAll({ where: { salesOrderId: orderId }, order: [['lineNo', 'ASC']], transaction }),
    Reservation.findAll({ where: { salesOrderId: orderId, status: 'active' }, transaction }),
    Shipment.findAll({ where: { salesOrderId: orderId }, order: [['id', 'ASC']], transaction }),
  ]);
  const products = await Product.findAll({ where: { id: { [Op.in]: lines.map((l) => l.productId) } }, transaction });
  const status = ['to_ship', 'partially_shipped', 'shipped', 'cancelled'].includes(order.status)
    ? (order.status as 'to_ship' | 'partially_shipped' | 'shipped' | 'cancelled')
    : order.status === 'completed'
      ? 'shipped'
      : 'other';
  return shippingNoticeCard(
    {
      orderId,
      orderNumber: order.number,
      customer: customer?.name ?? '',
      region: customer?.region ?? '',
      status,
      lines: lines.map((l) => {
        const p = products.find((x) => x.id === l.productId);
        const reserved = reservations.filter((r) => r.salesOrderLineId === l.id).reduce((s, r) => s + r.qty, 0);
        return { sku: p?.sku ?? '', name: p?.name ?? '', qty: l.qty, shipped: l.shippedQty, reserved, backordered: l.backorderQty };
      }),
      shipments: shipments.map((s) => `${s.number}：${s.carrier} ${s.trackingNo}`),
    },
    opts.locale,
  );
}
