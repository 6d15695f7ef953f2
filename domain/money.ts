import { DomainError } from './errors';

/**
 * Money is an integer number of fen (分), always; percentages are integer basis points
 * (1 % = 100 bp). No float ever holds an amount, not even in between: products that can
 * leave the safe range (quantity × price × basis points) are done in BigInt.
 *
 * THE rounding rule, the only one in the product: when a ratio has to become fen (or bp), it is
 * rounded to the nearest integer, halves away from zero (2.5 → 3, −2.5 → −3; 四舍五入 as people
 * do it by hand, symmetric so a credit note rounds like the invoice it cancels). It is applied
 * once per line amount — never per unit, never again on a total: totals are sums of rounded
 * lines, so what the lines show always adds up to the document to the fen.
 */
export type Fen = number;

/** Basis points: 1 % = 100 bp. */
export type Bp = number;

export function assertFen(v: number, what = 'amount'): Fen {
  if (!Number.isSafeInteger(v)) throw new RangeError(`${what} must be an integer number of fen, got ${v}`);
  return v;
}

function assertInt(v: number, what: string): number {
  if (!Number.isSafeInteger(v)) throw new RangeError(`${what} must be a whole number, got ${v}`);
  return v;
}

const MAX = BigInt(Number.MAX_SAFE_INTEGER);

/** A BigInt result back to fen, refused (not silently rounded) if it left the safe range. */
export function toFen(v: bigint, what = 'amount'): Fen {
  if (v > MAX || v < -MAX) throw new RangeError(`${what} out of range: ${v} fen`);
  return Number(v);
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
 * round(a × b / d) for non-negative safe integers, the same rule as roundHalfUp. While 2ab + d
 * stays below 2^53 the quotient comes from a double division (the bulk seed needs the speed)
 * and is then CHECKED against exact integer products and nudged by one if the division landed
 * on the wrong side — so the result is exact; above that it is BigInt throughout.
 */
export function mulDivHalfUp(a: number, b: number, d: number): number {
  if (!Number.isSafeInteger(a) || !Number.isSafeInteger(b) || !Number.isSafeInteger(d) || a < 0 || b < 0 || d <= 0) {
    throw new RangeError(`mulDivHalfUp needs non-negative safe integers: ${a} × ${b} / ${d}`);
  }
  const twice = 2 * a * b + d;
  if (!Number.isSafeInteger(twice)) return toFen(roundHalfUp(BigInt(a) * BigInt(b), BigInt(d)));
  const den = 2 * d;
  let q = Math.floor(twice / den);
  if (q * den > twice) q -= 1;
  else if ((q + 1) * den <= twice) q += 1;
  return q;
}

/** amount × bp / 10,000, rounded once (e.g. a tax or a discount of a line). */
export function applyBp(amountFen: Fen, bp: Bp): Fen {
  return toFen(roundHalfUp(BigInt(assertFen(amountFen)) * BigInt(assertInt(bp, 'basis points')), 10_000n));
}

/** part / whole in basis points, rounded once; the caller decides what a zero whole means. */
export function ratioBp(part: Fen, whole: Fen): Bp {
  if (whole === 0) throw new RangeError('ratio of a zero whole');
  return toFen(roundHalfUp(BigInt(assertFen(part)) * 10_000n, BigInt(assertFen(whole))), 'ratio');
}

/** unit price × quantity: exact, refused if it leaves the safe range. */
export function mulQty(unitFen: Fen, qty: number): Fen {
  const v = BigInt(assertFen(unitFen, 'unit price')) * BigInt(assertInt(qty, 'quantity'));
  return toFen(v, `${unitFen} × ${qty}`);
}

/** Σ, refused as soon as a term or a partial sum is not a safe integer (no silent precision loss). */
export function sumFen(values: readonly Fen[]): Fen {
  let s = 0;
  for (const v of values) s = assertFen(s + assertFen(v), 'sum');
  return s;
}

/**
 * Splits a total over non-negative integer weights so the parts sum to the total exactly
 * (largest remainder; equal remainders go to the earlier part, so the result is
 * deterministic). Used to spread a document discount, a freight charge or a payment over
 * lines. A negative total is split like its absolute value, then negated, so a refund mirrors
 * the charge. All-zero weights split evenly: there is no reason to favour any part. Splitting
 * a non-zero total over no parts at all would lose money, so it is refused.
 */
export function allocate(totalFen: Fen, weights: readonly number[]): Fen[] {
  assertFen(totalFen, 'total');
  for (const w of weights) if (!Number.isSafeInteger(w) || w < 0) throw new RangeError(`weights must be non-negative integers, got ${w}`);
  if (weights.length === 0) {
    if (totalFen !== 0) throw new RangeError(`cannot allocate ${totalFen} fen over no parts`);
    return [];
  }
  const sign = totalFen < 0 ? -1n : 1n;
  const t = BigInt(totalFen) * sign;
  let w = weights.map(BigInt);
  let sum = w.reduce((a, b) => a + b, 0n);
  if (sum === 0n) {
    w = w.map(() => 1n);
    sum = BigInt(w.length);
  }
  const parts = w.map((x) => (t * x) / sum);
  let left = t - parts.reduce((a, b) => a + b, 0n);
  const order = w.map((x, i) => ({ i, r: (t * x) % sum })).sort((a, b) => (a.r === b.r ? a.i - b.i : a.r > b.r ? -1 : 1));
  for (const { i } of order) {
    if (left === 0n) break;
    parts[i] = (parts[i] as bigint) + 1n;
    left -= 1n;
  }
  return parts.map((p) => Number(p * sign));
}

const AMOUNT = /^(-)?\s*[¥￥]?\s*(-)?(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d+))?$/;

/**
 * What a person types or a spreadsheet holds → fen, exactly: '2.50', '1,234.5', '¥1,234.50',
 * '￥88', '30000元', '-3', or a number such as 12.5. Parsed as text so 0.1 + 0.2 is never
 * involved; a number carrying float noise (0.30000000000000004) is refused as having more
 * than two decimals rather than rounded behind the user's back.
 */
export function yuanToFen(input: string | number): Fen {
  if (typeof input === 'number' && !Number.isFinite(input)) throw invalidAmount(input);
  const text = String(input).trim().replace(/元$/, '').trim();
  const m = AMOUNT.exec(text);
  if (!m || (m[1] && m[2])) throw invalidAmount(input);
  const decimals = m[4] ?? '';
  if (decimals.length > 2) {
    throw new DomainError('money.too_many_decimals', {
      zh: `金额最多两位小数（精确到分）："${input}"`,
      en: `an amount has at most two decimals (fen): "${input}"`,
    });
  }
  const fen = BigInt((m[3] as string).replace(/,/g, '')) * 100n + BigInt(decimals.padEnd(2, '0'));
  if (fen > MAX) {
    throw new DomainError('money.out_of_range', { zh: `金额超出范围："${input}"`, en: `amount out of range: "${input}"` });
  }
  return Number(m[1] || m[2] ? -fen : fen);
}

function invalidAmount(input: unknown): DomainError {
  return new DomainError('money.invalid', {
    zh: `不是有效金额："${input}"（例如 1234.50 或 ¥1,234.50）`,
    en: `not an amount: "${input}" (e.g. 1234.50 or ¥1,234.50)`,
  });
}

const THOUSANDS = /\B(?=(\d{3})+(?!\d))/g;

/** Digits only, no division: 123450 → ['1,234', '50']. */
function parts(fen: Fen): [string, string] {
  const digits = String(Math.abs(assertFen(fen))).padStart(3, '0');
  return [digits.slice(0, -2).replace(THOUSANDS, ','), digits.slice(-2)];
}

/** 123450 → '¥1,234.50'; −1200 → '-¥12.00'; 0 → '¥0.00'. */
export function formatFen(fen: Fen): string {
  const [yuan, cents] = parts(fen);
  return `${fen < 0 ? '-' : ''}¥${yuan}.${cents}`;
}

/** 123450 → '1,234.50', for table columns headed (元). */
export function formatYuanPlain(fen: Fen): string {
  const [yuan, cents] = parts(fen);
  return `${fen < 0 ? '-' : ''}${yuan}.${cents}`;
}

/** Whole yuan, rounded by THE rule: 20_800_050 → '208,001'. For reports that show 元 without 分. */
export function formatYuanWhole(fen: Fen): string {
  const yuan = roundHalfUp(BigInt(assertFen(fen)), 100n);
  const abs = (yuan < 0n ? -yuan : yuan).toString().replace(THOUSANDS, ',');
  return `${yuan < 0n ? '-' : ''}${abs}`;
}

/** Basis points as a percentage, trailing zeros dropped: 1200 → '12%', 1250 → '12.5%', 1234 → '12.34%'. */
export function formatBp(bp: Bp): string {
  const digits = String(Math.abs(assertInt(bp, 'basis points'))).padStart(3, '0');
  const frac = digits.slice(-2).replace(/0+$/, '');
  return `${bp < 0 ? '-' : ''}${digits.slice(0, -2)}${frac ? `.${frac}` : ''}%`;
}

/** Basis points with exactly one decimal, rounded by THE rule: 3500 → '35.0%', 1234 → '12.3%'. */
export function formatBpOneDecimal(bp: Bp): string {
  const tenths = roundHalfUp(BigInt(assertInt(bp, 'basis points')), 10n);
  const digits = (tenths < 0n ? -tenths : tenths).toString().padStart(2, '0');
  return `${tenths < 0n ? '-' : ''}${digits.slice(0, -1)}.${digits.slice(-1)}%`;
}

/** '12%', '12.5', '5.01％', 12 → basis points (a discount a user typed); at most two decimals. */
export function percentToBp(input: string | number): Bp {
  const text = String(input)
    .trim()
    .replace(/[%％]$/, '');
  const m = /^(\d{1,3})(?:\.(\d{1,2}))?$/.exec(text);
  if (!m) {
    throw new DomainError('money.invalid_percent', {
      zh: `不是有效百分比："${input}"（例如 12% 或 12.5%）`,
      en: `not a percentage: "${input}" (e.g. 12% or 12.5%)`,
    });
  }
  return Number(m[1]) * 100 + Number((m[2] ?? '').padEnd(2, '0'));
}
