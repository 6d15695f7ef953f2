import dayjs from 'dayjs';
import timezone from 'dayjs/plugin/timezone';
import utc from 'dayjs/plugin/utc';
import type { AgingBucket } from '../config/schema';
import type { Fen } from './money';

dayjs.extend(utc);
dayjs.extend(timezone);

/**
 * Receivable aging (F4, R5) in calendar days of the business time zone: a receivable due
 * 2026-01-31 is 1 day overdue from 2026-02-01 00:00 Shanghai time (which is still January 31
 * in UTC). Not yet due → 0 days overdue and `notDue`; buckets count days overdue.
 */
export const BUSINESS_TZ = 'Asia/Shanghai';

/** The calendar day of an instant in the business time zone, YYYY-MM-DD. */
export function businessDay(now: Date | number | string, tz = BUSINESS_TZ): string {
  return dayjs(now).tz(tz).format('YYYY-MM-DD');
}

/** Whole calendar days from the due date to today (negative before the due date). */
export function daysPastDue(dueDate: string, now: Date | number | string, tz = BUSINESS_TZ): number {
  const today = dayjs.utc(businessDay(now, tz));
  return today.diff(dayjs.utc(dueDate), 'day');
}

export function agingBucket(daysOverdue: number, buckets: readonly AgingBucket[]): AgingBucket {
  const d = Math.max(0, daysOverdue);
  const hit = buckets.find((b) => d >= b.fromDays && (b.toDays === null || d <= b.toDays));
  if (!hit) throw new RangeError(`no aging bucket for ${d} days`);
  return hit;
}

export interface AgedReceivable {
  dueDate: string;
  openFen: Fen;
}

export interface AgingReport {
  notDueFen: Fen;
  overdueFen: Fen;
  buckets: { label: string; fen: Fen; count: number }[];
}

export function agingReport(
  receivables: readonly AgedReceivable[],
  now: Date | number | string,
  buckets: readonly AgingBucket[],
  tz = BUSINESS_TZ,
): AgingReport {
  const out = buckets.map((b) => ({ label: b.label, fen: 0, count: 0 }));
  let notDueFen = 0;
  let overdueFen = 0;
  for (const r of receivables) {
    if (r.openFen === 0) continue;
    const days = daysPastDue(r.dueDate, now, tz);
    if (days <= 0) {
      notDueFen += r.openFen;
      continue;
    }
    overdueFen += r.openFen;
    const label = agingBucket(days, buckets).label;
    const slot = out.find((b) => b.label === label)!;
    slot.fen += r.openFen;
    slot.count++;
  }
  return { notDueFen, overdueFen, buckets: out };
}
