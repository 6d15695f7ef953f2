import type { PaymentResult } from '../../activities/payment';
import { formatFen } from '../../domain/money';
import { type Card, type Locale, t } from './card';

/** What a recorded payment cleared, receivable by receivable, and what is left unapplied. */
export function paymentCard(customer: string, p: PaymentResult, locale: Locale = 'zh'): Card {
  const applied = p.cleared.reduce((s, c) => s + c.amountFen, 0);
  return {
    id: `payment:${p.paymentId}`,
    title: `${t(locale, '回款已登记', 'Payment recorded')} ${p.number} · ${customer}`,
    status: { text: t(locale, `核销 ${formatFen(applied)}`, `${formatFen(applied)} written off`), tone: 'success' },
    fields: [
      { label: t(locale, '回款金额', 'Amount'), value: formatFen(p.amountFen) },
      { label: t(locale, '已核销', 'Written off'), value: formatFen(applied) },
      { label: t(locale, '未核销（预收）', 'Unapplied'), value: formatFen(p.unappliedFen) },
    ],
    table: {
      columns: t(locale, '应收单|核销金额|状态', 'Receivable|Applied|Status').split('|'),
      align: ['left', 'right', 'left'],
      rows: p.cleared.map((c) => [
        c.number,
        formatFen(c.amountFen),
        c.paidOff ? t(locale, '已结清', 'paid off') : t(locale, `剩余 ${formatFen(c.remainingFen)}`, `${formatFen(c.remainingFen)} left`),
      ]),
    },
    notes: p.cleared.length ? [] : [t(locale, '该客户没有未结应收，全部计为预收款', 'no open receivables: all of it is unapplied')],
  };
}
