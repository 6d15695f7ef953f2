import type { Transaction } from 'sequelize';
import type { BusinessEvent } from '../../domain/events';
import { formatFen } from '../../domain/money';
import { type ApprovalContext, approvalContext } from '../../models/approval-context';
import type { Db } from '../../models/db';
import { rightsOfUsers } from '../../models/user-directory';
import { type ApprovalCardState, approvalCardFromBooks } from '../cards/approval';
import { cardHolders, pushTo, replaceCard } from '../outbox';

type Of<T extends BusinessEvent['type']> = Extract<BusinessEvent, { type: T }>;
export interface NoticeCtx {
  db: Db;
  t?: Transaction;
  /** the event's key (domain/events eventKey): every dedupe key of its messages starts with it */
  key: string;
}

/**
 * The approval card, redrawn for everyone who holds it (and sent to `alsoTo` who do not),
 * once per viewer's rights: who may not see cost gets the margin reasons without figures.
 */
async function redraw(
  c: NoticeCtx,
  stepId: number,
  state: ApprovalCardState | undefined,
  alsoTo: number[] = [],
  context?: ApprovalContext,
): Promise<void> {
  context ??= await approvalContext(c.db, stepId, c.t);
  const holders = await cardHolders(c.db, `approval:${stepId}`, c.t);
  const everyone = [...new Set([...holders, ...alsoTo])];
  const rights = await rightsOfUsers(c.db, everyone, c.t);
  for (const canSeeCost of [true, false]) {
    const group = everyone.filter((u) => rights.get(u)?.canSeeCost === canSeeCost);
    if (group.length === 0) continue;
    const card = await approvalCardFromBooks(c.db, stepId, { canSeeCost }, { state, transaction: c.t, context });
    const had = group.filter((u) => holders.includes(u));
    const fresh = group.filter((u) => !holders.includes(u));
    if (had.length) await replaceCard(c.db, had, card, { dedupeKey: c.key, transaction: c.t });
    if (fresh.length) await pushTo(c.db, fresh, { kind: 'card', card }, { dedupeKey: c.key, transaction: c.t });
  }
}

const text = (c: NoticeCtx, to: readonly number[], body: string, part = 'text', digest?: 'reminder') =>
  pushTo(c.db, to, { kind: 'text', text: body }, { dedupeKey: `${c.key}:${part}`, transaction: c.t, ...(digest ? { digest } : {}) });

export async function approvalPending(c: NoticeCtx, e: Of<'approval.pending'>): Promise<void> {
  const ctx = await approvalContext(c.db, e.stepId, c.t);
  const [rights] = (await rightsOfUsers(c.db, [e.approverUserId], c.t)).values();
  const card = await approvalCardFromBooks(c.db, e.stepId, { canSeeCost: rights?.canSeeCost ?? false }, { transaction: c.t, context: ctx });
  await pushTo(c.db, [e.approverUserId], { kind: 'card', card }, { dedupeKey: `${c.key}:card`, transaction: c.t });
  const doc = ctx.quote?.number ?? '';
  await text(
    c,
    [e.repUserId],
    `${doc} 已提交 ${ctx.approver?.name ?? ''} 审批（第 ${ctx.step.stepNo}/${ctx.totalSteps} 步），订单 ${ctx.order.number}`,
  );
}

export async function approvalReminded(c: NoticeCtx, e: Of<'approval.reminded'> | Of<'approval.escalated'>): Promise<void> {
  const ctx = await approvalContext(c.db, e.stepId, c.t);
  const what = `${ctx.customer?.name ?? ''} 的报价 ${ctx.quote?.number ?? ''}（${formatFen(ctx.order.totalFen)}）`;
  await text(
    c,
    e.to,
    e.type === 'approval.reminded'
      ? `提醒：${what}已等待您审批 ${e.hours} 小时`
      : `升级提醒：${what}已等待 ${ctx.approver?.name ?? ''} 审批超过 ${e.hours} 小时`,
    'text',
    'reminder',
  );
}

export function approvalRefreshed(c: NoticeCtx, e: Of<'approval.refreshed'>): Promise<void> {
  return redraw(c, e.stepId, { kind: 'refused', reason: e.reason });
}

export async function approvalDecided(c: NoticeCtx, e: Of<'approval.decided'>): Promise<void> {
  const ctx = await approvalContext(c.db, e.stepId, c.t);
  await redraw(c, e.stepId, undefined, [e.repUserId], ctx);
  const d = ctx.decision;
  if (!d) return;
  const verb = d.decision === 'approve' ? '同意' : '驳回';
  await text(
    c,
    [e.repUserId],
    `${ctx.approver?.name ?? ''} 已${verb} ${ctx.quote?.number ?? ctx.order.number}${d.comment ? `：${d.comment}` : ''}`,
  );
}

export function approvalClosed(c: NoticeCtx, e: Of<'approval.closed'>): Promise<void> {
  return redraw(c, e.stepId, { kind: 'closed', why: e.why });
}

export async function approverMissing(c: NoticeCtx, e: Of<'approval.approver_missing'>): Promise<void> {
  await text(c, e.to, `注意：没有人担任 ${e.roles.join('、')}，这一级审批已跳过，请联系管理员配置审批人`);
}

export async function creditOverrideRequested(c: NoticeCtx, e: Of<'credit.override_requested'>): Promise<void> {
  const order = await c.db.models.SalesOrder.findByPk(e.orderId, { transaction: c.t, attributes: ['number'] });
  await text(c, e.to, `订单 ${order?.number ?? ''} ${e.reason.zh}，已提交财务 ${e.approverName} 审批`);
}
