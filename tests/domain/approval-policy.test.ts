import { describe, expect, it } from 'vitest';
import { type ApprovalRule, defaults } from '../../config';
import { reasonForViewer, requiredApprovals, ruleReasons } from '../../domain/approval-policy';

const rules = defaults.approval.rules;
const facts = (totalFen: number, manualDiscountBp: number, marginBp: number) => ({ totalFen, manualDiscountBp, marginBp });

describe('approval policy with the default rules', () => {
  it.each([
    ['nothing to approve', facts(100_000, 0, 3000), []],
    ['¥9,999.99, 5 % off, 15 % margin: every boundary just inside', facts(999_999, 500, 1500), []],
    ['¥10,000.00 needs the manager', facts(1_000_000, 0, 3000), ['sales_manager']],
    ['discount exactly 5 % needs nobody', facts(100_000, 500, 3000), []],
    ['discount 5.01 % needs the manager', facts(100_000, 501, 3000), ['sales_manager']],
    ['discount exactly 10 %: manager only', facts(100_000, 1000, 3000), ['sales_manager']],
    ['discount 10.01 %: manager and director', facts(100_000, 1001, 3000), ['sales_manager', 'sales_director']],
    ['discount 12 %: manager and director', facts(443_701, 1200, 3888), ['sales_manager', 'sales_director']],
    ['¥99,999.99: manager only', facts(9_999_999, 0, 3000), ['sales_manager']],
    ['¥100,000.00: manager and director', facts(10_000_000, 0, 3000), ['sales_manager', 'sales_director']],
    ['margin exactly 15 % is fine', facts(100_000, 0, 1500), []],
    ['margin 14.99 % needs finance', facts(100_000, 0, 1499), ['finance']],
    ['negative margin needs finance', facts(100_000, 0, -500), ['finance']],
    ['zero-revenue quote (−100 %) needs finance', facts(0, 0, -10_000), ['finance']],
    ['all three', facts(12_000_000, 1500, 1000), ['sales_manager', 'sales_director', 'finance']],
    ['big amount and low margin, no discount', facts(10_000_000, 0, 1499), ['sales_manager', 'sales_director', 'finance']],
    ['small discount, low margin', facts(500_000, 600, 1000), ['sales_manager', 'finance']],
  ])('%s', (_, f, roles) => {
    const steps = requiredApprovals(rules, f);
    expect(steps.map((s) => s.role)).toEqual(roles);
    expect(steps.map((s) => s.rank)).toEqual([...steps.map((s) => s.rank)].sort((a, b) => a - b));
  });

  it('the grade discount is not the policy’s business: only the manual discount is compared', () => {
    // a VIP (5 %) with 1 % manual off: combined 5.95 %, but nobody needs to approve
    expect(requiredApprovals(rules, facts(100_000, 100, 3000))).toEqual([]);
  });

  it('gives every step its reasons, in both languages', () => {
    const steps = requiredApprovals(rules, facts(12_000_000, 1200, 1250));
    expect(steps).toEqual([
      {
        role: 'sales_manager',
        rank: 1,
        reasons: [
          { zh: '金额 ¥120,000.00 ≥ ¥10,000.00', en: 'amount ¥120,000.00 ≥ ¥10,000.00' },
          { zh: '折扣 12% > 5%', en: 'discount 12% > 5%' },
        ],
      },
      {
        role: 'sales_director',
        rank: 2,
        reasons: [
          { zh: '金额 ¥120,000.00 ≥ ¥100,000.00', en: 'amount ¥120,000.00 ≥ ¥100,000.00' },
          { zh: '折扣 12% > 10%', en: 'discount 12% > 10%' },
        ],
      },
      { role: 'finance', rank: 3, reasons: [{ zh: '预估毛利率 12.5% < 15%', en: 'estimated margin 12.5% < 15%', cost: true }] },
    ]);
  });

  it.each([
    [facts(100_000, 1234, 3000), 1, '折扣 12.34% > 10%'],
    [facts(100_000, 0, 1234), 2, '预估毛利率 12.34% < 15%'],
    [facts(100_000, 0, -250), 2, '预估毛利率 -2.5% < 15%'],
    [facts(1_000_000, 0, 3000), 0, '金额 ¥10,000.00 ≥ ¥10,000.00'],
  ])('reason text for %j', (f, ruleIndex, zh) => {
    expect(ruleReasons(rules[ruleIndex]!, f).map((r) => r.zh)).toContain(zh);
  });
});

describe('custom rules', () => {
  it('orders steps by rank and merges two rules for one role at its lowest rank', () => {
    const custom: ApprovalRule[] = [
      { approverRole: 'finance', rank: 3, amountAtLeastFen: 1 },
      { approverRole: 'sales_manager', rank: 2, discountAboveBp: 0 },
      { approverRole: 'finance', rank: 1, marginBelowBp: 2000 },
    ];
    const steps = requiredApprovals(custom, facts(500, 100, 1000));
    expect(steps.map((s) => [s.role, s.rank, s.reasons.map((r) => r.en)])).toEqual([
      ['finance', 1, ['amount ¥5.00 ≥ ¥0.01', 'estimated margin 10% < 20%']],
      ['sales_manager', 2, ['discount 1% > 0%']],
    ]);
  });

  it('a rule that does not fire does not add its role, even if another rule of that role exists', () => {
    const custom: ApprovalRule[] = [
      { approverRole: 'finance', rank: 1, marginBelowBp: 0 },
      { approverRole: 'finance', rank: 5, amountAtLeastFen: 1_000 },
    ];
    expect(requiredApprovals(custom, facts(999, 0, 100))).toEqual([]);
    expect(requiredApprovals(custom, facts(1_000, 0, 100))).toEqual([
      { role: 'finance', rank: 5, reasons: [{ zh: '金额 ¥10.00 ≥ ¥10.00', en: 'amount ¥10.00 ≥ ¥10.00' }] },
    ]);
  });

  it('equal ranks keep the order of the config', () => {
    const custom: ApprovalRule[] = [
      { approverRole: 'finance', rank: 1, amountAtLeastFen: 0 },
      { approverRole: 'sales_director', rank: 1, amountAtLeastFen: 0 },
    ];
    expect(requiredApprovals(custom, facts(1, 0, 0)).map((s) => s.role)).toEqual(['finance', 'sales_director']);
  });

  it.each([
    [facts(1.5, 0, 0), /integer number of fen/],
    [facts(0, 0.5, 0), /manualDiscountBp/],
    [facts(0, 0, Number.NaN), /marginBp/],
  ])('refuses non-integer facts %j', (f, msg) => {
    expect(() => requiredApprovals(rules, f)).toThrow(msg);
  });

  describe('reasons as a viewer may read them (P1)', () => {
    const margin = { zh: '预估毛利率 12.5% < 15%', en: 'estimated margin 12.5% < 15%', cost: true };
    it.each([
      ['a margin reason, for who may see cost', margin, true, { zh: '预估毛利率 12.5% < 15%', en: 'estimated margin 12.5% < 15%' }],
      ['a margin reason, for a rep', margin, false, { zh: '毛利率低于审批线', en: 'margin below the approval line' }],
      [
        'an unmarked margin reason stored before marking, for a rep',
        { zh: '预估毛利率 9% < 15%', en: 'estimated margin 9% < 15%' },
        false,
        { zh: '毛利率低于审批线', en: 'margin below the approval line' },
      ],
      [
        'an amount reason, for a rep',
        { zh: '金额 ¥120,000.00 ≥ ¥10,000.00', en: 'amount ¥120,000.00 ≥ ¥10,000.00' },
        false,
        { zh: '金额 ¥120,000.00 ≥ ¥10,000.00', en: 'amount ¥120,000.00 ≥ ¥10,000.00' },
      ],
    ])('%s', (_what, reason, canSeeCost, shown) => {
      expect(reasonForViewer(reason, canSeeCost)).toEqual(shown);
    });
  });
});
