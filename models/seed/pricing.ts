import { type ProductInfo, tierPriceFen } from './catalog';
import { discountedFen, lineAmounts, vatFen } from './money';
import type { Rng } from './random';

/**
 * Order lines as the pricing rules make them: the tier price for the quantity, less the
 * customer-grade and manual discounts (added, in basis points), rounded to the fen; then
 * net = qty × unit price and VAT per line.
 */

export interface LineDraft {
  product: ProductInfo;
  qty: number;
  unitPriceFen: number;
  netFen: number;
  taxFen: number;
  totalFen: number;
  costFen: number;
}

export function draftLine(p: ProductInfo, qty: number, discountBp: number): LineDraft {
  const unitPriceFen = discountedFen(tierPriceFen(p, qty), discountBp);
  return { product: p, qty, unitPriceFen, ...lineAmounts(qty, unitPriceFen, p.vatRateBp), costFen: qty * p.costFen };
}

/** A quantity a customer of this trade would order of an item at this price. */
export function typicalQty(rng: Rng, p: ProductInfo): number {
  if (p.service) return rng.int(1, 2);
  if (p.listFen < 100) return rng.int(5, 100) * 100;
  if (p.listFen < 1_000) return rng.int(5, 200) * 10;
  if (p.listFen < 10_000) return rng.int(1, 40) * 5;
  if (p.listFen < 50_000) return rng.int(1, 30);
  return rng.int(1, 5);
}

/** The smallest net whose net + VAT is exactly `total`, if there is one (VAT rounding skips some totals). */
function netForTotal(total: number, rateBp: number): number | null {
  const guess = Math.floor((total * 10_000) / (10_000 + rateBp));
  for (let n = Math.max(0, guess - 2); n <= guess + 2; n++) if (n + vatFen(n, rateBp) === total) return n;
  return null;
}

/**
 * Lines whose grand total (net + VAT) is exactly `targetFen`, for the fixed receivables the
 * tests count to the fen: random lines up to near the target, then a last line whose
 * quantity × unit price hits the remainder exactly, searched over products and tiers.
 */
export function linesForTotal(rng: Rng, products: readonly ProductInfo[], targetFen: number, discountBp: number): LineDraft[] {
  for (let attempt = 0; attempt < 10_000; attempt++) {
    const lines: LineDraft[] = [];
    let sum = 0;
    const used = new Set<number>();
    while (sum < targetFen - 200_000) {
      const p = rng.pick(products);
      if (used.has(p.id)) continue;
      const l = draftLine(p, typicalQty(rng, p), discountBp);
      if (sum + l.totalFen > targetFen - 20_000) {
        if (lines.length > 6) break;
        continue;
      }
      used.add(p.id);
      lines.push(l);
      sum += l.totalFen;
    }
    const rest = targetFen - sum;
    if (rest <= 0) continue;
    for (const p of rng.shuffle(products)) {
      if (used.has(p.id)) continue;
      const net = netForTotal(rest, p.vatRateBp);
      if (net === null) continue; // VAT rounding skips this total at this rate
      const bounds = [1, ...p.tiers.map((t) => t.minQty), Number.POSITIVE_INFINITY];
      for (let i = 0; i + 1 < bounds.length; i++) {
        const unit = discountedFen(tierPriceFen(p, bounds[i] as number), discountBp);
        if (unit <= 0 || net % unit !== 0) continue;
        const qty = net / unit;
        if (qty >= (bounds[i] as number) && qty < (bounds[i + 1] as number) && qty <= 50_000) {
          const last = draftLine(p, qty, discountBp);
          if (last.totalFen === rest) return [...lines, last];
        }
      }
    }
  }
  throw new Error(`no lines found that total exactly ${targetFen} fen`);
}

/** Order header sums from its lines. */
export function sumLines(lines: readonly Pick<LineDraft, 'netFen' | 'taxFen' | 'totalFen' | 'costFen'>[]) {
  return lines.reduce(
    (s, l) => ({
      netFen: s.netFen + l.netFen,
      taxFen: s.taxFen + l.taxFen,
      totalFen: s.totalFen + l.totalFen,
      costFen: s.costFen + l.costFen,
    }),
    { netFen: 0, taxFen: 0, totalFen: 0, costFen: 0 },
  );
}
