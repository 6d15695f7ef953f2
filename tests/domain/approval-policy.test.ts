import { describe, expect, it } from 'vitest';
import { defaults } from '../../config';
import { requiredApprovals } from '../../domain/approval-policy';

const rules = defaults.approval.rules;
const facts = (totalFen: number, manualDiscountBp: number, marginBp: number) => ({ totalFen, manualDiscountBp, marginBp });

describe('approval policy with the default rules', () => {
  it.each([
    ['nothing to approve', facts(999_999, 0, 3000), []],
    ['¥9,999.99 is below the manager threshold', facts(999_999, 500, 1500), []],
    ['¥10,000.00 needs the manager', facts(1_000_000, 0, 3000), ['sales_manager']],
    ['discount exactly 5 % is allowed', facts(100_000, 500, 3000), []],
    ['discount 5.01 % needs the manager', facts(100_000, 501, 3000), ['sales_manager']],
    ['discount 12 %: manager and director', facts(443_701, 1200, 3888), ['sales_manager', 'sales_director']],
    ['¥100,000.00: manager and director', facts(10_000_000, 0, 3000), ['sales_manager', 'sales_director']],
    ['margin exactly 15 % is fine', facts(100_000, 0, 1500), []],
    ['margin 14.99 % needs finance', facts(100_000, 0, 1499), ['finance']],
    ['all three', facts(12_000_000, 1500, 1000), ['sales_manager', 'sales_director', 'finance']],
    ['negative margin needs finance', facts(100_000, 0, -500), ['finance']],
  ])('%s', (_, f, roles) => {
    expect(requiredApprovals(rules, f).map((s) => s.role)).toEqual(roles);
  });

  it('gives every step its reasons, in both languages', () => {
    const steps = requiredApprovals(rules, facts(12_000_000, 1200, 1250));
    expect(steps.map((s) => s.reasons.map((r) => r.zh))).toEqual([
      ['金额 ¥120,000.00 ≥ ¥10,000.00', '折扣 12% > 5%'],
      ['金额 ¥120,000.00 ≥ ¥100,000.00', '折扣 12% > 10%'],
      ['预估毛利率 12.5% < 15%'],
    ]);
    expect(steps[1]!.reasons[1]!.en).toBe('discount 12% > 10%');
    expect(steps[2]!.reasons[0]!.en).toBe('estimated margin 12.5% < 15%');
  });

  it('orders steps by rank and merges two rules for one role', () => {
    const custom = [
      { approverRole: 'finance' as const, rank: 1, marginBelowBp: 2000 },
      { approverRole: 'sales_manager' as const, rank: 2, discountAboveBp: 0 },
      { approverRole: 'finance' as const, rank: 3, amountAtLeastFen: 1 },
    ];
    const steps = requiredApprovals(custom, facts(500, 100, 1000));
    expect(steps.map((s) => [s.role, s.rank, s.reasons.length])).toEqual([
      ['finance', 1, 2],
      ['sales_manager', 2, 1],
    ]);
  });
});
