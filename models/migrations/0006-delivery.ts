import { DataTypes } from 'sequelize';
import type { MigrationFn } from 'umzug';
import type { Db } from '../db';
import { UNFANNED_INDEX } from '../outbox';
import { addColumnIfMissing, dropColumnIfPresent } from './columns';

/**
 * Delivery to the chat platforms (issue 12): deliveries (one per outbox message and channel),
 * channel_events (callbacks remembered by their event id), and on outbox_messages what a
 * delivery needs to know: a reply's channel and message, the digest group, and whether the
 * row has been handed to the channels. Rows already there count as handed over: history is
 * not sent to a channel configured later. Re-runnable.
 */
export const up: MigrationFn<Db> = async ({ context: db }) => {
  const qi = db.sequelize.getQueryInterface();
  await addColumnIfMissing(db, 'outbox_messages', 'only_channel', { type: DataTypes.STRING(16), allowNull: true });
  await addColumnIfMissing(db, 'outbox_messages', 'reply_to', { type: DataTypes.JSON, allowNull: true });
  await addColumnIfMissing(db, 'outbox_messages', 'digest', { type: DataTypes.STRING(32), allowNull: true });
  const added = await addColumnIfMissing(db, 'outbox_messages', 'fanned_out', {
    type: DataTypes.BOOLEAN,
    allowNull: false,
    defaultValue: false,
  });
  if (added) await db.sequelize.query('UPDATE outbox_messages SET fanned_out = true');
  const indexes = (await qi.showIndex('outbox_messages')) as { name: string }[];
  if (!indexes.some((i) => i.name === UNFANNED_INDEX)) {
    await qi.addIndex('outbox_messages', ['id'], { name: UNFANNED_INDEX, where: { fanned_out: false } });
  }
  await db.models.Delivery.sync();
  await db.models.ChannelEvent.sync();
};

export const down: MigrationFn<Db> = async ({ context: db }) => {
  await db.models.ChannelEvent.drop();
  await db.models.Delivery.drop();
  const indexes = (await db.sequelize.getQueryInterface().showIndex('outbox_messages')) as { name: string }[];
  if (indexes.some((i) => i.name === UNFANNED_INDEX)) await db.sequelize.getQueryInterface().removeIndex('outbox_messages', UNFANNED_INDEX);
  for (const col of ['fanned_out', 'digest', 'reply_to', 'only_channel']) await dropColumnIfPresent(db, 'outbox_messages', col);
};
