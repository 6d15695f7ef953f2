import type { Bilingual } from './errors';
import { assertFen, type Bp, type Fen, formatFen, ratioBp, sumFen } from './money';

/**
 * Credit check before an order is confirmed.
 *
 *   exposure = open receivables + approved-but-unshipped orders + this order
 *
 * Approved-but-unshipped orders count because they become receivables without anyone asking
 * again. Exposure exactly equal to the limit is within it (the limit is what the customer MAY
 * owe). Open receivables may be negative (a prepayment or unapplied receipt on account),
 * which rightly makes room. A limit of 0 means cash terms: any exposure is over, and
 * `usedBp` is null because a share of nothing is meaningless.
 *
 * `availableFen` is what is left of the limit after this order, clamped at 0; when it would
 * be negative, `overByFen` says by how much instead. `availableBeforeFen` is the room the
 * rep had before this order (what they could still sell on credit).
 */
export interface CreditInput {
  limitFen: Fen;
  openReceivablesFen: Fen;
  approvedUnshippedFen: Fen;
  thisOrderFen: Fen;
}

export interface CreditResult {
  exposureFen: Fen;
  limitFen: Fen;
  /** max(0, limit − exposure) */
  availableFen: Fen;
  /** max(0, limit − (open + unshipped)) */
  availableBeforeFen: Fen;
  over: boolean;
  /** max(0, exposure − limit) */
  overByFen: Fen;
  /** exposure ÷ limit in bp, rounded half up (10,200 = 102 %); null when the limit is 0 */
  usedBp: Bp | null;
  message: Bilingual;
}

export function creditCheck(i: CreditInput): CreditResult {
  for (const [k, v] of [
    ['limitFen', i.limitFen],
    ['approvedUnshippedFen', i.approvedUnshippedFen],
    ['thisOrderFen', i.thisOrderFen],
  ] as const) {
    if (assertFen(v, k) < 0) throw new RangeError(`${k} must not be negative, got ${v}`);
  }
  const before = sumFen([i.openReceivablesFen, i.approvedUnshippedFen]);
  const exposureFen = sumFen([before, i.thisOrderFen]);
  const overByFen = Math.max(0, exposureFen - i.limitFen);
  const over = overByFen > 0;
  const used = `${formatFen(exposureFen)} / ${formatFen(i.limitFen)}`;
  const message = over
    ? {
        zh: `超出信用额度 ${formatFen(overByFen)}（占用 ${used}）`,
        en: `over the credit limit by ${formatFen(overByFen)} (exposure ${used})`,
      }
    : {
        zh: `信用额度内，剩余 ${formatFen(i.limitFen - exposureFen)}（占用 ${used}）`,
        en: `within the credit limit, ${formatFen(i.limitFen - exposureFen)} left (exposure ${used})`,
      };
  return {
    exposureFen,
    limitFen: i.limitFen,
    availableFen: Math.max(0, i.limitFen - exposureFen),
    availableBeforeFen: Math.max(0, i.limitFen - before),
    over,
    overByFen,
    usedBp: i.limitFen === 0 ? null : ratioBp(exposureFen, i.limitFen),
    message,
  };
}
