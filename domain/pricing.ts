import type { Grade } from '../config';
import { type Bilingual, DomainError } from './errors';
import { assertFen, type Bp, type Fen, formatBp, mulQty, ratioBp, roundHalfUp, sumFen, toFen } from './money';
import { lineTax } from './vat';

/**
 * Pricing of a quote line.
 *
 *  - Unit price = the tier price for the quantity (阶梯价格): the tier with the highest minQty
 *    that the quantity reaches, else the list price. Tier order in the input does not matter.
 *  - The customer-grade discount (config pricing.gradeDiscountBp) and the manual discount the
 *    rep asks for combine MULTIPLICATIVELY, each off what the other left:
 *        net = qty × tier × (1 − grade) × (1 − manual)
 *    (3 % and 12 % make 14.64 %, not 15 %: the manual discount is negotiated on the price
 *    the customer already sees).
 *  - The line is rounded ONCE, half away from zero, on the line amount, never per unit:
 *    rounding 230 × 0.97 × 0.88 = 196.328 per unit first would drift by up to ½ fen per unit
 *    (656 fen on 2,000 units here). All of it is one BigInt product over 10^8.
 *  - VAT per line by the rule of vat.ts on the net.
 *  - Margin = (net − cost) / net, in bp, rounded half up; cost = qty × standard unit cost.
 *    Margin is on the net (tax-exclusive) amount: VAT is not the company's money.
 *  - A quote's totals are sums of the rounded lines (never re-rounded); its margin is
 *    Σ margin / Σ net. A zero-revenue line or quote is DEFINED as margin 0 bp when it costs
 *    nothing and −100 % (−10,000 bp) when it costs something: giving goods away must still
 *    trip the "margin below" approval rule rather than divide by zero.
 */

export interface PriceTier {
  minQty: number;
  priceFen: Fen;
}

export class PricingError extends DomainError {}

function assertQty(qty: number): number {
  if (!Number.isSafeInteger(qty) || qty <= 0) {
    throw new PricingError('pricing.invalid_qty', {
      zh: `数量必须是正整数：${qty}`,
      en: `quantity must be a positive whole number: ${qty}`,
    });
  }
  return qty;
}

export function tierPrice(listPriceFen: Fen, tiers: readonly PriceTier[], qty: number): Fen {
  assertFen(listPriceFen, 'list price');
  let best: PriceTier | undefined;
  const seen = new Set<number>();
  for (const t of tiers) {
    if (!Number.isSafeInteger(t.minQty) || t.minQty <= 0) throw new RangeError(`tier minQty must be a positive whole number: ${t.minQty}`);
    if (seen.has(t.minQty)) throw new RangeError(`two tiers start at ${t.minQty}: which price applies is ambiguous`);
    seen.add(t.minQty);
    assertFen(t.priceFen, 'tier price');
    if (qty >= t.minQty && (!best || t.minQty > best.minQty)) best = t;
  }
  return best ? best.priceFen : listPriceFen;
}

/** The standing discount of a customer grade; a grade the config leaves out gets none. */
export function gradeDiscountFor(table: Readonly<Partial<Record<Grade, Bp>>>, grade: Grade): Bp {
  return table[grade] ?? 0;
}

/** See the header: 0 when nothing is sold or spent, −10,000 bp when cost is spent on nothing. */
export function marginBp(netFen: Fen, costFen: Fen): Bp {
  if (netFen === 0) return costFen > 0 ? -10_000 : 0;
  return ratioBp(netFen - costFen, netFen);
}

/** 1 − (1 − a)(1 − b), in bp rounded half up: the single discount equal to two in a row. */
export function combinedDiscountBp(aBp: Bp, bBp: Bp): Bp {
  const keep = BigInt(10_000 - aBp) * BigInt(10_000 - bBp);
  return 10_000 - Number(roundHalfUp(keep, 10_000n));
}

export interface LineInput {
  qty: number;
  listPriceFen: Fen;
  tiers: readonly PriceTier[];
  /** standard cost per unit */
  costFen: Fen;
  vatRateBp: Bp;
  gradeDiscountBp: Bp;
  manualDiscountBp: Bp;
  /** refuse manual discounts above this (config pricing.maxManualDiscountBp); no cap when absent */
  maxManualDiscountBp?: Bp;
}

export interface PricedLine {
  qty: number;
  listPriceFen: Fen;
  /** the tier price per unit, before any discount */
  unitPriceFen: Fen;
  /** qty × tier price, before discounts */
  grossBeforeDiscountFen: Fen;
  netFen: Fen;
  taxFen: Fen;
  grossFen: Fen;
  /** qty × unit cost */
  costFen: Fen;
  marginFen: Fen;
  marginBp: Bp;
  /** grade and manual together as one discount off the tier price */
  effectiveDiscountBp: Bp;
  gradeDiscountBp: Bp;
  manualDiscountBp: Bp;
  vatRateBp: Bp;
}

function assertDiscount(bp: Bp, name: Bilingual): void {
  if (!Number.isInteger(bp) || bp < 0 || bp > 10_000) {
    throw new PricingError('pricing.invalid_discount', {
      zh: `${name.zh}无效：${bp} 基点（应为 0–10000）`,
      en: `invalid ${name.en}: ${bp} bp (expected 0–10000)`,
    });
  }
}

export function priceLine(i: LineInput): PricedLine {
  const qty = assertQty(i.qty);
  assertDiscount(i.gradeDiscountBp, { zh: '客户等级折扣', en: 'grade discount' });
  assertDiscount(i.manualDiscountBp, { zh: '手工折扣', en: 'manual discount' });
  if (i.maxManualDiscountBp !== undefined && i.manualDiscountBp > i.maxManualDiscountBp) {
    throw new PricingError('pricing.discount_over_max', {
      zh: `折扣 ${formatBp(i.manualDiscountBp)} 超过上限 ${formatBp(i.maxManualDiscountBp)}`,
      en: `discount ${formatBp(i.manualDiscountBp)} exceeds the maximum ${formatBp(i.maxManualDiscountBp)}`,
    });
  }
  const unitPriceFen = tierPrice(i.listPriceFen, i.tiers, qty);
  const grossBeforeDiscountFen = mulQty(unitPriceFen, qty);
  const keep = BigInt(10_000 - i.gradeDiscountBp) * BigInt(10_000 - i.manualDiscountBp);
  const netFen = toFen(roundHalfUp(BigInt(grossBeforeDiscountFen) * keep, 100_000_000n), 'net amount');
  const taxFen = lineTax(netFen, i.vatRateBp);
  const costFen = mulQty(i.costFen, qty);
  return {
    qty,
    listPriceFen: i.listPriceFen,
    unitPriceFen,
    grossBeforeDiscountFen,
    netFen,
    taxFen,
    grossFen: sumFen([netFen, taxFen]),
    costFen,
    marginFen: netFen - costFen,
    marginBp: marginBp(netFen, costFen),
    effectiveDiscountBp: combinedDiscountBp(i.gradeDiscountBp, i.manualDiscountBp),
    gradeDiscountBp: i.gradeDiscountBp,
    manualDiscountBp: i.manualDiscountBp,
    vatRateBp: i.vatRateBp,
  };
}

export interface QuoteTotals {
  grossBeforeDiscountFen: Fen;
  netFen: Fen;
  taxFen: Fen;
  /** 价税合计: what approvals and credit compare */
  grossFen: Fen;
  costFen: Fen;
  marginFen: Fen;
  marginBp: Bp;
  /** Σ discount ÷ Σ tier amount, bp; 0 for an empty quote */
  effectiveDiscountBp: Bp;
  /** the largest manual discount on any line: the one the approval policy compares */
  maxManualDiscountBp: Bp;
}

/** Totals are sums of the rounded lines: they match the lines to the fen. */
export function quoteTotals(lines: readonly PricedLine[]): QuoteTotals {
  const sum = (f: (l: PricedLine) => Fen) => sumFen(lines.map(f));
  const before = sum((l) => l.grossBeforeDiscountFen);
  const netFen = sum((l) => l.netFen);
  const costFen = sum((l) => l.costFen);
  return {
    grossBeforeDiscountFen: before,
    netFen,
    taxFen: sum((l) => l.taxFen),
    grossFen: sum((l) => l.grossFen),
    costFen,
    marginFen: netFen - costFen,
    marginBp: marginBp(netFen, costFen),
    effectiveDiscountBp: before === 0 ? 0 : ratioBp(before - netFen, before),
    maxManualDiscountBp: lines.reduce((m, l) => Math.max(m, l.manualDiscountBp), 0),
  };
}

/** Prices every line (applying one cap to all, if given) and totals them. */
export function priceQuote(inputs: readonly LineInput[], opts: { maxManualDiscountBp?: Bp } = {}): QuoteTotals & { lines: PricedLine[] } {
  const lines = inputs.map((l) => priceLine({ ...l, maxManualDiscountBp: l.maxManualDiscountBp ?? opts.maxManualDiscountBp }));
  return { lines, ...quoteTotals(lines) };
}
