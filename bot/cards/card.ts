/**
 * The neutral card every channel renders: Lark and DingTalk cards, WeCom template cards and
 * the web console's HTML are all made from this. Builders produce it from data; renderers
 * turn it into a platform's JSON. Plain data, so a program can find a button and click it.
 */
export type Tone = 'info' | 'success' | 'warning' | 'danger';
export type Locale = 'zh' | 'en';

export interface CardButton {
  text: string;
  action: string;
  value: Record<string, string | number | boolean>;
  style?: 'primary' | 'danger' | 'default';
  /**
   * The click asks the user for a line of text first (a reject reason); it comes back as the
   * action's `comment`. Channels with inputs in cards put one beside the button.
   */
  asks?: { label: string; placeholder: string; maxLength: number; required: boolean };
}

export interface Card {
  /** stable id, so a card can be updated in place after a click */
  id: string;
  title: string;
  status?: { text: string; tone: Tone };
  fields?: { label: string; value: string }[];
  table?: { columns: string[]; rows: string[][]; align?: ('left' | 'right')[] };
  notes?: string[];
  buttons?: CardButton[];
}

export type Reply = { kind: 'text'; text: string } | { kind: 'card'; card: Card };

export const t = (locale: Locale, zh: string, en: string) => (locale === 'en' ? en : zh);
