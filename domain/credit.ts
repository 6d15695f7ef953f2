import { type Fen, formatFen } from './money';

/**
 * Credit check (O2, F5): exposure = open receivables + approved-but-unshipped orders + this
 * order, against the credit limit. Exposure exactly at the limit is within it. A limit of 0
 * means cash terms: any exposure is over.
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
  /** what is left before this order, never negative */
  availableFen: Fen;
  over: boolean;
  overByFen: Fen;
  /** share of the limit used including this order, basis points (10000 when the limit is 0 and something is owed) */
  usedBp: number;
  message: { zh: string; en: string };
}

export function creditCheck(i: CreditInput): CreditResult {
  const before = i.openReceivablesFen + i.approvedUnshippedFen;
  const exposureFen = before + i.thisOrderFen;
  const overByFen = Math.max(0, exposureFen - i.limitFen);
  const over = overByFen > 0;
  const usedBp = i.limitFen > 0 ? Math.round((exposureFen * 10_000) / i.limitFen) : exposureFen > 0 ? 10_000 : 0;
  const message = over
    ? {
        zh: `超出信用额度 ${formatFen(overByFen)}（占用 ${formatFen(exposureFen)} / 额度 ${formatFen(i.limitFen)}）`,
        en: `over the credit limit by ${formatFen(overByFen)} (exposure ${formatFen(exposureFen)} / limit ${formatFen(i.limitFen)})`,
      }
    : {
        zh: `信用额度内（占用 ${formatFen(exposureFen)} / 额度 ${formatFen(i.limitFen)}）`,
        en: `within the credit limit (exposure ${formatFen(exposureFen)} / limit ${formatFen(i.limitFen)})`,
      };
  return { exposureFen, limitFen: i.limitFen, availableFen: Math.max(0, i.limitFen - before), over, overByFen, usedBp, message };
}
