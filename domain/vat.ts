import { assertFen, type Bp, type Fen, roundHalfUp, sumFen, toFen } from './money';

/**
 * VAT (增值税) at 13 / 9 / 6 / 0 %.
 *
 * The rounding rule, chosen so lines always add up to the document:
 *   - prices are tax-exclusive (不含税); a line's net amount is already whole fen;
 *   - tax of a line = roundHalfUp(net × rate), once per line (as on a 增值税发票, where each
 *     line carries its own 税额);
 *   - document net = Σ line net, document tax = Σ line tax, document total (价税合计) =
 *     Σ (line net + line tax). Nothing is re-rounded on the document, so Σ lines === total,
 *     always. (Rounding the document's tax separately would differ from Σ line tax by up to
 *     half a fen per line: three lines of ¥0.04 at 13 % have 3 fen of line tax, 2 fen "overall".)
 *
 * Tax-inclusive amounts (含税: an invoice total, a receipt) are split the other way:
 * net = roundHalfUp(gross / (1 + rate)), tax = gross − net, so net + tax === gross exactly.
 *
 * Rates are not restricted to the four standard ones: 3 % / 1 % (small-scale taxpayers) may
 * be configured, so any whole bp in 0..10,000 is accepted.
 */
export const VAT_RATES_BP = [1300, 900, 600, 0] as const;
export type StandardVatRateBp = (typeof VAT_RATES_BP)[number];

function assertRate(rateBp: Bp): bigint {
  if (!Number.isInteger(rateBp) || rateBp < 0 || rateBp > 10_000)
    throw new RangeError(`VAT rate must be whole basis points 0..10000: ${rateBp}`);
  return BigInt(rateBp);
}

export function lineTax(netFen: Fen, rateBp: Bp): Fen {
  return toFen(roundHalfUp(BigInt(assertFen(netFen, 'net amount')) * assertRate(rateBp), 10_000n), 'tax');
}

export interface TaxedLine {
  netFen: Fen;
  taxFen: Fen;
  grossFen: Fen;
}

export function taxLine(netFen: Fen, rateBp: Bp): TaxedLine {
  const taxFen = lineTax(netFen, rateBp);
  return { netFen, taxFen, grossFen: sumFen([netFen, taxFen]) };
}

/** A tax-inclusive amount split so net + tax === gross exactly (negative for a red-letter credit note). */
export function splitInclusive(grossFen: Fen, rateBp: Bp): { netFen: Fen; taxFen: Fen } {
  const netFen = toFen(roundHalfUp(BigInt(assertFen(grossFen, 'gross amount')) * 10_000n, 10_000n + assertRate(rateBp)));
  return { netFen, taxFen: grossFen - netFen };
}

export interface VatLineInput {
  netFen: Fen;
  rateBp: Bp;
  /** already computed elsewhere (a priced quote line); otherwise computed here by the one rule */
  taxFen?: Fen;
}

export interface RateSummary {
  rateBp: Bp;
  netFen: Fen;
  taxFen: Fen;
  grossFen: Fen;
}

export interface DocumentTotals {
  lines: (TaxedLine & { rateBp: Bp })[];
  netFen: Fen;
  taxFen: Fen;
  grossFen: Fen;
  /** per rate, highest rate first: the 税率 summary block of an invoice */
  byRate: RateSummary[];
}

export function documentTotals(input: readonly VatLineInput[]): DocumentTotals {
  const lines = input.map((l) => {
    assertRate(l.rateBp);
    const taxFen = l.taxFen ?? lineTax(l.netFen, l.rateBp);
    return { netFen: assertFen(l.netFen), taxFen: assertFen(taxFen), grossFen: sumFen([l.netFen, taxFen]), rateBp: l.rateBp };
  });
  const rates = [...new Set(lines.map((l) => l.rateBp))].sort((a, b) => b - a);
  const byRate = rates.map((rateBp) => {
    const of = lines.filter((l) => l.rateBp === rateBp);
    return {
      rateBp,
      netFen: sumFen(of.map((l) => l.netFen)),
      taxFen: sumFen(of.map((l) => l.taxFen)),
      grossFen: sumFen(of.map((l) => l.grossFen)),
    };
  });
  return {
    lines,
    netFen: sumFen(lines.map((l) => l.netFen)),
    taxFen: sumFen(lines.map((l) => l.taxFen)),
    grossFen: sumFen(lines.map((l) => l.grossFen)),
    byRate,
  };
}
