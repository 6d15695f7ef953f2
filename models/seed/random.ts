/**
 * A small seeded PRNG for the demo and benchmark data. Math.random cannot be seeded, and the
 * seed must give the same company byte for byte on every machine, so everything random in
 * models/seed draws from here. mulberry32: 32-bit state, fast, good enough for test data
 * (not for anything secret).
 */

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** FNV-1a: turns a label into 32 bits, so forks of one seed get unrelated streams. */
function hash32(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

export class Rng {
  private readonly draw: () => number;

  constructor(readonly seed: number) {
    this.draw = mulberry32(seed);
  }

  /**
   * An independent stream for one part of the data: adding a draw to the customers does not
   * shift every product that comes after it.
   */
  fork(label: string): Rng {
    return new Rng((hash32(label) ^ Math.imul(this.seed >>> 0, 0x9e3779b1)) >>> 0);
  }

  /** [0, 1) */
  next(): number {
    return this.draw();
  }

  /** an integer in [min, max], both included */
  int(min: number, max: number): number {
    return min + Math.floor(this.draw() * (max - min + 1));
  }

  chance(p: number): boolean {
    return this.draw() < p;
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new Error('pick from an empty list');
    return items[Math.floor(this.draw() * items.length)] as T;
  }

  /** picks a value with probability proportional to its weight */
  weighted<T>(choices: readonly (readonly [T, number])[]): T {
    const total = choices.reduce((s, [, w]) => s + w, 0);
    let r = this.draw() * total;
    for (const [value, w] of choices) {
      r -= w;
      if (r < 0) return value;
    }
    const last = choices[choices.length - 1];
    if (!last) throw new Error('weighted pick from an empty list');
    return last[0];
  }

  /** a shuffled copy (Fisher–Yates) */
  shuffle<T>(items: readonly T[]): T[] {
    const a = [...items];
    for (let i = a.length - 1; i > 0; i--) {
      const j = Math.floor(this.draw() * (i + 1));
      [a[i], a[j]] = [a[j] as T, a[i] as T];
    }
    return a;
  }

  /** k distinct items */
  sample<T>(items: readonly T[], k: number): T[] {
    return this.shuffle(items).slice(0, Math.min(k, items.length));
  }

  /** a string of n decimal digits, leading zeros allowed */
  digits(n: number): string {
    let s = '';
    for (let i = 0; i < n; i++) s += String(Math.floor(this.draw() * 10));
    return s;
  }
}
