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

function values(ranges: Range[] | undefined): Set<number> {
  const out = new Set<number>();
  for (const r of ranges ?? []) {
    const start = r.start ?? 0;
    const end = Math.max(r.end ?? 0, start);
    const step = r.step || 1;
    for (let v = start; v <= end; v += step) out.add(v);
  }
  return out;
}

function matcher(ranges: Range[] | undefined, allWhenEmpty: boolean): Matcher {
  if (!ranges?.length) return () => allWhenEmpty;
  const set = values(ranges);
  return (v) => set.has(v);
}

/** For each v in 0…size-1, the smallest allowed value ≥ v, or -1: a search jumps instead of stepping. */
function nextAllowed(ranges: Range[] | undefined, size: number): Int8Array {
  const set = values(ranges);
  const table = new Int8Array(size + 1).fill(-1);
  for (let v = size - 1; v >= 0; v--) table[v] = set.has(v) ? v : (table[v + 1] as number);
  return table;
}

/** A structured calendar compiled to predicates over wall-clock fields. */
export class WallCalendar {
  private readonly year: Matcher;
  private readonly month: Matcher;
  private readonly dom: Matcher;
  private readonly dow: Matcher;
  private readonly hour: Int8Array;
  private readonly minute: Int8Array;
  private readonly second: Int8Array;

  constructor(cal: Obj) {
    // only the year reads an empty list as "every year"; other empty fields match nothing
    this.year = matcher(cal.year, true);
    this.month = matcher(cal.month, false);
    this.dom = matcher(cal.dayOfMonth, false);
    this.dow = matcher(cal.dayOfWeek, false);
    this.hour = nextAllowed(cal.hour, 24);
    this.minute = nextAllowed(cal.minute, 60);
    this.second = nextAllowed(cal.second, 60);
  }

  /** Whether a wall time (seconds, read as UTC fields) matches. */
  matches(wall: number): boolean {
    const d = new Date(wall * 1000);
    return (
      this.dateMatches(d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate()) &&
      this.hour[d.getUTCHours()] === d.getUTCHours() &&
      this.minute[d.getUTCMinutes()] === d.getUTCMinutes() &&
      this.second[d.getUTCSeconds()] === d.getUTCSeconds()
    );
  }

  private dateMatches(y: number, mo: number, d: number): boolean {
    return this.year(y) && this.month(mo) && this.dom(d) && this.dow(new Date(Date.UTC(y, mo - 1, d)).getUTCDay());
  }

  /** The first matching wall time at or after `from` (seconds), or null before 2101. */
  firstFrom(from: number): number | null {
    const start = new Date(from * 1000);
    // a day at a time until the date matches, then the first allowed time on it
    let day = Date.UTC(start.getUTCFullYear(), start.getUTCMonth(), start.getUTCDate());
    let secondOfDay = from - day / 1000;
    for (;;) {
      const date = new Date(day);
      const y = date.getUTCFullYear();
      if (y > MAX_YEAR) return null;
      if (!this.year(y)) {
        day = Date.UTC(y + 1, 0, 1);
        secondOfDay = 0;
        continue;
      }
      if (this.dateMatches(y, date.getUTCMonth() + 1, date.getUTCDate())) {
        const t = this.firstTimeFrom(secondOfDay);
        if (t !== null) return day / 1000 + t;
      }
      day += 86_400_000;
      secondOfDay = 0;
    }
  }

  /** The first allowed second of the day at or after `from` (0…86399), or null. */
  private firstTimeFrom(from: number): number | null {
    let h = Math.floor(from / 3600);
    let m = Math.floor((from % 3600) / 60);
    let s = from % 60;
    while (h < 24) {
      const hh = this.hour[h] as number;
      if (hh < 0) return null;
      if (hh !== h) [h, m, s] = [hh, 0, 0];
      const mm = this.minute[m] as number;
      if (mm < 0) {
        [h, m, s] = [h + 1, 0, 0];
        continue;
      }
      if (mm !== m) [m, s] = [mm, 0];
      const ss = this.second[s] as number;
      if (ss < 0) {
        if (++m >= 60) [h, m] = [h + 1, 0];
        s = 0;
        continue;
      }
      return h * 3600 + m * 60 + ss;
    }
    return null;
  }
}
