import { defaults } from '../../config/defaults';
import { Billing } from './billing';
import type { Catalog, ProductInfo } from './catalog';
import type { SeedContext } from './context';
import type { CustomerInfo } from './customers';
import { createOrder, type OrderRef, type OrderStatus, reserveOpenLines, shipOrder } from './orders';
import type { Org } from './organisation';
import { draftLine, type LineDraft, linesForTotal, typicalQty } from './pricing';
import type { Rng } from './random';
import type { StockBook } from './stock-book';

/**
 * A year of trading: random orders whose state follows their age (old ones completed and
 * paid, recent ones still shipping), plus the hand-made cases the tests and walkthroughs
 * count on: the two fixed customers, receivables overdue in every aging bucket, an order
 * short of stock (back-order).
 */

export interface History {
  orders: OrderRef[];
  billing: Billing;
  /** the order with a back-ordered line, and that line's product */
  backorder: { order: OrderRef; product: ProductInfo };
  /** orders held for a credit-limit override (待审批) */
  awaitingCredit: OrderRef[];
}

const CANCEL_REASONS = ['客户取消采购计划', '价格未谈妥，客户改期', '重复下单', '客户改为从其他渠道采购'];
const OPEN: ReadonlySet<OrderStatus> = new Set(['to_ship', 'partially_shipped']);

type Flow = { status: OrderStatus; orderDay: number; shipDay?: number; paidBp?: number; payDay?: number };

export function seedHistory(ctx: SeedContext, org: Org, cat: Catalog, customers: CustomerInfo[], book: StockBook): History {
  const rng = ctx.rng.fork('history');
  const billing = new Billing();
  const orders: OrderRef[] = [];
  const shipper = org.user.chenjing as number;
  const random = customers.filter((c) => !c.fixed);

  const warehouseFor = (c: CustomerInfo) => (c.team === '华南' ? cat.warehouse.GZ : rng.chance(0.7) ? cat.warehouse.SH : cat.warehouse.SZ);
  const discountOf = (c: CustomerInfo) => defaults.pricing.gradeDiscountBp[c.grade] ?? 0;

  /** lines from what this warehouse stocks; orders still to ship take only what is available */
  const pickLines = (warehouseId: number, open: boolean, discountBp: number): LineDraft[] => {
    const fits = (p: ProductInfo) =>
      open
        ? !p.fixed && !p.service && !book.low.has(p.id) && book.available(p.id, warehouseId) > 0
        : p.service || book.has(p.id, warehouseId);
    const candidates = cat.products.filter(fits);
    return rng
      .sample(
        candidates,
        rng.weighted([
          [1, 3],
          [2, 4],
          [3, 4],
          [4, 2],
          [5, 1],
        ] as const),
      )
      .map((p) => {
        const want = p.service && open ? 1 : typicalQty(rng, p);
        return draftLine(p, open ? Math.max(1, Math.min(want, Math.floor(book.available(p.id, warehouseId) / 2))) : want, discountBp);
      });
  };

  const run = (c: CustomerInfo, f: Flow, lines?: LineDraft[], warehouse?: number): OrderRef => {
    const warehouseId = warehouse ?? warehouseFor(c);
    const manual = f.status !== 'draft' && rng.chance(0.2) ? rng.pick([100, 200, 300, 500]) : 0;
    const drafts = lines ?? pickLines(warehouseId, OPEN.has(f.status), discountOf(c) + manual);
    const order = createOrder(ctx, {
      customer: c,
      status: f.status,
      orderDay: f.orderDay,
      lines: drafts,
      warehouseId,
      gradeDiscountBp: discountOf(c),
      manualDiscountBp: lines ? 0 : manual,
      cancelReason: f.status === 'cancelled' ? rng.pick(CANCEL_REASONS) : undefined,
    });
    orders.push(order);
    const shipDay = f.shipDay ?? Math.min(0, f.orderDay + rng.int(1, 4));
    if (['completed', 'delivered', 'shipped'].includes(f.status)) {
      const s = shipOrder(ctx, book, order, {
        day: shipDay,
        qtys: order.lines.map((l) => l.qty),
        delivered: f.status !== 'shipped',
        userId: shipper,
      });
      const paidFen = f.status === 'completed' ? s.totalFen : Math.floor((s.totalFen * (f.paidBp ?? 0)) / 1_000_000) * 100;
      const payDay = f.payDay ?? Math.min(-1, shipDay + rng.int(Math.max(1, c.termsDays - 15), c.termsDays + 20));
      billing.bill(ctx, order, s, { paidFen, payDay: Math.max(shipDay, Math.min(0, payDay)) });
    }
    if (f.status === 'partially_shipped') {
      const qtys = order.lines.map((l, i) => (i === 0 ? Math.max(1, Math.floor(l.qty / 2)) : rng.chance(0.5) ? Math.floor(l.qty / 2) : 0));
      billing.bill(ctx, order, shipOrder(ctx, book, order, { day: shipDay, qtys, delivered: shipDay < -2, userId: shipper }));
    }
    if (OPEN.has(f.status)) reserveOpenLines(ctx, book, order);
    return order;
  };

  // The year of random trade, customers weighted by grade.
  const weightedCustomers = random.map((c) => [c, { VIP: 5, A: 3, B: 2, C: 1 }[c.grade]] as const);
  for (let i = 0; i < 330; i++) {
    const c = rng.weighted(weightedCustomers);
    const age = rng.chance(0.12) ? rng.int(0, 20) : rng.int(0, 365);
    const status = statusForAge(rng, age, c);
    const paidBp = status === 'delivered' && rng.chance(0.3) ? rng.int(3_000, 7_000) : 0;
    const payDay = status === 'delivered' ? -rng.int(0, Math.max(0, Math.min(age - 5, 20))) : undefined;
    run(c, { status, orderDay: -age, paidBp, payDay });
  }

  // 华东机电: a year of completed, fully paid orders, most with A100; nothing open.
  const huadong = customers.find((c) => c.fixed === 'huadong') as CustomerInfo;
  const a100 = cat.bySku.get('A100') as ProductInfo;
  for (const day of [-340, -298, -255, -214, -176, -139, -101, -66, -38]) {
    const wh = rng.chance(0.7) ? cat.warehouse.SH : cat.warehouse.SZ;
    const lines = pickLines(wh, false, discountOf(huadong)).filter((l) => l.product.id !== a100.id);
    if (rng.chance(0.7)) lines.unshift(draftLine(a100, rng.int(10, 60) * 100, discountOf(huadong)));
    run(huadong, { status: 'completed', orderDay: day, payDay: day + 2 + rng.int(20, 30) }, lines, wh);
  }

  // 广州恒通: paid history, then exactly 3,000,000 (overdue 25 days) + 1,800,000 (not yet due) open.
  const hengtong = customers.find((c) => c.fixed === 'hengtong') as CustomerInfo;
  const gz = cat.warehouse.GZ;
  for (const day of [-301, -222, -160, -113])
    run(hengtong, { status: 'completed', orderDay: day, payDay: day + 2 + rng.int(40, 50) }, undefined, gz);
  const exact = cat.products.filter((p) => !p.fixed && !p.service && p.vatRateBp === 1_300 && book.has(p.id, gz));
  run(hengtong, { status: 'delivered', orderDay: -72, shipDay: -70 }, linesForTotal(rng, exact, 3_000_000, discountOf(hengtong)), gz);
  run(hengtong, { status: 'delivered', orderDay: -12, shipDay: -10 }, linesForTotal(rng, exact, 1_800_000, discountOf(hengtong)), gz);

  // Overdue in every aging bucket (0-30, 31-60, 61-90, 90+), some partly paid.
  for (const overdue of [4, 17, 27, 36, 49, 58, 64, 77, 88, 96, 125, 168, 214]) {
    const c = rng.pick(random.filter((x) => x.grade !== 'VIP'));
    const shipDay = -(overdue + c.termsDays);
    run(c, {
      status: 'delivered',
      orderDay: shipDay - rng.int(1, 3),
      shipDay,
      paidBp: rng.chance(0.3) ? rng.int(2_000, 6_000) : 0,
      payDay: shipDay + 10,
    });
  }

  // An order short of stock: what is there is reserved, the rest back-ordered.
  const lowInSh = cat.products.filter((p) => book.low.has(p.id) && !p.fixed && book.has(p.id, cat.warehouse.SH));
  const someLeft = lowInSh.filter((p) => book.available(p.id, cat.warehouse.SH) > 0);
  const shortItem = rng.pick(someLeft.length ? someLeft : lowInSh);
  const shortCustomer = rng.pick(random.filter((c) => c.team === '华东'));
  const shortLine = draftLine(shortItem, book.available(shortItem.id, cat.warehouse.SH) + rng.int(1, 5) * 10, discountOf(shortCustomer));
  const backorder = run(shortCustomer, { status: 'draft', orderDay: -3 }, [shortLine], cat.warehouse.SH);
  ctx.plan.get('SalesOrder', backorder.id).status = 'to_ship';
  backorder.status = 'to_ship';
  reserveOpenLines(ctx, book, backorder, true);

  // Orders over their customer's credit limit, waiting for finance to approve an override.
  const awaitingCredit = rng
    .sample(
      random.filter((c) => c.grade === 'B' || c.grade === 'C'),
      2,
    )
    .map((c) => run(c, { status: 'pending_approval', orderDay: -rng.int(0, 2) }));

  return { orders, billing, backorder: { order: backorder, product: shortItem }, awaitingCredit };
}

function statusForAge(rng: Rng, age: number, c: CustomerInfo): OrderStatus {
  if (age > 45)
    return rng.weighted<OrderStatus>([
      ['completed', 90],
      ['cancelled', 4],
      ['delivered', 6],
    ]);
  if (age > 20)
    return rng.weighted<OrderStatus>([
      ['completed', 50],
      ['delivered', 35],
      ['shipped', 10],
      ['cancelled', 5],
    ]);
  if (age > 7)
    return rng.weighted<OrderStatus>([
      ['delivered', 30],
      ['shipped', 35],
      ['partially_shipped', 15],
      ['to_ship', 15],
      ['cancelled', 5],
    ]);
  return rng.weighted<OrderStatus>([
    ['to_ship', 35],
    ['draft', 15],
    ['shipped', 15],
    ['partially_shipped', 10],
    [c.grade === 'C' ? 'pending_payment' : 'to_ship', 15],
    ['cancelled', 5],
  ]);
}
