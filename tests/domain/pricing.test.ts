import { describe, expect, it } from 'vitest';
import { defaults } from '../../config';
import { DomainError } from '../../domain/errors';
import { roundHalfUp } from '../../domain/money';
import {
  combinedDiscountBp,
  gradeDiscountFor,
  marginBp,
  PricingError,
  priceLine,
  priceQuote,
  quoteTotals,
  tierPrice,
} from '../../domain/pricing';

/** The demo SKU: list ¥2.50, ≥1000 → ¥2.30, ≥5000 → ¥2.10; standard cost ¥1.20; 13 % VAT. */
const A100 = {
  listPriceFen: 250,
  tiers: [
    { minQty: 1000, priceFen: 230 },
    { minQty: 5000, priceFen: 210 },
  ],
  costFen: 120,
  vatRateBp: 1300,
};
const grade = {
  VIP: gradeDiscountFor(defaults.pricing.gradeDiscountBp, 'VIP'),
  A: gradeDiscountFor(defaults.pricing.gradeDiscountBp, 'A'),
  B: gradeDiscountFor(defaults.pricing.gradeDiscountBp, 'B'),
  C: gradeDiscountFor(defaults.pricing.gradeDiscountBp, 'C'),
};

function thrown(f: () => unknown): PricingError {
  try {
    f();
  } catch (e) {
    return e as PricingError;
  }
  throw new Error('expected an error');
}

describe('tier price', () => {
  it.each([
    [1, 250],
    [999, 250],
    [1000, 230],
    [1001, 230],
    [4999, 230],
    [5000, 210],
    [100_000, 210],
  ])('A100 × %i → %i fen', (qty, price) => {
    expect(tierPrice(A100.listPriceFen, A100.tiers, qty)).toBe(price);
    expect(tierPrice(A100.listPriceFen, [...A100.tiers].reverse(), qty)).toBe(price);
  });

  it('no tiers: the list price', () => {
    expect(tierPrice(3200, [], 50_000)).toBe(3200);
  });

  it.each([
    [
      [
        { minQty: 10, priceFen: 1 },
        { minQty: 10, priceFen: 2 },
      ],
      /ambiguous/,
    ],
    [[{ minQty: 0, priceFen: 1 }], /positive whole number/],
    [[{ minQty: 10, priceFen: 1.5 }], /integer number of fen/],
  ])('refuses bad tiers %j', (tiers, msg) => {
    expect(() => tierPrice(250, tiers, 10)).toThrow(msg);
  });
});

describe('priceLine', () => {
  it('A100 × 2000, grade A, 12 % manual: net = round(2000 × 230 × 0.97 × 0.88) = 392,656', () => {
    const l = priceLine({ ...A100, qty: 2000, gradeDiscountBp: grade.A, manualDiscountBp: 1200 });
    expect(l).toEqual({
      qty: 2000,
      listPriceFen: 250,
      unitPriceFen: 230,
      grossBeforeDiscountFen: 460_000,
      netFen: 392_656,
      taxFen: 51_045,
      grossFen: 443_701,
      costFen: 240_000,
      marginFen: 152_656,
      marginBp: 3888,
      effectiveDiscountBp: 1464,
      gradeDiscountBp: 300,
      manualDiscountBp: 1200,
      vatRateBp: 1300,
    });
  });

  it.each([
    // qty, grade, manual, net, why
    [1, grade.C, 0, 250, 'list price, no discount'],
    [999, grade.C, 0, 249_750, 'just below the first tier'],
    [1000, grade.C, 0, 230_000, 'first tier'],
    [4999, grade.B, 0, 1_138_272, '4999 × 230 × 0.99 = 1,138,272.3'],
    [5000, grade.VIP, 0, 997_500, 'second tier, VIP'],
    [3, 300, 0, 728, '750 × 0.97 = 727.5 rounds up once on the line'],
    [7, 333, 0, 1692, '1750 × 0.9667 = 1691.725'],
    [1000, 500, 500, 207_575, '230,000 × 0.95 × 0.95 = 207,575'],
    [1, 5000, 0, 125, '250 × 50 % = 125'],
    [1, 200, 5000, 123, '250 × 0.98 × 0.5 = 122.5 → 123 (half away from zero)'],
    [5000, 0, 10_000, 0, 'a 100 % discount'],
  ])('qty %i, grade %i bp, manual %i bp → net %i (%s)', (qty, g, manual, net) => {
    expect(priceLine({ ...A100, qty, gradeDiscountBp: g, manualDiscountBp: manual }).netFen).toBe(net);
  });

  it('rounds on the line, not per unit: per-unit rounding would lose 656 fen here', () => {
    const l = priceLine({ ...A100, qty: 2000, gradeDiscountBp: 300, manualDiscountBp: 1200 });
    const perUnit = Number(roundHalfUp(230n * 9700n * 8800n, 100_000_000n)) * 2000;
    expect(l.netFen - perUnit).toBe(656);
  });

  it.each([
    [300, 1200, 1464],
    [0, 0, 0],
    [500, 0, 500],
    [0, 1000, 1000],
    [500, 500, 975],
    [50, 50, 100],
    [10_000, 0, 10_000],
  ])('grade %i bp and manual %i bp combine to %i bp', (a, b, out) => {
    expect(combinedDiscountBp(a, b)).toBe(out);
  });

  it.each([0, -1, 1.5, Number.NaN])('refuses quantity %s in both languages', (qty) => {
    const e = thrown(() => priceLine({ ...A100, qty, gradeDiscountBp: 0, manualDiscountBp: 0 }));
    expect(e).toBeInstanceOf(PricingError);
    expect(e).toBeInstanceOf(DomainError);
    expect(e.code).toBe('pricing.invalid_qty');
    expect(e.zh).toBe(`数量必须是正整数：${qty}`);
    expect(e.en).toBe(`quantity must be a positive whole number: ${qty}`);
  });

  it.each([
    [3001, 3000, '折扣 30.01% 超过上限 30%', 'discount 30.01% exceeds the maximum 30%'],
    [3500, 3000, '折扣 35% 超过上限 30%', 'discount 35% exceeds the maximum 30%'],
    [1, 0, '折扣 0.01% 超过上限 0%', 'discount 0.01% exceeds the maximum 0%'],
  ])('refuses manual %i bp over the maximum %i bp', (manual, max, zh, en) => {
    const e = thrown(() => priceLine({ ...A100, qty: 10, gradeDiscountBp: 0, manualDiscountBp: manual, maxManualDiscountBp: max }));
    expect(e.code).toBe('pricing.discount_over_max');
    expect([e.zh, e.en]).toEqual([zh, en]);
  });

  it('accepts exactly the configured maximum', () => {
    const max = defaults.pricing.maxManualDiscountBp;
    expect(priceLine({ ...A100, qty: 10, gradeDiscountBp: 0, manualDiscountBp: max, maxManualDiscountBp: max }).netFen).toBe(1750);
  });

  it.each([
    [-1, 0, '客户等级折扣无效'],
    [0, 10_001, '手工折扣无效'],
    [0, 12.5, '手工折扣无效'],
  ])('refuses grade %s / manual %s bp', (g, manual, zh) => {
    expect(thrown(() => priceLine({ ...A100, qty: 10, gradeDiscountBp: g, manualDiscountBp: manual })).zh).toContain(zh);
  });
});

describe('grade discounts from the config', () => {
  it.each([
    ['VIP', 500],
    ['A', 300],
    ['B', 100],
    ['C', 0],
  ] as const)('%s → %i bp', (g, bp) => {
    expect(gradeDiscountFor(defaults.pricing.gradeDiscountBp, g)).toBe(bp);
  });

  it('a grade missing from the config gets no discount', () => {
    expect(gradeDiscountFor({ VIP: 800 }, 'B')).toBe(0);
  });
});

describe('margin', () => {
  it.each([
    [100, 85, 1500],
    [100, 100, 0],
    [100, 120, -2000],
    [100, 250, -15_000],
    [0, 0, 0],
    [0, 5, -10_000],
    [3, 2, 3333],
    [3, 1, 6667],
    [392_656, 240_000, 3888],
  ])('marginBp(net %i, cost %i) = %i', (net, cost, bp) => {
    expect(marginBp(net, cost)).toBe(bp);
  });
});

describe('priceQuote', () => {
  const cable = { listPriceFen: 3200, tiers: [], costFen: 1800, vatRateBp: 1300 };

  it('totals are sums of the rounded lines; margin on the whole quote', () => {
    const q = priceQuote([
      { ...A100, qty: 2000, gradeDiscountBp: 300, manualDiscountBp: 1200 },
      { ...cable, qty: 20, gradeDiscountBp: 300, manualDiscountBp: 500 },
    ]);
    // 20 × 3200 × 0.97 × 0.95 = 58,976
    expect(q.lines.map((l) => l.netFen)).toEqual([392_656, 58_976]);
    expect(q).toMatchObject({
      grossBeforeDiscountFen: 524_000,
      netFen: 451_632,
      taxFen: 51_045 + 7_667,
      grossFen: 443_701 + 66_643,
      costFen: 276_000,
      marginFen: 175_632,
      marginBp: 3889,
      effectiveDiscountBp: 1381,
      maxManualDiscountBp: 1200,
    });
    expect(q.grossFen).toBe(q.lines.reduce((s, l) => s + l.grossFen, 0));
  });

  it.each([
    ['empty quote', [], 0, 0],
    ['given away, costs something', [{ ...A100, qty: 10, gradeDiscountBp: 0, manualDiscountBp: 10_000 }], 0, -10_000],
    ['a loss', [{ ...cable, qty: 1, gradeDiscountBp: 0, manualDiscountBp: 5000 }], 1600, -1250],
  ])('%s: net %i, margin %i bp', (_, lines, net, bp) => {
    const q = priceQuote(lines);
    expect(q.netFen).toBe(net);
    expect(q.marginBp).toBe(bp);
  });

  it('applies one maximum to every line, a line may bring its own', () => {
    const over = { ...cable, qty: 1, gradeDiscountBp: 0, manualDiscountBp: 3100 };
    expect(() => priceQuote([over], { maxManualDiscountBp: 3000 })).toThrow(PricingError);
    expect(priceQuote([{ ...over, maxManualDiscountBp: 3500 }], { maxManualDiscountBp: 3000 }).netFen).toBe(2208);
  });

  it('quoteTotals of already priced lines equals priceQuote', () => {
    const inputs = [1, 999, 1000, 5000].map((qty) => ({ ...A100, qty, gradeDiscountBp: 100, manualDiscountBp: 300 }));
    const q = priceQuote(inputs);
    const { lines, ...totals } = q;
    expect(quoteTotals(lines)).toEqual(totals);
  });
});
