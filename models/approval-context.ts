import { Op, type Transaction } from 'sequelize';
import type { Db } from './db';
import { userById } from './user-directory';

/** Units available now (on hand − reserved, all warehouses) per product id. */
export async function availableByProduct(db: Db, productIds: number[], t?: Transaction): Promise<Map<number, number>> {
  const levels = await db.models.StockLevel.findAll({ where: { productId: { [Op.in]: productIds } }, transaction: t });
  const out = new Map<number, number>(productIds.map((id) => [id, 0]));
  for (const l of levels) out.set(l.productId, (out.get(l.productId) ?? 0) + Math.max(0, l.onHand - l.reserved));
  return out;
}

/**
 * An approval step with everything around it, read from the books: its request, the order
 * and quote it decides, customer, rep, approver, lines with their products and what is
 * available of each now. The activities re-check a click against it; the approval card's
 * view shows it.
 */
export async function approvalContext(db: Db, stepId: number, t?: Transaction) {
  const { ApprovalStep, ApprovalRequest, ApprovalDecision, SalesOrder, SalesOrderLine, Quote, Customer, Product } = db.models;
  const step = await ApprovalStep.findByPk(stepId, { transaction: t });
  if (!step) throw new Error(`approval step ${stepId} not found`);
  const request = await ApprovalRequest.findByPk(step.approvalRequestId, { transaction: t });
  if (!request) throw new Error(`approval request ${step.approvalRequestId} not found`);
  const order =
    request.subjectType === 'quote'
      ? await SalesOrder.findOne({ where: { quoteId: request.subjectId }, transaction: t })
      : await SalesOrder.findByPk(request.subjectId, { transaction: t });
  if (!order) throw new Error(`no order for approval request ${request.id}`);
  const [quote, customer, rep, approver, lines, totalSteps, decision] = await Promise.all([
    order.quoteId ? Quote.findByPk(order.quoteId, { transaction: t }) : null,
    Customer.findByPk(order.customerId, { transaction: t }),
    userById(db, order.ownerUserId, t),
    userById(db, step.approverUserId, t),
    SalesOrderLine.findAll({ where: { salesOrderId: order.id }, order: [['lineNo', 'ASC']], transaction: t }),
    ApprovalStep.count({ where: { approvalRequestId: request.id }, transaction: t }),
    ApprovalDecision.findOne({ where: { approvalStepId: step.id }, transaction: t }),
  ]);
  const productIds = lines.map((l) => l.productId);
  const [products, available] = await Promise.all([
    Product.findAll({ where: { id: { [Op.in]: productIds } }, transaction: t }),
    availableByProduct(db, productIds, t),
  ]);
  return { step, request, order, quote, customer, rep, approver, lines, products, available, totalSteps, decision };
}

export type ApprovalContext = Awaited<ReturnType<typeof approvalContext>>;
