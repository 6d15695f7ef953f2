import dayjs from 'dayjs';
import timezone from 'dayjs/plugin/timezone';
import utc from 'dayjs/plugin/utc';
import { describe, expect, it } from 'vitest';
import { addDays, assertDay, businessDay, daysBetween } from '../../domain/calendar';

dayjs.extend(utc);
dayjs.extend(timezone);

describe('businessDay fast path (cached Intl formatter) agrees with dayjs', () => {
  it('on 5,000 instants around midnight and across years, in four zones', () => {
    const start = Date.parse('2024-12-31T15:30:00Z');
    for (const tz of ['Asia/Shanghai', 'UTC', 'America/New_York', 'Pacific/Kiritimati']) {
      for (let i = 0; i < 1250; i++) {
        const ms = start + i * 7_919_000; // ~2.2 h steps: every hour of the day, over ~4 months
        expect(businessDay(ms, tz)).toBe(dayjs(ms).tz(tz).format('YYYY-MM-DD'));
        expect(businessDay(new Date(ms), tz)).toBe(dayjs(ms).tz(tz).format('YYYY-MM-DD'));
      }
    }
    expect(() => businessDay(Number.NaN)).toThrow(RangeError);
  });
});

describe('day arithmetic without dayjs agrees with dayjs', () => {
  it('addDays, daysBetween and assertDay over 3,000 days and offsets, leap years included', () => {
    for (let i = 0; i < 3000; i++) {
      const day = dayjs
        .utc('2023-01-01')
        .add(i * 7, 'day')
        .format('YYYY-MM-DD');
      const n = (i % 97) - 48;
      expect(addDays(day, n)).toBe(dayjs.utc(day).add(n, 'day').format('YYYY-MM-DD'));
      expect(daysBetween(day, addDays(day, n))).toBe(n);
      expect(assertDay(day)).toBe(day);
    }
    for (const bad of ['2026-02-29', '2026-13-01', '2026-00-10', '2026-1-01', '2028-02-30', 'today'])
      expect(() => assertDay(bad)).toThrow(RangeError);
    expect(assertDay('2028-02-29')).toBe('2028-02-29');
  });
  it('businessDay of the same minute is answered from the last call, and changes at midnight', () => {
    const beforeMidnight = Date.parse('2026-11-23T15:59:30Z');
    expect(businessDay(beforeMidnight)).toBe('2026-11-23');
    expect(businessDay(beforeMidnight + 29_000)).toBe('2026-11-23');
    expect(businessDay(beforeMidnight + 30_000)).toBe('2026-11-24');
    expect(businessDay(beforeMidnight, 'UTC')).toBe('2026-11-23');
  });
});
