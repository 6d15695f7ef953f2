import { literal, Op } from 'sequelize';
import { may } from '../../domain/permissions';
import { orderTasks } from '../../domain/tasks';
import { recordAudit } from '../../models/audit-log';
import type { Db } from '../../models/db';
import { type DirectoryUser, userDirectory } from '../../models/user-directory';
import { type Locale, type Reply, t } from '../cards/card';
import { tasksCard } from '../cards/tasks';
import { pushTo } from '../outbox';
import { resolveOne } from '../resolve';
import type { UserContext } from '../user-context';

/**
 * 待办 / tasks: the user's open tasks, overdue first (domain/tasks orderTasks); 待办 张伟: a
 * team member's, for their manager. 完成 12: closes a task — one's own, or (a manager) one of
 * the team's, whose person is then told. A task the user may not touch is answered like one
 * that does not exist.
 */

const LIST_LIMIT = 30;
const PRIORITY_RANK = literal("CASE priority WHEN 'urgent' THEN 0 WHEN 'high' THEN 1 WHEN 'normal' THEN 2 ELSE 3 END");

/** A task as permissions see it: its person, and that person's team. */
const taskRecord = (userId: number, people: ReadonlyMap<number, DirectoryUser>) => ({
  ownerUserId: userId,
  teamId: people.get(userId)?.teamId ?? null,
});

export async function tasksCommand(db: Db, user: UserContext, opts: { who?: string; now: Date; locale?: Locale }): Promise<Reply[]> {
  const locale = opts.locale ?? 'zh';
  const text = (zh: string, en: string): Reply[] => [{ kind: 'text', text: t(locale, zh, en) }];
  const people = (await userDirectory(db)).byId;
  let whose: { id: number; name: string } = user;
  if (opts.who) {
    const visible = [...people.values()].filter((p) => p.active && may(user, 'task.view', taskRecord(p.id, people)));
    const hit = resolveOne(
      opts.who,
      visible.map((p) => ({ code: p.login, name: p.name, value: p })),
    );
    if (!('found' in hit))
      return hit.choices.length
        ? text(
            `找到多个人：${hit.choices.map((c) => c.name).join('、')}，请写全名`,
            `Several people match: ${hit.choices.map((c) => c.name).join(', ')}`,
          )
        : text(`没有找到“${opts.who}”的待办`, `No tasks of "${opts.who}" you may see`);
    whose = hit.found.value;
  }
  const where = { userId: whose.id, status: 'open' as const };
  const late = { ...where, dueAt: { [Op.lt]: opts.now } };
  const onTime = { ...where, [Op.or]: [{ dueAt: { [Op.gte]: opts.now } }, { dueAt: null }] };
  // the first LIST_LIMIT in the order of domain/tasks orderTasks: the overdue by due date, then the rest by priority and due date
  const [total, overdue, lateTasks, onTimeTasks] = await Promise.all([
    db.models.Task.count({ where }),
    db.models.Task.count({ where: late }),
    db.models.Task.findAll({
      where: late,
      order: [
        ['dueAt', 'ASC'],
        ['id', 'ASC'],
      ],
      limit: LIST_LIMIT,
    }),
    db.models.Task.findAll({
      where: onTime,
      order: [
        [PRIORITY_RANK, 'ASC'],
        ['dueAt', 'ASC NULLS LAST'],
        ['id', 'ASC'],
      ],
      limit: LIST_LIMIT,
    }),
  ]);
  const mine = whose.id === user.id;
  if (total === 0)
    return text(mine ? '暂无待办 🎉' : `${whose.name} 暂无待办`, mine ? 'No open tasks 🎉' : `${whose.name} has no open tasks`);
  const shown = orderTasks([...lateTasks, ...onTimeTasks], opts.now).slice(0, LIST_LIMIT);
  return [{ kind: 'card', card: tasksCard({ name: whose.name, userId: whose.id, tasks: shown, total, overdue, now: opts.now }, locale) }];
}

export async function doneCommand(db: Db, user: UserContext, taskIds: number[], opts: { now: Date; locale?: Locale }): Promise<Reply[]> {
  const locale = opts.locale ?? 'zh';
  const people = (await userDirectory(db)).byId;
  const found = await db.models.Task.findAll({ where: { id: { [Op.in]: taskIds } } });
  const lines: { zh: string; en: string }[] = [];
  for (const id of taskIds) {
    const task = found.find((x) => x.id === id);
    if (!task || !may(user, 'task.view', taskRecord(task.userId, people))) {
      lines.push({ zh: `没有找到待办 #${id}`, en: `No task #${id}` });
      continue;
    }
    if (!may(user, 'task.complete', taskRecord(task.userId, people))) {
      lines.push({ zh: `待办 #${id} 不能由您完成`, en: `You may not close task #${id}` });
      continue;
    }
    const closed = await db.writeTx(async (transaction) => {
      // guarded: a task closed meanwhile (by its person, by the flow it came from) is not closed twice
      const [n] = await db.models.Task.update({ status: 'done' }, { where: { id, status: 'open' }, transaction });
      if (n !== 1) return false;
      await recordAudit(
        db,
        { userId: user.id, action: 'task.done', entity: ['task', id], before: { status: 'open' }, after: { status: 'done' }, at: opts.now },
        transaction,
      );
      if (task.userId !== user.id)
        await pushTo(
          db,
          [task.userId],
          { kind: 'text', text: `${user.name} 已将您的待办 #${id}“${task.title}”标记为完成` },
          { dedupeKey: `task.done:${id}`, transaction },
        );
      return true;
    });
    lines.push(
      closed
        ? { zh: `已完成 #${id} ${task.title}`, en: `Done: #${id} ${task.title}` }
        : { zh: `待办 #${id} 已经完成了`, en: `Task #${id} is closed already` },
    );
  }
  return [{ kind: 'text', text: lines.map((l) => t(locale, l.zh, l.en)).join('\n') }];
}
