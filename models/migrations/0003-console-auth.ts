import type { MigrationFn } from 'umzug';
import type { Db } from '../db';
import { addColumnIfMissing, dropColumnIfPresent } from './columns';

/**
 * Console sign-in (issue 11): a password and the lockout counters on each user, and the
 * sessions. Re-runnable: adds only the columns that are missing (the baseline of a new
 * database already has them, since it syncs the current models) and creates the table only
 * when it is missing.
 */
const USER_COLUMNS = ['passwordHash', 'failedSignIns', 'lockedUntil'] as const;

export const up: MigrationFn<Db> = async ({ context: db }) => {
  const attrs = db.models.User.getAttributes();
  for (const name of USER_COLUMNS) {
    const a = attrs[name];
    await addColumnIfMissing(db, 'users', a.field ?? name, { type: a.type, allowNull: a.allowNull ?? true, defaultValue: a.defaultValue });
  }
  await db.models.ConsoleSession.sync();
};

export const down: MigrationFn<Db> = async ({ context: db }) => {
  await db.models.ConsoleSession.drop();
  for (const name of USER_COLUMNS) await dropColumnIfPresent(db, 'users', db.models.User.getAttributes()[name].field ?? name);
};
