import { describe, expect, it } from 'vitest';
import { dueAt, dunningSchedule } from '../../domain/dunning';
import { elapsed, shanghaiMinute } from '../../workflows/format';

describe('dunning schedule', () => {
  const ladder = [
    { daysOverdue: 7, notify: ['rep', 'finance'] },
    { daysOverdue: 1, notify: ['rep'] },
    { daysOverdue: 30, notify: ['sales_director'] },
  ];
  it('puts each rung at 09:00 Shanghai on due date + N calendar days, in time order', () => {
    const s = dunningSchedule('2026-12-31', ladder);
    expect(s.map((r) => r.daysOverdue)).toEqual([1, 7, 30]);
    expect(new Date(s[0]!.at).toISOString()).toBe('2027-01-01T01:00:00.000Z');
    expect(new Date(s[1]!.at).toISOString()).toBe('2027-01-07T01:00:00.000Z');
    expect(new Date(s[2]!.at).toISOString()).toBe('2027-01-30T01:00:00.000Z');
    expect(s[1]!.notify).toEqual(['rep', 'finance']);
  });
  it('crosses month ends and leap days by the calendar', () => {
    expect(new Date(dunningSchedule('2028-02-28', [{ daysOverdue: 1, notify: ['rep'] }])[0]!.at).toISOString()).toBe(
      '2028-02-29T01:00:00.000Z',
    );
    expect(new Date(dueAt('2026-11-23')).toISOString()).toBe('2026-11-23T01:00:00.000Z');
  });
  it('refuses a malformed due date', () => {
    expect(() => dunningSchedule('2026-13-01', ladder)).toThrow();
  });
});

describe('workflow time formatting (no Intl, Shanghai = UTC+8)', () => {
  it('formats minutes in Shanghai time, across midnight UTC', () => {
    expect(shanghaiMinute(Date.parse('2026-11-23T16:05:00Z'))).toBe('11-24 00:05');
    expect(shanghaiMinute(Date.parse('2026-12-31T15:59:00Z'))).toBe('12-31 23:59');
  });
  it('says elapsed time in minutes, hours, then days', () => {
    expect(elapsed(35 * 60_000).zh).toBe('35 分钟');
    expect(elapsed(2 * 3_600_000 + 59 * 60_000).zh).toBe('2 小时');
    expect(elapsed(47 * 3_600_000).zh).toBe('47 小时');
    expect(elapsed(50 * 3_600_000).zh).toBe('2 天');
    expect(elapsed(-5).zh).toBe('0 分钟');
  });
});
