import { Op, type Transaction } from 'sequelize';
import { type ApprovalCardData, type ApprovalCardState, approvalCard } from '../bot/cards/approval';
import type { Card } from '../bot/cards/card';
import { userById } from '../bot/user-directory';
import type { Db } from '../models/db';
import { creditPosition } from './credit';

/** Units available now (on hand − reserved, all warehouses) per product id. */
export async function availableByProduct(db: Db, productIds: number[], t?: Transaction): Promise<Map<number, number>> {
  const levels = await db.models.StockLevel.findAll({ where: { productId: { [Op.in]: productIds } }, transaction: t });
  const out = new Map<number, number>(productIds.map((id) => [id, 0]));
  for (const l of levels) out.set(l.productId, (out.get(l.productId) ?? 0) + Math.max(0, l.onHand - l.reserved));
  return out;
}

/** Everything an approval step's card shows, read from the books. */
export async function approvalContext(db: Db, stepId: number, t?: Transaction) {
  const { ApprovalStep, ApprovalRequest, SalesOrder, SalesOrderLine, Quote, Customer, Product } = db.models;
  const step = await ApprovalStep.findByPk(stepId, { transaction: t });
  if (!step) throw new Error(`approval step ${stepId} not found`);
  const request = await ApprovalRequest.findByPk(step.approvalRequestId, { transaction: t });
  if (!request) throw new Error(`approval request ${step.approvalRequestId} not found`);
  const order =
    request.subjectType === 'quote'
      ? await SalesOrder.findOne({ where: { quoteId: request.subjectId }, transaction: t })
      : await SalesOrder.findByPk(request.subjectId, { transaction: t });
  if (!order) throw new Error(`no order for approval request ${request.id}`);
  const [quote, customer, rep, approver, lines, totalSteps] = await Promise.all([
    order.quoteId ? Quote.findByPk(order.quoteId, { transaction: t }) : null,
    Customer.findByPk(order.customerId, { transaction: t }),
    userById(db, order.ownerUserId),
    userById(db, step.approverUserId),
    SalesOrderLine.findAll({ where: { salesOrderId: order.id }, order: [['lineNo', 'ASC']], transaction: t }),
    ApprovalStep.count({ where: { approvalRequestId: request.id }, transaction: t }),
  ]);
  const products = await Product.findAll({ where: { id: { [Op.in]: lines.map((l) => l.productId) } }, transaction: t });
  const available = await availableByProduct(
    db,
    lines.map((l) => l.productId),
    t,
  );
  return { step, request, order, quote, customer, rep, approver, lines, products, available, totalSteps };
}

export type ApprovalContext = Awaited<ReturnType<typeof approvalContext>>;

export async function approvalCardOf(db: Db, ctx: ApprovalContext, state: ApprovalCardState, t?: Transaction): Promise<Card> {
  const { step, request, order, quote, customer, rep, approver, lines, products, available, totalSteps } = ctx;
  const data: ApprovalCardData = {
    stepId: step.id,
    workflowId: order.workflowId ?? '',
    subject: request.subjectType === 'credit_override' ? 'credit_override' : 'quote',
    stepNo: step.stepNo,
    totalSteps,
    approverName: approver?.name ?? '',
    quoteNumber: quote?.number ?? '',
    orderNumber: order.number,
    customer: customer?.name ?? '',
    repName: rep?.name ?? '',
    totalFen: order.totalFen,
    manualDiscountBp: order.manualDiscountBp,
    lines: lines.map((l) => {
      const p = products.find((x) => x.id === l.productId);
      return {
        sku: p?.sku ?? '',
        name: p?.name ?? '',
        qty: l.qty,
        unitPriceFen: l.unitPriceFen,
        available: available.get(l.productId) ?? 0,
      };
    }),
    reasons: step.reasons,
    state,
  };
  if (request.subjectType === 'credit_override') {
    const c = await creditPosition(db, order.customerId, { thisOrderFen: order.totalFen, excludeOrderId: order.id, transaction: t });
    data.credit = { limitFen: c.limitFen, exposureFen: c.exposureFen, overByFen: c.overByFen };
  }
  return approvalCard(data);
}
