import { SequelizeStorage, Umzug } from 'umzug';
import type { Db } from '../db';
import * as m0001 from './0001-baseline';
import * as m0002 from './0002-outbox';
import * as m0003 from './0003-console-auth';
import * as m0004 from './0004-approval-facts';
import * as m0005 from './0005-flow-signals';
import * as m0005b from './0005b-credit-approved';
import * as m0005c from './0005c-outbox-seq';
import * as m0006 from './0006-delivery';
import * as m0006b from './0006b-decision-via';
import * as m0007 from './0007-wechat';
import * as m0007wecom from './0007-wecom-state';
import * as m0008 from './0008-crm';
import * as m0009 from './0009-delivery-history';

/** Listed by hand, in order: no globbing, so the list is the same under tsx, vitest and a bundle. */
const MIGRATIONS = [
  { name: '0001-baseline', ...m0001 },
  { name: '0002-outbox', ...m0002 },
  { name: '0003-console-auth', ...m0003 },
  { name: '0004-approval-facts', ...m0004 },
  { name: '0005-flow-signals', ...m0005 },
  { name: '0005b-credit-approved', ...m0005b },
  { name: '0005c-outbox-seq', ...m0005c },
  { name: '0006-delivery', ...m0006 },
  { name: '0006b-decision-via', ...m0006b },
  { name: '0007-wecom-state', ...m0007wecom },
  { name: '0007-wechat', ...m0007 },
  { name: '0008-crm', ...m0008 },
  { name: '0009-delivery-history', ...m0009 },
];

/** The names of every migration, in the order they run. */
export const MIGRATION_NAMES = MIGRATIONS.map((m) => m.name);

export function migrator(db: Db, log: (msg: string) => void = () => {}) {
  return new Umzug<Db>({
    migrations: MIGRATIONS.map((m) => ({ name: m.name, up: m.up, down: m.down })),
    context: db,
    storage: new SequelizeStorage({ sequelize: db.sequelize, tableName: 'schema_migrations' }),
    logger: {
      info: (e) => log(`migration ${JSON.stringify(e)}`),
      warn: (e) => log(JSON.stringify(e)),
      error: (e) => log(JSON.stringify(e)),
      debug: () => {},
    },
  });
}

/** Brings the schema up to date; returns the names of the migrations it ran. */
export async function migrate(db: Db, log?: (msg: string) => void): Promise<string[]> {
  const done = await migrator(db, log).up();
  return done.map((m) => m.name);
}
