import dayjs from 'dayjs';
import timezone from 'dayjs/plugin/timezone';
import utc from 'dayjs/plugin/utc';
import type { Transaction } from 'sequelize';
import { reasonForViewer } from '../../domain/approval-policy';
import { BUSINESS_TZ } from '../../domain/calendar';
import { formatBp, formatFen } from '../../domain/money';
import { CHANNEL } from '../../domain/statuses';
import { type ApprovalContext, approvalContext } from '../../models/approval-context';
import { creditPosition } from '../../models/credit-position';
import type { Db } from '../../models/db';
import { type Card, type Locale, t } from './card';

dayjs.extend(utc);
dayjs.extend(timezone);

export type ApprovalCardState =
  | { kind: 'pending' }
  | { kind: 'refused'; reason: { zh: string; en: string } }
  | { kind: 'decided'; decision: 'approve' | 'reject'; by: string; at: Date; comment: string | null; via?: string | null }
  | { kind: 'closed'; why: { zh: string; en: string } };

export interface ApprovalCardData {
  stepId: number;
  workflowId: string;
  subject: 'quote' | 'credit_override';
  stepNo: number;
  totalSteps: number;
  approverName: string;
  quoteNumber: string;
  orderNumber: string;
  customer: string;
  repName: string;
  totalFen: number;
  manualDiscountBp: number;
  lines: { sku: string; name: string; qty: number; unitPriceFen: number; available: number }[];
  reasons: { zh: string; en: string; cost?: boolean }[];
  /** whether the viewer may see cost and margin (P1): margin reasons are worded without figures otherwise */
  canSeeCost: boolean;
  credit?: { limitFen: number; exposureFen: number; overByFen: number };
  state: ApprovalCardState;
}

const when = (d: Date) => dayjs(d).tz(BUSINESS_TZ).format('MM-DD HH:mm');

/**
 * The approval card an approver decides on, and everyone who received it sees updated in
 * place: who decided, when, the comment; the buttons go once it is decided or closed.
 */
/** where a decision was clicked, when it came from a chat platform (the console says nothing) */
function where(via: string | null | undefined, locale: Locale): string {
  const label = via && via !== 'console' ? CHANNEL.labels[via as keyof typeof CHANNEL.labels] : undefined;
  return label ? (locale === 'zh' ? ` · 经${label.zh}` : ` · on ${label.en}`) : '';
}

export function approvalCard(d: ApprovalCardData, locale: Locale = 'zh'): Card {
  const s = d.state;
  const status =
    s.kind === 'pending'
      ? { text: t(locale, `待 ${d.approverName} 审批`, `Awaiting ${d.approverName}`), tone: 'warning' as const }
      : s.kind === 'refused'
        ? { text: t(locale, `无法同意：${s.reason.zh}`, `Cannot approve: ${s.reason.en}`), tone: 'danger' as const }
        : s.kind === 'decided'
          ? s.decision === 'approve'
            ? {
                text: t(
                  locale,
                  `${s.by} 已同意 · ${when(s.at)}${where(s.via, 'zh')}`,
                  `Approved by ${s.by} · ${when(s.at)}${where(s.via, 'en')}`,
                ),
                tone: 'success' as const,
              }
            : {
                text: t(
                  locale,
                  `${s.by} 已驳回 · ${when(s.at)}${where(s.via, 'zh')}`,
                  `Rejected by ${s.by} · ${when(s.at)}${where(s.via, 'en')}`,
                ),
                tone: 'danger' as const,
              }
          : { text: t(locale, s.why.zh, s.why.en), tone: 'info' as const };
  const fields = [
    { label: t(locale, '客户', 'Customer'), value: d.customer },
    { label: t(locale, '销售', 'Rep'), value: d.repName },
    { label: t(locale, '订单', 'Order'), value: `${d.orderNumber}（${t(locale, '报价', 'quote')} ${d.quoteNumber}）` },
    { label: t(locale, '价税合计', 'Total incl. VAT'), value: formatFen(d.totalFen) },
    { label: t(locale, '手工折扣', 'Manual discount'), value: formatBp(d.manualDiscountBp) },
    { label: t(locale, '审批步骤', 'Step'), value: `${d.stepNo}/${d.totalSteps} · ${d.approverName}` },
  ];
  if (d.credit)
    fields.push(
      { label: t(locale, '信用额度', 'Credit limit'), value: formatFen(d.credit.limitFen) },
      { label: t(locale, '占用（含本单）', 'Exposure incl. this order'), value: formatFen(d.credit.exposureFen) },
      { label: t(locale, '超出', 'Over by'), value: formatFen(d.credit.overByFen) },
    );
  if (s.kind === 'decided' && s.comment) fields.push({ label: t(locale, '意见', 'Comment'), value: s.comment });
  const open = s.kind === 'pending' || s.kind === 'refused';
  const value = { stepId: d.stepId, workflowId: d.workflowId };
  return {
    id: `approval:${d.stepId}`,
    title: `${d.subject === 'credit_override' ? t(locale, '超信用额度审批', 'Credit override') : t(locale, '报价审批', 'Quote approval')} · ${d.customer}`,
    status,
    fields,
    table: {
      columns: t(locale, '商品|数量|单价|可用库存', 'Item|Qty|Unit price|Available').split('|'),
      align: ['left', 'right', 'right', 'right'],
      rows: d.lines.map((l) => [`${l.sku} ${l.name}`, String(l.qty), formatFen(l.unitPriceFen), String(l.available)]),
    },
    notes: d.reasons.map((r) => reasonForViewer(r, d.canSeeCost)).map((r) => t(locale, `需审批原因：${r.zh}`, `why: ${r.en}`)),
    buttons: open
      ? [
          { text: t(locale, '同意', 'Approve'), action: 'approval.approve', value, style: 'primary' },
          {
            text: t(locale, '驳回', 'Reject'),
            action: 'approval.reject',
            value,
            style: 'danger',
            asks: {
              label: t(locale, '驳回理由', 'Reason'),
              placeholder: t(locale, '请输入驳回理由（最多 500 字）', 'Why is it rejected? (up to 500 characters)'),
              maxLength: 500,
              required: false,
            },
          },
        ]
      : [],
  };
}

/** The card's state as the books tell it; a refusal is transient and is passed in instead. */
function stateFromBooks(ctx: ApprovalContext): ApprovalCardState {
  const { step, decision, order } = ctx;
  if (decision)
    return {
      kind: 'decided',
      decision: decision.decision,
      by: ctx.approver?.name ?? '',
      at: decision.decidedAt,
      comment: decision.comment,
      via: decision.via,
    };
  if (step.status === 'skipped' || step.status === 'approved' || step.status === 'rejected') {
    const why = order.cancelReason ?? '';
    return { kind: 'closed', why: { zh: `订单已关闭${why ? `（${why}）` : ''}`, en: `order closed${why ? ` (${why})` : ''}` } };
  }
  return { kind: 'pending' };
}

/**
 * The approval card of a step as it stands now, for one viewer: everything read from the
 * books (in the caller's transaction when it has one, so a decision being recorded shows).
 */
export async function approvalCardFromBooks(
  db: Db,
  stepId: number,
  viewer: { canSeeCost: boolean },
  opts: { state?: ApprovalCardState; transaction?: Transaction; locale?: Locale; context?: ApprovalContext } = {},
): Promise<Card> {
  const ctx = opts.context ?? (await approvalContext(db, stepId, opts.transaction));
  const { step, request, order, quote, customer, rep, approver, lines, products, available, totalSteps } = ctx;
  const data: ApprovalCardData = {
    stepId: step.id,
    workflowId: order.workflowId ?? '',
    subject: request.subjectType === 'credit_override' ? 'credit_override' : 'quote',
    stepNo: step.stepNo,
    totalSteps,
    approverName: approver?.name ?? '',
    quoteNumber: quote?.number ?? '',
    orderNumber: order.number,
    customer: customer?.name ?? '',
    repName: rep?.name ?? '',
    totalFen: order.totalFen,
    manualDiscountBp: order.manualDiscountBp,
    lines: lines.map((l) => {
      const p = products.find((x) => x.id === l.productId);
      return {
        sku: p?.sku ?? '',
        name: p?.name ?? '',
        qty: l.qty,
        unitPriceFen: l.unitPriceFen,
        available: available.get(l.productId) ?? 0,
      };
    }),
    reasons: step.reasons,
    canSeeCost: viewer.canSeeCost,
    state: opts.state ?? stateFromBooks(ctx),
  };
  if (request.subjectType === 'credit_override') {
    const c = await creditPosition(db, order.customerId, {
      thisOrderFen: order.totalFen,
      excludeOrderId: order.id,
      transaction: opts.transaction,
    });
    data.credit = { limitFen: c.limitFen, exposureFen: c.exposureFen, overByFen: c.overByFen };
  }
  return approvalCard(data, opts.locale);
}
