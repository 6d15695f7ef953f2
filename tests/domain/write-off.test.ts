import { describe, expect, it } from 'vitest';
import { allocatePayment } from '../../domain/write-off';

const open = [
  { id: 3, dueDate: '2026-12-08', issuedDate: '2026-11-08', openFen: 1_800_000 },
  { id: 1, dueDate: '2026-10-29', issuedDate: '2026-09-14', openFen: 3_000_000 },
  { id: 2, dueDate: '2026-10-29', issuedDate: '2026-09-20', openFen: 500 },
];

describe('payment write-off, oldest first', () => {
  it.each([
    ['part of the oldest', 1_000_000, [[1, 1_000_000, false]], 0],
    ['exactly the oldest', 3_000_000, [[1, 3_000_000, true]], 0],
    [
      'the oldest, its same-day sibling, part of the next',
      3_100_500,
      [
        [1, 3_000_000, true],
        [2, 500, true],
        [3, 100_000, false],
      ],
      0,
    ],
    [
      'everything and a remainder left unapplied',
      5_000_000,
      [
        [1, 3_000_000, true],
        [2, 500, true],
        [3, 1_800_000, true],
      ],
      199_500,
    ],
  ])('%s', (_, amount, allocations, unapplied) => {
    const r = allocatePayment(amount, open);
    expect(r.allocations.map((a) => [a.receivableId, a.amountFen, a.clears])).toEqual(allocations);
    expect(r.unappliedFen).toBe(unapplied);
    expect(r.allocations.reduce((s, a) => s + a.amountFen, 0) + r.unappliedFen).toBe(amount);
  });

  it('with nothing open, everything is unapplied', () => {
    expect(allocatePayment(100, [])).toEqual({ allocations: [], unappliedFen: 100 });
  });

  it.each([0, -5, 1.5])('refuses a payment of %s', (amount) => {
    expect(() => allocatePayment(amount, open)).toThrow();
  });
});
