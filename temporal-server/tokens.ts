/** Task tokens: opaque to workers, enough for us to find the task and refuse a stale one. */
export interface WftToken {
  k: 'w';
  r: string;
  s: number;
}
export interface ActivityToken {
  k: 'a';
  r: string;
  s: number;
  a: number;
}
export interface QueryToken {
  k: 'q';
  q: string;
}
export type Token = WftToken | ActivityToken | QueryToken;

export function encodeToken(t: Token): Buffer {
  return Buffer.from(JSON.stringify(t));
}

export function decodeToken(b: Uint8Array | null | undefined): Token | null {
  if (!b || b.length === 0) return null;
  try {
    const t = JSON.parse(Buffer.from(b).toString('utf8'));
    return t && typeof t === 'object' && typeof t.k === 'string' ? (t as Token) : null;
  } catch {
    return null;
  }
}
