/**
 * Numbers as people type them in chat: 2000, 2,000, 2k, 3万, 1.2万, 两千, 一万二, 三百五十,
 * 3千5, 一点五万, 壹万; quantities with a measure word (2000个, 20套, 5箱); amounts with a
 * currency sign or 元 (¥30000, 30,000元, 3.5万元). Read exactly — as an integer count of
 * 10⁻⁸, never through a float — so that 1.2万 is 12000 and not 11999.999….
 */

/** A line of more than this many units is a typo, not an order: refused before it reaches a price × quantity product. */
export const MAX_LINE_QTY = 1_000_000;
/** ¥10亿 in fen: a single payment above this is a typo; refused before it reaches the ledger. */
export const MAX_PAYMENT_FEN = 100_000_000_000;

const SCALE_DIGITS = 8;
const SCALE = 10n ** BigInt(SCALE_DIGITS);
const FEN = 10n ** BigInt(SCALE_DIGITS - 2);

const DIGIT: Record<string, bigint> = {
  ...Object.fromEntries([...'〇一二三四五六七八九'].map((c, i) => [c, BigInt(i)])),
  ...Object.fromEntries([...'零壹贰叁肆伍陆柒捌玖'].map((c, i) => [c, BigInt(i)])),
  两: 2n,
};
const SMALL_UNIT: Record<string, bigint> = { 十: 10n, 拾: 10n, 百: 100n, 佰: 100n, 千: 1000n, 仟: 1000n, k: 1000n, K: 1000n };
const BIG_UNIT: Record<string, bigint> = { 万: 10n ** 4n, 萬: 10n ** 4n, w: 10n ** 4n, W: 10n ** 4n, 亿: 10n ** 8n, 億: 10n ** 8n };

/** Chinese digits 一..九 (and 〇) as the digits they spell out: 八五 → "85"; null when any other character is in it. */
export function spelledDigits(s: string): string | null {
  let out = '';
  for (const c of s) {
    if (/\d|\./.test(c)) out += c;
    else if (c === '点') out += '.';
    else if (DIGIT[c] !== undefined) out += String(DIGIT[c]);
    else return null;
  }
  return out;
}

/** "1.5" → 1.5 × SCALE; more decimals than the scale holds → null. */
function decimal(text: string): bigint | null {
  const [whole, frac = ''] = text.replace(/,/g, '').split('.');
  if (frac.length > SCALE_DIGITS) return null;
  return BigInt(whole as string) * SCALE + BigInt(frac.padEnd(SCALE_DIGITS, '0'));
}

const ARABIC = /^(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?/;

/**
 * A non-negative number, Arabic digits and Chinese numerals mixed, × SCALE; null if it is not
 * one. A trailing digit after a unit is the next smaller unit, as spoken: 一万二 = 12000,
 * 三百五 = 350, 3千5 = 3500; after 零 it is units (两千零五 = 2005).
 */
export function parseNumber(raw: string): bigint | null {
  const s = raw.trim();
  if (!s) return null;
  let total = 0n; // whole 亿 groups
  let wan = 0n; // the 万 group within the current 亿
  let small = 0n; // below 万
  let pending: bigint | null = null; // a digit (or Arabic number) not yet multiplied by a unit
  let pendingIsDigit = false;
  let lastUnit = 1n; // the unit just read, for 一万二
  let lastSmall = 10_000n; // small units descend: 三百五千 is not a number
  let afterZero = false;
  let i = 0;
  while (i < s.length) {
    const c = s[i] as string;
    const arabic = ARABIC.exec(s.slice(i));
    if (arabic) {
      if (pending !== null) return null;
      pending = decimal(arabic[0]);
      if (pending === null) return null;
      pendingIsDigit = /^\d$/.test(arabic[0]);
      i += arabic[0].length;
      continue;
    }
    i += 1;
    if (c === '点') {
      const frac = /^[〇零一二三四五六七八九两]+/.exec(s.slice(i));
      if (pending === null || !frac || pending % SCALE !== 0n) return null;
      pending = decimal(`${pending / SCALE}.${spelledDigits(frac[0])}`);
      if (pending === null) return null;
      pendingIsDigit = false;
      i += frac[0].length;
    } else if (DIGIT[c] !== undefined) {
      const d = DIGIT[c];
      if (d === 0n && pending === null && small + wan + total > 0n)
        afterZero = true; // 两千零五: a placeholder
      else {
        if (pending !== null) return null; // 八五: digits in a row are a 折 or a code, not a count
        pending = d * SCALE;
        pendingIsDigit = true;
      }
    } else if (SMALL_UNIT[c] !== undefined) {
      const u = SMALL_UNIT[c];
      if (u >= lastSmall) return null;
      if (pending === null && !(u === 10n && small === 0n)) return null; // 百 alone; 十 alone is ten
      small += (pending ?? SCALE) * u;
      pending = null;
      lastUnit = u;
      lastSmall = u;
      afterZero = false;
    } else if (BIG_UNIT[c] !== undefined) {
      const u = BIG_UNIT[c];
      const group = small + (pending ?? 0n);
      if (group === 0n && !(u === 10n ** 8n && wan > 0n)) return null;
      if (u === 10n ** 4n) {
        if (wan > 0n) return null;
        wan = group * u;
      } else {
        total = (total + wan + group) * u;
        wan = 0n;
      }
      small = 0n;
      pending = null;
      lastUnit = u;
      lastSmall = 10_000n;
      afterZero = false;
    } else return null;
  }
  let value = total + wan + small;
  if (pending !== null) {
    const spoken = pendingIsDigit && !afterZero && lastUnit > 10n;
    value += spoken ? pending * (lastUnit / 10n) : pending;
  }
  return value;
}

export type NumberProblem = 'not_a_number' | 'negative' | 'zero' | 'fraction' | 'too_large';
export type Reading = { ok: true; value: number } | { ok: false; problem: NumberProblem };

const NEGATIVE = /^[-−负]/;
const MEASURE = '个|套|箱|件|只|台|支|根|片|包|盒|卷|米|条|把|张|副|双|顶|次|袋|桶|瓶|组|对|块|pcs|pc|ea|units?|sets?|boxes|box';
const MEASURE_WORD = new RegExp(`\\s*(?:${MEASURE})$`, 'i');
const LONE_MEASURE_WORD = new RegExp(`^(?:${MEASURE})$`, 'i');
/** "5 pcs", "2000 个": the measure word typed as a word of its own. */
export const isMeasureWord = (token: string) => LONE_MEASURE_WORD.test(token);

/** A count of units, 2000个, 两千, 1.2万, with its problem named: units are never split, and the line cap holds. */
export function readQuantity(raw: string): Reading {
  const text = raw.trim();
  if (NEGATIVE.test(text))
    return { ok: false, problem: parseNumber(text.slice(1).replace(MEASURE_WORD, '')) === null ? 'not_a_number' : 'negative' };
  const v = parseNumber(text.replace(MEASURE_WORD, ''));
  if (v === null) return { ok: false, problem: 'not_a_number' };
  if (v % SCALE !== 0n) return { ok: false, problem: 'fraction' };
  if (v === 0n) return { ok: false, problem: 'zero' };
  if (v > BigInt(MAX_LINE_QTY) * SCALE) return { ok: false, problem: 'too_large' };
  return { ok: true, value: Number(v / SCALE) };
}

const CURRENCY = /^(?:[¥￥]|rmb|cny)\s*/i;
const YUAN = /\s*(?:元整|元|块钱|块|圆|yuan|rmb|cny)$/i;

/** The number of an amount as typed, without its ¥ or 元, × SCALE. */
function amountValue(raw: string): bigint | null {
  return parseNumber(raw.trim().replace(CURRENCY, '').replace(YUAN, ''));
}

/** An amount in yuan, 30000, 3万, ¥30,000.50, 3.5万元, 三万元 → fen, with its problem named (at most ¥10亿). */
export function readAmountFen(raw: string): Reading {
  const text = raw.trim().replace(CURRENCY, '');
  if (NEGATIVE.test(text)) return { ok: false, problem: amountValue(text.slice(1)) === null ? 'not_a_number' : 'negative' };
  const v = amountValue(text);
  if (v === null) return { ok: false, problem: 'not_a_number' };
  if (v % FEN !== 0n) return { ok: false, problem: 'fraction' };
  if (v === 0n) return { ok: false, problem: 'zero' };
  if (v / FEN > BigInt(MAX_PAYMENT_FEN)) return { ok: false, problem: 'too_large' };
  return { ok: true, value: Number(v / FEN) };
}

/** The line cap as people write it, for the refusal. */
export const fmtInt = (n: number) => n.toLocaleString('en-US');
