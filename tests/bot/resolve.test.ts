import { describe, expect, it } from 'vitest';
import { fuzzyFind, resolveOne } from '../../bot/resolve';

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
