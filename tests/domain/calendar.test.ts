import dayjs from 'dayjs';
import timezone from 'dayjs/plugin/timezone';
import utc from 'dayjs/plugin/utc';
import { describe, expect, it } from 'vitest';
import { businessDay } from '../../domain/calendar';

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
