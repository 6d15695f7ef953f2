import type { AppConfig } from '../../config';
import { businessDay } from '../../domain/calendar';
import { type Action, may } from '../../domain/permissions';
import type { Db } from '../../models/db';
import type { Reply } from '../cards/card';
import type { Flows } from '../flows';
import type { UserContext } from '../user-context';
import { quoteCardFromBooks } from './quote-card';

const HOUR = 3_600_000;

/**
 * The quote behind a click, when this user may act on it; else the answer. A quote is whose
 * its rep and its customer's team are; one the user may not even see is answered exactly like
 * one that does not exist, and a refusal names neither the customer, the rep nor the amount.
 */
async function quoteFor(db: Db, user: UserContext, quoteId: number, action: Action) {
  const quote = await db.models.Quote.findByPk(quoteId);
  const customer = quote ? await db.models.Customer.findByPk(quote.customerId, { attributes: ['teamId'] }) : null;
  const record = quote && { ownerUserId: quote.ownerUserId, teamId: customer?.teamId ?? null };
  if (!quote || !record || !may(user, 'customer.view', record)) return { refused: [text(`没有找到报价单 ${quoteId}`)] };
  if (!may(user, action, record)) return { refused: [text('您无权操作该报价')] };
  return { quote };
}

const text = (t: string): Reply => ({ kind: 'text', text: t });

/** 提交审批 on a draft quote: starts its quote-to-cash flow (once, however often it is clicked). */
export async function submitQuote(
  db: Db,
  config: AppConfig,
  flows: Flows,
  user: UserContext,
  quoteId: number,
  now: Date,
): Promise<Reply[]> {
  const { quote, refused } = await quoteFor(db, user, quoteId, 'quote.submit');
  if (!quote) return refused;
  if (quote.status === 'draft' && quote.validUntil < businessDay(now))
    return [{ kind: 'text', text: `报价 ${quote.number} 已于 ${quote.validUntil} 过期，请重新报价` }];
  if (quote.status !== 'draft' && !quote.workflowId) return [{ kind: 'text', text: `报价 ${quote.number} 不是草稿，不能提交` }];
  const { started } = await flows.submitQuote({
    quoteId: quote.id,
    quoteNumber: quote.number,
    submittedByUserId: user.id,
    reminderMs: config.reminders.approvalReminderHours * HOUR,
    escalationMs: config.reminders.approvalEscalationHours * HOUR,
  });
  const card = await quoteCardFromBooks(db, config, quote.id, user, { text: { zh: '已提交审批', en: 'Submitted' }, tone: 'success' });
  const replies: Reply[] = card ? [{ kind: 'card', card }] : [];
  replies.push({ kind: 'text', text: started ? `报价 ${quote.number} 已提交，审批进度会推送给您` : `报价 ${quote.number} 已经提交过了` });
  return replies;
}

/** 取消 on a draft quote. */
export async function cancelQuote(db: Db, config: AppConfig, user: UserContext, quoteId: number): Promise<Reply[]> {
  const { quote, refused } = await quoteFor(db, user, quoteId, 'quote.cancel');
  if (!quote) return refused;
  const [n] = await db.writeTx((t) =>
    db.models.Quote.update({ status: 'cancelled' }, { where: { id: quoteId, status: 'draft' }, transaction: t }),
  );
  if (n === 0) return [{ kind: 'text', text: `报价 ${quote.number} 已提交审批，请在订单上取消（订单卡片的“取消订单”）` }];
  const card = await quoteCardFromBooks(db, config, quote.id, user, { text: { zh: '已取消', en: 'Cancelled' }, tone: 'danger' });
  return card ? [{ kind: 'card', card }] : [];
}
