import type { ApprovalRule, ApproverRole } from '../config/schema';
import { type Fen, formatBp, formatFen } from './money';

/**
 * Approval policy (Q4): each configured rule adds one approver step when ANY of its
 * conditions holds; steps run in rank order, one per role. The discount compared is the
 * MANUAL discount the rep asks for — the customer-grade discount is standing policy that was
 * approved when the grade was set. The amount is the quote's total including VAT (价税合计).
 */

export interface ApprovalFacts {
  totalFen: Fen;
  manualDiscountBp: number;
  marginBp: number;
}

export interface Reason {
  zh: string;
  en: string;
}

export interface ApprovalStep {
  role: ApproverRole;
  rank: number;
  reasons: Reason[];
}

export function ruleReasons(rule: ApprovalRule, f: ApprovalFacts): Reason[] {
  const out: Reason[] = [];
  if (rule.amountAtLeastFen !== undefined && f.totalFen >= rule.amountAtLeastFen) {
    out.push({
      zh: `金额 ${formatFen(f.totalFen)} ≥ ${formatFen(rule.amountAtLeastFen)}`,
      en: `amount ${formatFen(f.totalFen)} ≥ ${formatFen(rule.amountAtLeastFen)}`,
    });
  }
  if (rule.discountAboveBp !== undefined && f.manualDiscountBp > rule.discountAboveBp) {
    out.push({
      zh: `折扣 ${formatBp(f.manualDiscountBp)} > ${formatBp(rule.discountAboveBp)}`,
      en: `discount ${formatBp(f.manualDiscountBp)} > ${formatBp(rule.discountAboveBp)}`,
    });
  }
  if (rule.marginBelowBp !== undefined && f.marginBp < rule.marginBelowBp) {
    out.push({
      zh: `预估毛利率 ${formatBp(f.marginBp)} < ${formatBp(rule.marginBelowBp)}`,
      en: `estimated margin ${formatBp(f.marginBp)} < ${formatBp(rule.marginBelowBp)}`,
    });
  }
  return out;
}

export function requiredApprovals(rules: readonly ApprovalRule[], facts: ApprovalFacts): ApprovalStep[] {
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
  return [...byRole.values()].sort((a, b) => a.rank - b.rank);
}
