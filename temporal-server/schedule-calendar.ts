import type { Obj } from './proto';

/**
 * Calendar parts of a schedule spec, as the real server reads them: the string form
 * of CalendarSpec fields (cron strings: schedule-cron.ts) becomes structured ranges, ranges are validated, and a
 * structured calendar matches wall-clock times (time-zone free: schedule-spec.ts maps wall
 * time to instants). Written from the documented behaviour of Temporal's scheduler.
 */

export interface Range {
  start: number;
  end: number;
  step: number;
}

export const MIN_YEAR = 2000;
/** the real server recognises no calendar date past 2100 */
export const MAX_YEAR = 2100;
const MAX_COMMENT = 200;

type Mode = 'int' | 'year' | 'month' | 'dow';
const MONTHS = ['january', 'february', 'march', 'april', 'may', 'june', 'july', 'august', 'september', 'october', 'november', 'december'];
const DAYS = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'];

function parseValue(s: string, min: number, max: number, mode: Mode): number {
  const lower = s.toLowerCase();
  if (mode === 'month' && s.length >= 3) {
    const i = MONTHS.findIndex((m) => m.startsWith(lower));
    if (i >= 0) return i + 1;
  }
  if (mode === 'dow' && s.length >= 2) {
    const i = DAYS.findIndex((d) => d.startsWith(lower));
    if (i >= 0) return i;
  }
  if (!/^\d+$/.test(s)) throw new Error(`invalid value '${s}'`);
  const n = Number(s);
  if (n < min || n > max) throw new Error('out of range');
  return n;
}

/**
 * One field in string form: `*`, `x`, `x-z`, `x-z/y`, `x/y`, and comma lists of those.
 * Day-of-week 7 means Sunday; the year's `*` is the empty list.
 */
export function parseRanges(input: string, field: string, def: string, min: number, max: number, mode: Mode): Range[] {
  const s = input.trim() || def;
  if (s === '*' && mode === 'year') return [];
  const out: Range[] = [];
  for (let part of s.split(',')) {
    let step = 1;
    const slashes = part.split('/').length - 1;
    if (slashes > 1) throw new Error(`${field} has too many slashes`);
    if (slashes === 1) {
      const [head, tail] = part.split('/') as [string, string];
      if (tail === '') throw new Error(`${field} missing step value`);
      if (!/^\d+$/.test(tail) || Number(tail) < 1) throw new Error(`${field} has invalid Step`);
      step = Number(tail);
      part = head;
    }
    let start = min;
    let end = max;
    if (part !== '*') {
      if (part.includes('-')) {
        const pieces = part.split('-');
        if (pieces.length !== 2) throw new Error(`${field} has too many dashes`);
        try {
          start = parseValue(pieces[0] as string, min, max, mode);
        } catch {
          throw new Error(`${field} Start is not in range [${min}-${max}]`);
        }
        try {
          end = parseValue(pieces[1] as string, start, max, mode);
        } catch {
          throw new Error(`${field} End is before Start or not in range [${min}-${max}]`);
        }
      } else {
        try {
          start = parseValue(part, min, max, mode);
        } catch {
          throw new Error(`${field} is not in range [${min}-${max}]`);
        }
        if (slashes === 0) end = start; // `x/y` runs from x to the maximum
      }
    }
    if (mode === 'dow' && end === 7) {
      // Sunday written as 7 becomes 0, which may need a range of its own
      if ((7 - start) % step === 0 && (step > 1 || start > 1)) {
        out.push({ start: 0, end: 0, step: 0 });
        if (start === 7) continue;
      }
      end = 6;
    }
    out.push({ start, end: start === end ? 0 : end, step: step === 1 ? 0 : step });
  }
  return out;
}

/** A CalendarSpec (string fields) as a StructuredCalendarSpec. */
export function structuredFromStrings(cal: Obj): Obj {
  const errors: string[] = [];
  const field = (v: string | undefined, name: string, def: string, min: number, max: number, mode: Mode) => {
    try {
      return parseRanges(v ?? '', name, def, min, max, mode);
    } catch (e) {
      errors.push((e as Error).message);
      return [];
    }
  };
  const out = {
    second: field(cal.second, 'Second', '0', 0, 59, 'int'),
    minute: field(cal.minute, 'Minute', '0', 0, 59, 'int'),
    hour: field(cal.hour, 'Hour', '0', 0, 23, 'int'),
    dayOfWeek: field(cal.dayOfWeek, 'DayOfWeek', '*', 0, 7, 'dow'),
    dayOfMonth: field(cal.dayOfMonth, 'DayOfMonth', '*', 1, 31, 'int'),
    month: field(cal.month, 'Month', '*', 1, 12, 'month'),
    year: field(cal.year, 'Year', '*', MIN_YEAR, MAX_YEAR, 'year'),
    comment: cal.comment ?? '',
  };
  if (errors.length) throw new Error(errors.join(', '));
  return out;
}

/** The checks the real server makes on a structured calendar before it accepts a spec. */
export function validateStructured(cal: Obj): void {
  const errs: string[] = [];
  const check = (ranges: Range[] | undefined, field: string, min: number, max: number) => {
    for (const r of ranges ?? []) {
      const start = r.start ?? 0;
      const end = r.end ?? 0;
      if (start < min || start > max) errs.push(`${field} Start is not in range [${min}-${max}]`);
      if (end !== 0 && (end < start || end > max)) errs.push(`${field} End is before Start or not in range [${min}-${max}]`);
      if ((r.step ?? 0) < 0) errs.push(`${field} has invalid Step`);
    }
  };
  check(cal.second, 'Second', 0, 59);
  check(cal.minute, 'Minute', 0, 59);
  check(cal.hour, 'Hour', 0, 23);
  check(cal.dayOfMonth, 'DayOfMonth', 1, 31);
  check(cal.month, 'Month', 1, 12);
  check(cal.year, 'Year', MIN_YEAR, MAX_YEAR);
  check(cal.dayOfWeek, 'DayOfWeek', 0, 6);
  if ((cal.comment ?? '').length > MAX_COMMENT) errs.push('comment is too long');
  if (errs.length) throw new Error(`invalid calendar spec: ${errs.join(', ')}`);
}

/** Ranges as describe shows them: end never before start, step at least 1. */
export function cleanRanges(cal: Obj): Obj {
  const clean = (rs: Range[] | undefined) =>
    (rs ?? []).map((r) => ({ start: r.start ?? 0, end: Math.max(r.end ?? 0, r.start ?? 0), step: r.step || 1 }));
  return {
    second: clean(cal.second),
    minute: clean(cal.minute),
    hour: clean(cal.hour),
    dayOfMonth: clean(cal.dayOfMonth),
    month: clean(cal.month),
    year: clean(cal.year),
    dayOfWeek: clean(cal.dayOfWeek),
    comment: cal.comment ?? '',
  };
}

type Matcher = (v: number) => boolean;

function matcher(ranges: Range[] | undefined, allWhenEmpty: boolean): Matcher {
  if (!ranges?.length) return () => allWhenEmpty;
  const values = new Set<number>();
  for (const r of ranges) {
    const start = r.start ?? 0;
    const end = Math.max(r.end ?? 0, start);
    const step = r.step || 1;
    for (let v = start; v <= end; v += step) values.add(v);
  }
  return (v) => values.has(v);
}

/** A structured calendar compiled to predicates over wall-clock fields. */
export class WallCalendar {
  private readonly year: Matcher;
  private readonly month: Matcher;
  private readonly dom: Matcher;
  private readonly dow: Matcher;
  private readonly hour: Matcher;
  private readonly minute: Matcher;
  private readonly second: Matcher;

  constructor(cal: Obj) {
    // only the year reads an empty list as "every year"; other empty fields match nothing
    this.year = matcher(cal.year, true);
    this.month = matcher(cal.month, false);
    this.dom = matcher(cal.dayOfMonth, false);
    this.dow = matcher(cal.dayOfWeek, false);
    this.hour = matcher(cal.hour, false);
    this.minute = matcher(cal.minute, false);
    this.second = matcher(cal.second, false);
  }

  /** Whether a wall time (seconds, read as UTC fields) matches. */
  matches(wall: number): boolean {
    const d = new Date(wall * 1000);
    return (
      this.year(d.getUTCFullYear()) &&
      this.month(d.getUTCMonth() + 1) &&
      this.dom(d.getUTCDate()) &&
      this.dow(d.getUTCDay()) &&
      this.hour(d.getUTCHours()) &&
      this.minute(d.getUTCMinutes()) &&
      this.second(d.getUTCSeconds())
    );
  }

  /** The first matching wall time at or after `from` (seconds), or null before 2101. */
  firstFrom(from: number): number | null {
    const d0 = new Date(from * 1000);
    let [y, mo, d, h, m, s] = [
      d0.getUTCFullYear(),
      d0.getUTCMonth() + 1,
      d0.getUTCDate(),
      d0.getUTCHours(),
      d0.getUTCMinutes(),
      d0.getUTCSeconds(),
    ];
    for (;;) {
      if (s >= 60) [m, s] = [m + 1, 0];
      if (m >= 60) [h, m] = [h + 1, 0];
      if (h >= 24) [d, h] = [d + 1, 0];
      if (d > daysInMonth(y, mo)) [mo, d] = [mo + 1, 1];
      if (mo > 12) [y, mo] = [y + 1, 1];
      if (y > MAX_YEAR) return null;
      if (!this.year(y)) [y, mo, d, h, m, s] = [y + 1, 1, 1, 0, 0, 0];
      else if (!this.month(mo)) [mo, d, h, m, s] = [mo + 1, 1, 0, 0, 0];
      else if (!this.dom(d) || !this.dow(new Date(Date.UTC(y, mo - 1, d)).getUTCDay())) [d, h, m, s] = [d + 1, 0, 0, 0];
      else if (!this.hour(h)) [h, m, s] = [h + 1, 0, 0];
      else if (!this.minute(m)) [m, s] = [m + 1, 0];
      else if (!this.second(s)) s++;
      else return Date.UTC(y, mo - 1, d, h, m, s) / 1000;
    }
  }
}

function daysInMonth(y: number, mo: number): number {
  return new Date(Date.UTC(y, mo, 0)).getUTCDate();
}
