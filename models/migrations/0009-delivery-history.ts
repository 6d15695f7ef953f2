import type { MigrationFn } from 'umzug';
import type { Db } from '../db';
import { HISTORY_INDEXES } from '../delivery';

/** Indexes for the recent-history reads every start makes of deliveries (fresh databases get them from 0006's sync). Re-runnable. */
export const up: MigrationFn<Db> = async ({ context: db }) => {
  const qi = db.sequelize.getQueryInterface();
  const have = new Set(((await qi.showIndex('deliveries')) as { name: string }[]).map((i) => i.name));
  for (const ix of HISTORY_INDEXES) if (!have.has(ix.name)) await qi.addIndex('deliveries', ix.fields, { name: ix.name });
};

export const down: MigrationFn<Db> = async ({ context: db }) => {
  const qi = db.sequelize.getQueryInterface();
  const have = new Set(((await qi.showIndex('deliveries')) as { name: string }[]).map((i) => i.name));
  for (const ix of HISTORY_INDEXES) if (have.has(ix.name)) await qi.removeIndex('deliveries', ix.name);
};
