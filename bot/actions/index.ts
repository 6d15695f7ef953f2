import { randomUUID } from 'node:crypto';
import { answering } from '../answer';
import { type Locale, type Reply, t } from '../cards/card';
import type { BotDeps } from '../dispatch';
import { loadUser } from '../user-context';
import { decideApproval } from './approval-decide';
import { cancelOrder } from './order-cancel';
import { cancelQuote, submitQuote } from './quote-submit';

/**
 * A click on a card button, from whichever channel, to the replies. Each action lives in its
 * own file; they answer fast and leave the work to the workflow (platforms resend after ~3 s).
 */
export interface CardAction {
  userLogin: string;
  cardId: string;
  action: string;
  value: Record<string, unknown>;
  /** what the user typed with the click (a reject reason), when the channel allows it */
  comment?: string;
  /** the platform's id for this click: a redelivered click is the same request */
  requestId?: string;
  /** the channel it came from (lark, dingtalk, wecom, wechaty, console) */
  channel?: string;
}

const num = (v: unknown) =>
  typeof v === 'number' && Number.isSafeInteger(v) && v > 0 ? v : typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : null;

export function handleAction(deps: BotDeps, a: CardAction): Promise<Reply[]> {
  return answering(deps.log, 'zh', `click by ${a.userLogin}: ${a.action} on ${a.cardId}`, () => answerAction(deps, a));
}

async function answerAction(deps: BotDeps, a: CardAction): Promise<Reply[]> {
  const locale: Locale = 'zh';
  const say = (zh: string, en: string): Reply[] => [{ kind: 'text', text: t(locale, zh, en) }];
  const user = await loadUser(deps.db, a.userLogin);
  if (!user) return say('您的账号还没有绑定系统用户，请联系管理员', 'Your account is not linked to a user yet');
  const flows = deps.flows;
  const requestId = a.requestId ?? randomUUID();
  switch (a.action) {
    case 'quote.submit':
    case 'quote.cancel': {
      const quoteId = num(a.value.quoteId);
      if (!quoteId) return say('按钮缺少报价单编号', 'the button has no quoteId');
      if (a.action === 'quote.cancel') return cancelQuote(deps.db, deps.config, user, quoteId);
      if (!flows) return say('流程服务暂不可用，请稍后再试', 'workflows are unavailable, try again later');
      return submitQuote(deps.db, deps.config, flows, user, quoteId, deps.now());
    }
    case 'approval.approve':
    case 'approval.reject': {
      const stepId = num(a.value.stepId);
      const workflowId = typeof a.value.workflowId === 'string' ? a.value.workflowId : '';
      if (!stepId || !workflowId) return say('按钮缺少审批步骤', 'the button has no approval step');
      if (!flows) return say('流程服务暂不可用，请稍后再试', 'workflows are unavailable, try again later');
      const decision = a.action === 'approval.approve' ? 'approve' : 'reject';
      return decideApproval({ db: deps.db, flows }, user, { stepId, workflowId, via: a.channel }, decision, a.comment, requestId);
    }
    case 'order.cancel': {
      const orderId = num(a.value.orderId);
      if (!orderId) return say('按钮缺少订单编号', 'the button has no orderId');
      if (!flows) return say('流程服务暂不可用，请稍后再试', 'workflows are unavailable, try again later');
      return cancelOrder(deps.db, flows, user, orderId, a.comment, requestId);
    }
    default:
      return say(`未知的操作：${a.action}`, `unknown action: ${a.action}`);
  }
}
