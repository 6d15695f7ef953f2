import { Op } from 'sequelize';
import { pushTo, updateCard } from '../bot/outbox';
import { activeUsersWithRole, userById, userDirectory } from '../bot/user-directory';
import type { AppConfig } from '../config';
import { requiredApprovals } from '../domain/approval-policy';
import { businessDay } from '../domain/calendar';
import type { Db } from '../models/db';
import { nextDocumentNumber } from '../models/sequence';
import type { ApprovalStepInfo, Bilingual } from '../workflows/messages';
import { createApprovalSteps } from './approval';
import { approvalCardOf, approvalContext, availableByProduct } from './approval-card';
import { shippingNoticeCardOf } from './shipping-notice';
import { createStockActivities } from './stock';

export const lineReservationKey = (orderId: number, lineNo: number) => `so:${orderId}:${lineNo}`;

/**
 * The order's life in the books: opened from the quote (every field inherited) with its
 * approval steps, confirmed with stock reserved, completed, rejected or cancelled with
 * everything undone. Each is idempotent: a retried activity finds its own earlier work.
 */
export function createOrderActivities({ db, config }: { db: Db; config: AppConfig }) {
  const { Quote, QuoteLine, SalesOrder, SalesOrderLine, Customer, ApprovalRequest, ApprovalStep, Product, Receivable, Task } = db.models;
  const stock = createStockActivities({ db });

  async function openOrder(input: { quoteId: number; submittedByUserId: number; workflowId: string }): Promise<{
    orderId: number;
    orderNumber: string;
    steps: ApprovalStepInfo[];
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
        const today = businessDay(new Date());
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
          await pushTo(
            db,
            [quote.ownerUserId],
            { kind: 'text', text: `注意：没有人担任 ${unfilled.map((u) => u.role).join('、')}，这一级审批已跳过，请联系管理员配置审批人` },
            { dedupeKey: `approver-missing:${quote.id}`, transaction: t },
          );
      }
      const rows = request
        ? await ApprovalStep.findAll({ where: { approvalRequestId: request.id }, order: [['stepNo', 'ASC']], transaction: t })
        : [];
      return { order, steps: rows };
    });
    const lines = await SalesOrderLine.findAll({ where: { salesOrderId: order.id } });
    const products = await Product.findAll({ where: { id: { [Op.in]: lines.map((l) => l.productId) } } });
    const available = await availableByProduct(
      db,
      lines.map((l) => l.productId),
    );
    const availableBySku = Object.fromEntries(products.map((p) => [p.sku, available.get(p.id) ?? 0]));
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
        facts: { availableBySku },
      })),
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
      const short = backorders.map((b) => `${b.sku} 欠货 ${b.qty}`).join('，');
      await pushTo(
        db,
        [order.ownerUserId],
        { kind: 'text', text: `订单 ${order.number} 已确认，库存已锁定${short ? `；${short}，到货后发出` : ''}，已通知仓库发货` },
        { dedupeKey: `order-confirmed:${orderId}`, transaction: t },
      );
    });
    const warehouse = await activeUsersWithRole(db, 'warehouse');
    await pushTo(
      db,
      warehouse.map((u) => u.id),
      { kind: 'card', card: await shippingNoticeCardOf(db, orderId) },
      { dedupeKey: `ship-notice:${orderId}` },
    );
    return { backorders };
  }

  async function orderSettlement({ orderId }: { orderId: number }): Promise<{ allShipped: boolean; allPaid: boolean }> {
    const lines = await SalesOrderLine.findAll({ where: { salesOrderId: orderId } });
    const open = await Receivable.count({ where: { salesOrderId: orderId, status: { [Op.in]: ['open', 'partially_paid'] } } });
    return { allShipped: lines.every((l) => l.shippedQty >= l.qty), allPaid: open === 0 };
  }

  async function completeOrder({ orderId }: { orderId: number }): Promise<void> {
    const order = await SalesOrder.findByPk(orderId);
    if (!order) return;
    await db.writeTx(async (t) => {
      await SalesOrder.update({ status: 'completed' }, { where: { id: orderId }, transaction: t });
      await pushTo(
        db,
        [order.ownerUserId],
        { kind: 'text', text: `订单 ${order.number} 已完成：全部发货，货款已全部收回` },
        { dedupeKey: `order-completed:${orderId}`, transaction: t },
      );
    });
  }

  /** A rejected step ends the order: the rep is told who rejected and why. */
  async function rejectOrder({ orderId, stepId }: { orderId: number; stepId: number }): Promise<void> {
    const ctx = await approvalContext(db, stepId);
    const decision = await db.models.ApprovalDecision.findOne({ where: { approvalStepId: stepId } });
    const why = `审批驳回：${ctx.approver?.name ?? ''}${decision?.comment ? `（${decision.comment}）` : ''}`;
    await db.writeTx(async (t) => {
      await SalesOrder.update({ status: 'cancelled', cancelReason: why }, { where: { id: orderId }, transaction: t });
      if (ctx.order.quoteId) await Quote.update({ status: 'rejected' }, { where: { id: ctx.order.quoteId }, transaction: t });
      await ApprovalStep.update({ status: 'skipped' }, { where: { approvalRequestId: ctx.request.id, status: 'waiting' }, transaction: t });
      await pushTo(
        db,
        [ctx.order.ownerUserId],
        { kind: 'text', text: `报价 ${ctx.quote?.number ?? ''} 被驳回，订单 ${ctx.order.number} 已关闭。${why}` },
        { dedupeKey: `order-rejected:${orderId}`, transaction: t },
      );
    });
  }

  /** Cancel at any point: reservations released, open receivables voided, cards closed, everyone told. */
  async function cancelOrder({
    orderId,
    userId,
    reason,
  }: {
    orderId: number;
    userId: number;
    reason: string;
  }): Promise<{ message: Bilingual }> {
    const order = await SalesOrder.findByPk(orderId);
    if (!order) throw new Error(`order ${orderId} not found`);
    const lines = await SalesOrderLine.findAll({ where: { salesOrderId: orderId } });
    let released = 0;
    for (const l of lines) released += (await stock.releaseStock({ idempotencyKey: lineReservationKey(orderId, l.lineNo) })).released;
    const by = await userById(db, userId);
    const why = `${by?.name ?? ''} 取消：${reason}`;
    const requests = await ApprovalRequest.findAll({
      where: {
        [Op.or]: [
          { subjectType: 'quote', subjectId: order.quoteId ?? -1 },
          { subjectType: 'credit_override', subjectId: orderId },
        ],
      },
    });
    const steps = await ApprovalStep.findAll({ where: { approvalRequestId: { [Op.in]: requests.map((r) => r.id) } } });
    const voided = await db.writeTx(async (t) => {
      const [n] = await Receivable.update(
        { status: 'void' },
        { where: { salesOrderId: orderId, status: { [Op.in]: ['open', 'partially_paid'] } }, transaction: t },
      );
      await SalesOrder.update({ status: 'cancelled', cancelReason: why }, { where: { id: orderId }, transaction: t });
      if (order.quoteId) await Quote.update({ status: 'cancelled' }, { where: { id: order.quoteId }, transaction: t });
      await ApprovalRequest.update(
        { status: 'cancelled' },
        { where: { id: requests.map((r) => r.id), status: 'pending' }, transaction: t },
      );
      await ApprovalStep.update(
        { status: 'skipped' },
        { where: { id: steps.map((s) => s.id), status: { [Op.in]: ['waiting', 'pending'] } }, transaction: t },
      );
      await Task.update(
        { status: 'done' },
        { where: { refType: 'approval_step', refId: steps.map((s) => s.id), status: 'open' }, transaction: t },
      );
      return n;
    });
    for (const s of steps.filter((x) => x.status === 'pending' || x.status === 'waiting')) {
      const ctx = await approvalContext(db, s.id);
      const card = await approvalCardOf(db, ctx, { kind: 'closed', why: { zh: `订单已取消（${why}）`, en: `order cancelled (${why})` } });
      await updateCard(db, card, { dedupeKey: `approval-cancelled:${s.id}` });
    }
    const notice = await updateCard(db, await shippingNoticeCardOf(db, orderId), { dedupeKey: `ship-notice-cancelled:${orderId}` });
    const finance = voided ? (await activeUsersWithRole(db, 'finance')).map((u) => u.id) : [];
    const involved = [order.ownerUserId, userId, ...steps.map((s) => s.approverUserId), ...notice, ...finance];
    const text = `订单 ${order.number} 已取消（${why}）：释放锁定库存 ${released}${voided ? `，作废应收 ${voided} 笔` : ''}`;
    await pushTo(db, involved, { kind: 'text', text }, { dedupeKey: `order-cancelled:${orderId}` });
    return { message: { zh: text, en: `order ${order.number} cancelled: ${released} units released, ${voided} receivables voided` } };
  }

  return { openOrder, confirmOrder, orderSettlement, completeOrder, rejectOrder, cancelOrder };
}
