import { DataTypes } from 'sequelize';
import type { MigrationFn } from 'umzug';
import type { Db } from '../db';
import { addColumnIfMissing, dropColumnIfPresent } from './columns';

/** approval_decisions.via: the channel a decision was clicked on (one approval, copies on several platforms). Re-runnable. */
export const up: MigrationFn<Db> = async ({ context: db }) => {
  await addColumnIfMissing(db, 'approval_decisions', 'via', { type: DataTypes.STRING(16), allowNull: true });
};

export const down: MigrationFn<Db> = async ({ context: db }) => {
  await dropColumnIfPresent(db, 'approval_decisions', 'via');
};
