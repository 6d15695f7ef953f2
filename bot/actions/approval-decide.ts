import type { Decision } from '../../workflows/messages';
import type { Card, Reply } from '../cards/card';
import type { Flows } from '../flows';
import type { UserContext } from '../user-context';

/**
 * 同意 / 驳回 on an approval card: a Temporal update on the order's flow, which checks that
 * this user is the step's approver, re-checks stock and credit, and records the decision once.
 * The reply carries the card as the flow left it, so the clicker sees it change in place.
 */
export async function decideApproval(
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
  // the flow hands back, untouched, the card its activity built with bot/cards
  if (res.card) replies.unshift({ kind: 'card', card: res.card as Card });
  return replies;
}
