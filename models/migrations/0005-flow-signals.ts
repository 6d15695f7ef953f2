import type { MigrationFn } from 'umzug';
import type { Db } from '../db';

/** flow_signals: signals to flows queued in the transaction of a payment (issue 11). Re-runnable. */
export const up: MigrationFn<Db> = async ({ context: db }) => {
  await db.models.FlowSignal.sync();
};

export const down: MigrationFn<Db> = async ({ context: db }) => {
  await db.models.FlowSignal.drop();
};
