import { describe, expect, it } from 'vitest';
import { aggregateCustomerValue, customerValue, formatMarginOneDecimal, rfmScores } from '../../domain/customer-value';
import { formatYuanPlain } from '../../domain/money';

/** The table in seed 000, row for row: inputs, then what the report must show. */
const TABLE = [
  ['A公司', 520_000_000, 25, 182_000_000, 28, '208,000', '35.0%', '高价值'],
  ['B公司', 480_000_000, 60, 96_000_000, 45, '80,000', '20.0%', '中等价值'],
  ['C公司', 600_000_000, 15, 120_000_000, 95, '400,000', '20.0%', '待观察'],
  ['D公司', 150_000_000, 30, 60_000_000, 32, '50,000', '40.0%', '潜力客户'],
] as const;

describe('customer value: the four rows of the source table', () => {
  it.each(TABLE)('%s', (_, totalAmountFen, orderCount, grossProfitFen, avgPaymentDays, avgOrder, margin, rating) => {
    const v = customerValue({ totalAmountFen, orderCount, grossProfitFen, avgPaymentDays });
    expect(formatYuanPlain(v.avgOrderFen).replace(/\.00$/, '')).toBe(avgOrder);
    expect(formatMarginOneDecimal(v.marginBp)).toBe(margin);
    expect(v.rating).toBe(rating);
  });

  it('C has the highest amount but is worth less than A', () => {
    const [a, , c] = TABLE.map(([, t, n, g, d]) =>
      customerValue({ totalAmountFen: t, orderCount: n, grossProfitFen: g, avgPaymentDays: d }),
    );
    expect(c!.totalAmountFen).toBeGreaterThan(a!.totalAmountFen);
    expect(a!.rating).toBe('高价值');
    expect(c!.rating).toBe('待观察');
    expect(c!.reason.zh).toContain('95 天');
  });

  it.each([
    ['high amount and margin but slow (50 days) is not 高价值', 400_000_000, 10, 160_000_000, 50, '潜力客户'],
    ['exactly 60 days is not yet 待观察', 100_000_000, 10, 10_000_000, 60, '中等价值'],
    ['61 days is 待观察', 900_000_000, 10, 500_000_000, 61, '待观察'],
    ['exactly at ¥3,000,000 and 30 %', 300_000_000, 10, 90_000_000, 30, '高价值'],
    ['no orders at all', 0, 0, 0, 0, '中等价值'],
  ])('%s', (_, totalAmountFen, orderCount, grossProfitFen, avgPaymentDays, rating) => {
    expect(customerValue({ totalAmountFen, orderCount, grossProfitFen, avgPaymentDays }).rating).toBe(rating);
  });

  it('aggregates the inputs from raw orders and paid invoices', () => {
    const input = aggregateCustomerValue(
      [
        { amountFen: 100_000, costFen: 60_000 },
        { amountFen: 300_000, costFen: 200_000 },
      ],
      [
        { issuedDate: '2026-01-01', paidDate: '2026-01-31' },
        { issuedDate: '2026-02-01', paidDate: '2026-02-21' },
      ],
    );
    expect(input).toEqual({ totalAmountFen: 400_000, orderCount: 2, grossProfitFen: 140_000, avgPaymentDays: 25 });
    expect(formatMarginOneDecimal(customerValue(input).marginBp)).toBe('35.0%');
  });
});

describe('RFM', () => {
  const customers = Array.from({ length: 10 }, (_, i) => ({
    id: i + 1,
    lastOrderDate: `2026-11-${String(10 + i).padStart(2, '0')}`,
    orderCount: i + 1,
    totalAmountFen: (i + 1) * 100_000,
  }));

  it('scores 1–5 by quintile: the most recent, frequent and largest get 5', () => {
    const s = rfmScores(customers, '2026-11-23');
    expect(s.map((x) => x.r)).toEqual([1, 1, 2, 2, 3, 3, 4, 4, 5, 5]);
    expect(s.map((x) => x.f)).toEqual([1, 1, 2, 2, 3, 3, 4, 4, 5, 5]);
    expect(s[9]!.segment).toBe('重要价值客户');
    expect(s[0]!.segment).toBe('一般挽留客户');
  });

  it('gives equal values equal scores, whatever the input order', () => {
    const same = customers.map((c) => ({ ...c, orderCount: 3 }));
    const a = rfmScores(same, '2026-11-23');
    const b = rfmScores([...same].reverse(), '2026-11-23');
    expect(new Set(a.map((x) => x.f))).toEqual(new Set([1]));
    expect(a.find((x) => x.id === 4)).toEqual(b.find((x) => x.id === 4));
  });

  it.each([
    [[5, 5, 5], '重要价值客户'],
    [[5, 1, 5], '重要发展客户'],
    [[1, 5, 5], '重要保持客户'],
    [[1, 1, 5], '重要挽留客户'],
    [[5, 5, 1], '一般价值客户'],
    [[5, 1, 1], '一般发展客户'],
    [[1, 5, 1], '一般保持客户'],
  ])('segment of R/F/M %j is %s', ([r, f, m], segment) => {
    // build a population where the target customer gets exactly the wanted extremes
    const pop = Array.from({ length: 5 }, (_, i) => ({
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
    expect(s.segment).toBe(segment);
  });
});
