import type { MigrationFn } from 'umzug';
import type { Db } from '../db';

/** The outbox of pushed messages and card updates (issue 4). Re-runnable: creates only what is missing. */
export const up: MigrationFn<Db> = async ({ context: db }) => {
  await db.models.OutboxMessage.sync();
};

export const down: MigrationFn<Db> = async ({ context: db }) => {
  await db.models.OutboxMessage.drop();
};
