import { docNumber, PREFIX, type SeedContext } from './context';
import type { OrderRef, ShipmentRef } from './orders';

/**
 * Receivables (one per shipment, due after the customer's terms), their VAT invoices, and the
 * payments that settle them. Payments are collected first and written at the end, so that a
 * customer paying several receivables in one transfer becomes one payment with several
 * allocations (核销), as finance would book it.
 */

interface PaymentIntent {
  customerId: number;
  receivableId: number;
  amountFen: number;
  day: number;
}

export interface ReceivableRef {
  id: number;
  customerId: number;
  amountFen: number;
  paidFen: number;
  dueDay: number;
}

export class Billing {
  private readonly intents: PaymentIntent[] = [];
  readonly receivables: ReceivableRef[] = [];

  /**
   * Bills one shipment. `paidFen` is what has come in by today, on `payDay`; an invoice is
   * issued the day after shipping, or still requested when the shipment is from yesterday or today.
   */
  bill(
    ctx: SeedContext,
    order: OrderRef,
    shipment: ShipmentRef,
    pay: { paidFen: number; payDay: number } = { paidFen: 0, payDay: 0 },
  ): ReceivableRef {
    const { cal, plan } = ctx;
    const amountFen = shipment.totalFen;
    if (pay.paidFen < 0 || pay.paidFen > amountFen) throw new Error(`cannot pay ${pay.paidFen} of ${amountFen}`);
    const dueDay = shipment.day + order.customer.termsDays;
    const issuedAt = cal.at(shipment.day, 16);
    const id = plan.add('Receivable', {
      number: docNumber(ctx, PREFIX.receivable, shipment.day),
      customerId: order.customer.id,
      salesOrderId: order.id,
      shipmentId: shipment.id,
      ownerUserId: order.customer.ownerId,
      amountFen,
      paidFen: pay.paidFen,
      status: pay.paidFen === 0 ? 'open' : pay.paidFen === amountFen ? 'paid' : 'partially_paid',
      issuedDate: cal.day(shipment.day),
      dueDate: cal.day(dueDay),
      workflowId: null,
      createdAt: issuedAt,
    });
    const invoiced = shipment.day < -1;
    const invoiceDay = Math.min(0, shipment.day + 1);
    plan.add('Invoice', {
      number: docNumber(ctx, PREFIX.invoice, invoiced ? invoiceDay : shipment.day),
      // 全电发票: 20 digits, the first two the year
      vatInvoiceNo: invoiced ? `${cal.day(invoiceDay).slice(2, 4)}3100${String(10_000_000 + id * 7_919).padStart(14, '0')}` : null,
      customerId: order.customer.id,
      salesOrderId: order.id,
      receivableId: id,
      status: invoiced ? 'issued' : 'requested',
      netFen: shipment.netFen,
      taxFen: shipment.taxFen,
      totalFen: amountFen,
      issuedAt: invoiced ? cal.at(invoiceDay, 11) : null,
      createdAt: issuedAt,
    });
    if (pay.paidFen > 0) {
      if (pay.payDay < shipment.day || pay.payDay > 0) throw new Error(`payment day ${pay.payDay} outside the receivable's life`);
      this.intents.push({ customerId: order.customer.id, receivableId: id, amountFen: pay.paidFen, day: pay.payDay });
    }
    const ref = { id, customerId: order.customer.id, amountFen, paidFen: pay.paidFen, dueDay };
    this.receivables.push(ref);
    return ref;
  }

  /**
   * Writes the payments: a customer's intents within a week of each other become one transfer
   * on the later day. `overpayFen` leaves one payment with an unapplied remainder (预收款).
   */
  finish(ctx: SeedContext, recordedByUserId: number, overpay?: { customerId: number; fen: number }): void {
    const rng = ctx.rng.fork('payments');
    const sorted = [...this.intents].sort((a, b) => a.customerId - b.customerId || a.day - b.day || a.receivableId - b.receivableId);
    const groups: PaymentIntent[][] = [];
    for (const it of sorted) {
      const g = groups[groups.length - 1];
      const first = g?.[0];
      if (g && first && first.customerId === it.customerId && it.day - first.day <= 7 && g.length < 4) g.push(it);
      else groups.push([it]);
    }
    // book them in time order, as they arrived
    groups.sort((a, b) => (a.at(-1)?.day ?? 0) - (b.at(-1)?.day ?? 0) || (a[0]?.receivableId ?? 0) - (b[0]?.receivableId ?? 0));
    let overpaid = false;
    for (const g of groups) {
      const first = g[0] as PaymentIntent;
      const day = (g[g.length - 1] as PaymentIntent).day;
      const applied = g.reduce((s, it) => s + it.amountFen, 0);
      const extra = !overpaid && overpay && overpay.customerId === first.customerId ? overpay.fen : 0;
      if (extra) overpaid = true;
      const receivedAt = ctx.cal.at(day, rng.int(9, 16), rng.int(0, 59));
      const paymentId = ctx.plan.add('Payment', {
        number: docNumber(ctx, PREFIX.payment, day),
        customerId: first.customerId,
        amountFen: applied + extra,
        unappliedFen: extra,
        receivedAt,
        method: rng.weighted([
          ['bank', 8],
          ['acceptance', 2],
        ] as const),
        reference: `${rng.pick(['工商银行', '建设银行', '招商银行', '农业银行'])} ${rng.digits(16)}`,
        recordedByUserId,
        idempotencyKey: null,
        createdAt: receivedAt,
      });
      for (const it of g)
        ctx.plan.add('PaymentAllocation', { paymentId, receivableId: it.receivableId, amountFen: it.amountFen, createdAt: receivedAt });
    }
  }
}
