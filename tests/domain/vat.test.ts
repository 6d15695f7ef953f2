import { describe, expect, it } from 'vitest';
import { documentTotals, lineTax, splitInclusive, taxLine, VAT_RATES_BP } from '../../domain/vat';

describe('tax of a line: roundHalfUp(net × rate), once per line', () => {
  it.each([
    [392_656, 1300, 51_045],
    [100, 1300, 13],
    [4, 1300, 1],
    [3, 1300, 0],
    [50, 1300, 7],
    [50, 900, 5],
    [50, 600, 3],
    [99_999, 0, 0],
    [1, 600, 0],
    [9, 600, 1],
    [8, 600, 0],
    [-4, 1300, -1],
    [0, 1300, 0],
    [100_000_000, 900, 9_000_000],
    [7_000_000_000_000_001, 1300, 910_000_000_000_000],
  ])('net %i at %i bp → tax %i', (net, rate, tax) => {
    expect(lineTax(net, rate)).toBe(tax);
    expect(taxLine(net, rate)).toEqual({ netFen: net, taxFen: tax, grossFen: net + tax });
  });

  it.each([
    [100, 1300.5, /whole basis points/],
    [100, -100, /whole basis points/],
    [100, 10_001, /whole basis points/],
    [1.5, 1300, /integer number of fen/],
  ])('lineTax(%s, %s) is refused', (net, rate, msg) => {
    expect(() => lineTax(net, rate)).toThrow(msg);
  });

  it('refuses a line whose net + tax would leave the safe range instead of rounding it', () => {
    expect(lineTax(8_007_199_254_740_991, 1300)).toBe(1_040_935_903_116_329);
    expect(() => taxLine(8_007_199_254_740_991, 1300)).toThrow(/sum must be an integer/);
  });

  it('knows the four standard rates', () => {
    expect([...VAT_RATES_BP]).toEqual([1300, 900, 600, 0]);
  });
});

describe('splitInclusive: net + tax === gross exactly', () => {
  it.each([
    [11_300, 1300, 10_000, 1_300],
    [1, 1300, 1, 0],
    [2, 1300, 2, 0],
    [109, 900, 100, 9],
    [106, 600, 100, 6],
    [0, 1300, 0, 0],
    [12_345, 600, 11_646, 699],
    [443_701, 1300, 392_656, 51_045],
    [-11_300, 1300, -10_000, -1_300],
    [5_000, 0, 5_000, 0],
  ])('%i at %i bp → net %i + tax %i', (gross, rate, net, tax) => {
    const s = splitInclusive(gross, rate);
    expect(s).toEqual({ netFen: net, taxFen: tax });
    expect(s.netFen + s.taxFen).toBe(gross);
  });
});

describe('document totals', () => {
  it('computes missing line tax by the rule and sums by rate, highest first', () => {
    const t = documentTotals([
      { netFen: 392_656, rateBp: 1300 },
      { netFen: 10_000, rateBp: 600 },
      { netFen: 5_000, rateBp: 1300, taxFen: 650 },
      { netFen: 700, rateBp: 0 },
    ]);
    expect(t.lines.map((l) => l.taxFen)).toEqual([51_045, 600, 650, 0]);
    expect(t).toMatchObject({ netFen: 408_356, taxFen: 52_295, grossFen: 460_651 });
    expect(t.byRate).toEqual([
      { rateBp: 1300, netFen: 397_656, taxFen: 51_695, grossFen: 449_351 },
      { rateBp: 600, netFen: 10_000, taxFen: 600, grossFen: 10_600 },
      { rateBp: 0, netFen: 700, taxFen: 0, grossFen: 700 },
    ]);
  });

  it('does not re-round the document: three ¥0.04 lines at 13 % carry 3 fen of tax, not round(1.56) = 2', () => {
    const t = documentTotals([4, 4, 4].map((netFen) => ({ netFen, rateBp: 1300 })));
    expect(t.taxFen).toBe(3);
    expect(t.grossFen).toBe(15);
  });

  it('an empty document is all zeros', () => {
    expect(documentTotals([])).toEqual({ lines: [], netFen: 0, taxFen: 0, grossFen: 0, byRate: [] });
  });

  describe.each(VAT_RATES_BP.map((r) => [r]))('rate %i bp', (rateBp) => {
    it('Σ lines === document total over 500 seeded random documents', () => {
      let s = 20_261_123 + rateBp;
      const next = (mod: number) => {
        s = (Math.imul(s, 1_103_515_245) + 12_345) >>> 0;
        return s % mod;
      };
      for (let d = 0; d < 500; d++) {
        const lines = Array.from({ length: 1 + next(20) }, () => ({ netFen: next(10_000_000), rateBp }));
        const t = documentTotals(lines);
        const byHand = lines.map((l) => l.netFen + lineTax(l.netFen, rateBp));
        expect(t.grossFen).toBe(byHand.reduce((a, b) => a + b, 0));
        expect(t.lines.reduce((a, l) => a + l.grossFen, 0)).toBe(t.grossFen);
        expect(t.netFen + t.taxFen).toBe(t.grossFen);
        expect(t.byRate).toHaveLength(1);
        expect(t.byRate[0]!.grossFen).toBe(t.grossFen);
      }
    });
  });

  it('mixed rates: Σ lines === Σ per-rate === document total over 2,000 seeded documents', () => {
    let s = 99;
    const next = (mod: number) => {
      s = (Math.imul(s, 1_664_525) + 1_013_904_223) >>> 0;
      return s % mod;
    };
    for (let d = 0; d < 2000; d++) {
      const lines = Array.from({ length: 1 + next(12) }, () => ({ netFen: next(50_000_000), rateBp: VAT_RATES_BP[next(4)] as number }));
      const t = documentTotals(lines);
      const sumLines = t.lines.reduce((a, l) => a + l.grossFen, 0);
      const sumRates = t.byRate.reduce((a, r) => a + r.grossFen, 0);
      expect(sumLines).toBe(t.grossFen);
      expect(sumRates).toBe(t.grossFen);
      expect(t.byRate.reduce((a, r) => a + r.taxFen, 0)).toBe(t.taxFen);
    }
  });
});
