import { Op, type Transaction } from 'sequelize';
import { type CreditResult, creditCheck } from '../domain/credit';
import type { Db } from './db';

/** Orders approved but not yet (fully) invoiced count against credit; see domain/credit.ts. */
const UNSHIPPED = ['to_ship', 'partially_shipped', 'pending_payment'];
/** …and so does an order that passed the credit check and is still to be confirmed */
const CREDIT_PASSED = 'pending_approval';

/**
 * A customer's credit position from the books: open receivables, plus the not-yet-invoiced
 * part of approved orders (and of orders that passed the check, not yet confirmed), plus
 * `thisOrderFen`. One place, so the customer card and the order flow's check never disagree.
 */
export async function creditPosition(
  db: Db,
  customerId: number,
  opts: { thisOrderFen?: number; excludeOrderId?: number; transaction?: Transaction } = {},
): Promise<CreditResult> {
  const { Customer, Receivable, SalesOrder } = db.models;
  const t = opts.transaction;
  const customer = await Customer.findByPk(customerId, { transaction: t });
  if (!customer) throw new Error(`customer ${customerId} not found`);
  const receivables = await Receivable.findAll({
    where: { customerId, status: { [Op.in]: ['open', 'partially_paid'] } },
    attributes: ['amountFen', 'paidFen'],
    transaction: t,
  });
  const openFen = receivables.reduce((s, r) => s + r.amountFen - r.paidFen, 0);
  const unshipped = await SalesOrder.findAll({
    where: {
      customerId,
      [Op.or]: [{ status: { [Op.in]: UNSHIPPED } }, { status: CREDIT_PASSED, creditApprovedAt: { [Op.ne]: null } }],
      ...(opts.excludeOrderId ? { id: { [Op.ne]: opts.excludeOrderId } } : {}),
    },
    attributes: ['id', 'totalFen'],
    transaction: t,
  });
  const invoiced = unshipped.length
    ? Number((await Receivable.sum('amountFen', { where: { salesOrderId: { [Op.in]: unshipped.map((o) => o.id) } }, transaction: t })) || 0)
    : 0;
  const approvedUnshippedFen = Math.max(0, unshipped.reduce((s, o) => s + o.totalFen, 0) - invoiced);
  return creditCheck({
    limitFen: customer.creditLimitFen,
    openReceivablesFen: openFen,
    approvedUnshippedFen,
    thisOrderFen: opts.thisOrderFen ?? 0,
  });
}
