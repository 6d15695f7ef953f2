import { mulDivHalfUp, mulQty } from '../../domain/money';
import { lineTax } from '../../domain/vat';

/**
 * The seed's money helpers, in the shapes its generators use, on top of the one set of
 * money and VAT rules in domain/ (so demo data is rounded exactly as the product rounds).
 */
export { mulDivHalfUp };

/** VAT on a net amount: the per-line rule of domain/vat. */
export const vatFen = lineTax;

/** A price after a discount in basis points, to the fen. */
export function discountedFen(priceFen: number, discountBp: number): number {
  return mulDivHalfUp(priceFen, 10_000 - discountBp, 10_000);
}

/** A line's net, tax and total: net = qty × unit price, VAT per line. */
export function lineAmounts(qty: number, unitPriceFen: number, rateBp: number): { netFen: number; taxFen: number; totalFen: number } {
  const netFen = mulQty(unitPriceFen, qty);
  const taxFen = lineTax(netFen, rateBp);
  return { netFen, taxFen, totalFen: netFen + taxFen };
}
