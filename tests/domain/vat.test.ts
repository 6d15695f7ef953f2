import { describe, expect, it } from 'vitest';
import { documentTotals, lineTax, splitInclusive, taxLine } from '../../domain/vat';

describe('VAT', () => {
  it.each([
    [392_656, 1300, 51_045],
    [100, 1300, 13],
    [4, 1300, 1],
    [3, 1300, 0],
    [50, 900, 5],
    [50, 600, 3],
    [99_999, 0, 0],
    [1, 600, 0],
    [9, 600, 1],
  ])('tax of net %i at %i bp = %i (rounded half up per line)', (net, rate, tax) => {
    expect(lineTax(net, rate)).toBe(tax);
    expect(taxLine(net, rate).grossFen).toBe(net + tax);
  });

  it.each([
    [11_300, 1300, 10_000, 1_300],
    [1, 1300, 1, 0],
    [109, 900, 100, 9],
    [0, 1300, 0, 0],
    [12_345, 600, 11_646, 699],
  ])('splitInclusive(%i at %i) = net %i + tax %i, exactly', (gross, rate, net, tax) => {
    expect(splitInclusive(gross, rate)).toEqual({ netFen: net, taxFen: tax });
  });

  it('line totals sum to the document total for 2,000 seeded random documents', () => {
    let seed = 20261123;
    const rnd = () => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    const rates = [1300, 900, 600, 0];
    for (let d = 0; d < 2000; d++) {
      const lines = Array.from({ length: 1 + Math.floor(rnd() * 12) }, () => {
        const rateBp = rates[Math.floor(rnd() * 4)] as number;
        return { ...taxLine(Math.floor(rnd() * 10_000_000), rateBp), rateBp };
      });
      const t = documentTotals(lines);
      expect(t.grossFen).toBe(lines.reduce((s, l) => s + l.grossFen, 0));
      expect(t.netFen + t.taxFen).toBe(t.grossFen);
      const perRate = Object.values(t.byRate).reduce((s, r) => s + r.netFen + r.taxFen, 0);
      expect(perRate).toBe(t.grossFen);
    }
  });
});
