/**
 * Integer money for the seed: fen and basis points only, rounding half up, never a float
 * product. (When domain/ grows shared money/VAT functions, the seed should call those.)
 */

/** roundHalfUp(a × b / d) for non-negative integers, exact. */
export function mulDivHalfUp(a: number, b: number, d: number): number {
  if (!Number.isSafeInteger(a) || !Number.isSafeInteger(b) || !Number.isSafeInteger(d) || a < 0 || b < 0 || d <= 0) {
    throw new Error(`mulDivHalfUp needs non-negative safe integers: ${a} × ${b} / ${d}`);
  }
  const twice = 2 * a * b + d;
  // Below 2^53 plain integer arithmetic is exact and much faster than BigInt (the scale seed
  // does this millions of times); above it, BigInt.
  if (Number.isSafeInteger(twice)) {
    const den = 2 * d;
    let q = Math.floor(twice / den);
    // the float quotient can round across an integer; settle it with exact products
    if (q * den > twice) q -= 1;
    else if ((q + 1) * den <= twice) q += 1;
    return q;
  }
  return Number((2n * BigInt(a) * BigInt(b) + BigInt(d)) / (2n * BigInt(d)));
}

/** VAT on a net amount: roundHalfUp(net × rate / 10000). */
export function vatFen(netFen: number, rateBp: number): number {
  return mulDivHalfUp(netFen, rateBp, 10_000);
}

/** A price after a discount in basis points, to the fen. */
export function discountedFen(priceFen: number, discountBp: number): number {
  return mulDivHalfUp(priceFen, 10_000 - discountBp, 10_000);
}

/** A line's net, tax and total: net = qty × unit price, VAT per line. */
export function lineAmounts(qty: number, unitPriceFen: number, rateBp: number): { netFen: number; taxFen: number; totalFen: number } {
  const netFen = qty * unitPriceFen;
  if (!Number.isSafeInteger(netFen)) throw new Error(`line amount out of range: ${qty} × ${unitPriceFen}`);
  const taxFen = vatFen(netFen, rateBp);
  return { netFen, taxFen, totalFen: netFen + taxFen };
}
