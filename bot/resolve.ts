/**
 * Fuzzy lookup of what a user typed ("螺栓", "华东机电", "b200", "6205") against names and
 * codes. Exact code first, then names containing the text, then names sharing most of its
 * characters (Chinese names are short; bigram overlap is a good measure of "nearly the same").
 */
export interface Candidate<T> {
  code?: string;
  name: string;
  /** extra searchable text, e.g. spec or short name */
  aliases?: string[];
  value: T;
}

export interface Match<T> {
  value: T;
  name: string;
  score: number;
}

const fold = (s: string) => s.toLowerCase().replace(/\s+/g, '');

function bigrams(s: string): Set<string> {
  const out = new Set<string>();
  if (s.length === 1) out.add(s);
  for (let i = 0; i + 1 < s.length; i++) out.add(s.slice(i, i + 2));
  return out;
}

/** 0–1: how much of the query's bigrams appear in the text. */
function overlap(query: string, text: string): number {
  const q = bigrams(query);
  if (q.size === 0) return 0;
  const t = bigrams(text);
  let hit = 0;
  for (const b of q) if (t.has(b)) hit++;
  return hit / q.size;
}

export function fuzzyFind<T>(query: string, candidates: readonly Candidate<T>[], limit = 5): Match<T>[] {
  const q = fold(query);
  if (!q) return [];
  const scored: Match<T>[] = [];
  for (const c of candidates) {
    const texts = [c.name, ...(c.aliases ?? [])].map(fold);
    let score = 0;
    if (c.code && fold(c.code) === q) score = 1;
    else if (texts.some((t) => t === q)) score = 0.99;
    else if (c.code && fold(c.code).startsWith(q)) score = 0.9;
    else if (texts.some((t) => t.includes(q))) score = 0.8 + 0.1 * (q.length / Math.max(...texts.map((t) => t.length)));
    else score = 0.75 * Math.max(...texts.map((t) => overlap(q, t)));
    if (score >= 0.5) scored.push({ value: c.value, name: c.name, score });
  }
  scored.sort((a, b) => b.score - a.score || a.name.localeCompare(b.name, 'zh'));
  return scored.slice(0, limit);
}

/** One clear winner (an exact code or name, or well ahead of the rest), else the choices. */
export function resolveOne<T>(
  query: string,
  candidates: readonly Candidate<T>[],
  limit = 8,
): { found: Match<T> } | { choices: Match<T>[]; total: number } {
  const all = fuzzyFind(query, candidates, Number.MAX_SAFE_INTEGER);
  const matches = all.slice(0, limit);
  const [first, second] = matches;
  if (first && (first.score >= 0.99 || !second || first.score - second.score >= 0.15)) return { found: first };
  return { choices: matches, total: all.length };
}
