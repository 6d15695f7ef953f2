import { describe, expect, it } from 'vitest';
import { type Candidate, FuzzyIndex, fuzzyFind, type Match, resolveOne } from '../../bot/resolve';
import { planDemoCompany } from '../../models/seed/demo-company';

const products = [
  { code: 'A100', name: '不锈钢六角螺栓 M8', value: 1 },
  { code: 'A101', name: '不锈钢六角螺栓 M10', value: 2 },
  { code: 'B200', name: '工业轴承 6205', value: 3 },
  { code: 'C300', name: '平垫圈 M8', value: 4 },
];
const customers = [
  { name: '华东机电有限公司', value: 10 },
  { name: '广州恒通贸易', value: 11 },
  { name: '华南机电设备厂', value: 12 },
];

describe('fuzzy lookup', () => {
  it.each([
    ['A100', 1],
    ['a100', 1],
    ['b200', 3],
    ['6205', 3],
    ['轴承', 3],
    ['螺栓 M8', 1],
  ])('%s finds product %i first', (q, id) => {
    expect(fuzzyFind(q, products)[0]?.value).toBe(id);
  });

  it('a word shared by several products returns them all', () => {
    expect(
      fuzzyFind('螺栓', products)
        .map((m) => m.value)
        .sort(),
    ).toEqual([1, 2]);
    expect('choices' in resolveOne('螺栓', products)).toBe(true);
  });

  it.each([
    ['华东机电', 10],
    ['恒通', 11],
    ['广州恒通贸易', 11],
    ['华东机电有限', 10],
  ])('customer %s → %i', (q, id) => {
    const r = resolveOne(q, customers);
    expect('found' in r && r.found.value).toBe(id);
  });

  it('机电 is ambiguous between two customers', () => {
    const r = resolveOne('机电', customers);
    expect('choices' in r && r.choices.map((m) => m.value).sort()).toEqual([10, 12]);
  });

  it('finds nothing for unrelated text', () => {
    expect(fuzzyFind('咖啡机', products)).toEqual([]);
    expect(fuzzyFind('', products)).toEqual([]);
  });
});

/** The lookup as first written: a plain scan scoring every candidate. The index must answer exactly the same. */
function plainFind<T>(query: string, candidates: readonly Candidate<T>[], limit = 5): Match<T>[] {
  const fold = (s: string) => s.toLowerCase().replace(/\s+/g, '');
  const bigrams = (s: string) => {
    const out = new Set<string>();
    if (s.length === 1) out.add(s);
    for (let i = 0; i + 1 < s.length; i++) out.add(s.slice(i, i + 2));
    return out;
  };
  const overlap = (q: string, text: string) => {
    const qs = bigrams(q);
    if (qs.size === 0) return 0;
    const ts = bigrams(text);
    let hit = 0;
    for (const b of qs) if (ts.has(b)) hit++;
    return hit / qs.size;
  };
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

/** resolveOne's rule, on the full sorted list of matches. */
function plainResolve<T>(all: Match<T>[], limit = 8) {
  const matches = all.slice(0, limit);
  const [first, second] = matches;
  if (first && (first.score >= 0.99 || !second || first.score - second.score >= 0.15)) return { found: first };
  return { choices: matches, total: all.length };
}

describe('the prepared index answers exactly as the plain scan', () => {
  const plan = planDemoCompany();
  const catalogue: Candidate<number>[] = plan
    .rows('Product')
    .map((p, i) => ({ code: p.sku, name: p.name, aliases: p.spec ? [`${p.name} ${p.spec}`] : [], value: i }));
  const customerList: Candidate<number>[] = plan.rows('Customer').map((c, i) => ({ name: c.name, value: i }));

  /** What people type: codes (any case, prefixes), names and their pieces, stray characters, typos. */
  function queries(list: readonly Candidate<number>[]): string[] {
    const out = new Set<string>([
      '',
      ' ',
      'a',
      'A1',
      'x',
      '螺',
      '轴承',
      '螺栓',
      'M8',
      '6205',
      '机电',
      '咖啡机',
      'ｍ８',
      '  b 200 ',
      'zzz999',
    ]);
    let seed = 7;
    const rnd = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    for (const c of list) {
      if (c.code) {
        out.add(c.code);
        out.add(c.code.toLowerCase());
        out.add(c.code.slice(0, 2));
        out.add(c.code.slice(0, 3));
      }
      out.add(c.name);
      for (const a of c.aliases ?? []) out.add(a);
      const n = c.name;
      for (let k = 0; k < 3; k++) {
        const from = rnd(n.length);
        out.add(n.slice(from, from + 1 + rnd(6)));
        out.add(n.slice(0, from) + n.slice(from + 1)); // one character dropped
        out.add(n.slice(from) + n.slice(0, from)); // rotated
      }
    }
    return [...out];
  }

  it.each([
    ['products', catalogue],
    ['customers', customerList],
  ])('%s: fuzzyFind and resolveOne on every query', (_, list) => {
    const index = new FuzzyIndex(list);
    const qs = queries(list);
    expect(qs.length).toBeGreaterThan(400);
    for (const [i, q] of qs.entries()) {
      const plain = plainFind(q, list, Number.MAX_SAFE_INTEGER);
      expect(index.find(q, Number.MAX_SAFE_INTEGER), q).toEqual(plain);
      expect(index.resolve(q), q).toEqual(plainResolve(plain));
      if (i % 10 === 0) {
        expect(fuzzyFind(q, list), q).toEqual(plain.slice(0, 5));
        expect(resolveOne(q, list), q).toEqual(plainResolve(plain));
      }
    }
  });

  it('codes that differ only in case: the same winner as the plain scan', () => {
    const list = [
      { code: 'AB1', name: '甲', value: 1 },
      { code: 'ab1', name: '乙', value: 2 },
    ];
    expect(new FuzzyIndex(list).resolve('AB1')).toEqual(plainResolve(plainFind('AB1', list, 99)));
  });
});
