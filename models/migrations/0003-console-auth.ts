import type { MigrationFn } from 'umzug';
import type { Db } from '../db';

/**
 * Console sign-in (issue 11): a password and the lockout counters on each user, and the
 * sessions. Re-runnable: adds only the columns that are missing (the baseline of a new
 * database already has them, since it syncs the current models) and creates the table only
 * when it is missing.
 */
const USER_COLUMNS = ['passwordHash', 'failedSignIns', 'lockedUntil'] as const;

export const up: MigrationFn<Db> = async ({ context: db }) => {
  const qi = db.sequelize.getQueryInterface();
  const have = await qi.describeTable('users');
  const attrs = db.models.User.getAttributes();
  for (const name of USER_COLUMNS) {
    const a = attrs[name];
    const field = a.field ?? name;
    if (!have[field]) await qi.addColumn('users', field, { type: a.type, allowNull: a.allowNull ?? true, defaultValue: a.defaultValue });
  }
  await db.models.ConsoleSession.sync();
};

export const down: MigrationFn<Db> = async ({ context: db }) => {
  await db.models.ConsoleSession.drop();
  // Plain ALTER TABLE … DROP COLUMN (SQLite ≥ 3.35 and PostgreSQL): Sequelize's removeColumn
  // on SQLite rebuilds the table, which the foreign keys pointing at users would not survive.
  const have = await db.sequelize.getQueryInterface().describeTable('users');
  for (const name of USER_COLUMNS) {
    const field = db.models.User.getAttributes()[name].field ?? name;
    if (have[field]) await db.sequelize.query(`ALTER TABLE users DROP COLUMN ${field}`);
  }
};
