import { cardNumber, typedForm } from '../../actions/typed';
import type { Card, Tone } from '../../cards/card';

/** a text message is cut into parts of at most this many characters (WeChat folds longer ones away) */
export const MAX_TEXT_CHARS = 1500;
const MAX_TABLE_ROWS = 10;

const TONE: Record<Tone, string> = { info: '', success: '✅ ', warning: '⏳ ', danger: '⛔ ' };

/**
 * The neutral card as a WeChat text message: WeChat has no cards and no buttons. The title in
 * 【】, the status, the fields one per line, the table rows as lines, the notes, and the
 * buttons as what to reply, with the card's number: 回复「同意 12」或「驳回 12 理由」. Typing
 * that is the same card action as a click (bot/actions/typed.ts).
 */
export function renderCard(card: Card): string {
  const lines = [`【${card.title}】`];
  if (card.status) lines.push(`${TONE[card.status.tone]}${card.status.text}`);
  for (const f of card.fields ?? []) lines.push(`${f.label}：${f.value}`);
  if (card.table?.rows.length) {
    lines.push(`— ${card.table.columns.join(' | ')}`);
    for (const row of card.table.rows.slice(0, MAX_TABLE_ROWS)) lines.push(`· ${row.join(' | ')}`);
    if (card.table.rows.length > MAX_TABLE_ROWS) lines.push(`… 共 ${card.table.rows.length} 行`);
  }
  lines.push(...(card.notes ?? []));
  const options = replyOptions(card);
  if (options) lines.push('', options);
  return lines.join('\n');
}

/**
 * A card changed in place, as WeChat can show it: a short follow-up message naming the card by
 * its number and saying what it says now ("报价审批 · 华东机电 #12：王芳 已同意 · 11-23 10:00 · 经微信"),
 * with the replies it still takes when it takes any.
 */
export function renderUpdate(card: Card): string {
  const n = cardNumber(card.id);
  const head = `${card.title}${n === null ? '' : ` #${n}`}`;
  const line = card.status ? `${head}：${TONE[card.status.tone]}${card.status.text}` : `${head} 已更新`;
  const options = replyOptions(card);
  return options ? `${line}\n${options}` : line;
}

/** 回复「同意 12」或「驳回 12 理由」; null when the card has no buttons with a text form */
export function replyOptions(card: Card): string | null {
  const forms = (card.buttons ?? []).map((b) => typedForm(card.id, b)).filter((f): f is string => f !== null);
  if (forms.length === 0) return null;
  return `回复${forms.map((f) => `「${f}」`).join('或')}`;
}

/** A text longer than MAX_TEXT_CHARS as several messages, cut at a line end where there is one in the second half. */
export function splitText(text: string, max = MAX_TEXT_CHARS): string[] {
  const parts: string[] = [];
  let rest = text;
  while ([...rest].length > max) {
    const chars = [...rest];
    const head = chars.slice(0, max).join('');
    const nl = head.lastIndexOf('\n');
    const at = nl > head.length / 2 ? nl : head.length;
    parts.push(rest.slice(0, at));
    rest = rest.slice(at).replace(/^\n/, '');
  }
  if (rest || parts.length === 0) parts.push(rest);
  return parts;
}
