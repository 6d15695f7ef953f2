import { type CreationOptional, type InferAttributes, type InferCreationAttributes, Model, type Sequelize } from 'sequelize';
import { TASK_PRIORITY, TASK_STATUS } from '../domain/statuses';
import { fk, instant, looseId, pk, stamps, status, str } from './columns';
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
