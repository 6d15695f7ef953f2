import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Sequelize } from 'sequelize';
import { type Db, openDb } from '../../models/db';
import { migrate } from '../../models/migrations';

/**
 * Test databases: a fresh SQLite file, and a fresh PostgreSQL database on 127.0.0.1:5432 when
 * one is reachable (the development and CI machines have one). scripts/test.mjs probes once and
 * passes the verdict in TESTS_PG; run alone, vitest probes here.
 */
export const PG_ADMIN_URL = process.env.TESTS_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

export type DbKind = 'sqlite' | 'postgres';

let pgProbe: Promise<boolean> | undefined;
export function pgReachable(): Promise<boolean> {
  if (process.env.TESTS_PG === '0') return Promise.resolve(false);
  if (process.env.TESTS_PG === '1') return Promise.resolve(true);
  pgProbe ??= (async () => {
    const s = new Sequelize(PG_ADMIN_URL, { dialect: 'postgres', logging: false, pool: { max: 1 } });
    try {
      await s.authenticate();
      return true;
    } catch {
      return false;
    } finally {
      await s.close();
    }
  })();
  return pgProbe;
}

/** The kinds to run a suite against; says once, loudly, when PostgreSQL is skipped. */
export async function dbKinds(): Promise<DbKind[]> {
  if (await pgReachable()) return ['sqlite', 'postgres'];
  console.warn(`[tests] PostgreSQL not reachable at ${PG_ADMIN_URL}: SKIPPING the PostgreSQL runs of this file`);
  return ['sqlite'];
}

export interface TestDb {
  db: Db;
  kind: DbKind;
  drop(): Promise<void>;
}

let counter = 0;

/** A migrated, empty database of the given kind, removed again by drop(). */
export async function freshDb(kind: DbKind): Promise<TestDb> {
  if (kind === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'q2c-test-'));
    const db = await openDb({ url: `sqlite:${join(dir, 'test.sqlite')}` });
    await migrate(db);
    return {
      db,
      kind,
      drop: async () => {
        await db.close();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  }
  const name = `q2c_t_${process.pid}_${Date.now()}_${counter++}`;
  const admin = new Sequelize(PG_ADMIN_URL, { dialect: 'postgres', logging: false, pool: { max: 1 } });
  await admin.query(`CREATE DATABASE ${name}`);
  const db = await openDb({ url: PG_ADMIN_URL.replace(/\/[^/]*$/, `/${name}`) });
  await migrate(db);
  return {
    db,
    kind,
    drop: async () => {
      await db.close();
      await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await admin.close();
    },
  };
}
