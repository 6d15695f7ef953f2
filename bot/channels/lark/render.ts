import type { Card, CardButton, Locale, Reply, Tone } from '../../cards/card';
import type { LarkButton, LarkCard2, LarkColumnSet, LarkElement, LarkForm, LarkTable } from './card-json';

/**
 * The neutral card as Lark Card JSON 2.0. Everything from user data that lands in markdown is
 * escaped; table cells are plain `text`, so they need none. The callback value of every
 * button is `{c: card id, a: action, v: value}`, which decode.ts reads back.
 */

const TEMPLATE: Record<Tone | 'none', LarkCard2['header']['template']> = {
  info: 'blue',
  success: 'green',
  warning: 'orange',
  danger: 'red',
  none: 'blue',
};

/** the input a button with `asks` draws; decode.ts reads `form_value.comment` */
export const COMMENT_FIELD = 'comment';

/**
 * Lark documents no size for a callback value that we could find; the delayed-update token
 * and the whole callback ride in one request, so we keep ours small and refuse a builder
 * that sneaks something big into a button rather than find out from a tenant.
 */
export const MAX_CALLBACK_VALUE_BYTES = 1024;

/**
 * Markdown specials in user data (a customer called `*A*`, a note with `<at id=all>`) become
 * numeric character references, which CommonMark renders as the character itself; Lark's 2.0
 * markdown is CommonMark plus a few HTML tags, so `<` must go too. A leading `-`, `+` or `1.`
 * would start a list, so line starts are escaped as well.
 */
export function escapeMarkdown(s: string): string {
  return s
    .replace(/[&<>*_~`[\]()#|\\!$]/g, (c) => `&#${c.charCodeAt(0)};`)
    .replace(/^([-+]|\d+\.)/gm, (m) => m.replace(/[-+.]/, (c) => `&#${c.charCodeAt(0)};`))
    .replace(/\r?\n/g, ' ');
}

const plain = (content: string) => ({ tag: 'plain_text' as const, content });

export function callbackValue(card: Card, b: CardButton): { c: string; a: string; v: CardButton['value'] } {
  const value = { c: card.id, a: b.action, v: b.value };
  const size = Buffer.byteLength(JSON.stringify(value));
  if (size > MAX_CALLBACK_VALUE_BYTES)
    throw new Error(`callback value of ${card.id} ${b.action} is ${size} bytes (> ${MAX_CALLBACK_VALUE_BYTES})`);
  return value;
}

function buttonType(b: CardButton): LarkButton['type'] {
  return b.style === 'primary' ? 'primary' : b.style === 'danger' ? 'danger' : 'default';
}

function button(card: Card, b: CardButton, inForm?: { name: string }): LarkButton {
  return {
    tag: 'button',
    text: plain(b.text),
    type: buttonType(b),
    ...(inForm ? { name: inForm.name, form_action_type: 'submit' as const } : {}),
    behaviors: [{ type: 'callback', value: callbackValue(card, b) }],
  };
}

function table(t: NonNullable<Card['table']>): LarkTable {
  const name = (i: number) => `c${i}`;
  return {
    tag: 'table',
    page_size: Math.min(10, Math.max(1, t.rows.length)),
    freeze_first_column: t.columns.length > 3,
    header_style: { background_style: 'grey', bold: true },
    columns: t.columns.map((display, i) => ({
      name: name(i),
      display_name: display,
      data_type: 'text',
      horizontal_align: t.align?.[i] === 'right' ? 'right' : 'left',
    })),
    rows: t.rows.map((r) => Object.fromEntries(t.columns.map((_, i) => [name(i), r[i] ?? '']))),
  };
}

/** plain buttons side by side; Lark 2.0 has no `action` row any more, a column set is the row */
function buttonRow(card: Card, buttons: CardButton[]): LarkColumnSet {
  return {
    tag: 'column_set',
    flex_mode: 'flow',
    horizontal_spacing: '8px',
    columns: buttons.map((b) => ({ tag: 'column', width: 'auto', elements: [button(card, b)] })),
  };
}

/** a button that asks for a reason: the input and its submit button in one form container */
function askingForm(card: Card, b: CardButton, i: number, count: number): LarkForm {
  const asks = b.asks!;
  const field = count > 1 ? `${COMMENT_FIELD}_${i}` : COMMENT_FIELD;
  return {
    tag: 'form',
    name: `form_${i}`,
    elements: [
      {
        tag: 'input',
        name: field,
        label: plain(asks.label),
        placeholder: plain(asks.placeholder),
        max_length: Math.min(1000, Math.max(1, asks.maxLength)),
        required: asks.required,
        width: 'fill',
      },
      button(card, b, { name: `submit_${i}` }),
    ],
  };
}

/**
 * `locale` is accepted so every channel renderer has the same shape; the neutral card is
 * already worded in the viewer's language, so nothing here needs it yet.
 */
export function renderCard(card: Card, _locale: Locale = 'zh'): LarkCard2 {
  const elements: LarkElement[] = [];
  if (card.fields?.length)
    elements.push({
      tag: 'markdown',
      content: card.fields.map((f) => `**${escapeMarkdown(f.label)}**：${escapeMarkdown(f.value)}`).join('\n'),
    });
  // an empty table draws only headers; the builders say "nothing here" in a note instead
  if (card.table?.rows.length) elements.push(table(card.table));
  if (card.notes?.length)
    elements.push({
      tag: 'markdown',
      text_size: 'notation',
      content: card.notes.map((n) => `<font color='grey'>${escapeMarkdown(n)}</font>`).join('\n'),
    });
  const buttons = card.buttons ?? [];
  const plainButtons = buttons.filter((b) => !b.asks);
  const asking = buttons.filter((b) => b.asks);
  if (buttons.length) elements.push({ tag: 'hr' });
  if (plainButtons.length) elements.push(buttonRow(card, plainButtons));
  elements.push(...asking.map((b, i) => askingForm(card, b, i, asking.length)));
  return {
    schema: '2.0',
    config: { update_multi: true, width_mode: 'fill' },
    header: {
      title: plain(card.title),
      ...(card.status ? { subtitle: plain(card.status.text) } : {}),
      template: TEMPLATE[card.status?.tone ?? 'none'],
    },
    body: { elements },
  };
}

/**
 * A text message. Lark turns `<at user_id="all"></at>` in a text message into a real @all, and
 * our texts quote user data (customer names, comments), so the tag is broken with a zero-width
 * space: it reads the same and pings no one. The bot never @s anyone in a text on purpose.
 */
export function renderText(text: string): { msg_type: 'text'; content: { text: string } } {
  return { msg_type: 'text', content: { text: text.replace(/<(\/?)at\b/gi, '<$1\u200bat') } };
}

/**
 * One outbound message as the im.v1 message create/reply API takes it: `content` is the JSON
 * *string* (the double encoding im-platforms.md §1.2 warns about), ready for `data.content`.
 */
export function renderReply(reply: Reply, locale: Locale = 'zh'): { msgType: 'text' | 'interactive'; content: string } {
  if (reply.kind === 'card') return { msgType: 'interactive', content: JSON.stringify(renderCard(reply.card, locale)) };
  return { msgType: 'text', content: JSON.stringify(renderText(reply.text).content) };
}
