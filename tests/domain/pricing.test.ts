import { describe, expect, it } from 'vitest';
import { marginBp, PricingError, priceLine, quoteTotals, tierPrice } from '../../domain/pricing';

const A100 = {
  listPriceFen: 250,
  tiers: [
    { minQty: 1000, priceFen: 230 },
    { minQty: 5000, priceFen: 210 },
  ],
  costFen: 120,
  vatRateBp: 1300,
};

describe('tier price', () => {
  it.each([
    [1, 250],
    [999, 250],
    [1000, 230],
    [4999, 230],
    [5000, 210],
    [100_000, 210],
  ])('A100 × %i → %i fen', (qty, price) => {
    expect(tierPrice(A100.listPriceFen, A100.tiers, qty)).toBe(price);
  });

  it('ignores tier order', () => {
    expect(tierPrice(250, [...A100.tiers].reverse(), 6000)).toBe(210);
  });
});

describe('priceLine', () => {
  it('A100 × 2000 for a grade-A customer with 12 % off: grade and manual multiply, rounded once', () => {
    const l = priceLine({ ...A100, qty: 2000, gradeDiscountBp: 300, manualDiscountBp: 1200 });
    expect(l).toMatchObject({
      unitPriceFen: 230,
      netFen: 392_656,
      taxFen: 51_045,
      grossFen: 443_701,
      costFen: 240_000,
      marginFen: 152_656,
    });
    expect(l.marginBp).toBe(3888);
    expect(l.effectiveDiscountBp).toBe(1464);
  });

  it.each([
    [1, 0, 0, 250],
    [3, 300, 0, 728],
    [7, 333, 0, 1692],
    [1000, 500, 500, 207_575],
    [5000, 0, 10_000, 0],
  ])('qty %i, grade %i bp, manual %i bp → net %i', (qty, grade, manual, net) => {
    expect(priceLine({ ...A100, qty, gradeDiscountBp: grade, manualDiscountBp: manual }).netFen).toBe(net);
  });

  it.each([0, -1, 1.5])('refuses quantity %s', (qty) => {
    expect(() => priceLine({ ...A100, qty, gradeDiscountBp: 0, manualDiscountBp: 0 })).toThrow(PricingError);
  });

  it('refuses a manual discount over the configured maximum, saying so in both languages', () => {
    const err = (() => {
      try {
        priceLine({ ...A100, qty: 10, gradeDiscountBp: 0, manualDiscountBp: 3500, maxManualDiscountBp: 3000 });
      } catch (e) {
        return e as PricingError;
      }
    })();
    expect(err?.zh).toBe('折扣 35% 超过上限 30%');
    expect(err?.en).toBe('discount 35% exceeds the maximum 30%');
  });

  it.each([
    [100, 85, 1500],
    [100, 100, 0],
    [100, 120, -2000],
    [0, 0, 0],
    [0, 5, -10_000],
    [3, 2, 3333],
  ])('marginBp(net %i, cost %i) = %i', (net, cost, bp) => {
    expect(marginBp(net, cost)).toBe(bp);
  });

  it('quote totals are the sums of the rounded lines', () => {
    const lines = [
      priceLine({ ...A100, qty: 2000, gradeDiscountBp: 300, manualDiscountBp: 1200 }),
      priceLine({ listPriceFen: 3200, tiers: [], costFen: 1800, vatRateBp: 1300, qty: 20, gradeDiscountBp: 300, manualDiscountBp: 1200 }),
    ];
    const t = quoteTotals(lines);
    expect(t.netFen).toBe(lines[0]!.netFen + lines[1]!.netFen);
    expect(t.grossFen).toBe(lines[0]!.grossFen + lines[1]!.grossFen);
    expect(t.marginFen).toBe(t.netFen - t.costFen);
  });
});
