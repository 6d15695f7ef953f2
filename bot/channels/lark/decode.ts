import { z } from 'zod';
import { type Locale, type Reply, t } from '../../cards/card';
import type { LarkCard2 } from './card-json';
import { COMMENT_FIELD, renderCard } from './render';

/**
 * Incoming Lark events → neutral messages and actions, from the data the SDK's
 * EventDispatcher hands a handler. For schema 2.0 events the SDK merges `header` and `event`
 * into one object (`Object.assign({}, rest, header, event)` in node-sdk 1.74.0's
 * RequestHandle.parse), so `event_id` sits beside `message`. Event fields win over header
 * fields: in card.action.trigger, `data.token` is the card's delayed-update token ('c-…'),
 * and the header's verification token is gone. A raw, unflattened body is read too.
 */

export type Ignored = { ignored: string };
/** a message from a person in a form the bot cannot read (an image, a file, a sticker): it says so */
export type Unreadable = Ignored & { unreadable: DecodedMessage };

export interface DecodedMessage {
  eventId: string;
  messageId: string;
  chatId: string;
  chatType: 'p2p' | 'group';
  senderOpenId: string;
  text: string;
  mentionedBot: boolean;
}

export interface DecodedCardAction {
  eventId: string;
  operatorOpenId: string;
  messageId: string;
  chatId: string;
  cardId: string;
  action: string;
  value: Record<string, string | number | boolean>;
  comment?: string;
  /** the delayed-update token of this click (valid 30 min, a few uses) */
  token: string;
}

/** the builders' limit for a reason (bot/cards/approval.ts asks for up to 500) */
export const MAX_COMMENT = 500;

const mentionSchema = z.object({
  key: z.string(),
  name: z.string().optional(),
  id: z.object({ open_id: z.string().optional() }).partial().optional(),
});

const messageEventSchema = z.object({
  event_id: z.string().min(1),
  sender: z.object({ sender_id: z.object({ open_id: z.string().min(1) }), sender_type: z.string() }),
  message: z.object({
    message_id: z.string().min(1),
    chat_id: z.string().min(1),
    chat_type: z.string(),
    message_type: z.string(),
    content: z.string(),
    mentions: z.array(mentionSchema).nullish(),
  }),
});

type Mention = z.infer<typeof mentionSchema>;

/** the SDK's flattened data, or a raw `{schema, header, event}` body */
function flatten(data: unknown): Record<string, unknown> {
  if (!data || typeof data !== 'object') return {};
  const d = data as Record<string, unknown>;
  if (d.header && d.event && typeof d.header === 'object' && typeof d.event === 'object') return { ...d, ...d.header, ...d.event };
  return d;
}

const parseJson = (s: string): unknown => {
  try {
    return JSON.parse(s);
  } catch {
    return undefined;
  }
};

type PostRun = { tag?: string; text?: string; user_id?: string; user_name?: string };

/**
 * A post's body: `{title, content: [[run…]…]}` as events deliver it, or the same under a
 * locale key (`{zh_cn: {…}}`) as the send API takes it and some clients echo.
 */
function postBody(c: unknown): { title?: string; content: PostRun[][] } | undefined {
  if (!c || typeof c !== 'object') return undefined;
  const o = c as Record<string, unknown>;
  if (Array.isArray(o.content)) return o as { title?: string; content: PostRun[][] };
  for (const v of Object.values(o))
    if (v && typeof v === 'object' && Array.isArray((v as { content?: unknown }).content)) return postBody(v);
  return undefined;
}

export function decodeMessage(data: unknown, botOpenId: string): DecodedMessage | Ignored | Unreadable {
  const parsed = messageEventSchema.safeParse(flatten(data));
  if (!parsed.success) return { ignored: 'not a message event we can read' };
  const { event_id, sender, message } = parsed.data;
  if (sender.sender_type !== 'user') return { ignored: `sender is ${sender.sender_type}, not a user` };
  if (sender.sender_id.open_id === botOpenId) return { ignored: 'our own message' };
  if (message.chat_type !== 'p2p' && message.chat_type !== 'group') return { ignored: `chat type ${message.chat_type}` };
  const mentions = message.mentions ?? [];
  const byKey = new Map(mentions.map((m) => [m.key, m]));
  const isBot = (m: Mention | undefined) => !!botOpenId && m?.id?.open_id === botOpenId;
  // the bot's own mention is the address, not the words; other people keep their name
  const named = (m: Mention | undefined) => (isBot(m) || !m?.name ? '' : `@${m.name}`);
  const content = parseJson(message.content);
  let text: string;
  let atBot = false;
  if (message.message_type === 'text') {
    const raw = (content as { text?: unknown } | undefined)?.text;
    if (typeof raw !== 'string') return { ignored: 'text message without text' };
    text = raw.replace(/@_(?:user_\d+|all)/g, (key) => named(byKey.get(key)));
  } else if (message.message_type === 'post') {
    const body = postBody(content);
    if (!body) return { ignored: 'post without a body' };
    const lines = body.content.map((line) =>
      (Array.isArray(line) ? line : [])
        .filter((run): run is PostRun => !!run && typeof run === 'object')
        .map((run) => {
          if (run.tag === 'text' || run.tag === 'a' || run.tag === 'code_block' || run.tag === 'md') return run.text ?? '';
          if (run.tag === 'at') {
            // events carry the placeholder key; a post sent by the API carries the open_id
            const m = byKey.get(run.user_id ?? '') ?? { key: '', name: run.user_name, id: { open_id: run.user_id } };
            if (isBot(m)) atBot = true;
            return named(m);
          }
          return '';
        })
        .join('')
        .trim(),
    );
    text = [body.title ?? '', ...lines].filter((l) => l.trim()).join('\n');
  } else {
    return {
      ignored: `${message.message_type} messages are not read`,
      unreadable: {
        eventId: event_id,
        messageId: message.message_id,
        chatId: message.chat_id,
        chatType: message.chat_type,
        senderOpenId: sender.sender_id.open_id,
        text: '',
        mentionedBot: mentions.some(isBot),
      },
    };
  }
  return {
    eventId: event_id,
    messageId: message.message_id,
    chatId: message.chat_id,
    chatType: message.chat_type,
    senderOpenId: sender.sender_id.open_id,
    text: text.replace(/[ \t]{2,}/g, ' ').trim(),
    mentionedBot: mentions.some(isBot) || atBot,
  };
}

const scalar = z.union([z.string().max(200), z.number(), z.boolean()]);
/** what render.ts puts in a button's callback: card id, action, the neutral button value */
const ourValue = z
  .object({
    c: z.string().min(1).max(100),
    a: z.string().regex(/^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*$/i),
    v: z.record(z.string(), scalar),
  })
  .strict();

const cardActionSchema = z.object({
  event_id: z.string().min(1),
  token: z.string().min(1),
  operator: z.object({ open_id: z.string().min(1) }),
  context: z.object({ open_message_id: z.string().optional(), open_chat_id: z.string().optional() }).optional(),
  open_message_id: z.string().optional(),
  open_chat_id: z.string().optional(),
  action: z.object({
    value: z.unknown(),
    form_value: z.record(z.string(), z.unknown()).nullish(),
    input_value: z.string().nullish(),
  }),
});

/** a comment as the action takes it: trimmed, at most MAX_COMMENT characters (not UTF-16 units) */
function comment(formValue: Record<string, unknown> | null | undefined, inputValue: string | null | undefined): string | undefined {
  const fromForm = formValue
    ? Object.entries(formValue).find(([k, v]) => k.startsWith(COMMENT_FIELD) && typeof v === 'string')?.[1]
    : undefined;
  const raw = typeof fromForm === 'string' ? fromForm : (inputValue ?? '');
  const trimmed = [...raw.trim()].slice(0, MAX_COMMENT).join('').trim();
  return trimmed || undefined;
}

export function decodeCardAction(data: unknown): DecodedCardAction | Ignored {
  const parsed = cardActionSchema.safeParse(flatten(data));
  if (!parsed.success) return { ignored: 'not a card action we can read' };
  const d = parsed.data;
  const rawValue = typeof d.action.value === 'string' ? parseJson(d.action.value) : d.action.value;
  const value = ourValue.safeParse(rawValue);
  if (!value.success) return { ignored: 'the button value is not one we drew' };
  const messageId = d.context?.open_message_id ?? d.open_message_id;
  const chatId = d.context?.open_chat_id ?? d.open_chat_id;
  if (!messageId || !chatId) return { ignored: 'a card action outside a chat message' };
  const c = comment(d.action.form_value, d.action.input_value);
  return {
    eventId: d.event_id,
    operatorOpenId: d.operator.open_id,
    messageId,
    chatId,
    cardId: value.data.c,
    action: value.data.a,
    value: value.data.v,
    ...(c ? { comment: c } : {}),
    token: d.token,
  };
}

export type ToastType = 'success' | 'info' | 'warning' | 'error';

export interface CardActionAnswer {
  toast: { type: ToastType; content: string };
  card?: { type: 'raw'; data: LarkCard2 };
}

/**
 * A toast is a one-line overlay that fades in seconds; past a short sentence the clients cut
 * it off, so the first line of the answer goes there, cut at TOAST_MAX characters.
 */
export const TOAST_MAX = 60;

function toastText(s: string): string {
  const line = s.trim().split('\n')[0]!.trim();
  const chars = [...line];
  return chars.length > TOAST_MAX ? `${chars.slice(0, TOAST_MAX - 1).join('')}…` : line;
}

/**
 * The answer to a click, sent back within Lark's 3 s: the (last) card reply redraws the card in
 * place, the first text reply becomes the toast. Whether an answer is good or bad news is the
 * action's to say, so the tone is a parameter.
 */
export function cardActionAnswer(replies: Reply[], locale: Locale = 'zh', tone: ToastType = 'info'): CardActionAnswer {
  const text = replies.find((r) => r.kind === 'text');
  const card = replies.filter((r) => r.kind === 'card').at(-1);
  const content = text ? toastText(text.text) : '';
  return {
    toast: { type: tone, content: content || t(locale, '已处理', 'Done') },
    ...(card ? { card: { type: 'raw' as const, data: renderCard(card.card, locale) } } : {}),
  };
}
