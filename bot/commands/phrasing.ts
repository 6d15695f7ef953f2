import type { Locale } from '../cards/card';
import { normalise } from '../text';
import { type CommandKind, isLatinWord, splitCommandWord, WORD_TO_KIND, WORDS_LONGEST_FIRST } from './vocabulary';

/**
 * Loose chat phrasing → the command word and its arguments, the way the grammar reads them.
 * People type 帮我查一下A100的库存, A100还有多少, 华东机电 回款 3万, 查 库存 A100: fillers
 * around the command, the object before the verb, a question instead of a command word,
 * spaces inside the word. Only the shape is loosened here; the arguments are still read
 * strictly by the grammar, so a loose sentence is never guessed into a wrong command.
 */

const CJK = /\p{Script=Han}/u;

/** Said before a command, meaning nothing to it (一下 is dropped everywhere: 查一下, 看一下, 报一下价). */
const POLITE = ['麻烦帮我', '麻烦你', '麻烦', '请帮我', '请帮忙', '请问', '请', '帮我', '帮忙', '给我', '我要', '我想要', '我想', '告诉我'];
/** …of which these ask to see something: 查 A100 is a stock question, 查 SO-… an order one. */
const LOOKUP = ['查询', '查查', '查看', '查下', '查', '看看', '看下', '看', '搜索', '搜', '显示'];
const FILLERS = [...POLITE, ...LOOKUP].sort((a, b) => b.length - a.length);
const LATIN_FILLER = /^(?:please|pls|kindly|show me|show|check)\s+/i;
const LATIN_LOOKUP = /^(?:show|check)/i;
const TRAILING = /(?:[\s?!。.~…]+|吗|呢|吧|啊|呀|嘛|哦|了|谢谢|多谢|thanks|thank you|thx|please)$/i;

/** A question about stock with no command word in it: A100还有多少, 还有多少A100, A100有货吗. */
const STOCK_ASK = [
  '还有多少',
  '有多少',
  '还剩多少',
  '剩多少',
  '剩下多少',
  '还剩几个',
  '还有几个',
  '有几个',
  '有没有货',
  '还有货',
  '有货',
  '多少货',
];
const STOCK_AFTER = new RegExp(`^(.+?)\\s*的?\\s*(?:${STOCK_ASK.join('|')})(?:个|件|套|只|台|箱)?$`);
const STOCK_BEFORE = new RegExp(`^(?:${STOCK_ASK.join('|')})\\s*(.+)$`);

/** What is left of a question after its object: A100 [的库存还有多少], 华东机电 [的情况], SO-… [到哪了]. */
const ASKED: Partial<Record<CommandKind, string[]>> = {
  stock: [...STOCK_ASK, '多少', '数量', '情况', '还有', '可用量', '可用', ' left', ' in', ' available', ' on hand'],
  customer: ['信息', '资料', '情况', '详情', '概况', '怎么样', '360'],
  order: ['进度', '状态', '到哪了', '到哪儿了', '到哪里了', '到哪', '到哪儿', '到哪里', '怎么样', '情况', '详情'],
};
const ORDER_NO = /^SO-[A-Za-z0-9-]+/i;
const BARE_SKU = /^[A-Za-z]{1,3}\d{2,}$/;

/** 查 库存 → 查库存: a command word typed with spaces inside (the Chinese ones; English words are whole tokens). */
const SPACED_WORD = new RegExp(
  WORDS_LONGEST_FIRST.filter((w) => CJK.test(w) && w.length > 1)
    .map((w) => [...w].join('\\s*'))
    .join('|'),
  'g',
);

function stripTrailing(text: string): string {
  let t = text;
  for (let prev = ''; prev !== t; ) {
    prev = t;
    t = t.replace(TRAILING, '').trim();
  }
  return t || text; // "?" alone is the help command
}

function stripFillers(text: string): { text: string; asked: boolean } {
  let t = text;
  let asked = false;
  for (let prev = ''; prev !== t && !splitCommandWord(t); ) {
    prev = t;
    const filler = FILLERS.find((f) => t.startsWith(f));
    t = (filler ? t.slice(filler.length) : t.replace(LATIN_FILLER, '')).trim();
    asked ||= filler ? LOOKUP.includes(filler) : t !== prev && LATIN_LOOKUP.test(prev);
  }
  return { text: t, asked };
}

/** The trailing words of a question, 的 included, off an argument: "A100 还有多少" → "A100". */
function stripAsked(kind: CommandKind, rest: string): string {
  const words = ASKED[kind];
  if (!words) return rest;
  let t = kind === 'order' ? rest : rest.replace(/^(?:of|for)\s+/i, '');
  for (let prev = ''; prev !== t; ) {
    prev = t;
    const w = words.find((x) => t.endsWith(x) && t.length > x.length);
    if (w) t = t.slice(0, -w.length).trim();
    if (t.length > 1) t = t.replace(/\s*的$/, '');
  }
  return t;
}

/** The earliest command word anywhere in the text (longest at a tie); English ones as whole tokens. */
function findCommandWord(text: string): { word: string; at: number } | null {
  const lower = text.toLowerCase();
  let best: { word: string; at: number } | null = null;
  for (const w of WORDS_LONGEST_FIRST) {
    if (w === '?' || w === '？') continue;
    const at = isLatinWord(w) ? ` ${lower} `.indexOf(` ${w} `) : lower.indexOf(w);
    if (at >= 0 && (!best || at < best.at)) best = { word: w, at };
  }
  return best;
}

/** 华东机电 回款 3万 → 回款 华东机电 3万: the object before the verb moves after it. */
function verbFirst(text: string): string | null {
  const found = findCommandWord(text);
  if (!found) return null;
  const kind = WORD_TO_KIND.get(found.word) as CommandKind;
  let before = text
    .slice(0, found.at)
    .trim()
    .replace(/\s*的$/, '');
  // 给华东机电报价, 收到华东机电回款: only before these verbs, so that a product called 给水管 stays whole
  if (kind === 'quote' || kind === 'payment') before = before.replace(/^(?:给|为|替|帮|收到)\s*/, '');
  const after = text
    .slice(found.at + found.word.length)
    .trim()
    .replace(/^(?:了|的)\s*/, '');
  return [found.word, before, after].filter(Boolean).join(' ');
}

/** A question with no command word: a stock question, an order number asked about, a SKU after 查. */
function impliedCommand(text: string, asked: boolean): string | null {
  const stock = STOCK_AFTER.exec(text) ?? STOCK_BEFORE.exec(text);
  if (stock) return `库存 ${stock[1]}`;
  // an order number alone is refused with "did you mean 订单" unless it was asked about: 查 SO-…, SO-…到哪了
  const so = ORDER_NO.exec(text);
  if (so && stripAsked('order', text) === so[0] && (asked || text !== so[0])) return `订单 ${text}`;
  if (asked && BARE_SKU.test(text)) return `库存 ${text}`;
  return null;
}

export interface Reading {
  /** the command word and its arguments; null when no command is in the message */
  split: { kind: CommandKind; rest: string } | null;
  /** the message without its fillers and trailing particles */
  text: string;
  /** a filler such as 查 or 看看 was said: the user asked for something */
  asked: boolean;
}

/** The command word and its arguments from a loosely typed (normalised) message. */
export function readCommandWord(normalised: string): Reading {
  const spaced = normalised
    .replace(/一下/g, '')
    .replace(/报个价/g, '报价')
    .replace(SPACED_WORD, (w) => w.replace(/\s+/g, ''));
  const { text, asked } = stripFillers(stripTrailing(spaced.trim()));
  const canonical = splitCommandWord(text) ? text : (verbFirst(text) ?? impliedCommand(text, asked));
  const split = canonical ? splitCommandWord(canonical) : null;
  return { split: split && { kind: split.kind, rest: stripAsked(split.kind, split.rest) }, text, asked };
}

/**
 * The language to answer in: the one the user wrote. Any Chinese in the sentence makes it
 * Chinese (A100还有多少), except a name after an English command word (customer 华东机电);
 * Latin letters only → English; neither (a bare number, "?") → Chinese, the house default.
 */
export function localeOf(text: string): Locale {
  const plain = normalise(text).replace(LATIN_FILLER, '');
  if (!CJK.test(plain)) return /[A-Za-z]/.test(plain) ? 'en' : 'zh';
  return /^[A-Za-z]/.test(plain) && splitCommandWord(plain) ? 'en' : 'zh';
}
