import { type Fen, roundHalfUp, sumFen } from './money';

/**
 * VAT (增值税) at 13 / 9 / 6 / 0 %. Prices are tax-exclusive (不含税); the tax of a line is
 * round-half-up(net × rate), the same per-line rule the Golden Tax invoices use. A document's
 * tax is the sum of its lines' tax and its total the sum of its lines' totals, so the lines
 * always add up to the document to the fen — nothing is re-rounded on the total.
 */
export const VAT_RATES_BP = [1300, 900, 600, 0] as const;

export function lineTax(netFen: Fen, rateBp: number): Fen {
  if (!Number.isInteger(rateBp) || rateBp < 0) throw new RangeError(`VAT rate must be whole basis points: ${rateBp}`);
  return Number(roundHalfUp(BigInt(netFen) * BigInt(rateBp), 10_000n));
}

export interface TaxedLine {
  netFen: Fen;
  taxFen: Fen;
  grossFen: Fen;
}

export function taxLine(netFen: Fen, rateBp: number): TaxedLine {
  const taxFen = lineTax(netFen, rateBp);
  return { netFen, taxFen, grossFen: netFen + taxFen };
}

/** A tax-inclusive amount (an invoice total, a receipt) split so net + tax = gross exactly. */
export function splitInclusive(grossFen: Fen, rateBp: number): { netFen: Fen; taxFen: Fen } {
  const netFen = Number(roundHalfUp(BigInt(grossFen) * 10_000n, BigInt(10_000 + rateBp)));
  return { netFen, taxFen: grossFen - netFen };
}

export interface DocumentTotals {
  netFen: Fen;
  taxFen: Fen;
  grossFen: Fen;
  /** tax per rate, for the invoice summary */
  byRate: Record<number, { netFen: Fen; taxFen: Fen }>;
}

export function documentTotals(lines: readonly { netFen: Fen; taxFen: Fen; rateBp: number }[]): DocumentTotals {
  const byRate: DocumentTotals['byRate'] = {};
  for (const l of lines) {
    const r = byRate[l.rateBp] ?? { netFen: 0, taxFen: 0 };
    byRate[l.rateBp] = r;
    r.netFen += l.netFen;
    r.taxFen += l.taxFen;
  }
  const netFen = sumFen(lines.map((l) => l.netFen));
  const taxFen = sumFen(lines.map((l) => l.taxFen));
  return { netFen, taxFen, grossFen: netFen + taxFen, byRate };
}
