import { describe, expect, it } from 'vitest';
import { defaults } from '../../config';
import { agingBucket, agingOf, agingReport, daysOverdue } from '../../domain/aging';
import { addDays, businessDay, daysBetween } from '../../domain/calendar';

const buckets = defaults.aging.buckets;

describe('days overdue, in Shanghai calendar days', () => {
  it.each([
    ['on the due date', '2026-01-31', '2026-01-31T05:00:00Z', 0],
    ['00:00:30 Shanghai on 1 Feb is still 31 Jan in UTC, but 1 day overdue', '2026-01-31', '2026-01-31T16:00:30Z', 1],
    ['exactly Shanghai midnight', '2026-01-31', '2026-01-31T16:00:00Z', 1],
    ['one second before Shanghai midnight', '2026-01-31', '2026-01-31T15:59:59Z', 0],
    ['the same instant with an explicit +08:00 offset', '2026-01-31', '2026-02-01T00:00:30+08:00', 1],
    ['a zone-less string is Shanghai wall time', '2026-01-31', '2026-02-01 00:00:30', 1],
    ['a zone-less string one minute earlier', '2026-01-31', '2026-01-31 23:59:30', 0],
    ['a Date', '2026-01-31', new Date('2026-01-31T16:00:30Z'), 1],
    ['epoch milliseconds', '2026-01-31', Date.UTC(2026, 0, 31, 16, 0, 30), 1],
    ['before the due date', '2026-02-10', '2026-02-01T02:00:00Z', -9],
    ['the day before the due date', '2026-02-10', '2026-02-09T02:00:00Z', -1],
    ['30 Apr → 1 May (30-day month)', '2026-04-30', '2026-05-01T01:00:00Z', 1],
    ['28 Feb → 1 Mar, common year', '2026-02-28', '2026-03-01T01:00:00Z', 1],
    ['28 Feb → 1 Mar 2028 crosses the leap day', '2028-02-28', '2028-03-01T04:00:00Z', 2],
    ['due on the leap day 2028-02-29', '2028-02-29', '2028-03-01T04:00:00Z', 1],
    ['leap day to the same date a year on', '2028-02-29', '2029-02-28T04:00:00Z', 365],
    ['whole of 2028 is 366 days', '2027-12-31', '2028-12-31T04:00:00Z', 366],
    ['across a year end', '2026-12-31', '2027-01-31T04:00:00Z', 31],
    ['New Year in Shanghai while still 31 Dec in UTC', '2026-12-31', '2026-12-31T16:30:00Z', 1],
    ['90 days', '2026-01-01', '2026-04-01T04:00:00Z', 90],
  ])('%s', (_, due, now, days) => {
    expect(daysOverdue(due, now)).toBe(days);
  });

  it.each([
    ['2026-01-31', '2026-01-31T16:00:30Z', 'UTC', 0],
    ['2026-01-31', '2026-01-31T16:00:30Z', 'Asia/Shanghai', 1],
    ['2026-01-31', '2026-02-01T07:00:00Z', 'America/Los_Angeles', 0],
  ])('due %s at %s in %s → %i: the zone is a parameter', (due, now, tz, days) => {
    expect(daysOverdue(due, now, tz)).toBe(days);
  });

  it.each(['2026-02-30', '2026-2-1', '2026/02/01', ''])('refuses the due date %j', (due) => {
    expect(() => daysOverdue(due, '2026-03-01T00:00:00Z')).toThrow(/calendar day/);
  });

  it('refuses an invalid instant', () => {
    expect(() => daysOverdue('2026-01-31', 'not a time')).toThrow(/not a valid instant/);
  });

  it.each([
    ['2026-11-22T16:30:00Z', '2026-11-23'],
    ['2026-11-22T15:59:59Z', '2026-11-22'],
  ])('businessDay(%s) = %s', (now, day) => {
    expect(businessDay(now)).toBe(day);
  });

  it.each([
    ['2026-01-31', 1, '2026-02-01'],
    ['2028-02-28', 1, '2028-02-29'],
    ['2026-03-01', -1, '2026-02-28'],
    ['2026-12-31', 365, '2027-12-31'],
  ])('addDays(%s, %i) = %s and back', (day, n, out) => {
    expect(addDays(day, n)).toBe(out);
    expect(daysBetween(day, out)).toBe(n);
  });
});

describe('aging buckets (0-30, 31-60, 61-90, 90+)', () => {
  it.each([
    [0, '0-30'],
    [1, '0-30'],
    [30, '0-30'],
    [31, '31-60'],
    [60, '31-60'],
    [61, '61-90'],
    [90, '61-90'],
    [91, '90+'],
    [1000, '90+'],
    [-5, '0-30'],
  ])('%i days overdue → %s', (days, label) => {
    expect(agingBucket(days, buckets).label).toBe(label);
  });

  it('refuses fractional days and a gap in the buckets', () => {
    expect(() => agingBucket(1.5, buckets)).toThrow(/whole number/);
    expect(() => agingBucket(45, [{ label: '0-30', fromDays: 0, toDays: 30 }])).toThrow(/no aging bucket for 45/);
  });

  it.each([
    ['2026-11-23', 0, true, null],
    ['2026-11-30', -7, true, null],
    ['2026-11-22', 1, false, '0-30'],
    ['2026-10-24', 30, false, '0-30'],
    ['2026-10-23', 31, false, '31-60'],
    ['2026-09-24', 60, false, '31-60'],
    ['2026-09-23', 61, false, '61-90'],
    ['2026-08-25', 90, false, '61-90'],
    ['2026-08-24', 91, false, '90+'],
  ])('due %s, as of 2026-11-23: %i days, notDue %s, bucket %s', (due, days, notDue, label) => {
    const a = agingOf(due, '2026-11-23T04:00:00Z', buckets);
    expect([a.days, a.notDue, a.bucket?.label ?? null]).toEqual([days, notDue, label]);
  });
});

describe('aging report', () => {
  it('puts amounts in buckets by days overdue; not yet due and due today apart', () => {
    const r = agingReport(
      [
        { dueDate: '2026-11-30', openFen: 1_800_000 },
        { dueDate: '2026-11-23', openFen: 50 },
        { dueDate: '2026-10-24', openFen: 3_000_000 },
        { dueDate: '2026-10-23', openFen: 7 },
        { dueDate: '2026-09-23', openFen: 100 },
        { dueDate: '2026-08-25', openFen: 1 },
        { dueDate: '2026-08-24', openFen: 200 },
        { dueDate: '2026-01-01', openFen: 300 },
        { dueDate: '2026-01-01', openFen: 0 },
      ],
      '2026-11-23T04:00:00Z',
      buckets,
    );
    expect(r).toEqual({
      asOf: '2026-11-23',
      notDueFen: 1_800_050,
      notDueCount: 2,
      overdueFen: 3_000_608,
      totalFen: 4_800_658,
      buckets: [
        { label: '0-30', fromDays: 0, toDays: 30, fen: 3_000_000, count: 1 },
        { label: '31-60', fromDays: 31, toDays: 60, fen: 7, count: 1 },
        { label: '61-90', fromDays: 61, toDays: 90, fen: 101, count: 2 },
        { label: '90+', fromDays: 91, toDays: null, fen: 500, count: 2 },
      ],
    });
  });

  it('at 00:00:30 Shanghai a receivable due yesterday moves from not-due to 0-30', () => {
    const rows = [{ dueDate: '2026-01-31', openFen: 12_000 }];
    const before = agingReport(rows, '2026-01-31T15:59:59Z', buckets);
    const after = agingReport(rows, '2026-01-31T16:00:30Z', buckets);
    expect([before.notDueFen, before.buckets[0]!.fen]).toEqual([12_000, 0]);
    expect([after.notDueFen, after.buckets[0]!.fen, after.asOf]).toEqual([0, 12_000, '2026-02-01']);
  });

  it('a credit (negative open amount) reduces its bucket', () => {
    const r = agingReport(
      [
        { dueDate: '2026-10-01', openFen: 10_000 },
        { dueDate: '2026-10-01', openFen: -2_500 },
      ],
      '2026-11-23T04:00:00Z',
      buckets,
    );
    expect(r.buckets[1]).toEqual({ label: '31-60', fromDays: 31, toDays: 60, fen: 7_500, count: 2 });
  });

  it('an empty ledger', () => {
    const r = agingReport([], '2026-11-23T04:00:00Z', buckets);
    expect([r.notDueFen, r.overdueFen, r.totalFen, r.buckets.map((b) => b.fen)]).toEqual([0, 0, 0, [0, 0, 0, 0]]);
  });
});
