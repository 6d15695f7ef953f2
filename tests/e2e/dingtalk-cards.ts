import type { FakeCard, FakeDelivered, FakeDingTalk } from '../fakes/dingtalk';

/**
 * Reading what a DingTalk user sees, from what the fake holds: a robot message's text or
 * markdown, and an interactive card's template variables (bot/channels/dingtalk/render.ts):
 * title, status, the markdown body (fields, table, notes) and the buttons list. Only the
 * platform's side is read, never the app's neutral cards.
 */

export interface DingButtonSeen {
  text: string;
  action: string;
  value: Record<string, unknown>;
  /** the input the button asks for before it calls back (a reject's reason) */
  asks?: { label: string };
}

/** the renderer's full-width look-alikes of markdown specials read as what they look like */
const FULL_WIDTH = /[＊＿｀＃＞［］｜]/g;
const plain = (s: string) => s.replace(FULL_WIDTH, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0));

/** markdown as read: bold marks and headings gone, a table row as its cells spaced, separators dropped */
export function markdownLines(md: string): string[] {
  const out: string[] = [];
  for (const line of md.split('\n')) {
    if (/^\|(\s*:?-+:?\s*\|)+$/.test(line.trim())) continue;
    const row = /^\|(.*)\|$/.exec(line.trim());
    const text = row
      ? (row[1] as string)
          .split('|')
          .map((c) => c.trim())
          .join(' ')
      : line.replace(/\*\*/g, '').replace(/^#+\s*/, '');
    out.push(plain(text));
  }
  return out;
}

/** a card as drawn from these params, one line per title, status, field, table row and note */
export function cardLines(params: Record<string, string>): string {
  return [plain(params.title ?? ''), params.status ?? '', ...markdownLines(params.markdown ?? '')].join('\n');
}

export function buttonsOf(params: Record<string, string>): DingButtonSeen[] {
  const list = JSON.parse(params.buttons ?? '[]') as { text: string; action: string; value: string; asks?: { label: string } }[];
  return list.map((b) => ({
    text: b.text,
    action: b.action,
    value: JSON.parse(b.value) as Record<string, unknown>,
    ...(b.asks ? { asks: b.asks } : {}),
  }));
}

export const cardOf = (fake: FakeDingTalk, d: FakeDelivered): FakeCard | undefined =>
  d.outTrackId ? fake.state.cards.get(d.outTrackId) : undefined;

/** what a delivery shows: a message's text, or a card as first sent (`now`: as drawn now) */
export function textOf(fake: FakeDingTalk, d: FakeDelivered, now = false): string {
  if (d.kind === 'robot') return markdownLines(d.param?.content ?? d.param?.text ?? '').join('\n');
  const card = cardOf(fake, d);
  return card ? cardLines(now ? card.params : card.initial) : '';
}

export const statusOf = (fake: FakeDingTalk, d: FakeDelivered, now = true): string => {
  const card = cardOf(fake, d);
  return (now ? card?.params.status : card?.initial.status) ?? '';
};
