import type { Grade } from '../../config/schema';
import type { Calendar } from './calendar';
import type { ProductInfo } from './catalog';
import type { RowOf } from './insert';
import { mulDivHalfUp } from './money';
import { CITIES, companyName, mobileNumber, personName } from './names';
import { draftLine, sumLines, typicalQty } from './pricing';
import type { Rng } from './random';

/**
 * Row factories for the benchmark volumes: two years of receivables, leads and order lines
 * over the customers, products and reps the database already has. Plain rows with their ids;
 * scale.ts writes them set-based.
 */

export interface ScaleRefs {
  customers: { id: number; ownerUserId: number; teamId: number | null; termsDays: number; grade: Grade }[];
  products: ProductInfo[];
  reps: { id: number; teamId: number | null }[];
  gradeDiscountBp: Record<Grade, number>;
}

const DAYS = 730;

/** ids numbered on from the tables' current maxima, 7 digits in document numbers */
const docNo = (prefix: string, cal: Calendar, day: number, id: number) => `${prefix}-${cal.compact(day)}-${String(id).padStart(7, '0')}`;

/** a positive amount in fen, spread over three orders of magnitude, integers only */
function amountFen(rng: Rng): number {
  const yuan = rng.weighted([
    [[500, 5_000], 5],
    [[5_000, 50_000], 4],
    [[50_000, 300_000], 1],
  ] as const);
  return rng.int(yuan[0], yuan[1]) * 100 + rng.int(0, 99);
}

export function receivableRow(rng: Rng, cal: Calendar, refs: ScaleRefs, id: number): RowOf<'Receivable'> {
  const c = rng.pick(refs.customers);
  const issued = -rng.int(0, DAYS);
  const due = issued + c.termsDays;
  const amount = amountFen(rng);
  const state =
    due < -60
      ? rng.weighted([
          ['paid', 92],
          ['partially_paid', 3],
          ['open', 5],
        ] as const)
      : due < 0
        ? rng.weighted([
            ['paid', 60],
            ['partially_paid', 15],
            ['open', 25],
          ] as const)
        : rng.weighted([
            ['paid', 20],
            ['partially_paid', 10],
            ['open', 70],
          ] as const);
  const paid =
    state === 'paid' ? amount : state === 'partially_paid' ? Math.max(1, mulDivHalfUp(amount, rng.int(1_000, 9_000), 10_000)) : 0;
  return {
    id,
    number: docNo('AR', cal, issued, id),
    customerId: c.id,
    salesOrderId: null,
    shipmentId: null,
    ownerUserId: c.ownerUserId,
    amountFen: amount,
    paidFen: Math.min(paid, amount),
    status: paid === 0 ? 'open' : paid >= amount ? 'paid' : 'partially_paid',
    issuedDate: cal.day(issued),
    dueDate: cal.day(due),
    workflowId: null,
    createdAt: cal.at(issued, 16, id % 60),
  };
}

export function leadRow(rng: Rng, cal: Calendar, refs: ScaleRefs, id: number): RowOf<'Lead'> {
  const created = -rng.int(0, DAYS);
  const old = created < -90;
  const status = old
    ? rng.weighted([
        ['converted', 20],
        ['invalid', 35],
        ['interested', 25],
        ['strong', 5],
        ['new', 15],
      ] as const)
    : rng.weighted([
        ['new', 35],
        ['interested', 35],
        ['strong', 12],
        ['invalid', 10],
        ['converted', 8],
      ] as const);
  const rep = status === 'new' && rng.chance(0.25) ? null : rng.pick(refs.reps);
  const city = rng.pick(CITIES);
  const followed = status === 'new' || !rep ? null : Math.min(0, created + rng.int(0, 60));
  return {
    id,
    // seven digits from the id: never one the year's counter (four digits, models/sequence) draws
    number: `LD-${cal.compact(created).slice(0, 4)}-${String(id).padStart(7, '0')}`,
    companyName: companyName(rng, city).name,
    contactName: personName(rng).name,
    mobile: mobileNumber(rng),
    source: rng.weighted([
      ['website', 25],
      ['expo', 20],
      ['phone', 20],
      ['referral', 20],
      ['manual', 15],
    ] as const),
    status,
    ownerUserId: rep?.id ?? null,
    teamId: rep?.teamId ?? null,
    lastFollowUpAt: followed === null ? null : cal.at(followed, rng.int(9, 17), rng.int(0, 59)),
    nextFollowUpAt: null,
    note: null,
    convertedCustomerId: status === 'converted' ? rng.pick(refs.customers).id : null,
    convertedOpportunityId: null,
    createdAt: cal.at(created, 9, id % 60),
  };
}

/** One order with `lineCount` lines, numbered from the given ids; totals are the sums of the lines. */
export function orderRows(
  rng: Rng,
  cal: Calendar,
  refs: ScaleRefs,
  orderId: number,
  firstLineId: number,
  lineCount: number,
): { order: RowOf<'SalesOrder'>; lines: RowOf<'SalesOrderLine'>[] } {
  const c = rng.pick(refs.customers);
  const day = -rng.int(0, DAYS);
  const status = rng.chance(0.05) ? 'cancelled' : 'completed';
  const gradeBp = refs.gradeDiscountBp[c.grade] ?? 0;
  const manualBp = rng.chance(0.15) ? rng.pick([100, 200, 300, 500]) : 0;
  const orderDate = cal.day(day);
  const createdAt = cal.at(day, 10, orderId % 60);
  const used = new Set<number>();
  const drafts = [];
  while (drafts.length < lineCount) {
    const p = rng.pick(refs.products);
    if (used.has(p.id) && used.size < refs.products.length) continue;
    used.add(p.id);
    drafts.push(draftLine(p, typicalQty(rng, p), gradeBp + manualBp));
  }
  const lines = drafts.map((l, i) => ({
    id: firstLineId + i,
    salesOrderId: orderId,
    lineNo: i + 1,
    productId: l.product.id,
    qty: l.qty,
    shippedQty: status === 'completed' ? l.qty : 0,
    backorderQty: 0,
    unitPriceFen: l.unitPriceFen,
    netFen: l.netFen,
    taxFen: l.taxFen,
    vatRateBp: l.product.vatRateBp,
    costFen: l.costFen,
    orderDate,
    customerId: c.id,
    ownerUserId: c.ownerUserId,
    createdAt,
  }));
  const order: RowOf<'SalesOrder'> = {
    id: orderId,
    number: docNo('SO', cal, day, orderId),
    customerId: c.id,
    quoteId: null,
    contractId: null,
    ownerUserId: c.ownerUserId,
    teamId: c.teamId,
    status,
    orderDate,
    gradeDiscountBp: gradeBp,
    manualDiscountBp: manualBp,
    ...sumLines(drafts),
    paymentTermsDays: c.termsDays,
    requiresPrepayment: false,
    workflowId: null,
    cancelReason: status === 'cancelled' ? '客户取消采购计划' : null,
    creditApprovedAt: null,
    createdAt,
  };
  return { order, lines };
}
