import dayjs from 'dayjs';
import utc from 'dayjs/plugin/utc';
import { type Day, daysBetween } from '../../domain/calendar';
import type { Locale } from '../cards/card';
import { parseNumber } from './numerals';
import type { Bilingual } from './vocabulary';

dayjs.extend(utc);

/**
 * Days as people type them in chat: 今天, 明天, 后天, 3天后, 三天后, 两周后, 1个月后, 周五,
 * 星期五, 下周一, 本周五, 12月5日, 12月5号, 5号, 12-5, 12/5, 2026-12-05, 2026年12月5日;
 * today, tomorrow, in 3 days, 2 weeks, friday, fri, dec 5, 5 december, 2026-12-05.
 * Reading is in two steps, so that the grammar stays pure: `readDaySpec` reads the words
 * (no clock), `resolveDay` turns them into a calendar day of the business zone given today.
 * A bare weekday is the next such day after today (周五 said on a Friday is next Friday);
 * 本周 is this Monday-to-Sunday week, 下周 the next one; a month and day without a year is
 * the next such date from today on. A day in the past, or more than a year ahead, is refused:
 * it is a typo, not a plan.
 */

export type DaySpec =
  | { kind: 'offset'; n: number; unit: 'day' | 'week' | 'month' }
  | { kind: 'weekday'; weekday: number; week: 'coming' | 'this' | 'next' }
  | { kind: 'date'; year: number | null; month: number; day: number };

export type DayReading = { ok: true; spec: DaySpec } | { ok: false; error: Bilingual };
export type DayResolution = { ok: true; day: Day } | { ok: false; error: Bilingual };

export const DAY_EXAMPLE: Bilingual = {
  zh: '下次 周五　或　下次 3天后　或　下次 12月5日',
  en: 'next friday  or  next in 3 days  or  next 2026-12-05',
};

const MAX_AHEAD_DAYS = 366;
// 1 = Monday … 7 = Sunday, as Chinese weeks run
const ZH_WEEKDAY: Record<string, number> = {
  一: 1,
  二: 2,
  三: 3,
  四: 4,
  五: 5,
  六: 6,
  日: 7,
  天: 7,
  1: 1,
  2: 2,
  3: 3,
  4: 4,
  5: 5,
  6: 6,
  7: 7,
};
const EN_WEEKDAY = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'];
const EN_MONTH = ['january', 'february', 'march', 'april', 'may', 'june', 'july', 'august', 'september', 'october', 'november', 'december'];
const ZH_WEEKDAY_NAME = ['', '周一', '周二', '周三', '周四', '周五', '周六', '周日'];
const EN_WEEKDAY_NAME = ['', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];

/** A small whole number typed in digits or Chinese numerals (3, 三, 十五, 两); null otherwise. */
function smallInt(s: string): number | null {
  const v = parseNumber(s);
  if (v === null || v % 10n ** 8n !== 0n) return null;
  const n = Number(v / 10n ** 8n);
  return n > 0 && n <= 10_000 ? n : null;
}

const NAMED_OFFSET: Record<string, number> = { 今天: 0, 今日: 0, 明天: 1, 明日: 1, 后天: 2, 大后天: 3, today: 0, tomorrow: 1, tmr: 1 };

function unitOf(word: string): 'day' | 'week' | 'month' | null {
  if (/^(?:天|日|days?|d)$/i.test(word)) return 'day';
  if (/^(?:周|个星期|星期|个礼拜|礼拜|weeks?|w)$/i.test(word)) return 'week';
  if (/^(?:个月|月|months?)$/i.test(word)) return 'month';
  return null;
}

/** The words of a day, without a clock; the reason and an example when they are not one. */
export function readDaySpec(raw: string): DayReading {
  const text = raw.trim().toLowerCase().replace(/\s+/g, ' ');
  const spec = readSpec(text);
  if (spec) return { ok: true, spec };
  return {
    ok: false,
    error: { zh: `看不懂日期“${raw.trim()}”`, en: `cannot read the date "${raw.trim()}"` },
  };
}

function readSpec(text: string): DaySpec | null {
  const compact = text.replace(/\s+/g, '');
  if (NAMED_OFFSET[compact] !== undefined) return { kind: 'offset', n: NAMED_OFFSET[compact] as number, unit: 'day' };
  // 3天后, 三天以后, 过3天, 两周后, 1个月后
  const zhOffset = /^(?:过)?(.+?)(天|日|个星期|星期|周|个礼拜|礼拜|个月)(?:以后|之后|后)?$/.exec(compact);
  // 15日 alone is the 15th of the month; 15日后 and 15天 are days from now
  if (zhOffset && (zhOffset[2] !== '日' || compact.startsWith('过') || compact.endsWith('后'))) {
    const n = smallInt(zhOffset[1] as string);
    const unit = unitOf(zhOffset[2] as string);
    if (n !== null && unit) return { kind: 'offset', n, unit };
  }
  // in 3 days, 3 days, 3 days later, in a week, 2w
  const enOffset = /^(?:in )?(\d+|a|an|one) ?(days?|weeks?|months?|d|w)(?: later)?$/.exec(text);
  if (enOffset) {
    const n = /^\d+$/.test(enOffset[1] as string) ? Number(enOffset[1]) : 1;
    const unit = unitOf(enOffset[2] as string);
    if (n > 0 && unit) return { kind: 'offset', n, unit };
  }
  if (/^(?:下周|下个?星期|下个?礼拜|nextweek)$/.test(compact)) return { kind: 'weekday', weekday: 1, week: 'next' };
  // 周五, 星期五, 礼拜天, 下周一, 本周五, 这个星期五, 下个礼拜三
  const zhWeek = /^(本|这|这个|下|下个)?(?:周|星期|礼拜)([一二三四五六日天1-7])$/.exec(compact);
  if (zhWeek) {
    const week = !zhWeek[1] ? 'coming' : zhWeek[1].startsWith('下') ? 'next' : 'this';
    return { kind: 'weekday', weekday: ZH_WEEKDAY[zhWeek[2] as string] as number, week };
  }
  // friday, fri, this friday, next friday (said after the keyword "next", it is the coming one)
  const enWeek = /^(this |next )?([a-z]{3,9})$/.exec(text);
  if (enWeek) {
    const i = EN_WEEKDAY.findIndex((d) => d === enWeek[2] || (enWeek[2]?.length === 3 && d.startsWith(enWeek[2] as string)));
    if (i >= 0) return { kind: 'weekday', weekday: i + 1, week: enWeek[1] === 'this ' ? 'this' : 'coming' };
  }
  // 2026-12-05, 2026/12/5, 2026.12.5, 2026年12月5日
  const full = /^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})[日号]?$/.exec(compact);
  if (full) return { kind: 'date', year: Number(full[1]), month: Number(full[2]), day: Number(full[3]) };
  // 12月5日, 十二月五号, 12-5, 12/5
  const md = /^(.{1,3}?)月(.{1,3}?)[日号]?$/.exec(compact) ?? /^(\d{1,2})[-/](\d{1,2})$/.exec(compact);
  if (md) {
    const month = smallInt(md[1] as string);
    const day = smallInt(md[2] as string);
    if (month !== null && day !== null) return { kind: 'date', year: null, month, day };
  }
  // 5号, 15日: that day of this month (or the next)
  const dom = /^(.{1,3}?)[日号]$/.exec(compact);
  if (dom) {
    const day = smallInt(dom[1] as string);
    if (day !== null) return { kind: 'date', year: null, month: 0, day };
  }
  // dec 5, december 5, 5 dec, 5 december
  const en = /^([a-z]{3,9}) (\d{1,2})$/.exec(text) ?? /^(\d{1,2}) ([a-z]{3,9})$/.exec(text);
  if (en) {
    const [a, b] = [en[1] as string, en[2] as string];
    const [word, num] = /^\d/.test(a) ? [b, a] : [a, b];
    const m = EN_MONTH.findIndex((x) => x === word || (word.length === 3 && x.startsWith(word)));
    if (m >= 0) return { kind: 'date', year: null, month: m + 1, day: Number(num) };
  }
  return null;
}

/** A real calendar day, or null (2月30日). */
function calendarDay(year: number, month: number, day: number): Day | null {
  const d = dayjs.utc(Date.UTC(year, month - 1, day));
  return d.year() === year && d.month() === month - 1 && d.date() === day ? d.format('YYYY-MM-DD') : null;
}

/** The day the words mean, given today (a day of the business zone). */
export function resolveDay(spec: DaySpec, today: Day): DayResolution {
  const t = dayjs.utc(today);
  let day: Day | null;
  if (spec.kind === 'offset') day = t.add(spec.n, spec.unit).format('YYYY-MM-DD');
  else if (spec.kind === 'weekday') {
    const dow = t.day() === 0 ? 7 : t.day(); // 1 = Monday … 7 = Sunday
    const monday = t.subtract(dow - 1, 'day');
    if (spec.week === 'coming') day = t.add(((spec.weekday - dow + 6) % 7) + 1, 'day').format('YYYY-MM-DD');
    else day = monday.add((spec.week === 'next' ? 7 : 0) + spec.weekday - 1, 'day').format('YYYY-MM-DD');
  } else {
    const month = spec.month || t.month() + 1;
    day = calendarDay(spec.year ?? 2000, month, spec.day); // 2000 was a leap year: 2月29日 exists, 2月30日 never
    if (day !== null && spec.year === null) {
      day = calendarDay(t.year(), month, spec.day);
      if (spec.month === 0 && (day === null || day < today)) {
        const next = t.add(1, 'month'); // a bare 5号 already past: next month's
        day = calendarDay(next.year(), next.month() + 1, spec.day);
      } else for (let y = t.year() + 1; day === null || day < today; y++) day = calendarDay(y, month, spec.day); // 2月29日: the next leap year's
    }
    if (day === null)
      return {
        ok: false,
        error: {
          zh: `没有这一天：${spec.year ? `${spec.year}年` : ''}${month}月${spec.day}日`,
          en: `there is no such day: ${spec.year ? `${spec.year}-` : ''}${month}-${spec.day}`,
        },
      };
  }
  if (day < today) return { ok: false, error: { zh: `${day} 已经过去了`, en: `${day} is in the past` } };
  if (daysBetween(today, day) > MAX_AHEAD_DAYS)
    return { ok: false, error: { zh: `${day} 太远了，请写一年以内的日期`, en: `${day} is more than a year ahead` } };
  return { ok: true, day };
}

/** 2026-11-27 → 11月27日（周五） / Fri 27 Nov; the year only when it is not this year's. */
export function formatDay(day: Day, today: Day, locale: Locale): string {
  const d = dayjs.utc(day);
  const dow = d.day() === 0 ? 7 : d.day();
  const sameYear = day.slice(0, 4) === today.slice(0, 4);
  if (locale === 'en') return `${EN_WEEKDAY_NAME[dow]} ${d.format(sameYear ? 'D MMM' : 'D MMM YYYY')}`;
  return `${sameYear ? '' : `${d.year()}年`}${d.month() + 1}月${d.date()}日（${ZH_WEEKDAY_NAME[dow]}）`;
}
