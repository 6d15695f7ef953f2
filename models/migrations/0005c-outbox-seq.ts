import { DataTypes } from 'sequelize';
import type { MigrationFn } from 'umzug';
import type { Db } from '../db';
import { UNSEQUENCED_INDEX } from '../outbox';
import { addColumnIfMissing } from './columns';

/**
 * outbox_messages.seq: PostgreSQL's inbox cursor, given to rows once committed, so a reader
 * never steps past a push whose transaction commits late (bot/outbox.ts). Rows already there
 * keep their id as cursor, so a client's saved cursor stays right. Re-runnable.
 */
export const up: MigrationFn<Db> = async ({ context: db }) => {
  const qi = db.sequelize.getQueryInterface();
  await addColumnIfMissing(db, 'outbox_messages', 'seq', { type: DataTypes.BIGINT, allowNull: true });
  const indexes = (await qi.showIndex('outbox_messages')) as { name: string; fields: { attribute: string }[] }[];
  const have = indexes.map((i) => i.fields.map((f) => f.attribute).join(','));
  const names = indexes.map((i) => i.name);
  if (!have.includes('seq')) await qi.addIndex('outbox_messages', ['seq'], { unique: true });
  if (!have.includes('recipient_user_id,seq')) await qi.addIndex('outbox_messages', ['recipient_user_id', 'seq']);
  if (!names.includes(UNSEQUENCED_INDEX)) await qi.addIndex('outbox_messages', ['id'], { name: UNSEQUENCED_INDEX, where: { seq: null } });
  if (db.dialect === 'postgres') await db.sequelize.query('UPDATE outbox_messages SET seq = id WHERE seq IS NULL');
};

export const down: MigrationFn<Db> = async ({ context: db }) => {
  const qi = db.sequelize.getQueryInterface();
  const cols = await qi.describeTable('outbox_messages');
  if (cols.seq) await qi.removeColumn('outbox_messages', 'seq');
};
