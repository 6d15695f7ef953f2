import { assertFen, type Fen } from './money';

/**
 * Payment write-off (核销, F3): a payment clears the customer's open receivables oldest due
 * date first (then oldest issued, then lowest id, so the order is always the same); a part
 * of a receivable may be cleared; what is left over stays on the payment as unapplied
 * (a prepayment or an overpayment to be refunded or used later).
 */
export interface OpenReceivable {
  id: number;
  dueDate: string;
  issuedDate: string;
  openFen: Fen;
}

export interface WriteOff {
  allocations: { receivableId: number; amountFen: Fen; clears: boolean }[];
  unappliedFen: Fen;
}

export function allocatePayment(amountFen: Fen, receivables: readonly OpenReceivable[]): WriteOff {
  assertFen(amountFen, 'payment');
  if (amountFen <= 0) throw new RangeError(`a payment must be positive, got ${amountFen}`);
  const ordered = [...receivables]
    .filter((r) => r.openFen > 0)
    .sort((a, b) => a.dueDate.localeCompare(b.dueDate) || a.issuedDate.localeCompare(b.issuedDate) || a.id - b.id);
  let left = amountFen;
  const allocations: WriteOff['allocations'] = [];
  for (const r of ordered) {
    if (left === 0) break;
    const take = Math.min(left, r.openFen);
    allocations.push({ receivableId: r.id, amountFen: take, clears: take === r.openFen });
    left -= take;
  }
  return { allocations, unappliedFen: left };
}
