import { describe, expect, it } from 'vitest';
import { formatDay, readDaySpec, resolveDay } from '../../bot/commands/dates';

/** Days as typed in chat, resolved against a Monday (2026-11-23) and a Saturday (2026-11-28). */
const MONDAY = '2026-11-23';
const SATURDAY = '2026-11-28';

const day = (text: string, today: string) => {
  const read = readDaySpec(text);
  if (!read.ok) return `unread: ${read.error.zh}`;
  const r = resolveDay(read.spec, today);
  return r.ok ? r.day : `refused: ${r.error.zh}`;
};

describe('days as people type them', () => {
  it.each([
    ['今天', MONDAY, '2026-11-23'],
    ['明天', MONDAY, '2026-11-24'],
    ['后天', MONDAY, '2026-11-25'],
    ['大后天', MONDAY, '2026-11-26'],
    ['3天后', MONDAY, '2026-11-26'],
    ['三天后', MONDAY, '2026-11-26'],
    ['3 天后', MONDAY, '2026-11-26'],
    ['十天以后', MONDAY, '2026-12-03'],
    ['过两天', MONDAY, '2026-11-25'],
    ['3天', MONDAY, '2026-11-26'],
    ['两周后', MONDAY, '2026-12-07'],
    ['1个月后', MONDAY, '2026-12-23'],
    ['周五', MONDAY, '2026-11-27'],
    ['星期五', MONDAY, '2026-11-27'],
    ['礼拜天', MONDAY, '2026-11-29'],
    ['周一', MONDAY, '2026-11-30'], // a bare weekday is the next such day after today
    ['周5', MONDAY, '2026-11-27'],
    ['本周五', MONDAY, '2026-11-27'],
    ['这周日', MONDAY, '2026-11-29'],
    ['下周一', MONDAY, '2026-11-30'],
    ['下周五', MONDAY, '2026-12-04'],
    ['下个星期三', MONDAY, '2026-12-02'],
    ['下周', MONDAY, '2026-11-30'],
    ['周五', SATURDAY, '2026-12-04'],
    ['下周五', SATURDAY, '2026-12-04'],
    ['12月5日', MONDAY, '2026-12-05'],
    ['12月5号', MONDAY, '2026-12-05'],
    ['十二月五日', MONDAY, '2026-12-05'],
    ['12月5', MONDAY, '2026-12-05'],
    ['12-5', MONDAY, '2026-12-05'],
    ['12/5', MONDAY, '2026-12-05'],
    ['1月8日', MONDAY, '2027-01-08'], // already past this year: next year's
    ['11月23日', MONDAY, '2026-11-23'],
    ['30号', MONDAY, '2026-11-30'],
    ['5号', MONDAY, '2026-12-05'], // the 5th has passed this month
    ['2026-12-05', MONDAY, '2026-12-05'],
    ['2026/12/5', MONDAY, '2026-12-05'],
    ['2026年12月5日', MONDAY, '2026-12-05'],
    ['today', MONDAY, '2026-11-23'],
    ['tomorrow', MONDAY, '2026-11-24'],
    ['in 3 days', MONDAY, '2026-11-26'],
    ['3 days', MONDAY, '2026-11-26'],
    ['in a week', MONDAY, '2026-11-30'],
    ['2 weeks', MONDAY, '2026-12-07'],
    ['friday', MONDAY, '2026-11-27'],
    ['Fri', MONDAY, '2026-11-27'],
    ['this friday', MONDAY, '2026-11-27'],
    ['next week', MONDAY, '2026-11-30'],
    ['dec 5', MONDAY, '2026-12-05'],
    ['5 December', MONDAY, '2026-12-05'],
  ])('%s (today %s) → %s', (text, today, expected) => {
    expect(day(text, today)).toBe(expected);
  });

  it('the 29th of February is the next leap year’s (and refused when that is over a year away)', () => {
    expect(day('2月29日', '2027-06-01')).toBe('2028-02-29');
    expect(day('2月29日', MONDAY)).toMatch(/^refused: 2028-02-29 太远了/);
  });
});

describe('days refused, with the reason', () => {
  it.each([
    ['周八', MONDAY, /^unread: 看不懂日期“周八”/],
    ['改天', MONDAY, /^unread/],
    ['下下下周', MONDAY, /^unread/],
    ['', MONDAY, /^unread/],
    ['2月30日', MONDAY, /^refused: 没有这一天：2月30日/],
    ['2026-02-30', MONDAY, /^refused: 没有这一天/],
    ['2027-02-29', MONDAY, /^refused: 没有这一天/],
    ['13月1日', MONDAY, /^refused: 没有这一天/],
    ['2026-11-20', MONDAY, /^refused: 2026-11-20 已经过去了/],
    ['2028-01-01', MONDAY, /^refused: 2028-01-01 太远了/],
    ['400天后', MONDAY, /太远了/],
    ['本周一', SATURDAY, /已经过去了/],
  ])('%s (today %s)', (text, today, reason) => {
    expect(day(text, today)).toMatch(reason);
  });
});

describe('a day as the reply shows it', () => {
  it.each([
    ['2026-11-27', 'zh', '11月27日（周五）'],
    ['2026-11-29', 'zh', '11月29日（周日）'],
    ['2027-01-08', 'zh', '2027年1月8日（周五）'],
    ['2026-11-27', 'en', 'Fri 27 Nov'],
    ['2027-01-08', 'en', 'Fri 8 Jan 2027'],
  ] as const)('%s %s → %s', (d, locale, shown) => {
    expect(formatDay(d, MONDAY, locale)).toBe(shown);
  });
});
