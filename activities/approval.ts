import { createHash } from 'node:crypto';
import { Op, type Transaction } from 'sequelize';
import { approverFor } from '../bot/approvers';
import type { Card } from '../bot/cards/card';
import { pushTo, updateCard } from '../bot/outbox';
import { userById } from '../bot/user-directory';
import type { AppConfig } from '../config';
import { businessDay } from '../domain/calendar';
import { formatFen } from '../domain/money';
import type { Db } from '../models/db';
import type { ApprovalFacts, ApprovalStepInfo, Bilingual, DecideInput } from '../workflows/messages';
import { type ApprovalContext, approvalCardOf, approvalContext } from './approval-card';
import { creditPosition } from './credit';

const ESCALATE_TO: Record<string, string> = { sales_manager: 'sales_director', sales_director: 'admin', finance: 'admin' };
const short = (s: string) => createHash('sha1').update(s).digest('hex').slice(0, 16);

/** Creates the steps of an approval request for the given roles and returns what the workflow needs. */
export async function createApprovalSteps(
  db: Db,
  requestId: number,
  steps: { role: string; reasons: Bilingual[] }[],
  customer: { teamId: number | null },
  t: Transaction,
): Promise<{ id: number; stepNo: number; role: string; approverUserId: number; approverName: string }[]> {
  const out = [];
  let stepNo = 0;
  for (const s of steps) {
    const who = await approverFor(db, s.role as never, customer);
    if (!who) continue; // nobody holds the role: the step cannot be waited for; the rep is told by the caller
    stepNo++;
    const row = await db.models.ApprovalStep.create(
      { approvalRequestId: requestId, stepNo, approverRole: s.role as never, approverUserId: who.id, reasons: s.reasons },
      { transaction: t },
    );
    out.push({ id: row.id, stepNo, role: s.role, approverUserId: who.id, approverName: who.name });
  }
  return out;
}

export function createApprovalActivities({ db, config }: { db: Db; config: AppConfig }) {
  const { ApprovalStep, ApprovalRequest, ApprovalDecision, Task, SalesOrder } = db.models;

  /** The facts an approval rests on, as of now. */
  async function currentFacts(ctx: ApprovalContext): Promise<ApprovalFacts> {
    if (ctx.request.subjectType === 'credit_override') {
      const c = await creditPosition(db, ctx.order.customerId, { thisOrderFen: ctx.order.totalFen, excludeOrderId: ctx.order.id });
      return { creditOverByFen: c.overByFen };
    }
    const availableBySku: Record<string, number> = {};
    for (const l of ctx.lines) {
      const p = ctx.products.find((x) => x.id === l.productId);
      if (p) availableBySku[p.sku] = ctx.available.get(l.productId) ?? 0;
    }
    return { availableBySku };
  }

  /** Sends the approver the card (and a to-do); tells the rep who it waits for. */
  async function sendApprovalCard({ stepId }: { stepId: number; facts: ApprovalFacts }): Promise<void> {
    const ctx = await approvalContext(db, stepId);
    const card = await approvalCardOf(db, ctx, { kind: 'pending' });
    await db.writeTx(async (t) => {
      await ApprovalStep.update({ status: 'pending' }, { where: { id: stepId, status: 'waiting' }, transaction: t });
      await pushTo(db, [ctx.step.approverUserId], { kind: 'card', card }, { dedupeKey: `approval-card:${stepId}`, transaction: t });
      const title = `审批 ${ctx.quote?.number ?? ctx.order.number} · ${ctx.customer?.name ?? ''}`;
      const task = await Task.findOne({ where: { refType: 'approval_step', refId: stepId }, transaction: t });
      if (!task)
        await Task.create(
          {
            userId: ctx.step.approverUserId,
            title,
            priority: 'high',
            refType: 'approval_step',
            refId: stepId,
            source: 'quoteToCash',
            dueAt: null,
          },
          { transaction: t },
        );
      await pushTo(
        db,
        [ctx.order.ownerUserId],
        {
          kind: 'text',
          text: `${ctx.quote?.number ?? ''} 已提交 ${ctx.approver?.name ?? ''} 审批（第 ${ctx.step.stepNo}/${ctx.totalSteps} 步），订单 ${ctx.order.number}`,
        },
        { dedupeKey: `approval-sent:${stepId}`, transaction: t },
      );
    });
  }

  /**
   * Re-checks an approval at the click: refused when what the card showed no longer holds —
   * stock promised as available has gone, or the customer is further over credit. The card is
   * updated with the new figures and the reason; the approver may then decide on those.
   */
  async function recheckApproval({
    stepId,
    facts,
  }: {
    stepId: number;
    facts: ApprovalFacts;
  }): Promise<{ ok: boolean; message: Bilingual; facts: ApprovalFacts; card?: Card; ctx: ApprovalContext }> {
    const ctx = await approvalContext(db, stepId);
    const now = await currentFacts(ctx);
    const problems: Bilingual[] = [];
    for (const l of ctx.lines) {
      const sku = ctx.products.find((p) => p.id === l.productId)?.sku ?? '';
      const was = facts.availableBySku?.[sku];
      const is = now.availableBySku?.[sku];
      if (was === undefined || is === undefined) continue;
      if (is < Math.min(l.qty, was))
        problems.push({
          zh: `${sku} 可用库存已从 ${was} 降到 ${is}（需 ${l.qty}）`,
          en: `${sku} available fell from ${was} to ${is} (${l.qty} needed)`,
        });
    }
    if ((now.creditOverByFen ?? 0) > (facts.creditOverByFen ?? 0))
      problems.push({
        zh: `超出信用额度已从 ${formatFen(facts.creditOverByFen ?? 0)} 增加到 ${formatFen(now.creditOverByFen ?? 0)}`,
        en: `over the credit limit by ${formatFen(now.creditOverByFen ?? 0)}, was ${formatFen(facts.creditOverByFen ?? 0)}`,
      });
    if (ctx.quote && ctx.quote.validUntil < businessDay(new Date()))
      problems.push({ zh: `报价已于 ${ctx.quote.validUntil} 过期`, en: `the quote expired on ${ctx.quote.validUntil}` });
    if (problems.length === 0) return { ok: true, message: { zh: '复核通过', en: 'checked' }, facts: now, ctx };
    const message = {
      zh: `${problems.map((p) => p.zh).join('；')}，请按最新情况重新确认`,
      en: `${problems.map((p) => p.en).join('; ')}; please decide on the new figures`,
    };
    const card = await approvalCardOf(db, ctx, { kind: 'refused', reason: message });
    await updateCard(db, card, { dedupeKey: `approval-refused:${stepId}:${short(JSON.stringify(now))}` });
    return { ok: false, message, facts: now, card, ctx };
  }

  /**
   * Records the decision once; updates the card everyone received; tells the rep. Three parts,
   * each safe to run again (the activity may): the decision in a short write transaction, the
   * card's figures read outside any (they do not need the write lock, which every other write
   * of the app waits for), and the pushes, deduplicated, in a second one. `checked` is what the
   * re-check at the click read: the figures the approver decided on, not read a second time.
   */
  async function recordDecision(
    req: DecideInput,
    checked?: ApprovalContext,
  ): Promise<{ approverName: string; at: number; message: Bilingual; card: Card }> {
    const decision = await db.writeTx(async (t) => {
      const step = await ApprovalStep.findByPk(req.stepId, { transaction: t });
      if (!step) throw new Error(`approval step ${req.stepId} not found`);
      const prior = await ApprovalDecision.findOne({ where: { approvalStepId: step.id }, transaction: t });
      if (prior) return prior;
      const made = await ApprovalDecision.create(
        { approvalStepId: step.id, userId: req.userId, decision: req.decision, comment: req.comment ?? null, decidedAt: new Date() },
        { transaction: t },
      );
      await ApprovalStep.update(
        { status: req.decision === 'approve' ? 'approved' : 'rejected' },
        { where: { id: step.id }, transaction: t },
      );
      const pending = await ApprovalStep.count({
        where: { approvalRequestId: step.approvalRequestId, status: { [Op.in]: ['waiting', 'pending'] } },
        transaction: t,
      });
      if (req.decision === 'reject' || pending === 0)
        await ApprovalRequest.update(
          { status: req.decision === 'reject' ? 'rejected' : 'approved', decidedAt: made.decidedAt },
          { where: { id: step.approvalRequestId }, transaction: t },
        );
      await Task.update({ status: 'done' }, { where: { refType: 'approval_step', refId: step.id }, transaction: t });
      return made;
    });
    const ctx = checked ?? (await approvalContext(db, req.stepId));
    const who = ctx.approver?.name ?? '';
    const card = await approvalCardOf(db, ctx, {
      kind: 'decided',
      decision: decision.decision,
      by: who,
      at: decision.decidedAt,
      comment: decision.comment,
    });
    const verb = decision.decision === 'approve' ? { zh: '同意', en: 'approved' } : { zh: '驳回', en: 'rejected' };
    const comment = decision.comment ? `：${decision.comment}` : '';
    const message = {
      zh: `${who} 已${verb.zh} ${ctx.quote?.number ?? ctx.order.number}${comment}`,
      en: `${who} ${verb.en} ${ctx.quote?.number ?? ctx.order.number}${decision.comment ? `: ${decision.comment}` : ''}`,
    };
    await db.writeTx(async (t) => {
      await updateCard(db, card, { dedupeKey: `approval-decided:${req.stepId}`, alsoTo: [ctx.order.ownerUserId], transaction: t });
      await pushTo(
        db,
        [ctx.order.ownerUserId],
        { kind: 'text', text: message.zh },
        { dedupeKey: `approval-told:${req.stepId}`, transaction: t },
      );
    });
    return { approverName: who, at: decision.decidedAt.getTime(), message, card };
  }

  /** After N hours: a reminder to the approver. */
  async function remindApprover({ stepId }: { stepId: number }): Promise<void> {
    const ctx = await approvalContext(db, stepId);
    if (ctx.step.status !== 'pending') return;
    await db.writeTx(async (t) => {
      await ApprovalStep.update({ remindedAt: new Date() }, { where: { id: stepId }, transaction: t });
      await pushTo(
        db,
        [ctx.step.approverUserId],
        {
          kind: 'text',
          text: `提醒：${ctx.customer?.name ?? ''} 的报价 ${ctx.quote?.number ?? ''}（${formatFen(ctx.order.totalFen)}）已等待您审批 ${config.reminders.approvalReminderHours} 小时`,
        },
        { dedupeKey: `approval-remind:${stepId}`, transaction: t },
      );
    });
  }

  /** After M hours: the approver's superior and the rep are told; the approver stays the approver. */
  async function escalateApproval({ stepId }: { stepId: number }): Promise<void> {
    const ctx = await approvalContext(db, stepId);
    if (ctx.step.status !== 'pending') return;
    const target = await approverFor(db, (ESCALATE_TO[ctx.step.approverRole] ?? 'admin') as never, ctx.customer ?? { teamId: null });
    const text = `升级提醒：${ctx.customer?.name ?? ''} 的报价 ${ctx.quote?.number ?? ''}（${formatFen(ctx.order.totalFen)}）已等待 ${ctx.approver?.name ?? ''} 审批超过 ${config.reminders.approvalEscalationHours} 小时`;
    await db.writeTx(async (t) => {
      await ApprovalStep.update({ escalatedAt: new Date() }, { where: { id: stepId }, transaction: t });
      const to = [ctx.order.ownerUserId, ctx.step.approverUserId, ...(target ? [target.id] : [])];
      await pushTo(db, to, { kind: 'text', text }, { dedupeKey: `approval-escalate:${stepId}`, transaction: t });
    });
  }

  /** Over the credit limit: a finance approval step for this order (once). */
  async function openCreditApproval({ orderId }: { orderId: number }): Promise<ApprovalStepInfo> {
    const order = await SalesOrder.findByPk(orderId);
    if (!order) throw new Error(`order ${orderId} not found`);
    const c = await creditPosition(db, order.customerId, { thisOrderFen: order.totalFen, excludeOrderId: order.id });
    const customer = await db.models.Customer.findByPk(order.customerId);
    const step = await db.writeTx(async (t) => {
      const existing = await ApprovalRequest.findOne({ where: { subjectType: 'credit_override', subjectId: orderId }, transaction: t });
      if (existing) {
        const s = await ApprovalStep.findOne({ where: { approvalRequestId: existing.id }, transaction: t });
        const u = s ? await userById(db, s.approverUserId) : null;
        if (s)
          return {
            id: s.id,
            stepNo: s.stepNo,
            role: s.approverRole as string,
            approverUserId: s.approverUserId,
            approverName: u?.name ?? '',
          };
      }
      const request =
        existing ??
        (await ApprovalRequest.create(
          {
            subjectType: 'credit_override',
            subjectId: orderId,
            requestedByUserId: order.ownerUserId,
            workflowId: order.workflowId,
            decidedAt: null,
          },
          { transaction: t },
        ));
      const [s] = await createApprovalSteps(db, request.id, [{ role: 'finance', reasons: [c.message] }], customer ?? { teamId: null }, t);
      if (!s) throw new Error('没有财务审批人 no finance user to approve the credit override');
      return s;
    });
    await pushTo(
      db,
      [order.ownerUserId],
      { kind: 'text', text: `订单 ${order.number} ${c.message.zh}，已提交财务 ${step.approverName} 审批` },
      { dedupeKey: `credit-over:${orderId}` },
    );
    return {
      stepId: step.id,
      stepNo: step.stepNo,
      role: step.role,
      approverUserId: step.approverUserId,
      approverName: step.approverName,
      facts: { creditOverByFen: c.overByFen },
    };
  }

  /**
   * A click, in one activity: re-checked when it approves, then recorded. Returns the card as
   * it now stands, for the clicker's reply.
   */
  async function decideStep(
    input: DecideInput & { facts: ApprovalFacts },
  ): Promise<
    | { ok: true; approverName: string; at: number; message: Bilingual; card: Card }
    | { ok: false; message: Bilingual; facts: ApprovalFacts; card?: Card }
  > {
    const { facts, ...req } = input;
    let checked: ApprovalContext | undefined;
    if (req.decision === 'approve') {
      const check = await recheckApproval({ stepId: req.stepId, facts });
      if (!check.ok) return { ok: false, message: check.message, facts: check.facts, card: check.card };
      checked = check.ctx;
    }
    return { ok: true, ...(await recordDecision(req, checked)) };
  }

  return { sendApprovalCard, decideStep, remindApprover, escalateApproval, openCreditApproval };
}
