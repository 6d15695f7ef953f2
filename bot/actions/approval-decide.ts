import { may, type OwnedRecord } from '../../domain/permissions';
import type { Db } from '../../models/db';
import type { DecideResult, Decision } from '../../workflows/messages';
import { approvalCardFromBooks } from '../cards/approval';
import { type Locale, type Reply, t } from '../cards/card';
import type { Flows } from '../flows';
import { latestCardOf, pushTo } from '../outbox';
import type { UserContext } from '../user-context';

/** Lark and DingTalk resend a click they have no answer to after ~3 s: answer well before. */
export const ANSWER_WITHIN_MS = 800;

/**
 * 同意 / 驳回 on an approval card: a Temporal update on the order's flow, which checks that
 * this user is the step's approver, re-checks stock and credit against what the card showed,
 * and records the decision once. When the flow answers in time the reply carries the card
 * redrawn from the books; when it does not, the reply says the click is being handled, every
 * copy of the card updates by push once the decision is recorded, and a refusal reaches the
 * clicker as a pushed message. The clock starts once the flow has accepted the click.
 */
export async function decideApproval(
  deps: { db: Db; flows: Flows; answerWithinMs?: number },
  user: UserContext,
  v: { stepId: number; workflowId: string; via?: string },
  decision: Decision,
  comment: string | undefined,
  requestId: string,
  locale: Locale = 'zh',
): Promise<Reply[]> {
  // a card the user may not open is answered like a step that does not exist: no flow, no card
  const record = await stepRecord(deps.db, v.stepId, user.id);
  if (!record || !may(user, 'approval.decide', record)) return [{ kind: 'text', text: t(locale, '没有找到该审批', 'No such approval') }];
  let accepted: () => void = () => {};
  const inHistory = new Promise<void>((r) => {
    accepted = r;
  });
  const pending = deps.flows.decide(
    v.workflowId,
    { stepId: v.stepId, userId: user.id, decision, comment: comment?.trim() || undefined, ...(v.via ? { via: v.via } : {}) },
    requestId,
    { accepted },
  );
  // Nothing is answered before the flow holds the click: "being handled" must survive a crash.
  // (Accepting is the validator alone, milliseconds; a platform that resends meanwhile sends the
  // same request id, which the flow takes once.)
  await Promise.race([
    inHistory,
    pending.then(
      () => undefined,
      () => undefined,
    ),
  ]);
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<null>((r) => {
    timer = setTimeout(() => r(null), deps.answerWithinMs ?? ANSWER_WITHIN_MS);
  });
  const res = await Promise.race([pending, late]).finally(() => clearTimeout(timer));
  if (res === null) {
    void pending.then(
      (r) => (r.ok ? undefined : tellLater(deps.db, user.id, r, requestId, locale)),
      (e: Error) => tellLater(deps.db, user.id, { ok: false, message: failed(e) }, requestId, locale),
    );
    return [{ kind: 'text', text: t(locale, '已收到，正在处理，完成后卡片会自动更新', 'Received; the card updates when it is done') }];
  }
  const card = await cardAfter(deps.db, user, v.stepId, res, locale);
  return [
    { kind: 'card', card },
    { kind: 'text', text: t(locale, res.message.zh, res.message.en) },
  ];
}

/** Whose an approval step is: its order's rep and team, and the step's approver. */
async function stepRecord(db: Db, stepId: number, userId: number): Promise<OwnedRecord | null> {
  const step = await db.models.ApprovalStep.findByPk(stepId, { attributes: ['approvalRequestId', 'approverUserId'] });
  if (!step) return null;
  // the designated approver may always open their step (domain/permissions): no need to read whose it is
  if (step.approverUserId === userId) return { ownerUserId: -1, teamId: null, approverUserId: step.approverUserId };
  const request = await db.models.ApprovalRequest.findByPk(step.approvalRequestId);
  if (!request) return null;
  const order =
    request.subjectType === 'quote'
      ? await db.models.SalesOrder.findOne({ where: { quoteId: request.subjectId }, attributes: ['ownerUserId', 'teamId'] })
      : await db.models.SalesOrder.findByPk(request.subjectId, { attributes: ['ownerUserId', 'teamId'] });
  return order ? { ownerUserId: order.ownerUserId, teamId: order.teamId, approverUserId: step.approverUserId } : null;
}

/**
 * The card as it stands after the click. A recorded decision or a re-check that changed the
 * figures has just redrawn the clicker's copy (bot/notices/approval): that copy is the answer,
 * one read instead of the view's dozen. Otherwise (a click the flow refused outright) the view
 * draws it: an open step shows why the click was refused, a decided or closed one how it ended.
 */
async function cardAfter(db: Db, user: UserContext, stepId: number, res: DecideResult, locale: Locale) {
  if (locale === 'zh') {
    const latest = await latestCardOf(db, user.id, `approval:${stepId}`);
    if (latest && res.ok === !latest.buttons?.length) return latest;
  }
  const step = await db.models.ApprovalStep.findByPk(stepId, { attributes: ['status'] });
  const state = !res.ok && step?.status === 'pending' ? { kind: 'refused' as const, reason: res.message } : undefined;
  return approvalCardFromBooks(db, stepId, { canSeeCost: may(user, 'cost.view') }, { state, locale });
}

const failed = (e: Error) => ({ zh: `操作未能完成：${e.message}`, en: `the click could not be completed: ${e.message}` });

function tellLater(db: Db, userId: number, r: DecideResult, requestId: string, locale: Locale): Promise<void> {
  return pushTo(db, [userId], { kind: 'text', text: t(locale, r.message.zh, r.message.en) }, { dedupeKey: `click-refused:${requestId}` });
}
