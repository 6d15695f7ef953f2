/**
 * Reading money off what the stories' people see: amounts as shown (¥12,345.60) in fen and back,
 * and an order's total and open receivables from its text (console, Lark or DingTalk alike).
 */
export const fen = (yuan: string) => Math.round(Number(yuan.replace(/[¥,]/g, '')) * 100);
export const yuan = (f: number) => (f / 100).toFixed(2);

/** the total incl. VAT a quote or order card shows, in fen */
export function totalOf(text: string): number {
  const m = /价税合计：?\s*(¥[\d,]+\.\d\d)/.exec(text);
  if (!m) throw new Error(`no 价税合计 in: ${text}`);
  return fen(m[1] as string);
}

/** each receivable the order card lists, with what is still open on it */
export const openReceivables = (orderText: string) =>
  [...orderText.matchAll(/应收 (AR-\S+) ¥[\d,.]+，到期 \S+，未收 (¥[\d,]+\.\d\d)/g)].map((m) => ({
    number: m[1] as string,
    fen: fen(m[2] as string),
  }));
