import type { ApprovalRule, ApproverRole } from '../config';
import type { Bilingual } from './errors';
import { assertFen, type Bp, type Fen, formatBp, formatFen } from './money';

/**
 * Approval policy. Each configured rule adds one approver step when ANY of its conditions
 * holds (amount ≥ threshold, OR manual discount > threshold, OR margin < threshold). Steps
 * come out sorted by rank; a role named by several rules that fire appears ONCE, at the
 * lowest of their ranks, carrying all their reasons — nobody approves the same quote twice.
 *
 *  - Amount is the quote total INCLUDING VAT (价税合计), what the customer will pay and what
 *    managers think of as "the order amount".
 *  - Discount is the MANUAL discount the rep asks for, not the combined one: the customer
 *    grade discount is standing policy, approved once when the grade was set, and counting
 *    it again would send every VIP order to a manager.
 *  - Margin is the estimated margin on the net amount (pricing.ts), in bp.
 *  - Boundaries: amount is "at least" (≥), discount is "above" (>), margin is "below" (<),
 *    as the config keys say; so exactly 5 % off or exactly 15 % margin needs nobody.
 *
 * Reasons are shown to approvers, e.g. 折扣 12% > 10%, 金额 ¥120,000.00 ≥ ¥100,000.00,
 * 预估毛利率 12.5% < 15%.
 */

export interface ApprovalFacts {
  /** 价税合计, tax-inclusive */
  totalFen: Fen;
  manualDiscountBp: Bp;
  marginBp: Bp;
}

/** A reason an approval is needed; `cost` marks one that discloses cost or margin. */
export type ApprovalReason = Bilingual & { cost?: boolean };

export interface ApprovalStep {
  role: ApproverRole;
  rank: number;
  reasons: ApprovalReason[];
}

const MARGIN_HIDDEN: Bilingual = { zh: '毛利率低于审批线', en: 'margin below the approval line' };

/**
 * A reason as a viewer may read it (P1): whoever may not see cost is told a margin reason
 * without its figures. Steps stored before reasons were marked are known by their wording.
 */
export function reasonForViewer(r: ApprovalReason, canSeeCost: boolean): Bilingual {
  const costly = r.cost === true || r.zh.startsWith('预估毛利率') || /margin/i.test(r.en);
  return costly && !canSeeCost ? MARGIN_HIDDEN : { zh: r.zh, en: r.en };
}

/** Why one rule fires for these facts; empty when it does not. */
export function ruleReasons(rule: ApprovalRule, f: ApprovalFacts): ApprovalReason[] {
  const out: ApprovalReason[] = [];
  if (rule.amountAtLeastFen !== undefined && f.totalFen >= rule.amountAtLeastFen) {
    const text = `${formatFen(f.totalFen)} ≥ ${formatFen(rule.amountAtLeastFen)}`;
    out.push({ zh: `金额 ${text}`, en: `amount ${text}` });
  }
  if (rule.discountAboveBp !== undefined && f.manualDiscountBp > rule.discountAboveBp) {
    const text = `${formatBp(f.manualDiscountBp)} > ${formatBp(rule.discountAboveBp)}`;
    out.push({ zh: `折扣 ${text}`, en: `discount ${text}` });
  }
  if (rule.marginBelowBp !== undefined && f.marginBp < rule.marginBelowBp) {
    const text = `${formatBp(f.marginBp)} < ${formatBp(rule.marginBelowBp)}`;
    out.push({ zh: `预估毛利率 ${text}`, en: `estimated margin ${text}`, cost: true });
  }
  return out;
}

export function requiredApprovals(rules: readonly ApprovalRule[], facts: ApprovalFacts): ApprovalStep[] {
  assertFen(facts.totalFen, 'total');
  for (const [k, v] of [
    ['manualDiscountBp', facts.manualDiscountBp],
    ['marginBp', facts.marginBp],
  ] as const) {
    if (!Number.isSafeInteger(v)) throw new RangeError(`${k} must be whole basis points, got ${v}`);
  }
  const byRole = new Map<ApproverRole, ApprovalStep>();
  for (const rule of rules) {
    const reasons = ruleReasons(rule, facts);
    if (reasons.length === 0) continue;
    const step = byRole.get(rule.approverRole);
    if (step) {
      step.reasons.push(...reasons);
      step.rank = Math.min(step.rank, rule.rank);
    } else byRole.set(rule.approverRole, { role: rule.approverRole, rank: rule.rank, reasons });
  }
  // stable sort: equal ranks keep the order of the rules in the config
  return [...byRole.values()].sort((a, b) => a.rank - b.rank);
}
