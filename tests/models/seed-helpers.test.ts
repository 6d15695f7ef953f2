import { describe, expect, it } from 'vitest';
import { Calendar } from '../../models/seed/calendar';
import { creditCode, isValidUscc } from '../../models/seed/credit-code';
import { discountedFen, lineAmounts, mulDivHalfUp, vatFen } from '../../models/seed/money';
import { createProgressBar, formatDuration, renderBar } from '../../models/seed/progress';
import { Rng } from '../../models/seed/random';

describe('seeded PRNG', () => {
  it('repeats for a seed and differs between seeds and forks', () => {
    const draw = (r: Rng) => Array.from({ length: 8 }, () => r.int(0, 1_000_000));
    expect(draw(new Rng(42))).toEqual(draw(new Rng(42)));
    expect(draw(new Rng(42))).not.toEqual(draw(new Rng(43)));
    expect(draw(new Rng(42).fork('a'))).toEqual(draw(new Rng(42).fork('a')));
    expect(draw(new Rng(42).fork('a'))).not.toEqual(draw(new Rng(42).fork('b')));
  });

  it('stays in range and honours weights', () => {
    const r = new Rng(1);
    const ints = Array.from({ length: 5_000 }, () => r.int(3, 7));
    expect(Math.min(...ints)).toBe(3);
    expect(Math.max(...ints)).toBe(7);
    const picks = Array.from({ length: 10_000 }, () =>
      r.weighted([
        ['a', 9],
        ['b', 1],
        ['c', 0],
      ] as const),
    );
    const a = picks.filter((p) => p === 'a').length;
    expect(a).toBeGreaterThan(8_700);
    expect(a).toBeLessThan(9_300);
    expect(picks).not.toContain('c');
    const items = [1, 2, 3, 4, 5, 6, 7, 8];
    const shuffled = r.shuffle(items);
    expect([...shuffled].sort()).toEqual(items);
    expect(new Set(r.sample(items, 5)).size).toBe(5);
    expect(r.digits(11)).toMatch(/^\d{11}$/);
  });
});

describe('seed money', () => {
  it('rounds VAT half up, exactly, also beyond 2^53', () => {
    expect(vatFen(2_654_867, 1_300)).toBe(345_133);
    expect(vatFen(50, 1_300)).toBe(7); // 6.5 → 7
    expect(vatFen(49, 1_300)).toBe(6); // 6.37 → 6
    expect(vatFen(0, 600)).toBe(0);
    expect(discountedFen(250, 300)).toBe(243); // 242.5 → 243
    expect(mulDivHalfUp(9_007_199_254_740_991, 1_300, 10_000)).toBe(Number((9_007_199_254_740_991n * 1_300n + 5_000n) / 10_000n));
    expect(lineAmounts(1_000, 230, 1_300)).toEqual({ netFen: 230_000, taxFen: 29_900, totalFen: 259_900 });
    expect(() => mulDivHalfUp(1.5, 2, 3)).toThrow();
  });
});

describe('unified social credit codes', () => {
  it('are 18 characters with both check characters valid', () => {
    const r = new Rng(9);
    for (let i = 0; i < 200; i++) {
      const code = creditCode(r, '310115');
      expect(code).toMatch(/^91310115[0-9A-HJ-NPQRTUW-Y]{10}$/);
      expect(isValidUscc(code)).toBe(true);
    }
    expect(isValidUscc('91350100M000100Y43')).toBe(true); // a published example
    expect(isValidUscc('91350100M000100Y44')).toBe(false);
  });
});

describe('calendar', () => {
  it('counts days in Asia/Shanghai', () => {
    const cal = new Calendar('2026-11-23');
    expect(cal.day(0)).toBe('2026-11-23');
    expect(cal.day(-365)).toBe('2025-11-23');
    expect(cal.compact(8)).toBe('20261201');
    expect(cal.at(0, 0).toISOString()).toBe('2026-11-22T16:00:00.000Z');
    expect(cal.offsetOf('2026-10-29')).toBe(-25);
    expect(() => new Calendar('23/11/2026')).toThrow();
  });
});

describe('progress bar', () => {
  it('renders percentage, rate and ETA', () => {
    expect(renderBar('x', 500, 1_000, 10_000)).toContain(' 50.0% 500/1,000 · 50 rows/s · ETA 0:10');
    expect(formatDuration(3_725)).toBe('1:02:05');
    expect(formatDuration(Number.POSITIVE_INFINITY)).toBe('--:--');
  });

  it('prints a line per 10 % when not on a terminal, and redraws in place on one', () => {
    let clock = 0;
    const log: string[] = [];
    const bar = createProgressBar(1_000, { stream: { isTTY: false, write: (s) => log.push(s) }, now: () => clock });
    for (let done = 0; done <= 1_000; done += 25) {
      clock += 10;
      bar.update(done);
    }
    bar.finish();
    expect(log.length).toBe(11);
    expect(log.every((l) => l.endsWith('\n') && !l.includes('\r'))).toBe(true);

    const tty: string[] = [];
    clock = 0;
    const live = createProgressBar(1_000, { stream: { isTTY: true, write: (s) => tty.push(s) }, now: () => clock });
    for (let done = 0; done <= 1_000; done += 10) {
      clock += 50;
      live.update(done);
    }
    live.finish();
    expect(tty.length).toBeGreaterThan(20);
    expect(tty.slice(0, -1).every((l) => l.startsWith('\r'))).toBe(true);
    expect(tty.at(-1)).toBe('\n');
  });
});
