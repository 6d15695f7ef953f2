import dayjs from 'dayjs';
import timezone from 'dayjs/plugin/timezone';
import utc from 'dayjs/plugin/utc';
import { Op } from 'sequelize';
import { BUSINESS_TZ } from '../../domain/calendar';
import { TASK_PRIORITY } from '../../domain/statuses';
import type { Db } from '../../models/db';
import { type Locale, type Reply, t } from '../cards/card';
import type { UserContext } from '../user-context';

dayjs.extend(utc);
dayjs.extend(timezone);

const RANK: Record<string, number> = { urgent: 0, high: 1, normal: 2, low: 3 };

/** 待办 / tasks: the user's open tasks, most urgent and earliest due first. */
export async function tasksCommand(db: Db, user: UserContext, opts: { locale?: Locale }): Promise<Reply[]> {
  const locale = opts.locale ?? 'zh';
  const tasks = await db.models.Task.findAll({ where: { userId: user.id, status: { [Op.eq]: 'open' } } });
  if (tasks.length === 0) return [{ kind: 'text', text: t(locale, '暂无待办 🎉', 'No open tasks 🎉') }];
  tasks.sort(
    (a, b) => (RANK[a.priority] ?? 9) - (RANK[b.priority] ?? 9) || (a.dueAt?.getTime() ?? Infinity) - (b.dueAt?.getTime() ?? Infinity),
  );
  return [
    {
      kind: 'card',
      card: {
        id: `tasks:${user.id}`,
        title: t(locale, `${user.name}的待办（${tasks.length}）`, `Tasks of ${user.name} (${tasks.length})`),
        table: {
          columns: t(locale, '优先级|事项|截止', 'Priority|Task|Due').split('|'),
          rows: tasks.map((x) => {
            const p = TASK_PRIORITY.labels[x.priority as keyof typeof TASK_PRIORITY.labels];
            return [t(locale, p.zh, p.en), x.title, x.dueAt ? dayjs(x.dueAt).tz(BUSINESS_TZ).format('YYYY-MM-DD HH:mm') : '—'];
          }),
        },
      },
    },
  ];
}
