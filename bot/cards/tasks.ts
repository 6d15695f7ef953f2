import dayjs from 'dayjs';
import timezone from 'dayjs/plugin/timezone';
import utc from 'dayjs/plugin/utc';
import { BUSINESS_TZ } from '../../domain/calendar';
import { TASK_PRIORITY } from '../../domain/statuses';
import { isOverdue, type Priority } from '../../domain/tasks';
import { type Card, type Locale, t } from './card';

dayjs.extend(utc);
dayjs.extend(timezone);

/** The 待办 card: a person's open tasks in the order given, the overdue marked, each with the number 完成 takes. */

export interface TaskView {
  id: number;
  title: string;
  dueAt: Date | null;
  priority: Priority;
}

export function tasksCard(
  d: { name: string; userId: number; tasks: readonly TaskView[]; total: number; overdue: number; now: Date },
  locale: Locale = 'zh',
): Card {
  const due = (x: TaskView) => {
    if (!x.dueAt) return '—';
    const at = dayjs(x.dueAt).tz(BUSINESS_TZ).format('YYYY-MM-DD HH:mm');
    return isOverdue(x, d.now) ? t(locale, `⚠ ${at} 已逾期`, `⚠ ${at} overdue`) : at;
  };
  const late = d.overdue ? t(locale, `，逾期 ${d.overdue}`, `, ${d.overdue} overdue`) : '';
  const notes = [t(locale, `完成一条：完成 ${d.tasks[0]?.id ?? 12}`, `close one: done ${d.tasks[0]?.id ?? 12}`)];
  if (d.total > d.tasks.length)
    notes.unshift(t(locale, `共 ${d.total} 条，显示 ${d.tasks.length} 条`, `${d.total} in all, ${d.tasks.length} shown`));
  return {
    id: `tasks:${d.userId}`,
    title: t(locale, `${d.name}的待办（${d.total}${late}）`, `Tasks of ${d.name} (${d.total}${late})`),
    ...(d.overdue ? { status: { text: t(locale, `${d.overdue} 条已逾期`, `${d.overdue} overdue`), tone: 'danger' as const } } : {}),
    table: {
      columns: t(locale, '编号|优先级|事项|截止', 'No.|Priority|Task|Due').split('|'),
      rows: d.tasks.map((x) => {
        const p = TASK_PRIORITY.labels[x.priority];
        return [`#${x.id}`, t(locale, p.zh, p.en), x.title, due(x)];
      }),
    },
    notes,
  };
}
