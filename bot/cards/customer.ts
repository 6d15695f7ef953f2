import type { AgingReport } from '../../domain/aging';
import type { CreditResult } from '../../domain/credit';
import { formatFen } from '../../domain/money';
import { ORDER_STATUS, QUOTE_STATUS } from '../../domain/statuses';
import { type Card, type Locale, t } from './card';

export interface CustomerCardData {
  id: number;
  code: string;
  name: string;
  grade: string;
  owner: string;
  paymentTermsDays: number;
  region: string | null;
  credit: CreditResult;
  aging: AgingReport;
  openQuotes: { number: string; status: string; totalFen: number }[];
  openOrders: { number: string; status: string; totalFen: number; orderDate: string }[];
  lastFollowUp: { at: string; by: string; content: string } | null;
  contacts: { name: string; title: string | null; mobile: string | null }[];
}

/** 客户 华东机电 → profile, credit, open quotes and orders, receivables by age, last follow-up. */
export function customerCard(d: CustomerCardData, locale: Locale = 'zh'): Card {
  const label = (map: Record<string, { zh: string; en: string }>, code: string) => t(locale, map[code]?.zh ?? code, map[code]?.en ?? code);
  const c = d.credit;
  const notes: string[] = [];
  for (const q of d.openQuotes)
    notes.push(
      t(
        locale,
        `报价 ${q.number} ${label(QUOTE_STATUS.labels, q.status)} ${formatFen(q.totalFen)}`,
        `quote ${q.number} ${label(QUOTE_STATUS.labels, q.status)} ${formatFen(q.totalFen)}`,
      ),
    );
  for (const o of d.openOrders)
    notes.push(
      t(
        locale,
        `订单 ${o.number} ${label(ORDER_STATUS.labels, o.status)} ${formatFen(o.totalFen)}（${o.orderDate}）`,
        `order ${o.number} ${label(ORDER_STATUS.labels, o.status)} ${formatFen(o.totalFen)} (${o.orderDate})`,
      ),
    );
  if (d.lastFollowUp)
    notes.push(
      t(
        locale,
        `最近跟进：${d.lastFollowUp.at} ${d.lastFollowUp.by}：${d.lastFollowUp.content}`,
        `last follow-up: ${d.lastFollowUp.at} ${d.lastFollowUp.by}: ${d.lastFollowUp.content}`,
      ),
    );
  else notes.push(t(locale, '暂无跟进记录', 'no follow-up yet'));
  for (const p of d.contacts)
    notes.push(
      t(
        locale,
        `联系人：${p.name}${p.title ? `（${p.title}）` : ''}${p.mobile ? ` ${p.mobile}` : ''}`,
        `contact: ${p.name}${p.title ? ` (${p.title})` : ''}${p.mobile ? ` ${p.mobile}` : ''}`,
      ),
    );
  return {
    id: `customer:${d.id}`,
    title: `${t(locale, '客户', 'Customer')} ${d.name}`,
    status: c.over
      ? { text: t(locale, `超出信用额度 ${formatFen(c.overByFen)}`, `over credit limit by ${formatFen(c.overByFen)}`), tone: 'danger' }
      : d.aging.overdueFen > 0
        ? { text: t(locale, `逾期应收 ${formatFen(d.aging.overdueFen)}`, `${formatFen(d.aging.overdueFen)} overdue`), tone: 'warning' }
        : { text: t(locale, '信用良好', 'in good standing'), tone: 'success' },
    fields: [
      { label: t(locale, '编号', 'Code'), value: d.code },
      { label: t(locale, '等级', 'Grade'), value: d.grade },
      { label: t(locale, '负责人', 'Owner'), value: d.owner },
      { label: t(locale, '账期', 'Terms'), value: t(locale, `${d.paymentTermsDays} 天`, `${d.paymentTermsDays} days`) },
      { label: t(locale, '信用额度', 'Credit limit'), value: formatFen(c.limitFen) },
      { label: t(locale, '已用额度', 'Credit used'), value: formatFen(c.exposureFen) },
      { label: t(locale, '可用额度', 'Credit available'), value: formatFen(c.availableFen) },
      { label: t(locale, '未收应收', 'Open receivables'), value: formatFen(d.aging.totalFen) },
    ],
    table: {
      columns: t(locale, '账龄|金额|笔数', 'Age|Amount|Count').split('|'),
      align: ['left', 'right', 'right'],
      rows: [
        [t(locale, '未到期', 'not due'), formatFen(d.aging.notDueFen), String(d.aging.notDueCount)],
        ...d.aging.buckets.map((b) => [t(locale, `逾期 ${b.label} 天`, `${b.label} days overdue`), formatFen(b.fen), String(b.count)]),
      ],
    },
    notes,
  };
}
