import type { Card, Tone } from '../../cards/card';

/** WeCom's limits on a text message and a button key (bytes) */
export const MAX_TEXT_BYTES = 2048;
export const MAX_KEY_BYTES = 1024;
const MAX_BUTTONS = 6;
const MAX_FIELDS = 6;

const TONE: Record<Tone, string> = { info: '', success: '✅ ', warning: '⚠️ ', danger: '⛔ ' };
const STYLE = { primary: 1, default: 2, danger: 3 } as const;

const bytes = (s: string) => Buffer.byteLength(s, 'utf8');

/**
 * A text longer than WeCom takes (2048 bytes) as several messages, cut at a line end where
 * there is one in the second half of a part, else at a character boundary (never inside one).
 */
export function splitText(text: string, max = MAX_TEXT_BYTES): string[] {
  const parts: string[] = [];
  let rest = text;
  while (bytes(rest) > max) {
    let cut = 0;
    let size = 0;
    for (const ch of rest) {
      const b = bytes(ch);
      if (size + b > max) break;
      size += b;
      cut += ch.length;
    }
    const nl = rest.lastIndexOf('\n', cut);
    const at = nl > cut / 2 ? nl : cut;
    parts.push(rest.slice(0, at));
    rest = rest.slice(at).replace(/^\n/, '');
  }
  if (rest || parts.length === 0) parts.push(rest);
  return parts;
}

/** a button's key: card id, action and value, as compact JSON (decode.ts reads it back) */
export function buttonKey(cardId: string, action: string, value: Record<string, unknown>): string {
  const key = JSON.stringify([cardId, action, value]);
  if (bytes(key) > MAX_KEY_BYTES) throw new Error(`wecom: a button key of ${bytes(key)} bytes is over ${MAX_KEY_BYTES}`);
  return key;
}

const clip = (s: string, n: number) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);

/**
 * The neutral card as a WeCom `template_card` of type button_interaction: the title and status
 * on top, fields as the key-value list, table rows and notes as the sub title, and the buttons.
 * A card cannot ask for text in WeCom: a button with `asks` (a reject reason) is drawn as a
 * plain button, and the card says the reason can be given in the web console.
 */
export function renderCard(card: Card, taskId: string): Record<string, unknown> {
  const lines: string[] = [];
  if (card.table) {
    lines.push(card.table.columns.join(' | '));
    for (const row of card.table.rows.slice(0, 10)) lines.push(row.join(' | '));
    if (card.table.rows.length > 10) lines.push(`… 共 ${card.table.rows.length} 行`);
  }
  const fields = card.fields ?? [];
  for (const f of fields.slice(MAX_FIELDS)) lines.push(`${f.label}：${f.value}`);
  lines.push(...(card.notes ?? []));
  const buttons = (card.buttons ?? []).slice(0, MAX_BUTTONS);
  if (buttons.some((b) => b.asks)) lines.push('企业微信卡片无法填写理由；如需写明理由，请在网页控制台操作。');
  const out: Record<string, unknown> = {
    card_type: 'button_interaction',
    main_title: {
      title: clip(card.title, 36),
      ...(card.status ? { desc: clip(`${TONE[card.status.tone]}${card.status.text}`, 44) } : {}),
    },
    task_id: taskId,
  };
  if (fields.length)
    out.horizontal_content_list = fields.slice(0, MAX_FIELDS).map((f) => ({ keyname: clip(f.label, 5), value: clip(f.value, 26) }));
  if (lines.length) out.sub_title_text = clip(lines.join('\n'), 112);
  out.button_list = buttons.map((b) => ({
    text: clip(b.text, 10),
    style: STYLE[b.style ?? 'default'],
    key: buttonKey(card.id, b.action, b.value),
  }));
  return out;
}

/** a card as plain text, for where a template card cannot go (text fallbacks, logs) */
export function cardAsText(card: Card): string {
  const lines = [card.title, ...(card.status ? [card.status.text] : [])];
  for (const f of card.fields ?? []) lines.push(`${f.label}：${f.value}`);
  lines.push(...(card.notes ?? []));
  return lines.join('\n');
}
