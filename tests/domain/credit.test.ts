import { describe, expect, it } from 'vitest';
import { creditCheck } from '../../domain/credit';

describe('credit check', () => {
  it.each([
    ['广州恒通贸易 with ¥48,000 open and a ¥3,000 order: over by ¥1,000', 5_000_000, 4_800_000, 0, 300_000, true, 100_000],
    ['exactly at the limit is within it', 5_000_000, 4_800_000, 0, 200_000, false, 0],
    ['approved but unshipped orders count', 5_000_000, 1_000_000, 3_900_000, 200_000, true, 100_000],
    ['华东机电, nothing open, ¥4,437.01', 50_000_000, 0, 0, 443_701, false, 0],
    ['limit 0 means cash: any order is over', 0, 0, 0, 1, true, 1],
    ['limit 0 and nothing owed', 0, 0, 0, 0, false, 0],
    ['already over before this order', 100, 500, 0, 50, true, 450],
  ])('%s', (_, limitFen, openReceivablesFen, approvedUnshippedFen, thisOrderFen, over, overBy) => {
    const r = creditCheck({ limitFen, openReceivablesFen, approvedUnshippedFen, thisOrderFen });
    expect(r.over).toBe(over);
    expect(r.overByFen).toBe(overBy);
    expect(r.exposureFen).toBe(openReceivablesFen + approvedUnshippedFen + thisOrderFen);
    expect(r.availableFen).toBeGreaterThanOrEqual(0);
  });

  it('says how far over, in Chinese and English', () => {
    const r = creditCheck({ limitFen: 5_000_000, openReceivablesFen: 4_800_000, approvedUnshippedFen: 0, thisOrderFen: 300_000 });
    expect(r.message.zh).toBe('超出信用额度 ¥1,000.00（占用 ¥51,000.00 / 额度 ¥50,000.00）');
    expect(r.message.en).toContain('over the credit limit by ¥1,000.00');
    expect(r.usedBp).toBe(10_200);
    expect(r.availableFen).toBe(200_000);
  });
});
