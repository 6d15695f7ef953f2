import type { AgingBucket } from '../config';
import { assertDay, BUSINESS_TZ, businessDay, type Day, daysBetween, type Instant } from './calendar';
import { assertFen, type Fen, sumFen } from './money';

/**
 * Receivable aging (账龄), in calendar days of the business time zone.
 *
 *  - Days overdue = calendar days from the due date to today's date IN SHANGHAI. A receivable
 *    due 2026-01-31 is 0 days overdue all of 31 January and 1 day overdue from 2026-02-01
 *    00:00 Shanghai time — which is 2026-01-31T16:00Z, still January in UTC: counting in UTC
 *    would call the customer on time for eight more hours and disagree with the dunning
 *    message they receive at breakfast.
 *  - On the due date: 0, not overdue. Before it: negative, and `notDue`.
 *  - Buckets (config aging.buckets, e.g. 0-30 / 31-60 / 61-90 / 90+ from 91) classify days
 *    overdue; a bucket matches when fromDays ≤ d ≤ toDays (toDays null = open-ended).
 *  - The report puts only receivables that ARE overdue (d ≥ 1) into buckets; not yet due and
 *    due today go to `notDueFen`, so "0-30" means 1–30 days late, never "not late".
 */
/** Calendar days from the due date to `now` in `tz`: 0 on the due date, negative before. */
export function daysOverdue(dueDate: Day, now: Instant, tz = BUSINESS_TZ): number {
  return daysBetween(assertDay(dueDate, 'due date'), businessDay(now, tz));
}

export function agingBucket(days: number, buckets: readonly AgingBucket[]): AgingBucket {
  if (!Number.isSafeInteger(days)) throw new RangeError(`days overdue must be a whole number, got ${days}`);
  // not yet due sits with the youngest bucket when a caller asks anyway
  const d = Math.max(0, days);
  const hit = buckets.find((b) => d >= b.fromDays && (b.toDays === null || d <= b.toDays));
  if (!hit) throw new RangeError(`no aging bucket for ${d} days (buckets must be contiguous from 0)`);
  return hit;
}

export interface AgingStatus {
  days: number;
  notDue: boolean;
  /** null while not overdue */
  bucket: AgingBucket | null;
}

/** One receivable's position: how late, and in which bucket. */
export function agingOf(dueDate: Day, now: Instant, buckets: readonly AgingBucket[], tz = BUSINESS_TZ): AgingStatus {
  const days = daysOverdue(dueDate, now, tz);
  return days <= 0 ? { days, notDue: true, bucket: null } : { days, notDue: false, bucket: agingBucket(days, buckets) };
}

export interface AgedReceivable {
  dueDate: Day;
  /** still unpaid, fen */
  openFen: Fen;
}

export interface AgingReport {
  /** the day the report was computed for, in the business zone */
  asOf: Day;
  notDueFen: Fen;
  notDueCount: number;
  overdueFen: Fen;
  totalFen: Fen;
  buckets: { label: string; fromDays: number; toDays: number | null; fen: Fen; count: number }[];
}

export function agingReport(
  receivables: readonly AgedReceivable[],
  now: Instant,
  buckets: readonly AgingBucket[],
  tz = BUSINESS_TZ,
): AgingReport {
  const asOf = businessDay(now, tz);
  const out = buckets.map((b) => ({ label: b.label, fromDays: b.fromDays, toDays: b.toDays, fen: 0, count: 0 }));
  let notDueFen = 0;
  let notDueCount = 0;
  for (const r of receivables) {
    // settled lines stay in the ledger but owe nothing
    if (assertFen(r.openFen, 'open amount') === 0) continue;
    const days = daysBetween(assertDay(r.dueDate, 'due date'), asOf);
    if (days <= 0) {
      notDueFen = sumFen([notDueFen, r.openFen]);
      notDueCount++;
      continue;
    }
    const slot = out[buckets.indexOf(agingBucket(days, buckets))]!;
    slot.fen = sumFen([slot.fen, r.openFen]);
    slot.count++;
  }
  const overdueFen = sumFen(out.map((b) => b.fen));
  return { asOf, notDueFen, notDueCount, overdueFen, totalFen: sumFen([notDueFen, overdueFen]), buckets: out };
}
