import { type ApprovalStep, reasonForViewer } from '../../domain/approval-policy';
import { formatBp, formatFen } from '../../domain/money';
import type { PricedLine, QuoteTotals } from '../../domain/pricing';
import { type Card, type Locale, t } from './card';

export interface QuoteCardLine {
  sku: string;
  name: string;
  unit: string;
  priced: PricedLine;
  availableNow: number;
  earliestShipDate: string;
  needsReplenishment: boolean;
}

export interface QuoteCardData {
  quoteId: number;
  number: string;
  customer: string;
  grade: string;
  gradeDiscountBp: number;
  manualDiscountBp: number;
  validUntil: string;
  lines: QuoteCardLine[];
  totals: QuoteTotals;
  approvals: (ApprovalStep & { approverName: string })[];
  /** cost and margin are shown only to roles allowed to see cost */
  showCost: boolean;
  /** the opportunity it was made from: 'OP-2026-0001 年度轴承采购' */
  opportunity?: string | null;
  /** once submitted or cancelled: the banner says so and the buttons go */
  stage?: { text: { zh: string; en: string }; tone: 'info' | 'success' | 'warning' | 'danger' };
}

const ROLE_NAMES: Record<string, [string, string]> = {
  sales_manager: ['销售经理', 'sales manager'],
  sales_director: ['销售总监', 'sales director'],
  finance: ['财务', 'finance'],
};

/** The draft quote: prices, discounts, VAT, stock and ship dates, who must approve and why. */
export function quoteDraftCard(d: QuoteCardData, locale: Locale = 'zh'): Card {
  const fields = [
    { label: t(locale, '客户', 'Customer'), value: `${d.customer}（${d.grade}）` },
    ...(d.opportunity ? [{ label: t(locale, '商机', 'Opportunity'), value: d.opportunity }] : []),
    { label: t(locale, '客户等级折扣', 'Grade discount'), value: formatBp(d.gradeDiscountBp) },
    { label: t(locale, '手工折扣', 'Manual discount'), value: formatBp(d.manualDiscountBp) },
    { label: t(locale, '不含税合计', 'Net total'), value: formatFen(d.totals.netFen) },
    { label: t(locale, '税额', 'VAT'), value: formatFen(d.totals.taxFen) },
    { label: t(locale, '价税合计', 'Total incl. VAT'), value: formatFen(d.totals.grossFen) },
    { label: t(locale, '有效期至', 'Valid until'), value: d.validUntil },
  ];
  if (d.showCost) {
    fields.push(
      { label: t(locale, '预估成本', 'Estimated cost'), value: formatFen(d.totals.costFen) },
      { label: t(locale, '预估毛利率', 'Estimated margin'), value: `${formatBp(d.totals.marginBp)}（${formatFen(d.totals.marginFen)}）` },
    );
  }
  const notes = d.approvals.length
    ? d.approvals.map((a, i) => {
        const [zhRole, enRole] = ROLE_NAMES[a.role] ?? [a.role, a.role];
        const why = a.reasons
          .map((r) => reasonForViewer(r, d.showCost))
          .map((r) => t(locale, r.zh, r.en))
          .join(t(locale, '；', '; '));
        return t(
          locale,
          `审批 ${i + 1}：${a.approverName}（${zhRole}）— ${why}`,
          `approval ${i + 1}: ${a.approverName} (${enRole}) — ${why}`,
        );
      })
    : [t(locale, '无需审批，可直接转订单', 'no approval needed')];
  for (const l of d.lines.filter((x) => x.needsReplenishment)) {
    notes.push(
      t(
        locale,
        `${l.sku} 库存不足，需采购或生产，预计 ${l.earliestShipDate} 可发`,
        `${l.sku} is short and must be bought or made; ships ${l.earliestShipDate}`,
      ),
    );
  }
  return {
    id: `quote:${d.quoteId}`,
    title: `${t(locale, '报价单', 'Quote')} ${d.number} · ${d.customer}`,
    status: d.stage
      ? { text: t(locale, d.stage.text.zh, d.stage.text.en), tone: d.stage.tone }
      : { text: t(locale, '草稿', 'Draft'), tone: 'info' },
    fields,
    table: {
      columns: t(locale, '商品|数量|阶梯单价|不含税金额|税额|可用|最早发货', 'Item|Qty|Tier price|Net|VAT|Available|Ships').split('|'),
      align: ['left', 'right', 'right', 'right', 'right', 'right', 'left'],
      rows: d.lines.map((l) => [
        `${l.sku} ${l.name}`,
        `${l.priced.qty}${l.unit}`,
        formatFen(l.priced.unitPriceFen),
        formatFen(l.priced.netFen),
        formatFen(l.priced.taxFen),
        String(l.availableNow),
        l.earliestShipDate,
      ]),
    },
    notes,
    buttons: d.stage
      ? []
      : [
          { text: t(locale, '提交审批', 'Submit for approval'), action: 'quote.submit', value: { quoteId: d.quoteId }, style: 'primary' },
          { text: t(locale, '取消', 'Cancel'), action: 'quote.cancel', value: { quoteId: d.quoteId }, style: 'danger' },
        ],
  };
}
