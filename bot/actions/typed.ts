import { type CardButton, type Locale, type Reply, t } from '../cards/card';
import type { Command } from '../commands/grammar';
import type { BotDeps } from '../dispatch';
import { toHalfWidth } from '../text';
import { type CardAction, handleAction } from './index';

type Typed = Extract<Command, { kind: 'approve' | 'reject' | 'submit' | 'cancel' }>;

/**
 * A card's buttons as text, for a platform without buttons (WeChat) and for anyone who would
 * rather type: each button action has a text form with the number the card is known by
 * (approval:12 → 同意 12), and typing it is the same card action as the click (handleAction),
 * with the value the button carried on the copy of the card the person received. One who never
 * received the card is told there is none; a late decision is refused by the flow, saying who
 * decided, when and where, as a late click is.
 */
const FORMS: Record<string, { card: string; zh: string; en: string; reason?: { zh: string; en: string } }> = {
  'approval.approve': { card: 'approval', zh: '同意', en: 'approve' },
  'approval.reject': { card: 'approval', zh: '驳回', en: 'reject', reason: { zh: '理由', en: 'reason' } },
  'quote.submit': { card: 'quote', zh: '提交', en: 'submit' },
  'quote.cancel': { card: 'quote', zh: '取消报价', en: 'cancel quote' },
  'order.cancel': { card: 'order', zh: '取消订单', en: 'cancel order', reason: { zh: '原因', en: 'reason' } },
};

/** the number in a card id (approval:12 → 12); null for a card without one */
export const cardNumber = (cardId: string): number | null => {
  const m = /:(\d+)$/.exec(cardId);
  return m ? Number(m[1]) : null;
};

/** What to type for this button of this card: 同意 12, 驳回 12 理由; null when it has no text form. */
export function typedForm(cardId: string, b: CardButton, locale: Locale = 'zh'): string | null {
  const form = FORMS[b.action];
  const n = cardNumber(cardId);
  if (!form || n === null || !cardId.startsWith(`${form.card}:`)) return null;
  const verb = t(locale, form.zh, form.en);
  const reason = form.reason ? ` ${t(locale, form.reason.zh, form.reason.en)}` : '';
  return `${verb} ${n}${reason}`;
}

function actionOf(c: Typed): { action: string; cardId: string; comment?: string } {
  switch (c.kind) {
    case 'approve':
      return { action: 'approval.approve', cardId: `approval:${c.n}` };
    case 'reject':
      return { action: 'approval.reject', cardId: `approval:${c.n}`, comment: c.reason };
    case 'submit':
      return { action: 'quote.submit', cardId: `quote:${c.n}` };
    case 'cancel':
      return c.what === 'quote'
        ? { action: 'quote.cancel', cardId: `quote:${c.n}` }
        : { action: 'order.cancel', cardId: `order:${c.n}`, ...(c.reason ? { comment: c.reason } : {}) };
  }
}

/** The button as it was on this user's copies of the card, newest first (a decided copy has none left). */
async function buttonOnTheirCard(deps: BotDeps, userId: number, cardId: string, action: string): Promise<CardButton | null> {
  const rows = await deps.db.models.OutboxMessage.findAll({
    where: { recipientUserId: userId, cardId },
    attributes: ['payload'],
    order: [['id', 'DESC']],
    limit: 50,
  });
  for (const r of rows) {
    const card = (r.payload as unknown as { card?: { buttons?: CardButton[] } }).card;
    const b = card?.buttons?.find((x) => x.action === action);
    if (b) return b;
  }
  return null;
}

/**
 * The reason as typed: the grammar reads a normalised text (commas become spaces), a reason is
 * kept as the person wrote it, everything after the card's number.
 */
function reasonAsTyped(raw: string | undefined, parsed: string): string {
  if (!raw || !parsed) return parsed;
  // full-width digits are found in the half-width copy; it is the same length, so the cut is the same
  const n = /\d+/.exec(toHalfWidth(raw));
  const typed = n ? raw.slice(n.index + n[0].length).trim() : '';
  return typed ? typed.slice(0, 500) : parsed;
}

/** A typed card action from this user: the click it stands for, run as one. */
export async function typedAction(
  deps: BotDeps,
  user: { id: number; login: string },
  c: Typed,
  o: { messageId: string; channel?: string; locale: Locale; raw?: string },
): Promise<Reply[]> {
  const { action, cardId, comment: parsed } = actionOf(c);
  const comment = parsed ? reasonAsTyped(o.raw, parsed) : undefined;
  const button = await buttonOnTheirCard(deps, user.id, cardId, action);
  if (!button) {
    const what =
      FORMS[action]?.card === 'approval'
        ? t(o.locale, '审批', 'approval')
        : FORMS[action]?.card === 'quote'
          ? t(o.locale, '报价', 'quote')
          : t(o.locale, '订单', 'order');
    return [
      {
        kind: 'text',
        text: t(
          o.locale,
          `没有找到发给您的${what}卡片 #${c.n}。请核对卡片上的编号。`,
          `No ${what} card #${c.n} was sent to you. Check the number on the card.`,
        ),
      },
    ];
  }
  const click: CardAction = {
    userLogin: user.login,
    cardId,
    action,
    value: button.value,
    ...(comment ? { comment } : {}),
    requestId: `typed:${o.messageId}`,
    ...(o.channel ? { channel: o.channel } : {}),
  };
  return handleAction(deps, click);
}

/** whether a command is a typed card action: its card in the answer is the card redrawn, not a new one */
export const isTypedAction = (c: Command): c is Typed =>
  c.kind === 'approve' || c.kind === 'reject' || c.kind === 'submit' || c.kind === 'cancel';
