import dayjs from 'dayjs';
import timezone from 'dayjs/plugin/timezone';
import utc from 'dayjs/plugin/utc';

dayjs.extend(utc);
dayjs.extend(timezone);

/**
 * Calendar days of the business. Due dates, ETAs and order dates are plain 'YYYY-MM-DD' days
 * in Asia/Shanghai, not instants: arithmetic on them is done in UTC, where a day is always 24 h,
 * so the result never depends on the time zone of the process running it (a worker in UTC, a
 * laptop in Europe). Only turning an instant ("now") into a day needs the business zone.
 * Shanghai has had no daylight saving since 1991, but nothing here relies on that.
 */
export const BUSINESS_TZ = 'Asia/Shanghai';

/** A calendar day, 'YYYY-MM-DD'. */
export type Day = string;

const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** Refuses anything but a real calendar day: '2026-02-30' is a typo, not 2 March. */
export function assertDay(day: string, what = 'date'): Day {
  if (typeof day !== 'string' || !DAY.test(day) || dayString(dayMs(day)) !== day) {
    throw new RangeError(`${what} must be a calendar day YYYY-MM-DD, got "${day}"`);
  }
  return day;
}

// Day arithmetic on UTC midnights with plain Date: exact (a UTC day is always 24 h) and, on
// the stock and quote paths that call it per line, far cheaper than building dayjs objects.
const DAY_MS = 86_400_000;
const dayMs = (day: string) => Date.UTC(Number(day.slice(0, 4)), Number(day.slice(5, 7)) - 1, Number(day.slice(8, 10)));
const pad2 = (n: number) => (n < 10 ? `0${n}` : String(n));
function dayString(ms: number): string {
  const d = new Date(ms);
  const y = d.getUTCFullYear();
  if (y < 0 || y > 9999) return '';
  return `${String(y).padStart(4, '0')}-${pad2(d.getUTCMonth() + 1)}-${pad2(d.getUTCDate())}`;
}

/** An instant: a Date, epoch milliseconds, or an ISO string; a string WITHOUT an offset is wall time in `tz`. */
export type Instant = Date | number | string;

const HAS_OFFSET = /(?:Z|[+-]\d{2}:?\d{2})$/i;

/** One formatter per zone: dayjs builds a new Intl formatter on every .tz() call (~0.2 ms). */
const dayFormatters = new Map<string, Intl.DateTimeFormat>();
function dayFormatter(tz: string): Intl.DateTimeFormat {
  let f = dayFormatters.get(tz);
  if (!f) {
    f = new Intl.DateTimeFormat('en-CA', { timeZone: tz, year: 'numeric', month: '2-digit', day: '2-digit' });
    dayFormatters.set(tz, f);
  }
  return f;
}

let lastDay = { tz: '', minute: Number.NaN, day: '' };

/** The calendar day of an instant in the business time zone. */
export function businessDay(now: Instant, tz = BUSINESS_TZ): Day {
  if (now instanceof Date || typeof now === 'number') {
    const ms = now instanceof Date ? now.getTime() : now;
    if (!Number.isFinite(ms)) throw new RangeError(`not a valid instant: ${String(now)}`);
    // every zone's day starts on a whole minute, so the day of one minute is the day of all of it
    const minute = Math.floor(ms / 60_000);
    if (lastDay.tz === tz && lastDay.minute === minute) return lastDay.day;
    const parts = dayFormatter(tz).formatToParts(ms);
    const part = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
    const day = `${part('year')}-${part('month')}-${part('day')}`;
    lastDay = { tz, minute, day };
    return day;
  }
  // A zone-less '2026-02-01 00:00:30' typed by a Shanghai user means Shanghai time, not the server's.
  const t = typeof now === 'string' && !HAS_OFFSET.test(now.trim()) ? dayjs.tz(now, tz) : dayjs(now).tz(tz);
  if (!t.isValid()) throw new RangeError(`not a valid instant: ${String(now)}`);
  return t.format('YYYY-MM-DD');
}

export function addDays(day: Day, n: number): Day {
  if (!Number.isSafeInteger(n)) throw new RangeError(`days must be a whole number, got ${n}`);
  return dayString(dayMs(assertDay(day)) + n * DAY_MS);
}

/** Whole calendar days from `from` to `to` (negative when `to` is earlier). */
export function daysBetween(from: Day, to: Day): number {
  return Math.round((dayMs(assertDay(to)) - dayMs(assertDay(from))) / DAY_MS);
}
