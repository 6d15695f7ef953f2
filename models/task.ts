import {
  type CreationOptional,
  type InferAttributes,
  type InferCreationAttributes,
  Model,
  Op,
  type Sequelize,
  type Transaction,
} from 'sequelize';
import { TASK_PRIORITY, TASK_STATUS } from '../domain/statuses';
import { mergeTask, type Priority } from '../domain/tasks';
import { recordAudit } from './audit-log';
import { fk, instant, looseId, pk, stamps, status, str } from './columns';
import type { Db } from './db';
import { tableOptions } from './options';

/** Tasks (U2): a user's to-do list, fed by rules, approvals and reminders. */
export function defineTask(sequelize: Sequelize) {
  class Task extends Model<InferAttributes<Task>, InferCreationAttributes<Task>> {
    declare id: CreationOptional<number>;
    declare userId: number;
    declare title: string;
    declare dueAt: Date | null;
    declare priority: CreationOptional<(typeof TASK_PRIORITY.values)[number]>;
    declare status: CreationOptional<(typeof TASK_STATUS.values)[number]>;
    declare refType: string | null;
    declare refId: number | null;
    /** which rule or flow created it; with refType/refId it keeps a retried creation single */
    declare source: string | null;
    declare createdAt: CreationOptional<Date>;
    declare updatedAt: CreationOptional<Date>;
  }
  Task.init(
    {
      id: pk(),
      userId: fk('users', { onDelete: 'CASCADE' }),
      title: str(255),
      dueAt: instant(),
      priority: status(TASK_PRIORITY.values, 'normal'),
      status: status(TASK_STATUS.values, 'open'),
      refType: str(32, { nullable: true }),
      refId: looseId(),
      source: str(64, { nullable: true }),
      ...stamps(),
    },
    tableOptions(sequelize, 'tasks', [{ fields: ['user_id', 'status', 'due_at'] }, { fields: ['ref_type', 'ref_id'] }]),
  );
  return { Task };
}

export interface NewTask {
  userId: number;
  title: string;
  dueAt: Date | null;
  priority: Priority;
  /** what it is about: 'lead', 'customer', 'receivable', 'approval_step' … and its id */
  refType: string | null;
  refId: number | null;
  /** what asked for it: 'follow_up', 'dunning', 'idle_lead', 'quoteToCash' … */
  source: string;
}

/**
 * A task for someone to act on — what every reminder that asks someone to do something
 * calls, in the transaction of the change that asked. One open task per person, source and
 * record (domain/tasks mergeTask): asked again, the open task is updated rather than doubled.
 * Audited as the system's doing unless `actorUserId` says who.
 */
export async function createTask(
  db: Db,
  task: NewTask,
  opts: { transaction: Transaction; now: Date; actorUserId?: number | null },
): Promise<{ id: number; created: boolean }> {
  const { Task } = db.models;
  const { transaction } = opts;
  const open = await Task.findOne({
    where: { userId: task.userId, source: task.source, refType: task.refType, refId: task.refId, status: 'open' },
    transaction,
  });
  if (open) {
    const merged = mergeTask(open, task);
    const changed = merged.priority !== open.priority || merged.dueAt?.getTime() !== open.dueAt?.getTime() || task.title !== open.title;
    if (changed) {
      const before = { priority: open.priority, dueAt: open.dueAt, title: open.title };
      await open.update({ ...merged, title: task.title }, { transaction });
      await recordAudit(
        db,
        {
          userId: opts.actorUserId ?? null,
          action: 'task.update',
          entity: ['task', open.id],
          before,
          after: { ...merged, title: task.title },
          at: opts.now,
        },
        transaction,
      );
    }
    return { id: open.id, created: false };
  }
  const made = await Task.create({ ...task }, { transaction });
  await recordAudit(
    db,
    { userId: opts.actorUserId ?? null, action: 'task.create', entity: ['task', made.id], before: null, after: { ...task }, at: opts.now },
    transaction,
  );
  return { id: made.id, created: true };
}

/** Closes the open tasks about a record that the given sources asked for (the thing they asked is done); returns their ids. */
export async function closeTasksAbout(
  db: Db,
  ref: { refType: string; refIds: readonly number[]; sources?: readonly string[] },
  opts: { transaction: Transaction; now: Date; actorUserId?: number | null },
): Promise<number[]> {
  if (ref.refIds.length === 0) return [];
  const { transaction } = opts;
  const where = {
    refType: ref.refType,
    refId: { [Op.in]: [...ref.refIds] },
    status: 'open' as const,
    ...(ref.sources ? { source: { [Op.in]: [...ref.sources] } } : {}),
  };
  const open = await db.models.Task.findAll({ where, attributes: ['id', 'userId'], transaction });
  if (open.length === 0) return [];
  const ids = open.map((t) => t.id);
  await db.models.Task.update({ status: 'done' }, { where: { id: { [Op.in]: ids }, status: 'open' }, transaction });
  for (const t of open)
    await recordAudit(
      db,
      {
        userId: opts.actorUserId ?? null,
        action: 'task.done',
        entity: ['task', t.id],
        before: { status: 'open' },
        after: { status: 'done' },
        at: opts.now,
      },
      transaction,
    );
  return ids;
}
