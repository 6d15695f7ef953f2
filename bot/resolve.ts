/**
 * Fuzzy lookup of what a user typed ("螺栓", "华东机电", "b200", "6205") against names and
 * codes. Exact code first, then names containing the text, then names sharing most of its
 * characters (Chinese names are short; bigram overlap is a good measure of "nearly the same").
 *
 * A list searched again and again (the product catalogue) is prepared once with
 * `new FuzzyIndex(candidates)`: folded texts and bigrams computed up front, exact codes in a
 * map. fuzzyFind and resolveOne on a plain list give the same answers as the index.
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

export type Resolution<T> = { found: Match<T> } | { choices: Match<T>[]; total: number };

const fold = (s: string) => s.toLowerCase().replace(/\s+/g, '');

function bigrams(s: string): Set<string> {
  const out = new Set<string>();
  if (s.length === 1) out.add(s);
  for (let i = 0; i + 1 < s.length; i++) out.add(s.slice(i, i + 2));
  return out;
}

/** 0–1: how much of the query's bigrams appear in the text. */
function overlap(q: Set<string>, t: Set<string>): number {
  if (q.size === 0) return 0;
  let hit = 0;
  for (const b of q) if (t.has(b)) hit++;
  return hit / q.size;
}

/** Same order as a.name.localeCompare(b.name, 'zh'), without building a collator per call. */
const byNameZh = new Intl.Collator('zh').compare;

interface Prepared<T> {
  candidate: Candidate<T>;
  code: string | null;
  /** name and aliases, folded */
  texts: string[];
  grams: Set<string>[];
  longest: number;
}

export class FuzzyIndex<T> {
  private readonly prepared: Prepared<T>[];
  /** folded code → the candidates with it (more than one only if codes differ just in case or spaces) */
  private readonly byCode = new Map<string, Prepared<T>[]>();
  /** bigram → the texts (numbered across all candidates) that have it */
  private readonly postings = new Map<string, number[]>();
  /** text number → its candidate's position */
  private readonly textOwner: number[] = [];

  constructor(readonly candidates: readonly Candidate<T>[]) {
    this.prepared = candidates.map((c, i) => {
      const texts = [c.name, ...(c.aliases ?? [])].map(fold);
      const p: Prepared<T> = {
        candidate: c,
        code: c.code ? fold(c.code) : null,
        texts,
        grams: texts.map(bigrams),
        longest: Math.max(...texts.map((t) => t.length)),
      };
      if (p.code) {
        const same = this.byCode.get(p.code);
        if (same) same.push(p);
        else this.byCode.set(p.code, [p]);
      }
      for (const grams of p.grams) {
        const textNo = this.textOwner.push(i) - 1;
        for (const g of grams) {
          const list = this.postings.get(g);
          if (list) list.push(textNo);
          else this.postings.set(g, [textNo]);
        }
      }
      return p;
    });
  }

  /**
   * The candidates that can score 0.5 or more: a code starting with the query, or a text
   * sharing at least 60 % of the query's bigrams (a text equal to or containing a query of two
   * characters or more shares all of them; below 60 % the overlap score is under 0.45).
   * A one-character query has no bigram to share with longer texts: every candidate then.
   */
  private shortlist(q: string, qGrams: Set<string>): Uint8Array {
    const mark = new Uint8Array(this.prepared.length);
    if (q.length < 2) return mark.fill(1);
    const shared = new Uint32Array(this.textOwner.length);
    for (const g of qGrams) for (const textNo of this.postings.get(g) ?? []) shared[textNo] = (shared[textNo] as number) + 1;
    const needed = 0.6 * qGrams.size;
    for (let textNo = 0; textNo < shared.length; textNo++) {
      if ((shared[textNo] as number) >= needed) mark[this.textOwner[textNo] as number] = 1;
    }
    for (let i = 0; i < this.prepared.length; i++) if (this.prepared[i]?.code?.startsWith(q)) mark[i] = 1;
    return mark;
  }

  find(query: string, limit = 5): Match<T>[] {
    const q = fold(query);
    if (!q) return [];
    const qGrams = bigrams(q);
    const mark = this.shortlist(q, qGrams);
    const scored: Match<T>[] = [];
    // in the candidates' order, so that equal scores and names keep it (the sort is stable)
    for (let i = 0; i < this.prepared.length; i++) {
      if (!mark[i]) continue;
      const p = this.prepared[i] as Prepared<T>;
      let score = 0;
      if (p.code === q) score = 1;
      else if (p.texts.some((t) => t === q)) score = 0.99;
      else if (p.code?.startsWith(q)) score = 0.9;
      else if (p.texts.some((t) => t.includes(q))) score = 0.8 + 0.1 * (q.length / p.longest);
      else score = 0.75 * Math.max(...p.grams.map((g) => overlap(qGrams, g)));
      if (score >= 0.5) scored.push({ value: p.candidate.value, name: p.candidate.name, score });
    }
    scored.sort((a, b) => b.score - a.score || byNameZh(a.name, b.name));
    return scored.slice(0, limit);
  }

  /** One clear winner (an exact code or name, or well ahead of the rest), else the choices. */
  resolve(query: string, limit = 8): Resolution<T> {
    // an exact code scores 1, above anything else: the winner without scoring the rest
    const q = fold(query);
    const exact = q ? this.byCode.get(q) : undefined;
    if (exact?.length === 1) {
      const { candidate } = exact[0] as Prepared<T>;
      return { found: { value: candidate.value, name: candidate.name, score: 1 } };
    }
    const all = this.find(query, Number.MAX_SAFE_INTEGER);
    const matches = all.slice(0, limit);
    const [first, second] = matches;
    if (first && (first.score >= 0.99 || !second || first.score - second.score >= 0.15)) return { found: first };
    return { choices: matches, total: all.length };
  }
}

export function fuzzyFind<T>(query: string, candidates: readonly Candidate<T>[], limit = 5): Match<T>[] {
  return new FuzzyIndex(candidates).find(query, limit);
}

/** One clear winner (an exact code or name, or well ahead of the rest), else the choices. */
export function resolveOne<T>(query: string, candidates: readonly Candidate<T>[], limit = 8): Resolution<T> {
  return new FuzzyIndex(candidates).resolve(query, limit);
}
