import type { MigrationFn } from 'umzug';
import type { Db } from '../db';

/**
 * The WeChat channel (issue 13): bind_codes (one-time codes an admin issues to bind a chat
 * account) and channel_sends (sends claimed before they go, for a platform with no idempotency
 * key). Re-runnable: sync creates a table only where it is missing.
 */
export const up: MigrationFn<Db> = async ({ context: db }) => {
  await db.models.BindCode.sync();
  await db.models.ChannelSend.sync();
};

export const down: MigrationFn<Db> = async ({ context: db }) => {
  await db.models.ChannelSend.drop();
  await db.models.BindCode.drop();
};
