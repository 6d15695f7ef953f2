import { formatFen } from '../../domain/money';
import { type Stage, stagePath } from '../../domain/opportunity-stages';
import { OPPORTUNITY_STAGE, QUOTE_STATUS } from '../../domain/statuses';
import { type Card, type Locale, type Tone, t } from './card';

/** The opportunities card (my pipeline, a team's) and one opportunity with its quotes. */

export interface OpportunityView {
  id: number;
  number: string;
  name: string;
  customer: string;
  stage: Stage;
  amountFen: number;
  expectedCloseDate: string | null;
  owner: string;
  winLossReason: string | null;
  leadNumber: string | null;
}

const stageLabel = (s: Stage, locale: Locale) => t(locale, OPPORTUNITY_STAGE.labels[s].zh, OPPORTUNITY_STAGE.labels[s].en);
const TONE: Record<Stage, Tone> = {
  initial: 'info',
  needs: 'info',
  proposal: 'info',
  negotiation: 'warning',
  won: 'success',
  lost: 'danger',
};

/** `商机`: the open opportunities, the nearest expected close first, and what they add up to. */
export function opportunityListCard(
  opps: readonly OpportunityView[],
  opts: { title: string; total: number; totalFen: number; showOwner: boolean },
  locale: Locale = 'zh',
): Card {
  const columns = t(locale, '编号|客户|名称|阶段|金额|预计成交', 'No.|Customer|Name|Stage|Amount|Expected close').split('|');
  if (opts.showOwner) columns.push(t(locale, '负责人', 'Owner'));
  return {
    id: 'opportunities:list',
    title: opts.title,
    table: {
      columns,
      align: ['left', 'left', 'left', 'left', 'right', 'left', 'left'],
      rows: opps.map((o) => {
        const row = [o.number, o.customer, o.name, stageLabel(o.stage, locale), formatFen(o.amountFen), o.expectedCloseDate ?? '—'];
        if (opts.showOwner) row.push(o.owner);
        return row;
      }),
    },
    notes: [
      t(
        locale,
        `进行中 ${opts.total} 个，金额合计 ${formatFen(opts.totalFen)}${opts.total > opps.length ? `，显示 ${opps.length} 个` : ''}`,
        `${opts.total} open, ${formatFen(opts.totalFen)} in all${opts.total > opps.length ? `, ${opps.length} shown` : ''}`,
      ),
      t(locale, '推进：推进 OP-… 方案报价　报价：报价 OP-… A100×100', 'move: advance OP-… proposal · quote: quote OP-… A100x100'),
    ],
  };
}

export interface LinkedQuote {
  number: string;
  status: keyof typeof QUOTE_STATUS.labels;
  totalFen: number;
}

/** `商机 OP-…`: where it stands on the path, what it is worth, its quotes. */
export function opportunityCard(o: OpportunityView, quotes: readonly LinkedQuote[], locale: Locale = 'zh'): Card {
  const fields = [
    { label: t(locale, '客户', 'Customer'), value: o.customer },
    { label: t(locale, '阶段', 'Stage'), value: stagePath(o.stage, locale) },
    { label: t(locale, '金额', 'Amount'), value: formatFen(o.amountFen) },
    { label: t(locale, '预计成交', 'Expected close'), value: o.expectedCloseDate ?? '—' },
    { label: t(locale, '负责人', 'Owner'), value: o.owner },
  ];
  if (o.leadNumber) fields.push({ label: t(locale, '来源线索', 'From lead'), value: o.leadNumber });
  if (o.winLossReason) fields.push({ label: t(locale, o.stage === 'lost' ? '输单原因' : '赢单原因', 'Reason'), value: o.winLossReason });
  return {
    id: `opportunity:${o.id}`,
    title: `${t(locale, '商机', 'Opportunity')} ${o.number} · ${o.name}`,
    status: { text: stageLabel(o.stage, locale), tone: TONE[o.stage] },
    fields,
    ...(quotes.length
      ? {
          table: {
            columns: t(locale, '报价单|状态|价税合计', 'Quote|Status|Total').split('|'),
            align: ['left', 'left', 'right'] as ('left' | 'right')[],
            rows: quotes.map((q) => [
              q.number,
              t(locale, QUOTE_STATUS.labels[q.status].zh, QUOTE_STATUS.labels[q.status].en),
              formatFen(q.totalFen),
            ]),
          },
        }
      : {}),
    notes: [quotes.length ? '' : t(locale, `还没有报价：报价 ${o.number} A100×100`, `no quote yet: quote ${o.number} A100x100`)].filter(
      Boolean,
    ),
  };
}
