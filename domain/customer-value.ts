import dayjs from 'dayjs';
import { type Fen, roundHalfUp, sumFen } from './money';
import { marginBp } from './pricing';

/**
 * Customer value (R2), after the table in seed 000 (累计订单额, 订单数量, 平均订单金额,
 * 累计毛利, 毛利率, 平均回款周期, 客户价值评级). The rating rule, in order:
 *   1. average days to pay above 60 → 待观察 (watch): slow money outweighs volume, however large;
 *   2. cumulative amount ≥ ¥3,000,000, margin ≥ 30 % and paying within 45 days → 高价值;
 *   3. margin ≥ 30 % (but smaller or slower) → 潜力客户 (potential: profitable, worth growing);
 *   4. everyone else → 中等价值.
 * The thresholds are parameters; these defaults reproduce the four rows of the table.
 */

export const VALUE_RULE = {
  watchIfPaymentDaysAbove: 60,
  highValueMinAmountFen: 300_000_000,
  highMarginBp: 3_000,
  highValueMaxPaymentDays: 45,
};
export type ValueRule = typeof VALUE_RULE;

export type Rating = '高价值' | '中等价值' | '待观察' | '潜力客户';
const RATING_EN: Record<Rating, string> = { 高价值: 'High value', 中等价值: 'Medium value', 待观察: 'Watch', 潜力客户: 'Potential' };

export interface ValueInput {
  totalAmountFen: Fen;
  orderCount: number;
  grossProfitFen: Fen;
  avgPaymentDays: number;
}

export interface CustomerValue extends ValueInput {
  avgOrderFen: Fen;
  marginBp: number;
  rating: Rating;
  ratingEn: string;
  reason: { zh: string; en: string };
}

export function customerValue(i: ValueInput, rule: ValueRule = VALUE_RULE): CustomerValue {
  const avgOrderFen = i.orderCount > 0 ? Number(roundHalfUp(BigInt(i.totalAmountFen), BigInt(i.orderCount))) : 0;
  const m = marginBp(i.totalAmountFen, i.totalAmountFen - i.grossProfitFen);
  let rating: Rating;
  let reason: { zh: string; en: string };
  if (i.avgPaymentDays > rule.watchIfPaymentDaysAbove) {
    rating = '待观察';
    reason = {
      zh: `平均回款 ${i.avgPaymentDays} 天，超过 ${rule.watchIfPaymentDaysAbove} 天`,
      en: `pays in ${i.avgPaymentDays} days on average, over ${rule.watchIfPaymentDaysAbove}`,
    };
  } else if (i.totalAmountFen >= rule.highValueMinAmountFen && m >= rule.highMarginBp && i.avgPaymentDays <= rule.highValueMaxPaymentDays) {
    rating = '高价值';
    reason = { zh: '订单额大、毛利率高、回款快', en: 'large volume, high margin, pays fast' };
  } else if (m >= rule.highMarginBp) {
    rating = '潜力客户';
    reason = { zh: '毛利率高，订单额尚小', en: 'high margin, volume still small' };
  } else {
    rating = '中等价值';
    reason = { zh: '订单额或毛利率一般', en: 'ordinary volume or margin' };
  }
  return { ...i, avgOrderFen, marginBp: m, rating, ratingEn: RATING_EN[rating], reason };
}

/** The inputs from raw rows: orders (amount, cost) and paid invoices (issued and paid dates). */
export function aggregateCustomerValue(
  orders: readonly { amountFen: Fen; costFen: Fen }[],
  paidInvoices: readonly { issuedDate: string; paidDate: string }[],
): ValueInput {
  const totalAmountFen = sumFen(orders.map((o) => o.amountFen));
  const grossProfitFen = totalAmountFen - sumFen(orders.map((o) => o.costFen));
  const days = paidInvoices.map((p) => dayjs(p.paidDate).diff(dayjs(p.issuedDate), 'day'));
  const avgPaymentDays = days.length ? Math.round(days.reduce((a, b) => a + b, 0) / days.length) : 0;
  return { totalAmountFen, orderCount: orders.length, grossProfitFen, avgPaymentDays };
}

/** Margin as in the table: one decimal, e.g. 3500 bp → '35.0%'. */
export function formatMarginOneDecimal(bp: number): string {
  const tenths = Number(roundHalfUp(BigInt(bp), 10n));
  return `${tenths < 0 ? '-' : ''}${Math.floor(Math.abs(tenths) / 10)}.${Math.abs(tenths) % 10}%`;
}

export interface RfmInput {
  id: number | string;
  lastOrderDate: string;
  orderCount: number;
  totalAmountFen: Fen;
}

export interface RfmScore {
  id: number | string;
  r: number;
  f: number;
  m: number;
  segment: string;
  segmentEn: string;
}

/**
 * RFM scores 1–5 by quintile of rank (5 = best: most recent, most orders, most money). Equal
 * values get equal scores (the score of the first of them), so the result does not depend on
 * input order. Segments: a score of 4 or 5 counts as high.
 */
export function rfmScores(customers: readonly RfmInput[], today: string): RfmScore[] {
  const n = customers.length;
  const score = (value: (c: RfmInput) => number) => {
    const sorted = [...customers].sort((a, b) => value(a) - value(b) || String(a.id).localeCompare(String(b.id)));
    const firstIndex = new Map<number, number>();
    sorted.forEach((c, i) => {
      if (!firstIndex.has(value(c))) firstIndex.set(value(c), i);
    });
    return (c: RfmInput) => 1 + Math.floor(((firstIndex.get(value(c)) as number) * 5) / n);
  };
  const recency = (c: RfmInput) => -dayjs(today).diff(dayjs(c.lastOrderDate), 'day');
  const r = score(recency);
  const f = score((c) => c.orderCount);
  const m = score((c) => c.totalAmountFen);
  return customers.map((c) => {
    const s = { r: r(c), f: f(c), m: m(c) };
    const [segment, segmentEn] = segmentOf(s.r >= 4, s.f >= 4, s.m >= 4);
    return { id: c.id, ...s, segment, segmentEn };
  });
}

function segmentOf(r: boolean, f: boolean, m: boolean): [string, string] {
  if (m) {
    if (r && f) return ['重要价值客户', 'Champion'];
    if (r) return ['重要发展客户', 'Promising big spender'];
    if (f) return ['重要保持客户', 'Big spender slipping away'];
    return ['重要挽留客户', 'Big spender to win back'];
  }
  if (r && f) return ['一般价值客户', 'Loyal small spender'];
  if (r) return ['一般发展客户', 'New small spender'];
  if (f) return ['一般保持客户', 'Regular slipping away'];
  return ['一般挽留客户', 'Lost'];
}
