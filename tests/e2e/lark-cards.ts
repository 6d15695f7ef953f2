import type { FakeLark, FakeMessage } from '../fakes/lark';

/**
 * Reading what a Lark user sees, from the Card JSON 2.0 (or text) the fake holds: the header,
 * the markdown fields and notes, the table cells, and the buttons with their callback values
 * (`{c: card id, a: action, v: value}`, bot/channels/lark/render.ts). Only the Lark JSON is
 * read, never the app's neutral cards: this is what the client would draw.
 */

type Json = Record<string, unknown>;

export interface LarkButtonSeen {
  text: string;
  value: { c: string; a: string; v: Record<string, unknown> };
  /** the input this button submits with, when it sits in a form (a reject asks why) */
  formField?: string;
}

/** `&#40;` → `(`: the renderer escapes markdown specials in user data as character references */
const fromReferences = (s: string) => s.replace(/&#(\d+);/g, (_, n: string) => String.fromCharCode(Number(n)));

const isCard = (c: unknown): c is Json => !!c && typeof c === 'object' && (c as Json).schema === '2.0';

/** every element of the card, depth first (forms and column sets opened) */
function elements(card: Json): Json[] {
  const out: Json[] = [];
  const walk = (els: unknown) => {
    for (const e of (Array.isArray(els) ? els : []) as Json[]) {
      out.push(e);
      if (e.tag === 'form') walk(e.elements);
      if (e.tag === 'column_set') for (const col of (e.columns ?? []) as Json[]) walk(col.elements);
    }
  };
  walk((card.body as Json | undefined)?.elements);
  return out;
}

/** the header's subtitle: where the card shows its status */
export function statusOf(content: unknown): string {
  if (!isCard(content)) return '';
  return ((content.header as Json).subtitle as Json | undefined)?.content as string;
}

export function titleOf(content: unknown): string {
  return isCard(content) ? (((content.header as Json).title as Json).content as string) : '';
}

/** What a person reads on the card, one line per field, note and table row (cells spaced). */
export function cardText(content: unknown): string {
  if (!isCard(content)) return (content as { text?: string } | undefined)?.text ?? '';
  const lines = [titleOf(content), statusOf(content) ?? ''];
  for (const e of elements(content)) {
    if (e.tag === 'markdown')
      lines.push(
        ...fromReferences(String(e.content))
          .replace(/\*\*/g, '')
          .replace(/<\/?font[^>]*>/g, '')
          .split('\n'),
      );
    if (e.tag === 'table') {
      const cols = (e.columns as Json[]).map((c) => c.name as string);
      lines.push((e.columns as Json[]).map((c) => c.display_name).join(' '));
      for (const r of e.rows as Json[]) lines.push(cols.map((c) => String(r[c] ?? '')).join(' '));
    }
  }
  return lines.join('\n');
}

export function buttonsOf(content: unknown): LarkButtonSeen[] {
  if (!isCard(content)) return [];
  const out: LarkButtonSeen[] = [];
  const walk = (els: unknown, form?: Json) => {
    for (const e of (Array.isArray(els) ? els : []) as Json[]) {
      if (e.tag === 'button') {
        const value = ((e.behaviors as Json[] | undefined) ?? []).find((b) => b.type === 'callback')?.value as LarkButtonSeen['value'];
        const input = form ? ((form.elements as Json[]).find((x) => x.tag === 'input')?.name as string | undefined) : undefined;
        out.push({ text: (e.text as Json).content as string, value, ...(input ? { formField: input } : {}) });
      }
      if (e.tag === 'form') walk(e.elements, e);
      if (e.tag === 'column_set') for (const col of (e.columns ?? []) as Json[]) walk(col.elements, form);
    }
  };
  walk((content.body as Json | undefined)?.elements);
  return out;
}

/** the card id a message showed, read off its buttons (cards without buttons carry none) */
export function cardIdsOf(content: unknown): string[] {
  return [...new Set(buttonsOf(content).map((b) => b.value?.c))].filter(Boolean);
}

export const textOf = (m: FakeMessage | undefined): string => (m ? cardText(m.content) : '');
export const nowText = (fake: FakeLark, m: FakeMessage): string => cardText(fake.currentContent(m.messageId));

/**
 * Every message that ever showed the card `like` shows: one whose first content or any later
 * patch carries its id on a button, or, as a card drawn without buttons carries no id, one
 * with the same title and the same lines `ident` picks out of it (an approval's order and step).
 */
export function messagesShowing(fake: FakeLark, like: FakeMessage, ident: RegExp): FakeMessage[] {
  const [cardId] = cardIdsOf(like.content);
  const title = titleOf(like.content);
  const marks = cardText(like.content)
    .split('\n')
    .filter((l) => ident.test(l));
  if (!cardId || marks.length === 0) throw new Error(`no id or no ${ident} lines on ${like.messageId}`);
  const same = (c: unknown) => {
    if (cardIdsOf(c).includes(cardId)) return true;
    const lines = cardText(c).split('\n');
    return titleOf(c) === title && marks.every((l) => lines.includes(l));
  };
  return fake.messages.filter((m) => same(m.content) || m.patches.some((p) => same(p.content)));
}
