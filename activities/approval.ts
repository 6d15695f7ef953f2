import { createHash } from 'node:crypto';
import { Op, type Transaction } from 'sequelize';
import { businessDay } from '../domain/calendar';
import { formatFen } from '../domain/money';
import { type Priority, TASK_SOURCE } from '../domain/tasks';
import { type ApprovalContext, approvalContext } from '../models/approval-context';
import { approverFor } from '../models/approvers';
import { creditPosition } from '../models/credit-position';
import type { Db } from '../models/db';
import { createTask, type NewTask } from '../models/task';
import { userById } from '../models/user-directory';
import type { ApprovalFacts, ApprovalStepInfo, Bilingual, DecideInput } from '../workflows/messages';
import type { ActivityDeps } from './deps';

const HOUR_MS = 3_600_000;

/** The to-do of an approval step, for its approver or (escalated) their superior: due at once. */
function approvalTask(ctx: ApprovalContext, userId: number, source: string, priority: Priority, now: Date, lead = ''): NewTask {
  return {
    userId,
    title: `${lead}审批 ${ctx.quote?.number ?? ctx.order.number} · ${ctx.customer?.name ?? ''}`,
    priority,
    refType: 'approval_step',
    refId: ctx.step.id,
    source,
    dueAt: now,
  };
}

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
    const who = await approverFor(db, s.role as never, customer, t);
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

export function createApprovalActivities({ db, config, clock, notify }: ActivityDeps) {
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

  /**
   * Sends the approver the card (and a to-do) and tells the rep who it waits for. The facts the
   * card shows are stored on the step as it goes out: a click is re-checked against what this
   * approver saw, not against the figures of when the order was opened.
   */
  async function sendApprovalCard({ stepId }: { stepId: number; facts: ApprovalFacts }): Promise<void> {
    const ctx = await approvalContext(db, stepId);
    if (ctx.step.status !== 'waiting' && ctx.step.status !== 'pending') return;
    const facts = ctx.step.facts ?? (await currentFacts(ctx));
    await db.writeTx(async (t) => {
      const [sent] = await ApprovalStep.update({ status: 'pending', facts }, { where: { id: stepId, status: 'waiting' }, transaction: t });
      if (sent === 0) return; // an earlier attempt sent it
      // due when the reminder would go out: a step waiting that long is late
      const now = clock();
      await createTask(
        db,
        {
          userId: ctx.step.approverUserId,
          title: `审批 ${ctx.quote?.number ?? ctx.order.number} · ${ctx.customer?.name ?? ''}`,
          priority: 'high',
          refType: 'approval_step',
          refId: stepId,
          source: TASK_SOURCE.approval,
          dueAt: new Date(now.getTime() + config.reminders.approvalReminderHours * HOUR_MS),
        },
        { transaction: t, now },
      );
      await notify.emit(
        { type: 'approval.pending', stepId, approverUserId: ctx.step.approverUserId, repUserId: ctx.order.ownerUserId },
        { transaction: t },
      );
    });
  }

  /**
   * Re-checks an approval at the click against the facts its card showed: refused when stock
   * promised as available has gone, the customer is further over credit, or the quote has
   * expired. The card is redrawn with the new figures and the reason, and those become the
   * step's facts: a second click decides on what the card now shows.
   */
  async function recheckApproval({
    stepId,
    facts: given,
  }: {
    stepId: number;
    facts: ApprovalFacts;
  }): Promise<{ ok: boolean; message: Bilingual; facts: ApprovalFacts; ctx: ApprovalContext }> {
    const ctx = await approvalContext(db, stepId);
    const facts = ctx.step.facts ?? given; // steps sent before facts were stored: what the flow kept
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
    if (ctx.quote && ctx.quote.validUntil < businessDay(clock()))
      problems.push({ zh: `报价已于 ${ctx.quote.validUntil} 过期`, en: `the quote expired on ${ctx.quote.validUntil}` });
    if (problems.length === 0) return { ok: true, message: { zh: '复核通过', en: 'checked' }, facts, ctx };
    const message = {
      zh: `${problems.map((p) => p.zh).join('；')}，请按最新情况重新确认`,
      en: `${problems.map((p) => p.en).join('; ')}; please decide on the new figures`,
    };
    await db.writeTx(async (t) => {
      await ApprovalStep.update({ facts: now }, { where: { id: stepId }, transaction: t });
      const factsKey = short(JSON.stringify(now));
      await notify.emit({ type: 'approval.refreshed', stepId, reason: message, factsKey }, { transaction: t });
    });
    return { ok: false, message, facts: now, ctx };
  }

  /**
   * Records the decision once, and in the same transaction updates the card for everyone who
   * received it and tells the rep. Safe to run again: a second run finds the decision.
   */
  async function recordDecision(
    req: DecideInput,
    ctx: ApprovalContext,
  ): Promise<{ ok: true; approverName: string; at: number; message: Bilingual } | { ok: false; message: Bilingual; facts: ApprovalFacts }> {
    const decision = await db.writeTx(async (t) => {
      const prior = await ApprovalDecision.findOne({ where: { approvalStepId: req.stepId }, transaction: t });
      if (prior) return prior;
      // only an open step can be decided: one closed by a cancel stays closed
      const [open] = await ApprovalStep.update(
        { status: req.decision === 'approve' ? 'approved' : 'rejected' },
        { where: { id: req.stepId, status: { [Op.in]: ['waiting', 'pending'] } }, transaction: t },
      );
      if (open === 0) return null;
      const made = await ApprovalDecision.create(
        {
          approvalStepId: req.stepId,
          userId: req.userId,
          decision: req.decision,
          comment: req.comment ?? null,
          via: req.via ?? null,
          decidedAt: clock(),
        },
        { transaction: t },
      );
      const pending = await ApprovalStep.count({
        where: { approvalRequestId: ctx.step.approvalRequestId, status: { [Op.in]: ['waiting', 'pending'] } },
        transaction: t,
      });
      if (req.decision === 'reject' || pending === 0)
        await ApprovalRequest.update(
          { status: req.decision === 'reject' ? 'rejected' : 'approved', decidedAt: made.decidedAt },
          { where: { id: ctx.step.approvalRequestId }, transaction: t },
        );
      await Task.update({ status: 'done' }, { where: { refType: 'approval_step', refId: req.stepId }, transaction: t });
      await notify.emit({ type: 'approval.decided', stepId: req.stepId, repUserId: ctx.order.ownerUserId }, { transaction: t });
      return made;
    });
    if (!decision)
      return { ok: false, message: { zh: '这一步审批已关闭', en: 'this approval step is closed' }, facts: ctx.step.facts ?? {} };
    const who = ctx.approver?.name ?? '';
    const doc = ctx.quote?.number ?? ctx.order.number;
    const verb = decision.decision === 'approve' ? { zh: '同意', en: 'approved' } : { zh: '驳回', en: 'rejected' };
    const message = {
      zh: `${who} 已${verb.zh} ${doc}${decision.comment ? `：${decision.comment}` : ''}`,
      en: `${who} ${verb.en} ${doc}${decision.comment ? `: ${decision.comment}` : ''}`,
    };
    return { ok: true, approverName: who, at: decision.decidedAt.getTime(), message };
  }

  /** After N hours: a reminder to the approver. */
  async function remindApprover({ stepId }: { stepId: number }): Promise<void> {
    const step = await ApprovalStep.findByPk(stepId, { attributes: ['id', 'status', 'approverUserId'] });
    if (step?.status !== 'pending') return;
    const ctx = await approvalContext(db, stepId);
    await db.writeTx(async (t) => {
      const now = clock();
      await ApprovalStep.update({ remindedAt: now }, { where: { id: stepId }, transaction: t });
      // the reminder asks the approver to act: their task for the step becomes urgent
      await createTask(db, approvalTask(ctx, step.approverUserId, TASK_SOURCE.approval, 'urgent', now), { transaction: t, now });
      await notify.emit(
        { type: 'approval.reminded', stepId, to: [step.approverUserId], hours: config.reminders.approvalReminderHours },
        { transaction: t },
      );
    });
  }

  /** After M hours: the approver's superior and the rep are told; the approver stays the approver. */
  async function escalateApproval({ stepId }: { stepId: number }): Promise<void> {
    const ctx = await approvalContext(db, stepId);
    if (ctx.step.status !== 'pending') return;
    const target = await approverFor(db, (ESCALATE_TO[ctx.step.approverRole] ?? 'admin') as never, ctx.customer ?? { teamId: null });
    await db.writeTx(async (t) => {
      await ApprovalStep.update({ escalatedAt: clock() }, { where: { id: stepId }, transaction: t });
      const to = [ctx.order.ownerUserId, ctx.step.approverUserId, ...(target ? [target.id] : [])];
      // the superior is asked to see that it gets decided: a task of theirs until the step is decided
      const now = clock();
      if (target)
        await createTask(db, approvalTask(ctx, target.id, TASK_SOURCE.escalation, 'urgent', now, `催办 ${ctx.approver?.name ?? ''} 的`), {
          transaction: t,
          now,
        });
      await notify.emit({ type: 'approval.escalated', stepId, to, hours: config.reminders.approvalEscalationHours }, { transaction: t });
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
      const prior = existing && (await ApprovalStep.findOne({ where: { approvalRequestId: existing.id }, transaction: t }));
      if (prior) {
        const u = await userById(db, prior.approverUserId, t);
        return {
          id: prior.id,
          stepNo: prior.stepNo,
          role: prior.approverRole as string,
          approverUserId: prior.approverUserId,
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
      await notify.emit(
        { type: 'credit.override_requested', orderId, approverName: s.approverName, reason: c.message, to: [order.ownerUserId] },
        { transaction: t },
      );
      return s;
    });
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
   * A click, in one activity: re-checked when it approves, then recorded. The result is plain
   * data; the bot redraws the card from the books (cards never pass through workflow history).
   */
  async function decideStep(
    input: DecideInput & { facts: ApprovalFacts },
  ): Promise<{ ok: true; approverName: string; at: number; message: Bilingual } | { ok: false; message: Bilingual; facts: ApprovalFacts }> {
    const { facts, ...req } = input;
    if (req.decision === 'approve') {
      const check = await recheckApproval({ stepId: req.stepId, facts });
      if (!check.ok) return { ok: false, message: check.message, facts: check.facts };
      return recordDecision(req, check.ctx);
    }
    return recordDecision(req, await approvalContext(db, req.stepId));
  }

  return { sendApprovalCard, decideStep, remindApprover, escalateApproval, openCreditApproval };
}
