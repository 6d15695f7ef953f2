import { col, fn, Op } from 'sequelize';
import { businessDay } from '../domain/calendar';
import { userDirectory } from '../models/user-directory';
import type { ActivityDeps } from './deps';

/**
 * Overdue tasks in each person's digest (U2): for everyone with open tasks past their due
 * time, a `tasks.overdue` event naming the most overdue; bot/notices/tasks pushes it in the
 * reminder digest group, so it goes out merged with the day's other reminders rather than as
 * one more message. Once per person and business day (the event's key), however often the
 * daily scan that calls this runs or retries.
 */

const LISTED = 5;

export function createTaskActivities({ db, clock, notify }: Pick<ActivityDeps, 'db' | 'clock' | 'notify'>) {
  async function remindOverdueTasks(): Promise<{ people: number; tasks: number }> {
    const now = clock();
    const day = businessDay(now);
    const { Task } = db.models;
    const overdue = { status: 'open' as const, dueAt: { [Op.lt]: now } };
    const counts = (await Task.findAll({
      where: overdue,
      attributes: ['userId', [fn('COUNT', col('id')), 'n']],
      group: ['userId'],
      order: [['userId', 'ASC']],
      raw: true,
    })) as unknown as { userId: number; n: number | string }[];
    const people = (await userDirectory(db)).byId;
    let told = 0;
    let tasks = 0;
    for (const { userId, n } of counts) {
      if (!people.get(userId)?.active) continue;
      const top = await Task.findAll({
        where: { ...overdue, userId },
        attributes: ['id'],
        order: [
          ['dueAt', 'ASC'],
          ['id', 'ASC'],
        ],
        limit: LISTED,
      });
      await notify.emit({ type: 'tasks.overdue', userId, day, taskIds: top.map((x) => x.id), count: Number(n) });
      told++;
      tasks += Number(n);
    }
    return { people: told, tasks };
  }
  return { remindOverdueTasks };
}
