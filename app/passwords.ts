import { randomBytes, type ScryptOptions, scrypt, timingSafeEqual } from 'node:crypto';

/**
 * Console passwords, stored as `scrypt$<N>$<r>$<p>$<salt>$<hash>` (salt and hash base64url):
 * the parameters travel with each hash, so raising the cost later leaves old hashes readable.
 * N = 2^15, r = 8 costs 32 MiB and some 50–100 ms per check on this kind of machine: slow for
 * a guesser, bearable for a sign-in; async, so the check runs off the event loop.
 */
const PARAMS = { N: 2 ** 15, r: 8, p: 1 };
const KEY_BYTES = 32;
const SALT_BYTES = 16;
export const MIN_PASSWORD_LENGTH = 8;
export const MAX_PASSWORD_LENGTH = 256;

function derive(password: string, salt: Buffer, params: { N: number; r: number; p: number }, keylen: number): Promise<Buffer> {
  // maxmem: the default (32 MiB) is exactly 128·N·r at our N, which scrypt refuses
  const opts: ScryptOptions = { ...params, maxmem: 256 * params.N * params.r };
  return new Promise((resolve, reject) =>
    scrypt(password.normalize('NFC'), salt, keylen, opts, (e, key) => (e ? reject(e) : resolve(key))),
  );
}

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(SALT_BYTES);
  const hash = await derive(password, salt, PARAMS, KEY_BYTES);
  return ['scrypt', PARAMS.N, PARAMS.r, PARAMS.p, salt.toString('base64url'), hash.toString('base64url')].join('$');
}

/**
 * True when `password` matches `stored`. A missing or malformed hash (a user without a
 * password) is checked against a throwaway one: the answer takes as long as a real check, so
 * its timing does not tell whether the login has a password, or exists at all.
 */
export async function verifyPassword(password: string, stored: string | null | undefined): Promise<boolean> {
  const parsed = stored ? parse(stored) : null;
  if (!parsed) {
    await derive(password, DUMMY_SALT, PARAMS, KEY_BYTES);
    return false;
  }
  const key = await derive(password, parsed.salt, parsed.params, parsed.hash.length);
  return timingSafeEqual(key, parsed.hash);
}

const DUMMY_SALT = randomBytes(SALT_BYTES);

function parse(stored: string): { params: { N: number; r: number; p: number }; salt: Buffer; hash: Buffer } | null {
  const m = /^scrypt\$(\d+)\$(\d+)\$(\d+)\$([\w-]+)\$([\w-]+)$/.exec(stored);
  if (!m) return null;
  const [N, r, p] = [Number(m[1]), Number(m[2]), Number(m[3])];
  // bounds, so a tampered row cannot make one check take gigabytes or minutes
  const powerOfTwo = N > 1 && N <= 2 ** 20 && (N & (N - 1)) === 0;
  if (!powerOfTwo || r < 1 || 128 * N * r > 2 ** 28 || p < 1 || p > 16) return null;
  const salt = Buffer.from(m[4] as string, 'base64url');
  const hash = Buffer.from(m[5] as string, 'base64url');
  if (salt.length < 8 || hash.length < 16 || hash.length > 128) return null;
  return { params: { N, r, p }, salt, hash };
}

/** Why a new password is refused (Chinese first), or null when it will do. */
export function passwordProblem(password: string): string | null {
  if (password.length < MIN_PASSWORD_LENGTH) return `密码至少 ${MIN_PASSWORD_LENGTH} 个字符 (at least ${MIN_PASSWORD_LENGTH} characters)`;
  if (password.length > MAX_PASSWORD_LENGTH) return `密码最多 ${MAX_PASSWORD_LENGTH} 个字符 (at most ${MAX_PASSWORD_LENGTH} characters)`;
  return null;
}
