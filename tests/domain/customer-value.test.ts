import { describe, expect, it } from 'vitest';
import {
  aggregateCustomerValue,
  CUSTOMER_VALUE_COLUMNS,
  customerValue,
  customerValueRow,
  DEFAULT_VALUE_RULE,
  rfmScores,
  rfmSegment,
} from '../../domain/customer-value';

/** The source table, verbatim. */
const SOURCE = `| 客户名称 | 累计订单额(元) | 订单数量 | 平均订单金额(元) | 累计毛利(元) | 毛利率(%) | 平均回款周期(天) | 客户价值评级 |
| A公司 | 5,200,000 | 25 | 208,000 | 1,820,000 | 35.0% | 28 | 高价值 |
| B公司 | 4,800,000 | 60 | 80,000 | 960,000 | 20.0% | 45 | 中等价值 |
| C公司 | 6,000,000 | 15 | 400,000 | 1,200,000 | 20.0% | 95 | 待观察 |
| D公司 | 1,500,000 | 30 | 50,000 | 600,000 | 40.0% | 32 | 潜力客户 |`;
const [HEADER, ...ROWS] = SOURCE.split('\n');
const md = (cells: readonly string[]) => `| ${cells.join(' | ')} |`;

/** The same inputs, as the system holds them: fen, counts, days. */
const INPUTS = {
  A公司: { totalAmountFen: 520_000_000, orderCount: 25, grossProfitFen: 182_000_000, avgPaymentDays: 28 },
  B公司: { totalAmountFen: 480_000_000, orderCount: 60, grossProfitFen: 96_000_000, avgPaymentDays: 45 },
  C公司: { totalAmountFen: 600_000_000, orderCount: 15, grossProfitFen: 120_000_000, avgPaymentDays: 95 },
  D公司: { totalAmountFen: 150_000_000, orderCount: 30, grossProfitFen: 60_000_000, avgPaymentDays: 32 },
} as const;

describe('customer value: the source table, row for row', () => {
  it('has the same columns', () => {
    expect(md(CUSTOMER_VALUE_COLUMNS)).toBe(HEADER);
  });

  it.each(Object.entries(INPUTS).map(([name, input], i) => [name, input, ROWS[i]!]))('%s', (name, input, row) => {
    expect(md(customerValueRow(name, customerValue(input)))).toBe(row);
  });

  it.each([
    ['A公司', 20_800_000, 3500, '高价值', 'High value'],
    ['B公司', 8_000_000, 2000, '中等价值', 'Medium value'],
    ['C公司', 40_000_000, 2000, '待观察', 'Watch'],
    ['D公司', 5_000_000, 4000, '潜力客户', 'Potential'],
  ] as const)('%s: average order %i fen, margin %i bp, %s', (name, avgOrderFen, marginBp, rating, ratingEn) => {
    expect(customerValue(INPUTS[name])).toMatchObject({ avgOrderFen, marginBp, rating, ratingEn });
  });

  it('C has the highest amount, yet is worth less than A: slow payment outweighs volume', () => {
    const a = customerValue(INPUTS.A公司);
    const c = customerValue(INPUTS.C公司);
    expect(c.totalAmountFen).toBeGreaterThan(a.totalAmountFen);
    expect(c.reasons).toEqual([{ zh: '平均回款 95 天 > 60 天', en: 'pays in 95 days on average > 60' }]);
    expect(a.reasons.map((r) => r.zh)).toEqual(['累计订单额 ¥5,200,000.00 ≥ ¥3,000,000.00', '毛利率 35% ≥ 30%', '平均回款 28 天 ≤ 45 天']);
  });

  it.each([
    ['B: ordinary margin', INPUTS.B公司, ['毛利率 20% < 30%']],
    ['D: profitable but small', INPUTS.D公司, ['毛利率 40% ≥ 30%', '累计订单额 ¥1,500,000.00 < ¥3,000,000.00']],
  ])('reasons for %s', (_, input, zh) => {
    expect(customerValue(input).reasons.map((r) => r.zh)).toEqual(zh);
  });
});

describe('the rating rule at its edges', () => {
  const base = { totalAmountFen: 300_000_000, orderCount: 10, grossProfitFen: 90_000_000, avgPaymentDays: 45 as number | null };
  it.each([
    ['exactly ¥3,000,000, 30 %, 45 days', {}, '高价值'],
    ['one fen less than ¥3,000,000', { totalAmountFen: 299_999_999, grossProfitFen: 90_000_000 }, '潜力客户'],
    ['margin 29.99 %', { grossProfitFen: 89_970_000 }, '中等价值'],
    ['46 days: large and profitable but not fast', { avgPaymentDays: 46 }, '中等价值'],
    ['exactly 60 days is not yet 待观察', { avgPaymentDays: 60 }, '中等价值'],
    ['61 days is 待观察, whatever the amount', { totalAmountFen: 900_000_000, grossProfitFen: 500_000_000, avgPaymentDays: 61 }, '待观察'],
    [
      'small, profitable and slow is 待观察 before 潜力客户',
      { totalAmountFen: 1_000_000, grossProfitFen: 500_000, avgPaymentDays: 90 },
      '待观察',
    ],
    ['no payments yet: not 高价值 on speed', { avgPaymentDays: null }, '中等价值'],
    ['no payments yet, small and profitable', { totalAmountFen: 1_000_000, grossProfitFen: 500_000, avgPaymentDays: null }, '潜力客户'],
    ['no orders at all', { totalAmountFen: 0, orderCount: 0, grossProfitFen: 0, avgPaymentDays: null }, '中等价值'],
    ['a loss-making customer', { grossProfitFen: -10_000_000, avgPaymentDays: 10 }, '中等价值'],
  ])('%s → %s', (_, change, rating) => {
    expect(customerValue({ ...base, ...change }).rating).toBe(rating);
  });

  it('the thresholds are a parameter', () => {
    const strict = { ...DEFAULT_VALUE_RULE, highAmountFen: 600_000_000, watchIfPaymentDaysAbove: 30 };
    expect(customerValue(INPUTS.A公司, strict).rating).toBe('潜力客户');
    expect(customerValue(INPUTS.D公司, strict).rating).toBe('待观察');
    expect(customerValue(INPUTS.A公司).rating).toBe('高价值');
  });

  it.each([
    [7, 3, 2],
    [1, 3, 0],
    [3, 2, 2],
    [0, 0, 0],
  ])('average order of %i fen over %i orders = %i (half up)', (total, orders, avg) => {
    expect(customerValue({ totalAmountFen: total, orderCount: orders, grossProfitFen: 0, avgPaymentDays: 0 }).avgOrderFen).toBe(avg);
  });

  it('refuses a fractional order count', () => {
    expect(() => customerValue({ ...base, orderCount: 2.5 })).toThrow(/order count/);
  });
});

describe('aggregateCustomerValue from raw rows', () => {
  const orders = [
    { amountFen: 300_000, costFen: 200_000, orderDate: '2026-03-05' },
    { amountFen: 100_000, costFen: 60_000, orderDate: '2026-01-10' },
  ];

  it.each([
    [
      'invoice and payment dates',
      [
        { invoiceDate: '2026-01-01', paidDate: '2026-01-31' },
        { invoiceDate: '2026-02-01', paidDate: '2026-02-21' },
      ],
      25,
    ],
    ['across the leap day', [{ invoiceDate: '2028-02-01', paidDate: '2028-03-01' }], 29],
    ['a list of days', [28, 29], 29],
    ['a list of days rounding down', [28, 28, 29], 28],
    ['a prepayment counts as 0 days', [{ invoiceDate: '2026-05-10', paidDate: '2026-05-01' }, 30], 15],
    ['nothing paid yet', [], null],
  ] as const)('%s → %s days', (_, payments, days) => {
    const input = aggregateCustomerValue(orders, payments);
    expect(input).toEqual({
      totalAmountFen: 400_000,
      orderCount: 2,
      grossProfitFen: 140_000,
      avgPaymentDays: days,
      firstOrderDate: '2026-01-10',
      lastOrderDate: '2026-03-05',
    });
  });

  it('reproduces row A from 25 raw orders and their payments', () => {
    const raw = Array.from({ length: 25 }, (_, i) => ({
      amountFen: 20_800_000,
      costFen: 13_520_000,
      orderDate: `2026-${String(1 + (i % 12)).padStart(2, '0')}-15`,
    }));
    const paid = Array.from({ length: 25 }, (_, i) => ({ invoiceDate: '2026-06-01', paidDate: i % 2 ? '2026-06-28' : '2026-06-30' }));
    const v = customerValue(aggregateCustomerValue(raw, paid));
    expect(md(customerValueRow('A公司', v))).toBe(ROWS[0]);
  });

  it('no orders', () => {
    expect(aggregateCustomerValue([], [])).toEqual({
      totalAmountFen: 0,
      orderCount: 0,
      grossProfitFen: 0,
      avgPaymentDays: null,
      firstOrderDate: null,
      lastOrderDate: null,
    });
  });
});

describe('RFM', () => {
  const ten = Array.from({ length: 10 }, (_, i) => ({
    id: i + 1,
    lastOrderDate: `2026-11-${String(10 + i).padStart(2, '0')}`,
    orderCount: i + 1,
    totalAmountFen: (i + 1) * 100_000,
  }));

  it('scores 1–5 by quintile: the most recent, frequent and largest get 5', () => {
    const s = rfmScores(ten, '2026-11-23');
    expect(s.map((x) => x.r)).toEqual([1, 1, 2, 2, 3, 3, 4, 4, 5, 5]);
    expect(s.map((x) => x.f)).toEqual([1, 1, 2, 2, 3, 3, 4, 4, 5, 5]);
    expect(s.map((x) => x.m)).toEqual([1, 1, 2, 2, 3, 3, 4, 4, 5, 5]);
    expect(s.map((x) => x.recencyDays)).toEqual([13, 12, 11, 10, 9, 8, 7, 6, 5, 4]);
    expect(s[9]).toMatchObject({ segment: '重要价值客户', segmentEn: 'Champion' });
    expect(s[0]).toMatchObject({ segment: '一般挽留客户', segmentEn: 'Lost' });
  });

  it.each([
    [1, [3]],
    [2, [2, 4]],
    [3, [1, 3, 5]],
    [5, [1, 2, 3, 4, 5]],
    [7, [1, 2, 2, 3, 4, 4, 5]],
  ])('%i distinct customers score %j', (n, scores) => {
    const pop = Array.from({ length: n }, (_, i) => ({ id: i, lastOrderDate: '2026-01-01', orderCount: i, totalAmountFen: 0 }));
    expect(rfmScores(pop, '2026-11-23').map((x) => x.f)).toEqual(scores);
  });

  it('equal values share the middle score, whatever the input order', () => {
    const same = ten.map((c) => ({ ...c, orderCount: 3 }));
    const a = rfmScores(same, '2026-11-23');
    const b = rfmScores([...same].reverse(), '2026-11-23');
    expect(new Set(a.map((x) => x.f))).toEqual(new Set([3]));
    for (const x of a) expect(b.find((y) => y.id === x.id)).toEqual(x);
  });

  it('a tie at the top: both get the score of the ranks they share', () => {
    const pop = [0, 1, 2, 9, 9].map((orderCount, id) => ({ id, lastOrderDate: '2026-01-01', orderCount, totalAmountFen: 0 }));
    expect(rfmScores(pop, '2026-11-23').map((x) => x.f)).toEqual([1, 2, 3, 5, 5]);
  });

  it.each([
    [[true, true, true], '重要价值客户'],
    [[true, false, true], '重要发展客户'],
    [[false, true, true], '重要保持客户'],
    [[false, false, true], '重要挽留客户'],
    [[true, true, false], '一般价值客户'],
    [[true, false, false], '一般发展客户'],
    [[false, true, false], '一般保持客户'],
    [[false, false, false], '一般挽留客户'],
  ] as const)('R/F/M high = %j → %s', ([r, f, m], segment) => {
    expect(rfmSegment(r, f, m)[0]).toBe(segment);
  });

  it.each([
    [[5, 5, 5], '重要价值客户'],
    [[5, 1, 5], '重要发展客户'],
    [[1, 5, 5], '重要保持客户'],
    [[1, 1, 5], '重要挽留客户'],
    [[5, 5, 1], '一般价值客户'],
    [[5, 1, 1], '一般发展客户'],
    [[1, 5, 1], '一般保持客户'],
    [[1, 1, 1], '一般挽留客户'],
  ])('a customer at the extremes %j of a population is %s', ([r, f, m], segment) => {
    const pop = Array.from({ length: 9 }, (_, i) => ({
      id: i + 1,
      lastOrderDate: `2026-11-0${i + 1}`,
      orderCount: i + 1,
      totalAmountFen: (i + 1) * 10,
    }));
    const target = {
      id: 99,
      lastOrderDate: r === 5 ? '2026-11-22' : '2025-01-01',
      orderCount: f === 5 ? 100 : 0,
      totalAmountFen: m === 5 ? 10_000_000 : 0,
    };
    const s = rfmScores([...pop, target], '2026-11-23').find((x) => x.id === 99)!;
    expect([s.r, s.f, s.m]).toEqual([r, f, m]);
    expect(s.segment).toBe(segment);
  });

  it('the "high" threshold is a parameter', () => {
    const s = rfmScores(ten, '2026-11-23', { highScoreAtLeast: 3 });
    expect(s[4]!.segment).toBe('重要价值客户');
    expect(rfmScores(ten, '2026-11-23')[4]!.segment).toBe('一般挽留客户');
  });

  it('an empty population', () => {
    expect(rfmScores([], '2026-11-23')).toEqual([]);
  });
});
