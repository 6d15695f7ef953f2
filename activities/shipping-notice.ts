import { Op } from 'sequelize';
import type { Card } from '../bot/cards/card';
import { shippingNoticeCard } from '../bot/cards/shipping-notice';
import type { Db } from '../models/db';

/** The warehouse's shipping notice for an order, as the books stand now. */
export async function shippingNoticeCardOf(db: Db, orderId: number): Promise<Card> {
  const { SalesOrder, SalesOrderLine, Customer, Product, Reservation, Shipment } = db.models;
  const order = await SalesOrder.findByPk(orderId);
  if (!order) throw new Error(`order ${orderId} not found`);
  const [customer, lines, reservations, shipments] = await Promise.all([
    Customer.findByPk(order.customerId),
    SalesOrderLine.findAll({ where: { salesOrderId: orderId }, order: [['lineNo', 'ASC']] }),
    Reservation.findAll({ where: { salesOrderId: orderId, status: 'active' } }),
    Shipment.findAll({ where: { salesOrderId: orderId }, order: [['id', 'ASC']] }),
  ]);
  const products = await Product.findAll({ where: { id: { [Op.in]: lines.map((l) => l.productId) } } });
  const status = ['to_ship', 'partially_shipped', 'shipped', 'cancelled'].includes(order.status)
    ? (order.status as 'to_ship' | 'partially_shipped' | 'shipped' | 'cancelled')
    : order.status === 'completed'
      ? 'shipped'
      : 'other';
  return shippingNoticeCard({
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
  });
}
