import { approvalCardOf, approvalContext } from '../../activities/approval-card';
import type { Db } from '../../models/db';
import type { Decision } from '../../workflows/messages';
import type { Reply } from '../cards/card';
import type { Flows } from '../flows';
import type { UserContext } from '../user-context';

/**
 * 同意 / 驳回 on an approval card: a Temporal update on the order's flow, which checks that
 * this user is the step's approver, re-checks stock and credit, and records the decision once.
 * The reply carries the card as it now stands, so the clicker sees it change in place.
 */
export async function decideApproval(
  db: Db,
  flows: Flows,
  user: UserContext,
  v: { stepId: number; workflowId: string },
  decision: Decision,
  comment: string | undefined,
  requestId: string,
): Promise<Reply[]> {
  const res = await flows.decide(
    v.workflowId,
    { stepId: v.stepId, userId: user.id, decision, comment: comment?.trim() || undefined },
    requestId,
  );
  const replies: Reply[] = [{ kind: 'text', text: res.message.zh }];
  const ctx = await approvalContext(db, v.stepId).catch(() => null);
  if (!ctx) return replies;
  const made = await db.models.ApprovalDecision.findOne({ where: { approvalStepId: v.stepId } });
  const approver = ctx.approver?.name ?? '';
  const card = made
    ? await approvalCardOf(db, ctx, { kind: 'decided', decision: made.decision, by: approver, at: made.decidedAt, comment: made.comment })
    : !res.ok && ctx.step.status === 'pending' && ctx.step.approverUserId === user.id
      ? await approvalCardOf(db, ctx, { kind: 'refused', reason: res.message })
      : null;
  if (card) replies.unshift({ kind: 'card', card });
  return replies;
}
