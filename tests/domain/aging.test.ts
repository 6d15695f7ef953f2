import { describe, expect, it } from 'vitest';
import { defaults } from '../../config';
import { agingBucket, agingReport, businessDay, daysPastDue } from '../../domain/aging';

const buckets = defaults.aging.buckets;

describe('days past due in Shanghai calendar days', () => {
  it.each([
    ['on the due date', '2026-01-31', '2026-01-31T05:00:00Z', 0],
    ['one second past Shanghai midnight is the next day', '2026-01-31', '2026-01-31T16:00:30Z', 1],
    ['one second before Shanghai midnight', '2026-01-31', '2026-01-31T15:59:59Z', 0],
    ['before the due date', '2026-02-10', '2026-02-01T02:00:00Z', -9],
    ['across a month end', '2026-02-28', '2026-03-01T01:00:00Z', 1],
    ['leap day 2028', '2028-02-28', '2028-03-01T04:00:00Z', 2],
    ['across a year', '2026-12-31', '2027-01-31T04:00:00Z', 31],
  ])('%s', (_, due, now, days) => {
    expect(daysPastDue(due, now)).toBe(days);
  });

  it('businessDay is the Shanghai calendar day', () => {
    expect(businessDay('2026-11-22T16:30:00Z')).toBe('2026-11-23');
    expect(businessDay('2026-11-22T15:30:00Z')).toBe('2026-11-22');
  });
});

describe('aging buckets', () => {
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

  it('reports amounts per bucket and what is not due yet', () => {
    const now = '2026-11-23T04:00:00Z';
    const r = agingReport(
      [
        { dueDate: '2026-11-30', openFen: 1_800_000 },
        { dueDate: '2026-10-29', openFen: 3_000_000 },
        { dueDate: '2026-09-01', openFen: 100 },
        { dueDate: '2026-08-01', openFen: 200 },
        { dueDate: '2026-01-01', openFen: 300 },
        { dueDate: '2026-01-01', openFen: 0 },
      ],
      now,
      buckets,
    );
    expect(r.notDueFen).toBe(1_800_000);
    expect(r.overdueFen).toBe(3_000_600);
    expect(r.buckets).toEqual([
      { label: '0-30', fen: 3_000_000, count: 1 },
      { label: '31-60', fen: 0, count: 0 },
      { label: '61-90', fen: 100, count: 1 },
      { label: '90+', fen: 500, count: 2 },
    ]);
  });
});
