import type { Card, Reply } from '../../cards/card';
import type { RobotMessage } from './api';

/**
 * The neutral card for DingTalk. A DingTalk card is a template designed on the platform
 * (DINGTALK_CARD_TEMPLATE_ID); we fill its variables, all strings (im-platforms.md §2.3):
 * `cardId`, `title`, `status`, `tone`, `markdown` (fields, table and notes), `buttons` (a JSON
 * list of {text, style, action, value, asks}). The template's buttons send back, as callback
 * params, `cardId`, `action`, `value` (the button's value as JSON) and `comment` when the
 * button asks for one; decode.ts reads those. Without a template a card goes as markdown.
 */

/** DingTalk markdown specials in user data become full-width look-alikes */
export function escapeMarkdown(s: string): string {
  return s.replace(/[*_`#>[\]|]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0)).replace(/\r?\n/g, ' ');
}

function body(card: Card): string {
  const lines: string[] = [];
  for (const f of card.fields ?? []) lines.push(`**${escapeMarkdown(f.label)}**：${escapeMarkdown(f.value)}`);
  if (card.table) {
    lines.push('');
    lines.push(`| ${card.table.columns.map(escapeMarkdown).join(' | ')} |`);
    lines.push(`|${card.table.columns.map((_, i) => (card.table?.align?.[i] === 'right' ? ' ---: ' : ' --- ')).join('|')}|`);
    for (const row of card.table.rows) lines.push(`| ${row.map(escapeMarkdown).join(' | ')} |`);
  }
  for (const n of card.notes ?? []) lines.push('', escapeMarkdown(n));
  return lines.join('\n');
}

export function cardParams(card: Card): Record<string, string> {
  return {
    cardId: card.id,
    title: card.title,
    status: card.status?.text ?? '',
    tone: card.status?.tone ?? 'info',
    markdown: body(card),
    buttons: JSON.stringify(
      (card.buttons ?? []).map((b) => ({
        text: b.text,
        style: b.style ?? 'default',
        action: b.action,
        value: JSON.stringify(b.value),
        ...(b.asks ? { asks: b.asks } : {}),
      })),
    ),
  };
}

/** a card as a markdown message, for an app with no card template and for digests */
export function cardMarkdown(card: Card): RobotMessage {
  const head = `### ${escapeMarkdown(card.title)}${card.status ? `（${escapeMarkdown(card.status.text)}）` : ''}`;
  const hint = card.buttons?.length ? `\n\n${card.buttons.map((b) => `【${b.text}】`).join(' ')}` : '';
  return { msgKey: 'sampleMarkdown', title: card.title, text: `${head}\n\n${body(card)}${hint}` };
}

export function robotMessage(reply: Reply): RobotMessage {
  return reply.kind === 'card' ? cardMarkdown(reply.card) : { msgKey: 'sampleText', content: reply.text };
}
