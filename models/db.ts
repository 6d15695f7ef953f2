import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import pg from 'pg';
import { Sequelize, Transaction } from 'sequelize';
import { defineModels, type Models } from './index';
import { tuneSqliteConnections } from './sqlite-connections';
import { WriteLock } from './write-lock';

export type Dialect = 'sqlite' | 'postgres';

export interface Db {
  sequelize: Sequelize;
  models: Models;
  dialect: Dialect;
  /** where the data lives, for logs: a file path or the PostgreSQL URL without password */
  location: string;
  /** one write transaction: serialised in-process on SQLite, a plain transaction on PostgreSQL */
  writeTx<T>(fn: (t: Transaction) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

export interface OpenOptions {
  /** sqlite:<file> or postgres://…; empty → sqlite file q2c.sqlite in dataDir */
  url: string;
  dataDir?: string;
  logSql?: boolean;
}

// PostgreSQL returns BIGINT (our fen columns, COUNT) as strings; fen always fits in 2^53.
pg.types.setTypeParser(20, (v: string) => {
  const n = Number(v);
  if (!Number.isSafeInteger(n)) throw new Error(`integer out of safe range: ${v}`);
  return n;
});

export function sqliteFileFromUrl(url: string, dataDir = './data'): string {
  if (!url) return resolve(dataDir, 'q2c.sqlite');
  return resolve(url.replace(/^sqlite:(\/\/)?/, ''));
}

export async function openDb(opts: OpenOptions): Promise<Db> {
  const logging = opts.logSql ? (sql: string) => process.stdout.write(`${sql}\n`) : false;
  if (/^postgres(ql)?:\/\//.test(opts.url)) {
    const sequelize = new Sequelize(opts.url, { dialect: 'postgres', logging, pool: { max: 10, min: 0, acquire: 60_000 } });
    await sequelize.authenticate();
    const location = opts.url.replace(/\/\/([^:@/]+):[^@/]*@/, '//$1:***@');
    return wrap(sequelize, 'postgres', location, (fn) => sequelize.transaction(fn));
  }
  const storage = sqliteFileFromUrl(opts.url, opts.dataDir);
  mkdirSync(dirname(storage), { recursive: true });
  const sequelize = new Sequelize({ dialect: 'sqlite', storage, logging });
  const lock = new WriteLock();
  tuneSqliteConnections(sequelize, lock);
  // WAL lets readers run while a write transaction is open; it is a property of the file.
  await sequelize.query('PRAGMA journal_mode=WAL');
  return wrap(sequelize, 'sqlite', storage, (fn) => lock.run(() => sequelize.transaction({ type: Transaction.TYPES.IMMEDIATE }, fn)));
}

function wrap(
  sequelize: Sequelize,
  dialect: Dialect,
  location: string,
  writeTx: <T>(fn: (t: Transaction) => Promise<T>) => Promise<T>,
): Db {
  const models = defineModels(sequelize);
  return { sequelize, models, dialect, location, writeTx, close: () => sequelize.close() };
}
