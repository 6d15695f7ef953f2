import type { Rng } from './random';

/**
 * 统一社会信用代码 (GB 32100-2015) with valid check characters, so that a validator anywhere
 * in the product accepts the demo customers: registration authority (9 = 工商), type
 * (1 = enterprise), the 6-digit division code, the 9-character organisation code
 * (GB 11714, with its own check character), then the code's check character.
 */

const CHARSET = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const CHARS = [...CHARSET];
const USCC_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];
const ORG_WEIGHTS = [3, 7, 9, 10, 5, 8, 4, 2];

/** GB 11714 values: digits as themselves, letters A=10 … Z=35 */
function orgValue(ch: string): number {
  return /\d/.test(ch) ? Number(ch) : ch.charCodeAt(0) - 55;
}

function orgCheck(body: string): string {
  const sum = [...body].reduce((s, ch, i) => s + orgValue(ch) * (ORG_WEIGHTS[i] ?? 0), 0);
  const c = 11 - (sum % 11);
  return c === 10 ? 'X' : c === 11 ? '0' : String(c);
}

export function usccCheck(first17: string): string {
  const sum = [...first17].reduce((s, ch, i) => s + CHARSET.indexOf(ch) * (USCC_WEIGHTS[i] ?? 0), 0);
  const c = (31 - (sum % 31)) % 31;
  return CHARSET[c] as string;
}

export function isValidUscc(code: string): boolean {
  if (!/^[0-9A-HJ-NPQRTUW-Y]{18}$/.test(code)) return false;
  return usccCheck(code.slice(0, 17)) === code[17] && orgCheck(code.slice(8, 16)) === code[16];
}

export function creditCode(rng: Rng, division: string): string {
  // codes issued since 2015 mostly start their organisation part with "MA"
  let body = 'MA';
  for (let i = 0; i < 6; i++) body += rng.chance(0.6) ? rng.digits(1) : rng.pick(CHARS);
  const first17 = `91${division}${body}${orgCheck(body)}`;
  return first17 + usccCheck(first17);
}
