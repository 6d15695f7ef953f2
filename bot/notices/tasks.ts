import dayjs from 'dayjs';
import timezone from 'dayjs/plugin/timezone';
import utc from 'dayjs/plugin/utc';
import { Op } from 'sequelize';
import { BUSINESS_TZ } from '../../domain/calendar';
import type { BusinessEvent } from '../../domain/events';
import { pushTo } from '../outbox';
import type { NoticeCtx } from './approval';

dayjs.extend(utc);
dayjs.extend(timezone);

type Of<T extends BusinessEvent['type']> = Extract<BusinessEvent, { type: T }>;

/** Overdue tasks as a reminder: it joins the person's digest of the day (bot/delivery/digest). */
export async function tasksOverdue(c: NoticeCtx, e: Of<'tasks.overdue'>): Promise<void> {
  const tasks = await c.db.models.Task.findAll({
    where: { id: { [Op.in]: e.taskIds } },
    order: [
      ['dueAt', 'ASC'],
      ['id', 'ASC'],
    ],
    transaction: c.t,
  });
  if (tasks.length === 0) return;
  const lines = tasks.map((x) => `#${x.id} ${x.title}（截止 ${dayjs(x.dueAt).tz(BUSINESS_TZ).format('MM-DD HH:mm')}）`);
  const more = e.count > tasks.length ? `\n……共 ${e.count} 条` : '';
  await pushTo(
    c.db,
    [e.userId],
    { kind: 'text', text: `逾期待办 ${e.count} 条：\n${lines.join('\n')}${more}\n发“待办”查看全部，“完成 ${tasks[0]?.id}”关闭一条` },
    { dedupeKey: `${c.key}:text`, transaction: c.t, digest: 'reminder' },
  );
}
