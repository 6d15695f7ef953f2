import type { Catalog, ProductInfo } from './catalog';
import { docNumber, PREFIX, type SeedContext } from './context';
import type { History } from './history';
import type { Org } from './organisation';
import type { StockBook } from './stock-book';

/**
 * Purchasing: received purchase orders in the past (goods-in on the ledger), open ones for
 * most low-stock items (the "incoming" that ATP counts, with ETAs), requisitions waiting for
 * approval, the requisition behind the back-ordered order, and two production work orders.
 * B200 and A100 are left alone: their figures are exact and the walkthroughs start from them.
 */

const SUPPLIERS: Record<string, string> = {
  紧固件: '宁波永固标准件有限公司',
  轴承: '无锡华诚轴承有限公司',
  工具: '金华巨力五金工具有限公司',
  电气: '乐清德力电气有限公司',
  传动件: '常州恒远传动机械有限公司',
  密封件: '东莞密立封密封件有限公司',
  气动元件: '台州捷达气动元件有限公司',
  劳保用品: '广州安盾劳保用品有限公司',
};

export function seedPurchasing(ctx: SeedContext, org: Org, cat: Catalog, book: StockBook, h: History): void {
  const rng = ctx.rng.fork('purchasing');
  const buyer = org.user.zhaolei as number;
  const receiver = org.user.chenjing as number;
  const categoryOf = (p: ProductInfo) => String(ctx.plan.get('Product', p.id).category);
  const supplierOf = (p: ProductInfo) => SUPPLIERS[categoryOf(p)] ?? '苏州工品汇供应链有限公司';
  const mainLevel = (p: ProductInfo) => book.levelsOf(p.id)[0] as { warehouseId: number; onHand: number };
  const totalOnHand = (p: ProductInfo) => book.levelsOf(p.id).reduce((s, l) => s + l.onHand, 0);
  const refill = (p: ProductInfo) => Math.max(p.safetyStock * 2 - totalOnHand(p), 1);

  const requisition = (
    p: ProductInfo,
    status: 'pending' | 'approved' | 'ordered',
    reason: string,
    day: number,
    salesOrderId: number | null = null,
  ) =>
    ctx.plan.add('PurchaseRequisition', {
      number: docNumber(ctx, PREFIX.requisition, day),
      productId: p.id,
      warehouseId: mainLevel(p).warehouseId,
      qty: refill(p),
      suggestedQty: refill(p),
      reason,
      status,
      salesOrderId,
      requestedByUserId: salesOrderId ? null : buyer,
      createdAt: ctx.cal.at(day, 9, 30),
    });

  const purchaseOrder = (
    items: ProductInfo[],
    o: { day: number; expectedDay: number; status: 'ordered' | 'received' | 'partially_received'; requisitionId: number | null },
  ) => {
    const first = items[0] as ProductInfo;
    const lines = items.map((p) => ({ p, level: mainLevel(p), qty: o.status === 'received' ? receivable(p) : refill(p) }));
    const createdAt = ctx.cal.at(o.day, 14);
    const poId = ctx.plan.add('PurchaseOrder', {
      number: docNumber(ctx, PREFIX.purchaseOrder, o.day),
      supplierName: supplierOf(first),
      requisitionId: o.requisitionId,
      status: o.status,
      expectedDate: ctx.cal.day(o.expectedDay),
      totalFen: lines.reduce((s, l) => s + l.qty * l.p.costFen, 0),
      createdByUserId: buyer,
      createdAt,
    });
    const received: { lineId: number; p: ProductInfo; warehouseId: number; qty: number }[] = [];
    lines.forEach((l, i) => {
      const got =
        o.status === 'received'
          ? l.qty
          : o.status === 'partially_received' && i === 0
            ? Math.min(Math.max(1, Math.floor(l.qty / 2)), book.headroom(l.p.id, l.level.warehouseId))
            : 0;
      const lineId = ctx.plan.add('PurchaseOrderLine', {
        purchaseOrderId: poId,
        productId: l.p.id,
        warehouseId: l.level.warehouseId,
        qty: l.qty,
        receivedQty: got,
        unitCostFen: l.p.costFen,
        eta: ctx.cal.day(o.expectedDay),
        createdAt,
      });
      if (got > 0) received.push({ lineId, p: l.p, warehouseId: l.level.warehouseId, qty: got });
    });
    // one goods receipt per warehouse the received lines went to
    const receiptDay = Math.min(-1, o.expectedDay);
    for (const warehouseId of new Set(received.map((r) => r.warehouseId))) {
      const at = ctx.cal.at(receiptDay, 10, 15);
      const number = docNumber(ctx, PREFIX.goodsReceipt, receiptDay);
      const grId = ctx.plan.add('GoodsReceipt', {
        number,
        purchaseOrderId: poId,
        warehouseId,
        receivedAt: at,
        receivedByUserId: receiver,
        createdAt: at,
      });
      for (const r of received.filter((x) => x.warehouseId === warehouseId)) {
        ctx.plan.add('GoodsReceiptLine', {
          goodsReceiptId: grId,
          purchaseOrderLineId: r.lineId,
          productId: r.p.id,
          qty: r.qty,
          createdAt: at,
        });
        book.move({
          productId: r.p.id,
          warehouseId,
          type: 'in',
          qty: r.qty,
          at,
          reason: `采购入库 ${number}`,
          refType: 'goods_receipt',
          refId: grId,
          userId: receiver,
        });
      }
    }
    return poId;
  };
  /** a past delivery no larger than the ledger can take, in round numbers */
  const receivable = (p: ProductInfo) => {
    const l = mainLevel(p);
    const room = Math.min(book.headroom(p.id, l.warehouseId), Math.max(1, p.safetyStock));
    const granule = room >= 1_000 ? 100 : room >= 100 ? 10 : 1;
    return Math.max(0, Math.floor(room / granule) * granule);
  };

  // Received purchase orders over the past half year.
  const normal = cat.products.filter((p) => !p.fixed && !p.service && !p.make && !book.low.has(p.id));
  for (let i = 0; i < 6; i++) {
    const items = rng.sample(normal, rng.int(1, 4)).filter((p) => receivable(p) > 0);
    if (items.length === 0) continue;
    const day = -rng.int(20, 180);
    purchaseOrder(items, { day, expectedDay: day + rng.int(5, 15), status: 'received', requisitionId: null });
  }

  // Low-stock items: most are on an open purchase order, by supplier; the rest wait as requisitions.
  const low = rng.shuffle(cat.products.filter((p) => book.low.has(p.id) && !p.fixed));
  const onOrder = low.slice(0, Math.ceil(low.length * 0.6));
  const bySupplier = new Map<string, ProductInfo[]>();
  for (const p of onOrder) bySupplier.set(supplierOf(p), [...(bySupplier.get(supplierOf(p)) ?? []), p]);
  let partial = false;
  for (const items of bySupplier.values()) {
    for (let i = 0; i < items.length; i += 4) {
      const chunk = items.slice(i, i + 4);
      const day = -rng.int(2, 12);
      const first = chunk[0] as ProductInfo;
      const reqId = requisition(first, 'ordered', `低于安全库存：现有 ${totalOnHand(first)}，安全库存 ${first.safetyStock}`, day - 1);
      const status = !partial && book.headroom(first.id, mainLevel(first).warehouseId) >= 2 ? 'partially_received' : 'ordered';
      if (status === 'partially_received') partial = true;
      purchaseOrder(chunk, { day, expectedDay: rng.int(3, 25), status, requisitionId: reqId });
    }
  }
  low.slice(onOrder.length).forEach((p, i) => {
    requisition(p, i === 0 ? 'approved' : 'pending', `低于安全库存：现有 ${totalOnHand(p)}，安全库存 ${p.safetyStock}`, -rng.int(0, 3));
  });
  const short = h.backorder;
  requisition(short.product, 'pending', `订单欠货 ${short.order.number}`, short.order.orderDay, short.order.id);

  // Kits are assembled in house: one work order planned, one on the bench.
  const kits = cat.products.filter((p) => p.make);
  (['planned', 'in_production'] as const).forEach((status, i) => {
    const kit = kits[i % kits.length] as ProductInfo;
    ctx.plan.add('WorkOrder', {
      number: docNumber(ctx, PREFIX.workOrder, -i - 1),
      productId: kit.id,
      warehouseId: cat.warehouse.SH,
      qty: rng.int(2, 5) * 10,
      status,
      salesOrderId: null,
      dueDate: ctx.cal.day(status === 'planned' ? 5 : 2),
      createdAt: ctx.cal.at(-i - 1, 9),
    });
  });
}
