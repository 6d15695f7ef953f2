import type { SeedContext } from './context';
import type { CustomerInfo } from './customers';
import type { History } from './history';
import { lineAmounts } from './money';
import type { OrderRef } from './orders';
import type { Org } from './organisation';

/**
 * Credit after the fact: once the year of orders exists, a few customers get limits that
 * their exposure nearly fills, the orders waiting for a credit override get limits they
 * exceed (and a pending approval for finance), and a C customer long overdue goes on hold.
 */

const WAN = 1_000_000; // 1万元 in fen

const UNSHIPPED: ReadonlySet<string> = new Set(['pending_approval', 'pending_payment', 'to_ship', 'partially_shipped']);

function ceilDiv(a: number, b: number): number {
  return Number((BigInt(a) + BigInt(b) - 1n) / BigInt(b));
}

export function yuan(fen: number): string {
  const sign = fen < 0 ? '-' : '';
  const abs = Math.abs(fen);
  return `${sign}¥${Math.floor(abs / 100).toLocaleString('en-US')}.${String(abs % 100).padStart(2, '0')}`;
}

/** open receivables + the unshipped value of orders past draft: what the credit check counts */
export function exposureByCustomer(ctx: SeedContext, h: History): Map<number, number> {
  const exposure = new Map<number, number>();
  const add = (id: number, fen: number) => exposure.set(id, (exposure.get(id) ?? 0) + fen);
  for (const r of h.billing.receivables) add(r.customerId, r.amountFen - r.paidFen);
  for (const o of h.orders) if (UNSHIPPED.has(o.status)) add(o.customer.id, unshippedFen(ctx, o));
  return exposure;
}

function unshippedFen(ctx: SeedContext, o: OrderRef): number {
  return o.lines.reduce((s, l) => {
    const open = l.qty - (ctx.plan.get('SalesOrderLine', l.id).shippedQty ?? 0);
    return s + (open > 0 ? lineAmounts(open, l.unitPriceFen, l.product.vatRateBp).totalFen : 0);
  }, 0);
}

export function seedCredit(ctx: SeedContext, org: Org, customers: CustomerInfo[], h: History): void {
  const rng = ctx.rng.fork('credit');
  const exposure = exposureByCustomer(ctx, h);
  const step = 100_000; // limits in whole 1,000 元
  const waiting = new Set(h.awaitingCredit.map((o) => o.customer.id));

  for (const order of h.awaitingCredit) {
    const used = (exposure.get(order.customer.id) ?? 0) - order.totalFen;
    const limit = Math.max(step, Math.floor((used + Math.floor(order.totalFen / 2)) / step) * step);
    ctx.plan.get('Customer', order.customer.id).creditLimitFen = limit;
    const at = ctx.cal.at(order.orderDay, 11);
    const requestId = ctx.plan.add('ApprovalRequest', {
      subjectType: 'credit_override',
      subjectId: order.id,
      status: 'pending',
      requestedByUserId: order.customer.ownerId,
      workflowId: null,
      decidedAt: null,
      createdAt: at,
    });
    ctx.plan.add('ApprovalStep', {
      approvalRequestId: requestId,
      stepNo: 1,
      approverRole: 'finance',
      approverUserId: org.user.liuyang as number,
      reasons: [
        {
          zh: `超出信用额度：已用 ${yuan(used)} + 本单 ${yuan(order.totalFen)} > 额度 ${yuan(limit)}`,
          en: `over credit limit: ${yuan(used)} used + ${yuan(order.totalFen)} this order > ${yuan(limit)} limit`,
        },
      ],
      status: 'pending',
      remindedAt: null,
      facts: null,
      escalatedAt: null,
      createdAt: at,
    });
  }

  // A year of random orders leaves some small customers far past a limit drawn for their grade;
  // their limits were raised along the way (exposure fills at most 75 %), except for a few
  // chosen to sit just under theirs (88–96 %).
  const candidates = customers.filter(
    (c) => !c.fixed && (c.grade === 'B' || c.grade === 'C') && !waiting.has(c.id) && (exposure.get(c.id) ?? 0) > 20 * step,
  );
  const near = new Set(rng.sample(candidates, 3).map((c) => c.id));
  for (const c of customers) {
    if (c.fixed || waiting.has(c.id)) continue;
    const row = ctx.plan.get('Customer', c.id);
    const used = exposure.get(c.id) ?? 0;
    if (near.has(c.id)) row.creditLimitFen = ceilDiv(used * 10_000, rng.int(8_800, 9_600) * step) * step;
    else if (used * 4 > row.creditLimitFen * 3) row.creditLimitFen = ceilDiv(used * 10_000, 7_500 * WAN) * WAN;
  }

  // a C customer with money overdue past 90 days is put on credit hold by finance
  const longOverdue = h.billing.receivables.find((r) => {
    const c = customers.find((x) => x.id === r.customerId);
    return c && !c.fixed && c.grade === 'C' && r.dueDay < -90 && r.paidFen < r.amountFen;
  });
  if (longOverdue) ctx.plan.get('Customer', longOverdue.customerId).creditHold = true;
}
