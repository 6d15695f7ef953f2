import { describe, expect, it } from 'vitest';
import { DomainError } from '../../domain/errors';
import {
  allocate,
  applyBp,
  formatBp,
  formatBpOneDecimal,
  formatFen,
  formatYuanPlain,
  formatYuanWhole,
  mulDivHalfUp,
  mulQty,
  percentToBp,
  ratioBp,
  roundHalfUp,
  sumFen,
  yuanToFen,
} from '../../domain/money';

describe('yuanToFen parses exactly', () => {
  it.each([
    ['2.50', 250],
    ['2.5', 250],
    ['2', 200],
    ['1,234.5', 123_450],
    ['¥1,234.50', 123_450],
    ['￥88', 8_800],
    ['¥ 88.8', 8_880],
    ['30000元', 3_000_000],
    ['1,000,000.00元', 100_000_000],
    ['-3', -300],
    ['-¥12.00', -1_200],
    ['¥-12', -1_200],
    ['0.01', 1],
    ['0', 0],
    ['-0', 0],
    ['007.10', 710],
    [' 12.3 ', 1_230],
    [12.5, 1_250],
    [0.1, 10],
    [-3, -300],
    [19.99, 1_999],
    ['90071992547409.91', 9_007_199_254_740_991],
  ])('%j → %i fen', (input, fen) => {
    expect(yuanToFen(input)).toBe(fen);
  });

  it.each(['abc', '', '¥', '1,23.00', '12,34', '1,2345', '1e5', '--1', '-¥-1', '1.', '.5', '1 000', '12.3.4', '$12', '+5', 'NaN'])(
    'refuses %j as not an amount, in Chinese and English',
    (input) => {
      const e = (() => {
        try {
          yuanToFen(input);
        } catch (err) {
          return err;
        }
      })();
      expect(e).toBeInstanceOf(DomainError);
      expect((e as DomainError).code).toBe('money.invalid');
      expect((e as DomainError).zh).toContain('不是有效金额');
      expect((e as DomainError).en).toContain('not an amount');
    },
  );

  it.each([['1.234'], ['¥0.001'], [0.1 + 0.2], [1.005]])('refuses %j: more than two decimals is not rounded silently', (input) => {
    expect(() => yuanToFen(input)).toThrow(/最多两位小数.*at most two decimals/);
  });

  it.each([[Number.NaN], [Number.POSITIVE_INFINITY], [1e21]])('refuses the number %s', (input) => {
    expect(() => yuanToFen(input)).toThrow(DomainError);
  });

  it('refuses an amount beyond the safe range rather than rounding it', () => {
    expect(() => yuanToFen('90071992547409.92')).toThrow(/金额超出范围/);
  });
});

describe('formatting', () => {
  it.each([
    [123_450, '¥1,234.50', '1,234.50'],
    [-1_200, '-¥12.00', '-12.00'],
    [0, '¥0.00', '0.00'],
    [5, '¥0.05', '0.05'],
    [-5, '-¥0.05', '-0.05'],
    [99, '¥0.99', '0.99'],
    [100, '¥1.00', '1.00'],
    [99_999_999, '¥999,999.99', '999,999.99'],
    [100_000_000, '¥1,000,000.00', '1,000,000.00'],
    [9_007_199_254_740_991, '¥90,071,992,547,409.91', '90,071,992,547,409.91'],
  ])('%i fen → %s / %s', (fen, withSymbol, plain) => {
    expect(formatFen(fen)).toBe(withSymbol);
    expect(formatYuanPlain(fen)).toBe(plain);
  });

  it.each([1.5, Number.NaN, 2 ** 53])('refuses %s: not an integer number of fen', (fen) => {
    expect(() => formatFen(fen)).toThrow(/integer number of fen/);
  });

  it.each([
    [520_000_000, '5,200,000'],
    [20_800_000, '208,000'],
    [20_800_049, '208,000'],
    [20_800_050, '208,001'],
    [-150, '-2'],
    [-149, '-1'],
    [49, '0'],
    [0, '0'],
  ])('formatYuanWhole(%i) = %s (half away from zero)', (fen, text) => {
    expect(formatYuanWhole(fen)).toBe(text);
  });

  it.each([
    [1200, '12%'],
    [1250, '12.5%'],
    [1234, '12.34%'],
    [1205, '12.05%'],
    [500, '5%'],
    [501, '5.01%'],
    [1, '0.01%'],
    [10, '0.1%'],
    [0, '0%'],
    [10_000, '100%'],
    [-350, '-3.5%'],
    [-10_000, '-100%'],
  ])('formatBp(%i) = %s', (bp, text) => {
    expect(formatBp(bp)).toBe(text);
  });

  it.each([
    [3500, '35.0%'],
    [2000, '20.0%'],
    [1234, '12.3%'],
    [1235, '12.4%'],
    [-1235, '-12.4%'],
    [4, '0.0%'],
    [5, '0.1%'],
    [0, '0.0%'],
  ])('formatBpOneDecimal(%i) = %s', (bp, text) => {
    expect(formatBpOneDecimal(bp)).toBe(text);
  });

  it('refuses fractional basis points', () => {
    expect(() => formatBp(12.5)).toThrow(/whole number/);
  });

  it.each([
    ['12%', 1200],
    ['12', 1200],
    ['12.5%', 1250],
    ['5.01％', 501],
    ['0.5%', 50],
    [3, 300],
    ['100%', 10_000],
  ])('percentToBp(%j) = %i', (input, bp) => {
    expect(percentToBp(input)).toBe(bp);
  });

  it.each(['abc', '12.345', '-5', '1000', '', '%'])('percentToBp refuses %j', (input) => {
    expect(() => percentToBp(input)).toThrow(/不是有效百分比.*not a percentage/);
  });
});

describe('the one rounding rule: half away from zero', () => {
  it.each([
    [5n, 2n, 3n],
    [-5n, 2n, -3n],
    [5n, -2n, -3n],
    [-5n, -2n, 3n],
    [4n, 2n, 2n],
    [7n, 3n, 2n],
    [8n, 3n, 3n],
    [1n, 3n, 0n],
    [-1n, 3n, 0n],
    [0n, 7n, 0n],
    [15n, 10n, 2n],
    [14n, 10n, 1n],
    [-15n, 10n, -2n],
    [10n ** 30n + 5n, 10n, 10n ** 29n + 1n],
  ])('roundHalfUp(%s / %s) = %s', (n, d, q) => {
    expect(roundHalfUp(n, d)).toBe(q);
  });

  it('refuses division by zero', () => {
    expect(() => roundHalfUp(1n, 0n)).toThrow(/division by zero/);
  });

  it.each([
    [10_000, 1300, 1_300],
    [1, 5000, 1],
    [1, 4999, 0],
    [-1, 5000, -1],
    [392_656, 1300, 51_045],
    [460_000, 9700, 446_200],
    [12_345, 0, 0],
    [2 ** 52, 10_000, 2 ** 52],
  ])('applyBp(%i, %i) = %i', (amount, bp, out) => {
    expect(applyBp(amount, bp)).toBe(out);
  });

  it.each([
    [1, 3, 3333],
    [2, 3, 6667],
    [-1, 3, -3333],
    [152_656, 392_656, 3888],
    [5_100_000, 5_000_000, 10_200],
  ])('ratioBp(%i, %i) = %i', (part, whole, bp) => {
    expect(ratioBp(part, whole)).toBe(bp);
  });

  it.each([
    [230, 2000, 10_000, 46],
    [230, 2000, 1, 460_000],
    [3, 5, 10, 2],
    [1, 1, 3, 0],
    [2 ** 40, 2 ** 20, 2 ** 10, 2 ** 50],
    [9_000_000_000, 9_000_000, 10_000, 8_100_000_000_000],
  ])('mulDivHalfUp(%i × %i / %i) = %i, same as BigInt', (a, b, d, out) => {
    expect(mulDivHalfUp(a, b, d)).toBe(out);
    expect(BigInt(mulDivHalfUp(a, b, d))).toBe(roundHalfUp(BigInt(a) * BigInt(b), BigInt(d)));
  });

  it('mulDivHalfUp agrees with BigInt on 5,000 seeded triples, fast path and slow', () => {
    let s = 7;
    const next = (mod: number) => {
      s = (Math.imul(s, 1_103_515_245) + 12_345) >>> 0;
      return s % mod;
    };
    for (let k = 0; k < 5000; k++) {
      const a = next(2 ** 31) * (k % 2 ? 1 : 4096) + next(1000);
      const b = next(100_000);
      const d = 1 + next(100_000);
      expect(BigInt(mulDivHalfUp(a, b, d))).toBe(roundHalfUp(BigInt(a) * BigInt(b), BigInt(d)));
    }
  });
});

describe('products and sums stay exact', () => {
  it.each([
    [230, 2000, 460_000],
    [0, 5, 0],
    [-150, 3, -450],
    [2 ** 26, 2 ** 26, 2 ** 52],
  ])('mulQty(%i, %i) = %i', (unit, qty, out) => {
    expect(mulQty(unit, qty)).toBe(out);
  });

  it.each([
    [2 ** 40, 2 ** 20, /out of range/],
    [230, 1.5, /whole number/],
    [2.5, 2, /integer number of fen/],
  ])('mulQty(%s, %s) is refused', (unit, qty, msg) => {
    expect(() => mulQty(unit, qty)).toThrow(msg);
  });

  it.each([
    [[1, 2, 3], 6],
    [[], 0],
    [[-5, 5], 0],
    [[Number.MAX_SAFE_INTEGER, 0], Number.MAX_SAFE_INTEGER],
  ])('sumFen(%j) = %i', (values, total) => {
    expect(sumFen(values)).toBe(total);
  });

  it.each([
    [[1, 0.5], /integer/],
    [[Number.MAX_SAFE_INTEGER, 1], /sum must be an integer/],
  ])('sumFen(%j) is refused', (values, msg) => {
    expect(() => sumFen(values)).toThrow(msg);
  });
});

describe('allocate: largest remainder, always sums exactly', () => {
  it.each([
    [100, [1, 1, 1], [34, 33, 33]],
    [-100, [1, 1, 1], [-34, -33, -33]],
    [10, [3, 7], [3, 7]],
    [1, [1, 1], [1, 0]],
    [2, [1, 1, 1], [1, 1, 0]],
    [0, [5, 5], [0, 0]],
    [99_999, [2, 3, 5], [20_000, 30_000, 49_999]],
    [7, [0, 0], [4, 3]],
    [7, [0, 3], [0, 7]],
    [10, [1, 2, 2], [2, 4, 4]],
    [11, [1, 2, 2], [2, 5, 4]],
    [-11, [1, 2, 2], [-2, -5, -4]],
    [5, [392_656, 0, 1], [5, 0, 0]],
    [0, [], []],
  ])('allocate(%i, %j) = %j', (total, weights, parts) => {
    const out = allocate(total, weights);
    expect(out).toEqual(parts);
    expect(out.reduce((a, b) => a + b, 0)).toBe(total);
  });

  it.each([
    [5, [], /no parts/],
    [5, [1, -1], /non-negative integers/],
    [5, [1.5, 1], /non-negative integers/],
    [1.5, [1], /integer number of fen/],
  ])('allocate(%s, %j) is refused', (total, weights, msg) => {
    expect(() => allocate(total, weights)).toThrow(msg);
  });

  it('sums exactly for 1,000 seeded random splits, including huge totals', () => {
    let s = 42;
    const next = (mod: number) => {
      s = (Math.imul(s, 1_664_525) + 1_013_904_223) >>> 0;
      return s % mod;
    };
    for (let k = 0; k < 1000; k++) {
      const total = (k % 3 === 0 ? -1 : 1) * (next(2 ** 31) * (k % 5 === 0 ? 2 ** 21 : 1));
      const weights = Array.from({ length: 1 + next(9) }, () => next(1_000_000));
      const out = allocate(total, weights);
      expect(out.reduce((a, b) => a + b, 0)).toBe(total);
      expect(out.every(Number.isSafeInteger)).toBe(true);
    }
  });
});
