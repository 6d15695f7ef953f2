import type { Calendar } from './calendar';
import type { Plan } from './plan';
import type { Rng } from './random';

/** What every part of the demo-company generator shares. */
export interface SeedContext {
  plan: Plan;
  rng: Rng;
  cal: Calendar;
  /** document numbers drawn so far per prefix and day, written to document_sequences at the end */
  counters: Map<string, number>;
}

/**
 * Document numbers as nextDocumentNumber makes them (SO-20261123-0001). The counters go into
 * document_sequences with the company, so the application's next number never repeats one.
 */
export function docNumber(ctx: SeedContext, prefix: string, dayOffset: number): string {
  const key = `${prefix}-${ctx.cal.compact(dayOffset)}`;
  const n = (ctx.counters.get(key) ?? 0) + 1;
  ctx.counters.set(key, n);
  return `${key}-${String(n).padStart(4, '0')}`;
}

/** Numbers counted per year, as leads and opportunities have them (LD-2026-0001). */
export function yearNumber(ctx: SeedContext, prefix: string, dayOffset: number): string {
  const key = `${prefix}-${ctx.cal.compact(dayOffset).slice(0, 4)}`;
  const n = (ctx.counters.get(key) ?? 0) + 1;
  ctx.counters.set(key, n);
  return `${key}-${String(n).padStart(4, '0')}`;
}

/** Prefixes of the documents the seed numbers. */
export const PREFIX = {
  salesOrder: 'SO',
  shipment: 'SH',
  receivable: 'AR',
  invoice: 'INV',
  payment: 'PAY',
  contract: 'CT',
  purchaseOrder: 'PO',
  requisition: 'PR',
  goodsReceipt: 'GR',
  workOrder: 'WO',
  ticket: 'TK',
  return: 'RT',
  lead: 'LD',
  opportunity: 'OP',
} as const;
