import { type Fen, formatBp, roundHalfUp, sumFen } from './money';
import { lineTax } from './vat';

/**
 * Pricing (Q2). The unit price is the tier price for the quantity (阶梯价格: the highest tier
 * whose minimum the quantity reaches, else the list price). The customer-grade discount and
 * the manual discount combine multiplicatively — net = qty × tier × (1 − grade) × (1 − manual)
 * — and the line is rounded ONCE, half up, on the line amount (per-unit rounding would drift
 * by up to qty fen). Margin = (net − cost) / net, in basis points.
 */

export interface PriceTier {
  minQty: number;
  priceFen: Fen;
}

export function tierPrice(listPriceFen: Fen, tiers: readonly PriceTier[], qty: number): Fen {
  let best: PriceTier | undefined;
  for (const t of tiers) if (qty >= t.minQty && (!best || t.minQty > best.minQty)) best = t;
  return best ? best.priceFen : listPriceFen;
}

export class PricingError extends Error {
  constructor(
    readonly zh: string,
    readonly en: string,
  ) {
    super(`${zh} ${en}`);
  }
}

export interface LineInput {
  qty: number;
  listPriceFen: Fen;
  tiers: readonly PriceTier[];
  /** standard cost per unit */
  costFen: Fen;
  vatRateBp: number;
  gradeDiscountBp: number;
  manualDiscountBp: number;
  /** refuse manual discounts above this (config pricing.maxManualDiscountBp) */
  maxManualDiscountBp?: number;
}

export interface PricedLine {
  qty: number;
  listPriceFen: Fen;
  unitPriceFen: Fen;
  netFen: Fen;
  taxFen: Fen;
  grossFen: Fen;
  costFen: Fen;
  marginFen: Fen;
  marginBp: number;
  /** the one discount equivalent to grade and manual together, off the tier price */
  effectiveDiscountBp: number;
  vatRateBp: number;
}

export function marginBp(netFen: Fen, costFen: Fen): number {
  // A line sold for nothing has no margin to speak of: report −100 % if it costs anything.
  if (netFen === 0) return costFen > 0 ? -10_000 : 0;
  return Number(roundHalfUp(BigInt(netFen - costFen) * 10_000n, BigInt(netFen)));
}

export function priceLine(i: LineInput): PricedLine {
  if (!Number.isInteger(i.qty) || i.qty <= 0)
    throw new PricingError(`数量必须是正整数：${i.qty}`, `quantity must be a positive whole number: ${i.qty}`);
  for (const [name, bp] of [
    ['grade', i.gradeDiscountBp],
    ['manual', i.manualDiscountBp],
  ] as const) {
    if (!Number.isInteger(bp) || bp < 0 || bp > 10_000) throw new PricingError(`折扣无效：${bp}`, `invalid ${name} discount: ${bp} bp`);
  }
  if (i.maxManualDiscountBp !== undefined && i.manualDiscountBp > i.maxManualDiscountBp) {
    throw new PricingError(
      `折扣 ${formatBp(i.manualDiscountBp)} 超过上限 ${formatBp(i.maxManualDiscountBp)}`,
      `discount ${formatBp(i.manualDiscountBp)} exceeds the maximum ${formatBp(i.maxManualDiscountBp)}`,
    );
  }
  const unitPriceFen = tierPrice(i.listPriceFen, i.tiers, i.qty);
  const keep = BigInt(10_000 - i.gradeDiscountBp) * BigInt(10_000 - i.manualDiscountBp);
  const netFen = Number(roundHalfUp(BigInt(i.qty) * BigInt(unitPriceFen) * keep, 100_000_000n));
  const taxFen = lineTax(netFen, i.vatRateBp);
  const costFen = i.qty * i.costFen;
  return {
    qty: i.qty,
    listPriceFen: i.listPriceFen,
    unitPriceFen,
    netFen,
    taxFen,
    grossFen: netFen + taxFen,
    costFen,
    marginFen: netFen - costFen,
    marginBp: marginBp(netFen, costFen),
    effectiveDiscountBp: 10_000 - Number(roundHalfUp(keep, 10_000n)),
    vatRateBp: i.vatRateBp,
  };
}

export interface QuoteTotals {
  netFen: Fen;
  taxFen: Fen;
  grossFen: Fen;
  costFen: Fen;
  marginFen: Fen;
  marginBp: number;
}

/** Totals are sums of the rounded lines: they match the lines to the fen. */
export function quoteTotals(lines: readonly PricedLine[]): QuoteTotals {
  const netFen = sumFen(lines.map((l) => l.netFen));
  const taxFen = sumFen(lines.map((l) => l.taxFen));
  const costFen = sumFen(lines.map((l) => l.costFen));
  return { netFen, taxFen, grossFen: netFen + taxFen, costFen, marginFen: netFen - costFen, marginBp: marginBp(netFen, costFen) };
}
