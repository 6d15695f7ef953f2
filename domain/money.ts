/**
 * Money is an integer number of fen (分). Every multiplication that could leave the safe range
 * (quantity × price × basis points) is done in BigInt, and there is ONE rounding rule:
 * round half away from zero, applied once per line amount (never per unit, never on totals —
 * totals are sums of rounded lines, so they add up to the fen).
 */
export type Fen = number;

export function assertFen(v: number, what = 'amount'): Fen {
  if (!Number.isSafeInteger(v)) throw new RangeError(`${what} must be an integer number of fen, got ${v}`);
  return v;
}

/** round(numerator / denominator), half away from zero, exact for any size. */
export function roundHalfUp(numerator: bigint, denominator: bigint): bigint {
  if (denominator === 0n) throw new RangeError('division by zero');
  const negative = numerator < 0n !== denominator < 0n;
  const n = numerator < 0n ? -numerator : numerator;
  const d = denominator < 0n ? -denominator : denominator;
  const q = (2n * n + d) / (2n * d);
  return negative ? -q : q;
}

/**
 * round(a × b / d) for non-negative safe integers: the same rule as roundHalfUp, on plain
 * numbers while 2ab + d stays below 2^53 (much faster in bulk, e.g. the scale seed), BigInt above.
 */
export function mulDivHalfUp(a: number, b: number, d: number): number {
  if (!Number.isSafeInteger(a) || !Number.isSafeInteger(b) || !Number.isSafeInteger(d) || a < 0 || b < 0 || d <= 0) {
    throw new RangeError(`mulDivHalfUp needs non-negative safe integers: ${a} × ${b} / ${d}`);
  }
  const twice = 2 * a * b + d;
  if (!Number.isSafeInteger(twice)) return Number(roundHalfUp(BigInt(a) * BigInt(b), BigInt(d)));
  const den = 2 * d;
  let q = Math.floor(twice / den);
  // the float quotient can land on the wrong side of an integer: settle it with exact products
  if (q * den > twice) q -= 1;
  else if ((q + 1) * den <= twice) q += 1;
  return q;
}

/** amount × bp / 10,000, rounded once. */
export function applyBp(amount: Fen, bp: number): Fen {
  return Number(roundHalfUp(BigInt(assertFen(amount)) * BigInt(bp), 10_000n));
}

/** unit price × quantity: exact, refused if it leaves the safe range. */
export function mulQty(unit: Fen, qty: number): Fen {
  const v = BigInt(assertFen(unit, 'unit price')) * BigInt(qty);
  if (v > BigInt(Number.MAX_SAFE_INTEGER) || v < BigInt(Number.MIN_SAFE_INTEGER))
    throw new RangeError(`amount out of range: ${unit} × ${qty}`);
  return Number(v);
}

export function sumFen(values: readonly Fen[]): Fen {
  let s = 0;
  for (const v of values) s = assertFen(s + assertFen(v), 'sum');
  return s;
}

/**
 * Splits a total over weights so the parts sum to the total exactly (largest remainder;
 * ties go to the earlier part). Used to spread a document discount or a payment.
 */
export function allocate(total: Fen, weights: readonly number[]): Fen[] {
  assertFen(total);
  const w = weights.map((x) => BigInt(Math.round(x)));
  const sum = w.reduce((a, b) => a + b, 0n);
  if (weights.length === 0) return [];
  if (sum === 0n) return weights.map((_, i) => (i === 0 ? total : 0));
  const t = BigInt(total);
  const base = w.map((x) => (t * x) / sum);
  const rem = w.map((x, i) => ({ i, r: (t * x) % sum }));
  let left = t - base.reduce((a, b) => a + b, 0n);
  rem.sort((a, b) => (a.r === b.r ? a.i - b.i : a.r > b.r ? -1 : 1));
  for (const { i } of rem) {
    if (left === 0n) break;
    base[i] = (base[i] as bigint) + 1n;
    left -= 1n;
  }
  return base.map(Number);
}

const YUAN = /^(-)?¥?\s*(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d{1,2}))?$/;

/** '2.50', '1,234.5', '¥1,234.50', '-3', 12.5 → fen; more than two decimals or garbage is refused. */
export function yuanToFen(input: string | number): Fen {
  const text = typeof input === 'number' ? String(input) : input.trim().replace(/^￥/, '¥').replace(/元$/, '').trim();
  const m = YUAN.exec(text);
  if (!m) throw new RangeError(`不是有效金额 not an amount: "${input}" (例如 e.g. 1234.50)`);
  const whole = BigInt((m[2] as string).replace(/,/g, ''));
  const cents = BigInt(((m[3] ?? '') + '00').slice(0, 2));
  const fen = whole * 100n + cents;
  return assertFen(Number(m[1] ? -fen : fen));
}

function grouped(fen: Fen): string {
  const abs = Math.abs(fen);
  const yuan = Math.floor(abs / 100)
    .toString()
    .replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${yuan}.${String(abs % 100).padStart(2, '0')}`;
}

/** 123450 → '¥1,234.50'; −1200 → '-¥12.00'. */
export function formatFen(fen: Fen): string {
  assertFen(fen);
  return `${fen < 0 ? '-' : ''}¥${grouped(fen)}`;
}

/** 123450 → '1,234.50' (tables where the column says 元). */
export function formatYuanPlain(fen: Fen): string {
  assertFen(fen);
  return `${fen < 0 ? '-' : ''}${grouped(fen)}`;
}

/** Basis points as a percentage with trailing zeros dropped: 1200 → '12%', 1250 → '12.5%'. */
export function formatBp(bp: number): string {
  const sign = bp < 0 ? '-' : '';
  const abs = Math.abs(Math.round(bp));
  const frac = String(abs % 100)
    .padStart(2, '0')
    .replace(/0+$/, '');
  return `${sign}${Math.floor(abs / 100)}${frac ? `.${frac}` : ''}%`;
}

/** '12%', '12.5', 12 → basis points (for parsing a discount a user typed). */
export function percentToBp(input: string | number): number {
  const text = String(input)
    .trim()
    .replace(/[%％]$/, '');
  if (!/^\d{1,3}(\.\d{1,2})?$/.test(text)) throw new RangeError(`不是有效百分比 not a percentage: "${input}" (例如 e.g. 12%)`);
  const [w, f = ''] = text.split('.');
  return Number(w) * 100 + Number((f + '00').slice(0, 2));
}
