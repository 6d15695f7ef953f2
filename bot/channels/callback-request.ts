import { timingSafeEqual } from 'node:crypto';

/**
 * What every platform callback route needs before it can verify anything: the raw body (the
 * signatures are over the bytes sent, not a re-serialisation), capped so no one can make us
 * buffer without end, and a constant-time comparison of signatures.
 */
export const MAX_CALLBACK_BODY = 1 << 20;

/** the body as text, or null when it is over `max` bytes */
export function readRawBody(req: NodeJS.ReadableStream, max = MAX_CALLBACK_BODY): Promise<string | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size <= max) chunks.push(c);
    });
    req.on('end', () => resolve(size > max ? null : Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/** expected vs given signature, in constant time (hex signatures compare case-insensitively) */
export function sameSignature(expected: string, given: string, opts: { hex?: boolean } = {}): boolean {
  const x = Buffer.from(expected);
  const y = Buffer.from(opts.hex ? given.toLowerCase() : given);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** forgets signatures older than `keepMs` once there are many (a replay window's memory) */
export function forgetOld(seen: Map<string, number>, now: number, keepMs: number): void {
  if (seen.size < 1000) return;
  for (const [k, at] of seen) if (now - at > keepMs) seen.delete(k);
}
