/**
 * Chat text as users type it: full-width letters, digits and punctuation from Chinese input
 * methods, several kinds of spaces, ×, x, X, * or ＊ for "times", ％ for percent, @mentions.
 * Everything is folded to one plain form before a command is read.
 */

const FULLWIDTH_OFFSET = 0xfee0;

/** Full-width ASCII (！ to ～) → half-width; ideographic space → space. */
export function toHalfWidth(s: string): string {
  return s.replace(/[\uff01-\uff5e]/g, (c) => String.fromCharCode(c.charCodeAt(0) - FULLWIDTH_OFFSET)).replace(/\u3000/g, ' ');
}

/** The multiplication signs people use between a SKU and a quantity, all as '×'. */
const TIMES = /\s*[×xX*✕✖]\s*(?=\d)/g;

export function normalise(text: string): string {
  return toHalfWidth(text)
    .replace(/@\S+/g, ' ') // mentions: the bot answers them, they are not part of the command
    .replace(/[、；;]/g, ' ')
    .replace(/,(?!\d{3}(?!\d))/g, ' ') // a comma separates items, unless it groups thousands (2,000)
    .replace(/[：]/g, ':')
    .replace(/\s+/g, ' ')
    .trim()
    .replace(TIMES, '×');
}

/** Levenshtein distance, for "did you mean" suggestions. */
export function editDistance(a: string, b: string): number {
  const prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0] as number;
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = prev[j] as number;
      prev[j] = Math.min((prev[j] as number) + 1, (prev[j - 1] as number) + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = tmp;
    }
  }
  return prev[b.length] as number;
}
