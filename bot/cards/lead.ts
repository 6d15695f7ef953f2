import { businessDay } from '../../domain/calendar';
import { LEAD_SOURCE, LEAD_STATUS } from '../../domain/statuses';
import { type Card, type Locale, t } from './card';

/** The leads card (my leads, a team's) and one lead with its follow-up records. */

type Source = keyof typeof LEAD_SOURCE.labels;
type Status = keyof typeof LEAD_STATUS.labels;

export interface LeadView {
  number: string;
  companyName: string;
  contactName: string | null;
  mobile: string | null;
  source: Source;
  status: Status;
  owner: string | null;
  lastFollowUpAt: Date | null;
  nextFollowUpAt: Date | null;
  note: string | null;
  createdAt: Date;
}

const label = <K extends string>(map: Record<K, { zh: string; en: string }>, k: K, locale: Locale) => t(locale, map[k].zh, map[k].en);
const dayOf = (d: Date | null) => (d ? businessDay(d) : '—');

/** `线索`: open leads, the next follow-up first; with the owner's name when the list is a team's. */
export function leadListCard(
  leads: readonly LeadView[],
  opts: { title: string; total: number; showOwner: boolean; now: Date },
  locale: Locale = 'zh',
): Card {
  const today = businessDay(opts.now);
  const columns = t(locale, '编号|公司|联系人|来源|状态|最近跟进|下次跟进', 'No.|Company|Contact|Source|Status|Last|Next').split('|');
  if (opts.showOwner) columns.push(t(locale, '负责人', 'Owner'));
  return {
    id: 'leads:list',
    title: opts.title,
    table: {
      columns,
      rows: leads.map((l) => {
        const next = dayOf(l.nextFollowUpAt);
        const row = [
          l.number,
          l.companyName,
          l.contactName ?? '—',
          label(LEAD_SOURCE.labels, l.source, locale),
          label(LEAD_STATUS.labels, l.status, locale),
          dayOf(l.lastFollowUpAt),
          next !== '—' && next < today ? t(locale, `${next}（已过）`, `${next} (late)`) : next,
        ];
        if (opts.showOwner) row.push(l.owner ?? t(locale, '未分配', 'unassigned'));
        return row;
      }),
    },
    notes: [
      opts.total > leads.length
        ? t(locale, `共 ${opts.total} 条，显示最近 ${leads.length} 条`, `${opts.total} in all, ${leads.length} shown`)
        : t(locale, `共 ${opts.total} 条`, `${opts.total} in all`),
      t(
        locale,
        '跟进：跟进 LD-… 内容 下次 周五　转化：转化 LD-…',
        'follow up: follow-up LD-… what was said next friday · convert: convert LD-…',
      ),
    ],
  };
}

export interface FollowUpView {
  at: Date;
  by: string;
  content: string;
}

/** `线索 LD-…`: the lead, its owner and status, and its latest follow-ups. */
export function leadCard(l: LeadView & { id: number }, followUps: readonly FollowUpView[], locale: Locale = 'zh'): Card {
  const fields = [
    { label: t(locale, '联系人', 'Contact'), value: l.contactName ?? '—' },
    { label: t(locale, '电话', 'Phone'), value: l.mobile ?? '—' },
    { label: t(locale, '来源', 'Source'), value: label(LEAD_SOURCE.labels, l.source, locale) },
    { label: t(locale, '状态', 'Status'), value: label(LEAD_STATUS.labels, l.status, locale) },
    { label: t(locale, '负责人', 'Owner'), value: l.owner ?? t(locale, '未分配', 'unassigned') },
    { label: t(locale, '创建', 'Created'), value: businessDay(l.createdAt) },
    { label: t(locale, '下次跟进', 'Next follow-up'), value: dayOf(l.nextFollowUpAt) },
  ];
  if (l.note) fields.push({ label: t(locale, '备注', 'Note'), value: l.note });
  return {
    id: `lead:${l.id}`,
    title: `${t(locale, '线索', 'Lead')} ${l.number} · ${l.companyName}`,
    status: {
      text: label(LEAD_STATUS.labels, l.status, locale),
      tone: l.status === 'strong' ? 'success' : l.status === 'invalid' ? 'danger' : 'info',
    },
    fields,
    ...(followUps.length
      ? {
          table: {
            columns: t(locale, '跟进时间|跟进人|内容', 'When|By|What').split('|'),
            rows: followUps.map((f) => [businessDay(f.at), f.by, f.content]),
          },
        }
      : {}),
    notes: [followUps.length ? '' : t(locale, '还没有跟进记录', 'no follow-ups yet')].filter(Boolean),
  };
}
