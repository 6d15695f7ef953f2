import { assertDay, type Day, daysBetween } from './calendar';
import type { Bilingual } from './errors';
import { assertFen, type Bp, type Fen, formatBp, formatBpOneDecimal, formatFen, formatYuanWhole, roundHalfUp, sumFen } from './money';
import { marginBp } from './pricing';

/**
 * Customer value (客户价值) — the table of the source document:
 *   客户名称 | 累计订单额(元) | 订单数量 | 平均订单金额(元) | 累计毛利(元) | 毛利率(%) | 平均回款周期(天) | 客户价值评级
 * and its point: C has the largest amount, yet its thin margin and slow payment make it
 * worth far less than A. Money that arrives late costs financing and carries default risk,
 * and volume at a low margin earns little; so the rating looks at margin and payment speed
 * before size.
 *
 * THE RATING RULE (first match wins; thresholds are DEFAULT_VALUE_RULE, override per call):
 *   1. 待观察 (watch)        average days to pay > 60, whatever the amount or margin;
 *   2. 高价值 (high value)   amount ≥ ¥3,000,000 AND margin ≥ 30 % AND pays within 45 days;
 *   3. 潜力客户 (potential)  margin ≥ 30 % but amount < ¥3,000,000: profitable, worth growing;
 *   4. 中等价值 (medium)     everyone else (ordinary margin; or large and profitable but paying
 *                           in 46–60 days, or with no payment history to prove it pays fast).
 * With no paid invoice yet the payment speed is unknown: such a customer is never 待观察 for
 * slowness nor 高价值 for speed.
 *
 * Margin = gross profit ÷ amount (bp, rounded half up; pricing.marginBp, so a zero amount is
 * 0 %). Average order = amount ÷ orders, rounded half up to the fen. Amounts should be
 * tax-exclusive, like the costs they are compared with.
 */
export interface ValueRule {
  watchIfPaymentDaysAbove: number;
  highAmountFen: Fen;
  highMarginBp: Bp;
  fastPaymentDays: number;
}

export const DEFAULT_VALUE_RULE: Readonly<ValueRule> = Object.freeze({
  watchIfPaymentDaysAbove: 60,
  highAmountFen: 300_000_000,
  highMarginBp: 3_000,
  fastPaymentDays: 45,
});

export const RATINGS = ['高价值', '中等价值', '待观察', '潜力客户'] as const;
export type Rating = (typeof RATINGS)[number];
export const RATING_EN: Readonly<Record<Rating, string>> = {
  高价值: 'High value',
  中等价值: 'Medium value',
  待观察: 'Watch',
  潜力客户: 'Potential',
};

export interface ValueInput {
  totalAmountFen: Fen;
  orderCount: number;
  grossProfitFen: Fen;
  /** average calendar days from invoice to payment; null when nothing has been paid yet */
  avgPaymentDays: number | null;
}

export interface CustomerValue extends ValueInput {
  avgOrderFen: Fen;
  marginBp: Bp;
  rating: Rating;
  ratingEn: string;
  /** the comparisons that decided the rating, in the order of the rule */
  reasons: Bilingual[];
}

export function customerValue(i: ValueInput, rule: Readonly<ValueRule> = DEFAULT_VALUE_RULE): CustomerValue {
  assertFen(i.totalAmountFen, 'total amount');
  assertFen(i.grossProfitFen, 'gross profit');
  if (!Number.isSafeInteger(i.orderCount) || i.orderCount < 0)
    throw new RangeError(`order count must be a whole number ≥ 0, got ${i.orderCount}`);
  const avgOrderFen = i.orderCount > 0 ? Number(roundHalfUp(BigInt(i.totalAmountFen), BigInt(i.orderCount))) : 0;
  const m = marginBp(i.totalAmountFen, i.totalAmountFen - i.grossProfitFen);
  const days = i.avgPaymentDays;

  const amount = (op: string, t: Fen) => ({
    zh: `累计订单额 ${formatFen(i.totalAmountFen)} ${op} ${formatFen(t)}`,
    en: `total orders ${formatFen(i.totalAmountFen)} ${op} ${formatFen(t)}`,
  });
  const margin = (op: string) => ({
    zh: `毛利率 ${formatBp(m)} ${op} ${formatBp(rule.highMarginBp)}`,
    en: `margin ${formatBp(m)} ${op} ${formatBp(rule.highMarginBp)}`,
  });
  const paying = (op: string, t: number) => ({ zh: `平均回款 ${days} 天 ${op} ${t} 天`, en: `pays in ${days} days on average ${op} ${t}` });
  const noPayments = { zh: '尚无回款记录', en: 'no payment history yet' };

  const bigAmount = i.totalAmountFen >= rule.highAmountFen;
  const highMargin = m >= rule.highMarginBp;
  let rating: Rating;
  let reasons: Bilingual[];
  if (days !== null && days > rule.watchIfPaymentDaysAbove) {
    rating = '待观察';
    reasons = [paying('>', rule.watchIfPaymentDaysAbove)];
  } else if (bigAmount && highMargin && days !== null && days <= rule.fastPaymentDays) {
    rating = '高价值';
    reasons = [amount('≥', rule.highAmountFen), margin('≥'), paying('≤', rule.fastPaymentDays)];
  } else if (highMargin && !bigAmount) {
    rating = '潜力客户';
    reasons = [margin('≥'), amount('<', rule.highAmountFen)];
  } else {
    rating = '中等价值';
    reasons = !highMargin ? [margin('<')] : days === null ? [noPayments] : [paying('>', rule.fastPaymentDays)];
  }
  return { ...pick(i), avgOrderFen, marginBp: m, rating, ratingEn: RATING_EN[rating], reasons };
}

function pick(i: ValueInput): ValueInput {
  return { totalAmountFen: i.totalAmountFen, orderCount: i.orderCount, grossProfitFen: i.grossProfitFen, avgPaymentDays: i.avgPaymentDays };
}

export const CUSTOMER_VALUE_COLUMNS = [
  '客户名称',
  '累计订单额(元)',
  '订单数量',
  '平均订单金额(元)',
  '累计毛利(元)',
  '毛利率(%)',
  '平均回款周期(天)',
  '客户价值评级',
] as const;

/** One row of the report as the source table prints it: whole yuan, margin to one decimal. */
export function customerValueRow(name: string, v: CustomerValue): string[] {
  return [
    name,
    formatYuanWhole(v.totalAmountFen),
    String(v.orderCount),
    formatYuanWhole(v.avgOrderFen),
    formatYuanWhole(v.grossProfitFen),
    formatBpOneDecimal(v.marginBp),
    v.avgPaymentDays === null ? '—' : String(v.avgPaymentDays),
    v.rating,
  ];
}

export interface OrderRow {
  amountFen: Fen;
  costFen: Fen;
  orderDate: Day;
}

export interface PaymentRow {
  invoiceDate: Day;
  paidDate: Day;
}

/**
 * The rating's inputs from raw rows: orders, and either paid invoices or the days each took.
 * Days to pay are calendar days from invoice to payment; a payment before the invoice (a
 * prepayment) counts as 0, not as negative days that would hide another invoice's lateness.
 * The average is rounded half up to whole days.
 */
export function aggregateCustomerValue(
  orders: readonly OrderRow[],
  payments: readonly (PaymentRow | number)[],
): ValueInput & { firstOrderDate: Day | null; lastOrderDate: Day | null } {
  const dates = orders.map((o) => assertDay(o.orderDate, 'order date')).sort();
  const totalAmountFen = sumFen(orders.map((o) => o.amountFen));
  const grossProfitFen = totalAmountFen - sumFen(orders.map((o) => o.costFen));
  const days = payments.map((p) => {
    const d = typeof p === 'number' ? p : daysBetween(p.invoiceDate, p.paidDate);
    if (!Number.isSafeInteger(d)) throw new RangeError(`days to pay must be whole days, got ${d}`);
    return Math.max(0, d);
  });
  const avgPaymentDays = days.length ? Number(roundHalfUp(BigInt(sumFen(days)), BigInt(days.length))) : null;
  return {
    totalAmountFen,
    orderCount: orders.length,
    grossProfitFen,
    avgPaymentDays,
    firstOrderDate: dates[0] ?? null,
    lastOrderDate: dates[dates.length - 1] ?? null,
  };
}

/**
 * RFM (最近一次消费 Recency, 消费频率 Frequency, 消费金额 Monetary), each scored 1–5 by
 * quintile of rank within the customers given, 5 = best (most recent, most orders, most
 * money). Ties: customers with equal values share one score, taken at the MIDDLE of the
 * ranks they jointly occupy — score = 1 + ⌊(first + last + 1) × 5 ÷ 2n⌋ over 0-based
 * ranks — so the result depends neither on input order nor on id, and a population where
 * everyone is equal scores 3, not 1 or 5. With 10 distinct customers scores go 1,1,2,2,…,5,5.
 *
 * Segments (the usual eight of Chinese CRM practice) from whether each score is high
 * (≥ `highScoreAtLeast`, default 4, i.e. roughly the top 40 %):
 *   M high:  R F → 重要价值客户 | R only → 重要发展客户 | F only → 重要保持客户 | neither → 重要挽留客户
 *   M low:   R F → 一般价值客户 | R only → 一般发展客户 | F only → 一般保持客户 | neither → 一般挽留客户
 */
export interface RfmInput {
  id: number | string;
  lastOrderDate: Day;
  orderCount: number;
  totalAmountFen: Fen;
}

export interface RfmScore {
  id: number | string;
  /** days since the last order */
  recencyDays: number;
  r: number;
  f: number;
  m: number;
  segment: string;
  segmentEn: string;
}

function quintileScores(values: readonly number[]): number[] {
  const n = values.length;
  const sorted = [...values].sort((a, b) => a - b);
  return values.map((v) => {
    const first = sorted.indexOf(v);
    const last = sorted.lastIndexOf(v);
    return 1 + Math.floor(((first + last + 1) * 5) / (2 * n));
  });
}

export function rfmScores(customers: readonly RfmInput[], today: Day, opts: { highScoreAtLeast?: number } = {}): RfmScore[] {
  const high = opts.highScoreAtLeast ?? 4;
  const recency = customers.map((c) => daysBetween(c.lastOrderDate, today));
  for (const c of customers) {
    if (!Number.isSafeInteger(c.orderCount) || c.orderCount < 0)
      throw new RangeError(`order count must be a whole number ≥ 0: ${c.orderCount}`);
    assertFen(c.totalAmountFen, 'total amount');
  }
  // fewer days since the last order is better, so rank on the negated days
  const r = quintileScores(recency.map((d) => -d));
  const f = quintileScores(customers.map((c) => c.orderCount));
  const m = quintileScores(customers.map((c) => c.totalAmountFen));
  return customers.map((c, i) => {
    const s = { r: r[i]!, f: f[i]!, m: m[i]! };
    const [segment, segmentEn] = rfmSegment(s.r >= high, s.f >= high, s.m >= high);
    return { id: c.id, recencyDays: recency[i]!, ...s, segment, segmentEn };
  });
}

export function rfmSegment(rHigh: boolean, fHigh: boolean, mHigh: boolean): [zh: string, en: string] {
  if (mHigh) {
    if (rHigh && fHigh) return ['重要价值客户', 'Champion'];
    if (rHigh) return ['重要发展客户', 'Big spender to develop'];
    if (fHigh) return ['重要保持客户', 'Big spender to keep'];
    return ['重要挽留客户', 'Big spender to win back'];
  }
  if (rHigh && fHigh) return ['一般价值客户', 'Loyal small spender'];
  if (rHigh) return ['一般发展客户', 'New small spender'];
  if (fHigh) return ['一般保持客户', 'Regular slipping away'];
  return ['一般挽留客户', 'Lost'];
}
