import type { MigrationFn } from 'umzug';
import type { Db } from '../db';

/**
 * The baseline schema: every table and index as the models in this release declare them,
 * created in foreign-key order. The project has shipped no database before this baseline, so
 * the models are its source of truth. From the first release on, a schema change is a NEW
 * migration (explicit addColumn/addIndex, written to be re-runnable), never an edit here;
 * tests/models/migrations.test.ts checks that migrations and models agree.
 */
export const up: MigrationFn<Db> = async ({ context: db }) => {
  await db.sequelize.sync();
};

export const down: MigrationFn<Db> = async ({ context: db }) => {
  await db.sequelize.drop();
};
