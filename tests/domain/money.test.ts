import { describe, expect, it } from 'vitest';
import {
  allocate,
  applyBp,
  formatBp,
  formatFen,
  formatYuanPlain,
  mulQty,
  percentToBp,
  roundHalfUp,
  sumFen,
  yuanToFen,
} from '../../domain/money';

describe('yuanToFen', () => {
  it.each([
    ['2.50', 250],
    ['2.5', 250],
    ['1,234.5', 123_450],
    ['¥1,234.50', 123_450],
    ['￥88', 8_800],
    ['30000元', 3_000_000],
    ['-3', -300],
    ['0.01', 1],
    [' 12.3 ', 1_230],
    [12.5, 1_250],
    ['90071992547409.91', 9_007_199_254_740_991],
  ])('%s → %i fen', (input, fen) => {
    expect(yuanToFen(input)).toBe(fen);
  });

  it.each(['1.234', 'abc', '', '1,23.00', '¥', '12,34', '1e5', '--1'])('refuses %j with a Chinese and English reason', (input) => {
    expect(() => yuanToFen(input)).toThrow(/不是有效金额 not an amount/);
  });
});

describe('formatting', () => {
  it.each([
    [123_450, '¥1,234.50'],
    [-1_200, '-¥12.00'],
    [0, '¥0.00'],
    [5, '¥0.05'],
    [100_000_000, '¥1,000,000.00'],
    [99, '¥0.99'],
  ])('formatFen(%i) = %s', (fen, text) => {
    expect(formatFen(fen)).toBe(text);
  });

  it('formatYuanPlain drops the symbol', () => {
    expect(formatYuanPlain(520_000_000)).toBe('5,200,000.00');
  });

  it('refuses a fractional fen', () => {
    expect(() => formatFen(1.5)).toThrow(/integer number of fen/);
  });

  it.each([
    [1200, '12%'],
    [1250, '12.5%'],
    [1234, '12.34%'],
    [500, '5%'],
    [501, '5.01%'],
    [0, '0%'],
    [-350, '-3.5%'],
  ])('formatBp(%i) = %s', (bp, text) => {
    expect(formatBp(bp)).toBe(text);
  });

  it.each([
    ['12%', 1200],
    ['12', 1200],
    ['12.5%', 1250],
    ['5.01％', 501],
    [3, 300],
  ])('percentToBp(%j) = %i', (input, bp) => {
    expect(percentToBp(input)).toBe(bp);
  });

  it.each(['abc', '12.345', '-5', '1000'])('percentToBp refuses %j', (input) => {
    expect(() => percentToBp(input)).toThrow(/not a percentage/);
  });
});

describe('arithmetic', () => {
  it.each([
    [5n, 2n, 3n],
    [-5n, 2n, -3n],
    [4n, 2n, 2n],
    [7n, 3n, 2n],
    [8n, 3n, 3n],
    [1n, 3n, 0n],
    [-1n, 3n, 0n],
  ])('roundHalfUp(%s / %s) = %s (half away from zero)', (n, d, q) => {
    expect(roundHalfUp(n, d)).toBe(q);
  });

  it.each([
    [10_000, 1300, 1_300],
    [1, 5000, 1],
    [1, 4999, 0],
    [-1, 5000, -1],
    [392_656, 1300, 51_045],
  ])('applyBp(%i, %i) = %i', (amount, bp, out) => {
    expect(applyBp(amount, bp)).toBe(out);
  });

  it('mulQty is exact and refuses overflow', () => {
    expect(mulQty(230, 2000)).toBe(460_000);
    expect(() => mulQty(2 ** 40, 2 ** 20)).toThrow(/out of range/);
  });

  it('sumFen refuses a non-integer', () => {
    expect(sumFen([1, 2, 3])).toBe(6);
    expect(() => sumFen([1, 0.5])).toThrow(/integer/);
  });

  it.each([
    [100, [1, 1, 1], [34, 33, 33]],
    [10, [3, 7], [3, 7]],
    [1, [1, 1], [1, 0]],
    [0, [5, 5], [0, 0]],
    [99_999, [2, 3, 5], [20_000, 30_000, 49_999]],
    [7, [0, 0], [7, 0]],
  ])('allocate(%i, %j) sums exactly', (total, weights, parts) => {
    const out = allocate(total, weights);
    expect(out).toEqual(parts);
    expect(out.reduce((a, b) => a + b, 0)).toBe(total);
  });
});
