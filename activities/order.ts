import { Op } from 'sequelize';
import { requiredApprovals } from '../domain/approval-policy';
import { businessDay } from '../domain/calendar';
import type { BusinessEvent } from '../domain/events';
import { may } from '../domain/permissions';
import { nextDocumentNumber } from '../models/sequence';
import { activeUsersWithRole, principalOf, userById, userDirectory } from '../models/user-directory';
import type { ApprovalStepInfo, Bilingual } from '../workflows/messages';
import { createApprovalActivities, createApprovalSteps } from './approval';
import type { ActivityDeps } from './deps';
import { createStockActivities } from './stock';

const NOT_YOURS_TO_CANCEL = { zh: '您无权取消该订单', en: 'You may not cancel this order' };

export const lineReservationKey = (orderId: number, lineNo: number) => `so:${orderId}:${lineNo}`;

/**
 * The order's life in the books: opened from the quote (every field inherited) with its
 * approval steps, confirmed with stock reserved, completed, rejected or cancelled with
 * everything undone. Each is idempotent: a retried activity finds its own earlier work.
 */
export function createOrderActivities({ db, config, clock, notify }: ActivityDeps) {
  const { Quote, QuoteLine, SalesOrder, SalesOrderLine, Customer, ApprovalRequest, ApprovalStep, Product, Receivable, Task } = db.models;
  const stock = createStockActivities({ db, clock });
  const approvals = createApprovalActivities({ db, config, clock, notify });

  /**
   * The order from the quote, with its approval steps; with `sendFirstCard` the first step's
   * card goes out in the same activity (one round trip of the flow fewer). The facts each card
   * shows are stored when it is sent (activities/approval.ts), so none are returned here.
   */
  async function openOrder(input: { quoteId: number; submittedByUserId: number; workflowId: string; sendFirstCard?: boolean }): Promise<{
    orderId: number;
    orderNumber: string;
    steps: ApprovalStepInfo[];
    firstCardSent?: boolean;
  }> {
    const quote = await Quote.findByPk(input.quoteId);
    if (!quote) throw new Error(`quote ${input.quoteId} not found`);
    const customer = await Customer.findByPk(quote.customerId);
    if (!customer) throw new Error(`customer ${quote.customerId} not found`);
    const policy = requiredApprovals(config.approval.rules, {
      totalFen: quote.totalFen,
      manualDiscountBp: quote.manualDiscountBp,
      marginBp: quote.marginBp,
    });
    // a submitted quote's lines no longer change: read before the write lock is taken
    const qlines = await QuoteLine.findAll({ where: { quoteId: quote.id }, order: [['lineNo', 'ASC']] });
    const { order, steps } = await db.writeTx(async (t) => {
      let order = await SalesOrder.findOne({ where: { quoteId: quote.id }, transaction: t });
      if (!order) {
        const today = businessDay(clock());
        order = await SalesOrder.create(
          {
            number: await nextDocumentNumber(db, 'SO', today.replace(/-/g, ''), { transaction: t }),
            customerId: quote.customerId,
            quoteId: quote.id,
            contractId: null,
            ownerUserId: quote.ownerUserId,
            teamId: customer.teamId,
            status: policy.length ? 'pending_approval' : 'draft',
            orderDate: today,
            gradeDiscountBp: quote.gradeDiscountBp,
            manualDiscountBp: quote.manualDiscountBp,
            netFen: quote.netFen,
            taxFen: quote.taxFen,
            totalFen: quote.totalFen,
            costFen: quote.costFen,
            paymentTermsDays: customer.paymentTermsDays,
            workflowId: input.workflowId,
            cancelReason: null,
          },
          { transaction: t },
        );
        await SalesOrderLine.bulkCreate(
          qlines.map((l) => ({
            salesOrderId: (order as NonNullable<typeof order>).id,
            lineNo: l.lineNo,
            productId: l.productId,
            qty: l.qty,
            unitPriceFen: l.unitPriceFen,
            netFen: l.netFen,
            taxFen: l.taxFen,
            vatRateBp: l.vatRateBp,
            costFen: l.costFen,
            orderDate: today,
            customerId: quote.customerId,
            ownerUserId: quote.ownerUserId,
          })),
          { transaction: t },
        );
        await Quote.update({ status: 'pending_approval', workflowId: input.workflowId }, { where: { id: quote.id }, transaction: t });
      }
      let request = await ApprovalRequest.findOne({ where: { subjectType: 'quote', subjectId: quote.id }, transaction: t });
      if (!request && policy.length) {
        request = await ApprovalRequest.create(
          {
            subjectType: 'quote',
            subjectId: quote.id,
            requestedByUserId: input.submittedByUserId,
            workflowId: input.workflowId,
            decidedAt: null,
          },
          { transaction: t },
        );
        const made = await createApprovalSteps(db, request.id, policy, customer, t);
        const unfilled = policy.filter((p) => !made.some((m) => m.role === p.role));
        if (unfilled.length)
          // a role nobody holds cannot be waited for: the step is left out and the rep is told
          await notify.emit(
            { type: 'approval.approver_missing', quoteId: quote.id, roles: unfilled.map((u) => u.role), to: [quote.ownerUserId] },
            { transaction: t },
          );
      }
      const rows = request
        ? await ApprovalStep.findAll({ where: { approvalRequestId: request.id }, order: [['stepNo', 'ASC']], transaction: t })
        : [];
      return { order, steps: rows };
    });
    const first = steps[0];
    if (input.sendFirstCard && first) await approvals.sendApprovalCard({ stepId: first.id, facts: {} });
    const users = (await userDirectory(db)).byId;
    return {
      orderId: order.id,
      orderNumber: order.number,
      steps: steps.map((s) => ({
        stepId: s.id,
        stepNo: s.stepNo,
        role: s.approverRole,
        approverUserId: s.approverUserId,
        approverName: users.get(s.approverUserId)?.name ?? '',
        facts: {},
      })),
      ...(input.sendFirstCard ? { firstCardSent: first !== undefined } : {}),
    };
  }

  /** Approved and within credit (or overridden): reserve stock, back-order the rest, tell the warehouse. */
  async function confirmOrder({ orderId }: { orderId: number }): Promise<{ backorders: { sku: string; qty: number }[] }> {
    const order = await SalesOrder.findByPk(orderId);
    if (!order) throw new Error(`order ${orderId} not found`);
    const lines = await SalesOrderLine.findAll({ where: { salesOrderId: orderId }, order: [['lineNo', 'ASC']] });
    const products = await Product.findAll({ where: { id: { [Op.in]: lines.map((l) => l.productId) } } });
    const backorders: { sku: string; qty: number }[] = [];
    const shortByLine = new Map<number, number>();
    for (const l of lines) {
      const r = await stock.reserveStock({
        idempotencyKey: lineReservationKey(orderId, l.lineNo),
        productId: l.productId,
        qty: l.qty,
        allowPartial: true,
        salesOrderId: orderId,
        salesOrderLineId: l.id,
      });
      const short = r.status === 'insufficient' ? l.qty : r.shortfall;
      if (short > 0) backorders.push({ sku: products.find((p) => p.id === l.productId)?.sku ?? '', qty: short });
      shortByLine.set(l.id, short);
    }
    // every write under the write lock: one made beside it waits for the lock inside SQLite,
    // holding a thread of the pool and the shared connection that the lock's holder may need
    await db.writeTx(async (t) => {
      for (const [id, short] of shortByLine) await SalesOrderLine.update({ backorderQty: short }, { where: { id }, transaction: t });
      await SalesOrder.update(
        { status: 'to_ship' },
        { where: { id: orderId, status: { [Op.in]: ['draft', 'pending_approval'] } }, transaction: t },
      );
      if (order.quoteId) await Quote.update({ status: 'converted' }, { where: { id: order.quoteId }, transaction: t });
      const warehouse = await activeUsersWithRole(db, 'warehouse', t);
      await notify.emit(
        [
          { type: 'order.confirmed', orderId, backorders, to: [order.ownerUserId] },
          { type: 'shipping_notice.sent', orderId, to: warehouse.map((u) => u.id) },
        ],
        { transaction: t },
      );
    });
    return { backorders };
  }

  /** Whether the order is shipped and paid; with `completeWhenDone` it is then completed in the same activity. */
  async function orderSettlement({
    orderId,
    completeWhenDone,
  }: {
    orderId: number;
    completeWhenDone?: boolean;
  }): Promise<{ allShipped: boolean; allPaid: boolean; completed?: boolean }> {
    const lines = await SalesOrderLine.findAll({ where: { salesOrderId: orderId } });
    const open = await Receivable.findAll({
      where: { salesOrderId: orderId, status: { [Op.in]: ['open', 'partially_paid'] } },
      attributes: ['amountFen', 'paidFen'],
    });
    // a receivable with 0 fen open (legacy 0-fen rows) never holds the order back
    const s = { allShipped: lines.every((l) => l.shippedQty >= l.qty), allPaid: open.every((r) => r.amountFen - r.paidFen <= 0) };
    if (!completeWhenDone) return s;
    if (s.allShipped && s.allPaid) await completeOrder({ orderId });
    return { ...s, completed: s.allShipped && s.allPaid };
  }

  async function completeOrder({ orderId }: { orderId: number }): Promise<void> {
    const order = await SalesOrder.findByPk(orderId);
    if (!order) return;
    await db.writeTx(async (t) => {
      await SalesOrder.update({ status: 'completed' }, { where: { id: orderId }, transaction: t });
      await notify.emit({ type: 'order.completed', orderId, to: [order.ownerUserId] }, { transaction: t });
    });
  }

  /** A rejected step ends the order: the rep is told who rejected and why. */
  async function rejectOrder({ orderId, stepId }: { orderId: number; stepId: number }): Promise<void> {
    const order = await SalesOrder.findByPk(orderId);
    const step = await ApprovalStep.findByPk(stepId);
    if (!order || !step) throw new Error(`order ${orderId} or step ${stepId} not found`);
    const [decision, approver] = await Promise.all([
      db.models.ApprovalDecision.findOne({ where: { approvalStepId: stepId } }),
      userById(db, step.approverUserId),
    ]);
    const why = `审批驳回：${approver?.name ?? ''}${decision?.comment ? `（${decision.comment}）` : ''}`;
    await db.writeTx(async (t) => {
      const [closed] = await SalesOrder.update(
        { status: 'cancelled', cancelReason: why },
        { where: { id: orderId, status: { [Op.in]: ['draft', 'pending_approval'] } }, transaction: t },
      );
      if (closed === 0) return; // an earlier attempt closed it
      if (order.quoteId) await Quote.update({ status: 'rejected' }, { where: { id: order.quoteId }, transaction: t });
      await ApprovalStep.update(
        { status: 'skipped' },
        { where: { approvalRequestId: step.approvalRequestId, status: 'waiting' }, transaction: t },
      );
      await notify.emit({ type: 'order.rejected', orderId, why, to: [order.ownerUserId] }, { transaction: t });
    });
  }

  /**
   * Cancel before anything has shipped: reservations released, approvals closed, the warehouse's
   * notice marked cancelled, everyone told. Once goods have left, cancel is refused (the way
   * back is a return): the receivables and any money paid against them stay as they are.
   */
  async function cancelOrder({
    orderId,
    userId,
    reason,
  }: {
    orderId: number;
    userId: number;
    reason: string;
  }): Promise<{ ok: boolean; message: Bilingual }> {
    const order = await SalesOrder.findByPk(orderId);
    if (!order) throw new Error(`order ${orderId} not found`);
    // the bot asked already; this holds for any other way in (API, a stale click)
    const by = await principalOf(db, userId);
    if (!by || !may(by, 'order.cancel', order)) return { ok: false, message: NOT_YOURS_TO_CANCEL };
    const shippedRefusal = {
      zh: `订单 ${order.number} 已有发货，不能取消；如需退回请办理退货`,
      en: `order ${order.number} has shipments and cannot be cancelled; goods come back through a return`,
    };
    const lines = await SalesOrderLine.findAll({ where: { salesOrderId: orderId } });
    if (order.status !== 'cancelled' && lines.some((l) => l.shippedQty > 0)) return { ok: false, message: shippedRefusal };
    let released = 0;
    for (const l of lines) released += (await stock.releaseStock({ idempotencyKey: lineReservationKey(orderId, l.lineNo) })).released;
    const why = `${by.name} 取消：${reason}`;
    const requests = await ApprovalRequest.findAll({
      where: {
        [Op.or]: [
          { subjectType: 'quote', subjectId: order.quoteId ?? -1 },
          { subjectType: 'credit_override', subjectId: orderId },
        ],
      },
    });
    const steps = await ApprovalStep.findAll({ where: { approvalRequestId: { [Op.in]: requests.map((r) => r.id) } } });
    const open = steps.filter((x) => x.status === 'pending' || x.status === 'waiting');
    const done = await db.writeTx(async (t) => {
      // a shipment that committed after the read above wins: nothing is cancelled
      const shipped = await db.models.Shipment.count({ where: { salesOrderId: orderId }, transaction: t });
      if (shipped > 0) return false;
      await SalesOrder.update({ status: 'cancelled', cancelReason: why }, { where: { id: orderId }, transaction: t });
      if (order.quoteId) await Quote.update({ status: 'cancelled' }, { where: { id: order.quoteId }, transaction: t });
      await ApprovalRequest.update(
        { status: 'cancelled' },
        { where: { id: requests.map((r) => r.id), status: 'pending' }, transaction: t },
      );
      await ApprovalStep.update({ status: 'skipped' }, { where: { id: open.map((s) => s.id) }, transaction: t });
      await Task.update(
        { status: 'done' },
        { where: { refType: 'approval_step', refId: steps.map((s) => s.id), status: 'open' }, transaction: t },
      );
      const closedWhy = { zh: `订单已取消（${why}）`, en: `order cancelled (${why})` };
      const events: BusinessEvent[] = open.map((s) => ({ type: 'approval.closed', stepId: s.id, why: closedWhy }));
      const involved = [order.ownerUserId, userId, ...steps.map((s) => s.approverUserId)];
      events.push(
        { type: 'shipping_notice.changed', orderId, change: 'cancelled' },
        { type: 'order.cancelled', orderId, why, released, to: involved },
      );
      await notify.emit(events, { transaction: t });
      return true;
    });
    if (!done) return { ok: false, message: shippedRefusal };
    const text = `订单 ${order.number} 已取消（${why}）：释放锁定库存 ${released}`;
    return { ok: true, message: { zh: text, en: `order ${order.number} cancelled: ${released} units released` } };
  }

  return { openOrder, confirmOrder, orderSettlement, completeOrder, rejectOrder, cancelOrder };
}
