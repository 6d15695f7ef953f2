import { spelledDigits } from './numerals';
import type { Bilingual } from './vocabulary';

/**
 * A quote's manual discount as people write it, → basis points off the price:
 * 折扣12% · discount 12% · 12% off · 优惠5% (the % off), or 折 (the share PAID, in tenths):
 * 9折 = pay 90 % = 1000 bp off, 9.5折 / 95折 / 九五折 = 500 bp off, 八五折 / 85折 = 1500 bp off,
 * 打9折 the same. A 折 that cannot be a discount (10折 is the full price, 0折 is free, 11折
 * is 1.1折 or a slip) is refused with what to write instead, never guessed.
 */

export type DiscountResult = { ok: true; discountBp: number; rest: string[] } | { ok: false; error: Bilingual };

const FULL = 10_000;

// whole tokens only, so "折扣120%" is read as 120 % (and refused), never as 20 %;
// after the word 折扣/discount the % sign may be left out: "折扣12" means 12 %
const PERCENT = /(?:^|\s)(?:(?:折扣|优惠|降价|discount|off)\s*:?\s*)?(\d{1,3}(?:\.\d{1,2})?)\s?%(?:\s*(?:off|折扣|discount))?(?=\s|$)/i;
const BARE_PERCENT = /(?:^|\s)(?:折扣|优惠|降价|discount)\s*:?\s*(\d{1,3}(?:\.\d{1,2})?)(?=\s|$)/i;
const ZHE = /(?:^|\s)(?:(?:折扣|优惠)\s*:?\s*)?(?:打\s*)?(\d+(?:\.\d)?)\s*折(?!扣)(?=\s|$)/;
/** 九五折, 八点五折, 十折 → 95折, 8.5折, 10折 (十 alone only: 九十折 is not how anyone says 90 %). */
const SPELLED_ZHE = /(?<=^|\s|打)([〇零一二两三四五六七八九十]+(?:点[一二三四五六七八九])?)(?=\s*折(?:\s|$))/g;
const STRAY = /\d%|折$/;

const refuse = (zh: string, en: string): DiscountResult => ({ ok: false, error: { zh, en } });

/** The bp off for "n折", or why n折 is not a discount. */
function zheToBp(n: string): DiscountResult | number {
  const value = Number(n);
  const whole = Math.floor(value);
  if (whole === 10 && value === 10)
    return refuse(
      '10折就是原价，不是折扣：不打折就不用写；减 10% 请写 9折 或 折扣10%',
      '10折 is the full price, not a discount: leave it out for none; for 10% off write 9折 or "discount 10%"',
    );
  if (whole >= 1 && whole <= 9) return FULL - Math.round(value * 1000);
  if (whole >= 20 && whole <= 99) return FULL - Math.round(value * 100);
  if (whole >= 11 && whole <= 19) {
    const tenths = String(value / 10);
    return refuse(
      `“${n}折”读不准：是 ${tenths}折（减 ${100 - value}%）吗？请写成 ${tenths}折 或 折扣${100 - value}%`,
      `"${n}折" is ambiguous: write ${tenths}折 or "discount ${100 - value}%"`,
    );
  }
  return refuse(
    `“${n}折”不是折扣：折数应在 1 到 9.9 之间（9折 = 减 10%，85折 = 减 15%）`,
    `"${n}折" is not a discount: 折 runs from 1 to 9.9 (9折 = 10% off, 85折 = 15% off)`,
  );
}

export function takeDiscount(tokens: string[]): DiscountResult {
  const joined = tokens.join(' ').replace(SPELLED_ZHE, (s) => (s === '十' ? '10' : (spelledDigits(s) ?? s)));
  const pct = PERCENT.exec(joined) ?? BARE_PERCENT.exec(joined);
  const zhe = ZHE.exec(joined);
  if (pct && zhe)
    return refuse(
      `给了两个折扣（“${pct[0].trim()}”和“${zhe[0].trim()}”），请只写一个`,
      `two discounts given ("${pct[0].trim()}" and "${zhe[0].trim()}"); give one`,
    );
  let discountBp = 0;
  let rest = joined;
  if (pct) {
    discountBp = Math.round(Number(pct[1]) * 100);
    if (discountBp >= FULL) return refuse('折扣应在 0% 到 99.99% 之间', 'a discount is between 0% and 99.99%');
    rest = joined.replace(pct[0], ' ');
  } else if (zhe) {
    const bp = zheToBp(zhe[1] as string);
    if (typeof bp !== 'number') return bp;
    discountBp = bp;
    rest = joined.replace(zhe[0], ' ');
  }
  const restTokens = rest.split(' ').filter(Boolean);
  const stray = restTokens.find((t) => STRAY.test(t));
  if (stray)
    return refuse(
      `看不懂“${stray}”，折扣请写成 折扣12% 或 9折`,
      `could not read "${stray}"; write a discount as "discount 12%" or 9折 (10% off)`,
    );
  return { ok: true, discountBp, rest: restTokens };
}
