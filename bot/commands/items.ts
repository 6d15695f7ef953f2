import { fmtInt, isMeasureWord, MAX_LINE_QTY, type NumberProblem, readQuantity } from './numerals';
import type { Bilingual, Item } from './vocabulary';

/**
 * The item lines of a quote or a shipment: A100×2000, A100 2000个, A100两千, B200 x 20 套.
 * Each quantity is a whole number of units above 0 and at most MAX_LINE_QTY; anything else
 * is refused naming the line, so a typo never becomes an order of 9 × 10¹⁵ units.
 */

// a SKU and its quantity; "A100x-5" too, so that a minus sign is refused rather than read as a name
const ITEM = /^([A-Za-z0-9][A-Za-z0-9._-]*)×(.+)$/;
const ITEM_NEGATIVE = /^([A-Za-z0-9][A-Za-z0-9._-]*\d)[xX*]([-−]\d.*)$/;
/** Without ×, a SKU must have a letter and a digit (A100), and the next word must start like a number. */
const SKU = /^(?=.*[A-Za-z])(?=.*\d)[A-Za-z0-9][A-Za-z0-9._-]*$/;
const NUMERAL_START = /^[-−]?[\d零〇一二两三四五六七八九十百千万壹贰叁肆伍陆柒捌玖拾]/;
/** A100两千个: the SKU glued to a Chinese numeral. */
const GLUED = /^([A-Za-z][A-Za-z0-9._-]*\d)([零〇一二两三四五六七八九十百千万].*)$/;

const QUANTITY_PROBLEM: Record<NumberProblem, (line: string) => Bilingual> = {
  not_a_number: (l) => ({
    zh: `数量不对：“${l}”，数量应为正整数，例如 A100×2000`,
    en: `bad quantity in "${l}": expected a whole number, e.g. A100x2000`,
  }),
  negative: (l) => ({ zh: `数量不对：“${l}”，数量必须大于 0`, en: `bad quantity in "${l}": it must be more than 0` }),
  zero: (l) => ({ zh: `数量不对：“${l}”，数量必须大于 0`, en: `bad quantity in "${l}": it must be more than 0` }),
  fraction: (l) => ({
    zh: `数量不对：“${l}”，数量应为整数（按件计，不能拆零）`,
    en: `bad quantity in "${l}": units are whole, not fractions`,
  }),
  too_large: (l) => ({
    zh: `数量不对：“${l}” 超过单行上限 ${fmtInt(MAX_LINE_QTY)}，请核对数量`,
    en: `bad quantity in "${l}": at most ${fmtInt(MAX_LINE_QTY)} per line; check the number`,
  }),
};

const readsAsNumber = (t: string) => {
  const r = readQuantity(t);
  return r.ok || r.problem !== 'not_a_number';
};

export type ItemsResult = { ok: true; items: Item[]; rest: string[] } | { ok: false; error: Bilingual };

export function parseItems(input: string[]): ItemsResult {
  const tokens = input.flatMap((t) => {
    const glued = GLUED.exec(t);
    return glued ? [glued[1] as string, glued[2] as string] : [t];
  });
  const items: Item[] = [];
  const rest: string[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i] as string;
    const next = tokens[i + 1];
    let sku: string;
    let qtyText: string;
    let line = t;
    const m = ITEM.exec(t) ?? ITEM_NEGATIVE.exec(t);
    if (m) {
      sku = m[1] as string;
      qtyText = m[2] as string;
    } else if (SKU.test(t) && next !== undefined && NUMERAL_START.test(next) && readsAsNumber(next)) {
      sku = t;
      qtyText = next;
      line = `${t} ${next}`;
      i += 1;
    } else {
      rest.push(t);
      continue;
    }
    if (tokens[i + 1] !== undefined && isMeasureWord(tokens[i + 1] as string)) i += 1; // "5 pcs"
    const qty = readQuantity(qtyText);
    if (!qty.ok) return { ok: false, error: QUANTITY_PROBLEM[qty.problem](line) };
    items.push({ sku: sku.toUpperCase(), qty: qty.value });
  }
  return { ok: true, items, rest };
}
