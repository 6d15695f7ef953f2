import type { ProductInfo } from './catalog';
import { docNumber, PREFIX, type SeedContext } from './context';
import type { CustomerInfo } from './customers';
import { lineAmounts } from './money';
import { CARRIERS } from './names';
import { type LineDraft, sumLines } from './pricing';
import type { StockBook } from './stock-book';

/** Sales orders with their lines, shipments (goods out of the ledger) and reservations. */

export type OrderStatus =
  | 'draft'
  | 'pending_approval'
  | 'pending_payment'
  | 'to_ship'
  | 'partially_shipped'
  | 'shipped'
  | 'delivered'
  | 'completed'
  | 'cancelled';

export interface OrderLineRef {
  id: number;
  lineNo: number;
  product: ProductInfo;
  qty: number;
  unitPriceFen: number;
}

export interface OrderRef {
  id: number;
  number: string;
  customer: CustomerInfo;
  status: OrderStatus;
  orderDay: number;
  warehouseId: number;
  lines: OrderLineRef[];
  totalFen: number;
}

export interface ShipmentRef {
  id: number;
  day: number;
  netFen: number;
  taxFen: number;
  totalFen: number;
}

export function createOrder(
  ctx: SeedContext,
  o: {
    customer: CustomerInfo;
    status: OrderStatus;
    orderDay: number;
    lines: LineDraft[];
    warehouseId: number;
    gradeDiscountBp: number;
    manualDiscountBp: number;
    cancelReason?: string;
  },
): OrderRef {
  const number = docNumber(ctx, PREFIX.salesOrder, o.orderDay);
  const sums = sumLines(o.lines);
  const orderDate = ctx.cal.day(o.orderDay);
  const createdAt = ctx.cal.at(o.orderDay, 10, o.lines.length * 7);
  const id = ctx.plan.add('SalesOrder', {
    number,
    customerId: o.customer.id,
    quoteId: null,
    contractId: null,
    ownerUserId: o.customer.ownerId,
    teamId: o.customer.teamId,
    status: o.status,
    orderDate,
    gradeDiscountBp: o.gradeDiscountBp,
    manualDiscountBp: o.manualDiscountBp,
    ...sums,
    paymentTermsDays: o.customer.termsDays,
    requiresPrepayment: o.status === 'pending_payment',
    workflowId: null,
    cancelReason: o.cancelReason ?? null,
    creditApprovedAt: null,
    createdAt,
  });
  const lines = o.lines.map((l, i) => {
    const lineId = ctx.plan.add('SalesOrderLine', {
      salesOrderId: id,
      lineNo: i + 1,
      productId: l.product.id,
      qty: l.qty,
      shippedQty: 0,
      backorderQty: 0,
      unitPriceFen: l.unitPriceFen,
      netFen: l.netFen,
      taxFen: l.taxFen,
      vatRateBp: l.product.vatRateBp,
      costFen: l.costFen,
      orderDate,
      customerId: o.customer.id,
      ownerUserId: o.customer.ownerId,
      createdAt,
    });
    return { id: lineId, lineNo: i + 1, product: l.product, qty: l.qty, unitPriceFen: l.unitPriceFen };
  });
  return {
    id,
    number,
    customer: o.customer,
    status: o.status,
    orderDay: o.orderDay,
    warehouseId: o.warehouseId,
    lines,
    totalFen: sums.totalFen,
  };
}

/** Ships `qtys[i]` of line i (services ship without touching stock); returns the shipment's value. */
export function shipOrder(
  ctx: SeedContext,
  book: StockBook,
  order: OrderRef,
  s: { day: number; qtys: number[]; delivered: boolean; userId: number },
): ShipmentRef {
  const carrier = ctx.rng.pick(CARRIERS);
  const shippedAt = ctx.cal.at(s.day, 15, order.id % 60);
  const id = ctx.plan.add('Shipment', {
    number: docNumber(ctx, PREFIX.shipment, s.day),
    salesOrderId: order.id,
    warehouseId: order.warehouseId,
    carrier,
    trackingNo: (carrier === '顺丰速运' ? 'SF' : carrier === '京东物流' ? 'JDX' : carrier === '德邦物流' ? 'DPK' : '') + ctx.rng.digits(12),
    status: s.delivered ? 'delivered' : 'shipped',
    shippedAt,
    deliveredAt: s.delivered ? ctx.cal.at(Math.min(0, s.day + 2), 11) : null,
    shippedByUserId: s.userId,
    idempotencyKey: null,
    createdAt: shippedAt,
  });
  let value = { netFen: 0, taxFen: 0, totalFen: 0 };
  order.lines.forEach((line, i) => {
    const qty = s.qtys[i] ?? 0;
    if (qty <= 0) return;
    ctx.plan.add('ShipmentLine', { shipmentId: id, salesOrderLineId: line.id, productId: line.product.id, qty, createdAt: shippedAt });
    ctx.plan.get('SalesOrderLine', line.id).shippedQty += qty;
    const a = lineAmounts(qty, line.unitPriceFen, line.product.vatRateBp);
    value = { netFen: value.netFen + a.netFen, taxFen: value.taxFen + a.taxFen, totalFen: value.totalFen + a.totalFen };
    if (!line.product.service) {
      book.move({
        productId: line.product.id,
        warehouseId: order.warehouseId,
        type: 'out',
        qty: -qty,
        at: shippedAt,
        reason: `销售出库 ${order.number}`,
        refType: 'shipment',
        refId: id,
        userId: s.userId,
      });
    }
  });
  return { id, day: s.day, ...value };
}

/**
 * Reserves what each line still has to ship. With `allowBackorder`, a line short of stock
 * reserves what is there and records the rest as back-ordered, as the order flow would.
 */
export function reserveOpenLines(ctx: SeedContext, book: StockBook, order: OrderRef, allowBackorder = false): void {
  for (const line of order.lines) {
    if (line.product.service) continue;
    const row = ctx.plan.get('SalesOrderLine', line.id);
    const open = row.qty - (row.shippedQty ?? 0);
    const available = book.available(line.product.id, order.warehouseId);
    const qty = allowBackorder ? Math.min(open, available) : open;
    if (allowBackorder) row.backorderQty = open - qty;
    if (qty > 0) {
      book.reserve(ctx, {
        productId: line.product.id,
        warehouseId: order.warehouseId,
        qty,
        orderId: order.id,
        lineId: line.id,
        orderNo: order.number,
        lineNo: line.lineNo,
      });
    }
  }
}
