import dayjs from 'dayjs';
import timezone from 'dayjs/plugin/timezone';
import utc from 'dayjs/plugin/utc';
import { assertDay, BUSINESS_TZ } from './calendar';

dayjs.extend(utc);
dayjs.extend(timezone);

/**
 * The dunning ladder made absolute for one receivable: rung "D+7" falls on the seventh
 * calendar day after the due date, at the start of business (Shanghai), so a receivable due
 * today is reminded tomorrow morning, not at midnight. Rungs come out in time order.
 */
export interface LadderStep {
  daysOverdue: number;
  notify: readonly string[];
}

export function dunningSchedule(
  dueDate: string,
  ladder: readonly LadderStep[],
  opts: { hour?: number; tz?: string } = {},
): { at: number; daysOverdue: number; notify: string[] }[] {
  assertDay(dueDate, 'due date');
  const hour = opts.hour ?? 9;
  const tz = opts.tz ?? BUSINESS_TZ;
  return [...ladder]
    .sort((a, b) => a.daysOverdue - b.daysOverdue)
    .map((s) => ({
      at: dayjs.tz(`${dueDate} 00:00`, tz).add(s.daysOverdue, 'day').hour(hour).valueOf(),
      daysOverdue: s.daysOverdue,
      notify: [...s.notify],
    }));
}

/** The due date's start of business, as epoch ms. */
export function dueAt(dueDate: string, opts: { hour?: number; tz?: string } = {}): number {
  return dayjs
    .tz(`${assertDay(dueDate, 'due date')} 00:00`, opts.tz ?? BUSINESS_TZ)
    .hour(opts.hour ?? 9)
    .valueOf();
}
