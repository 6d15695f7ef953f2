import { describe, expect, it } from 'vitest';
import { creditCheck } from '../../domain/credit';

describe('credit check', () => {
  it.each([
    // name, limit, open, unshipped, this order, over, overBy, available, availableBefore, usedBp
    ['广州恒通贸易: ¥48,000 open, a ¥3,000 order is over by ¥1,000', 5_000_000, 4_800_000, 0, 300_000, true, 100_000, 0, 200_000, 10_200],
    ['exactly at the limit is within it', 5_000_000, 4_800_000, 0, 200_000, false, 0, 0, 200_000, 10_000],
    ['one fen over the limit', 5_000_000, 4_800_000, 0, 200_001, true, 1, 0, 200_000, 10_000],
    ['approved but unshipped orders count', 5_000_000, 1_000_000, 3_900_000, 200_000, true, 100_000, 0, 100_000, 10_200],
    ['华东机电, nothing open, ¥4,437.01', 50_000_000, 0, 0, 443_701, false, 0, 49_556_299, 50_000_000, 89],
    ['limit 0 means cash: any order is over', 0, 0, 0, 1, true, 1, 0, 0, null],
    ['limit 0 and nothing owed', 0, 0, 0, 0, false, 0, 0, 0, null],
    ['already over before this order', 100, 500, 0, 50, true, 450, 0, 0, 55_000],
    ['a prepayment on account makes room', 1_000_000, -200_000, 0, 1_150_000, false, 0, 50_000, 1_200_000, 9_500],
    ['half used', 1_000_000, 250_000, 250_000, 0, false, 0, 500_000, 500_000, 5_000],
  ])('%s', (_, limitFen, openReceivablesFen, approvedUnshippedFen, thisOrderFen, over, overBy, available, availableBefore, usedBp) => {
    const r = creditCheck({ limitFen, openReceivablesFen, approvedUnshippedFen, thisOrderFen });
    expect(r).toMatchObject({
      exposureFen: openReceivablesFen + approvedUnshippedFen + thisOrderFen,
      limitFen,
      over,
      overByFen: overBy,
      availableFen: available,
      availableBeforeFen: availableBefore,
      usedBp,
    });
    // the limit is always fully accounted for: what is left, plus what is used, minus what is over
    expect(r.availableFen + r.exposureFen - r.overByFen).toBe(limitFen);
  });

  it.each([
    [
      300_000,
      '超出信用额度 ¥1,000.00（占用 ¥51,000.00 / ¥50,000.00）',
      'over the credit limit by ¥1,000.00 (exposure ¥51,000.00 / ¥50,000.00)',
    ],
    [
      150_000,
      '信用额度内，剩余 ¥500.00（占用 ¥49,500.00 / ¥50,000.00）',
      'within the credit limit, ¥500.00 left (exposure ¥49,500.00 / ¥50,000.00)',
    ],
  ])('says so in Chinese and English for an order of %i fen', (thisOrderFen, zh, en) => {
    const r = creditCheck({ limitFen: 5_000_000, openReceivablesFen: 4_800_000, approvedUnshippedFen: 0, thisOrderFen });
    expect(r.message).toEqual({ zh, en });
  });

  it.each([
    [{ limitFen: -1, openReceivablesFen: 0, approvedUnshippedFen: 0, thisOrderFen: 0 }, /limitFen must not be negative/],
    [{ limitFen: 0, openReceivablesFen: 0, approvedUnshippedFen: -5, thisOrderFen: 0 }, /approvedUnshippedFen must not be negative/],
    [{ limitFen: 0, openReceivablesFen: 0, approvedUnshippedFen: 0, thisOrderFen: 0.5 }, /integer number of fen/],
    [{ limitFen: 0, openReceivablesFen: 0.5, approvedUnshippedFen: 0, thisOrderFen: 0 }, /integer number of fen/],
  ])('refuses %j', (input, msg) => {
    expect(() => creditCheck(input)).toThrow(msg);
  });
});
