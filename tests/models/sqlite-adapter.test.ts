import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataTypes, Sequelize } from 'sequelize';
import sqlite3 from 'sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  connectionOf,
  hookConnectionManager,
  missingInternals,
  openConnections,
  PINNED,
  type SqliteConnection,
  sharedConnection,
  sqlLogging,
  TABLE_INFO,
  transactionId,
  withoutQueryStacks,
} from '../../models/sqlite-adapter';

/**
 * The contract of models/sqlite-adapter.ts: every fact about Sequelize's and sqlite3's insides
 * that the SQLite tuning relies on, checked on a plain Sequelize (nothing of ours tuned). After
 * an upgrade, the test that fails names the fact that no longer holds; adapt the adapter, then
 * move PINNED and the pins in package.json together.
 */
const ROOT = join(__dirname, '..', '..');
const installed = (name: string) =>
  (JSON.parse(readFileSync(join(ROOT, 'node_modules', name, 'package.json'), 'utf8')) as { version: string }).version;

describe('the pins', () => {
  it.each(Object.entries(PINNED))('%s is installed and pinned at exactly the version the adapter was checked against', (name, version) => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
    expect(
      pkg.dependencies[name],
      `package.json pins ${name} at ${pkg.dependencies[name]}, the adapter was checked against ${version}`,
    ).toBe(version);
    expect(
      installed(name),
      `${name} ${installed(name)} is installed, the adapter was checked against ${version}: run this file, then update PINNED`,
    ).toBe(version);
  });
});

describe(`Sequelize ${PINNED.sequelize} with sqlite3 ${PINNED.sqlite3}`, () => {
  let dir: string;
  let storage: string;
  let sequelize: Sequelize;
  const logged: string[] = [];

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'q2c-adapter-'));
    storage = join(dir, 'contract.sqlite');
    logged.length = 0;
    sequelize = new Sequelize({ dialect: 'sqlite', storage, logging: (sql: string) => logged.push(sql) });
  });
  afterEach(async () => {
    await sequelize.close().catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  });

  const widgets = () =>
    sequelize.define('Widget', { name: DataTypes.STRING, madeAt: DataTypes.DATE }, { tableName: 'widgets', timestamps: false });
  const isClosed = (conn: SqliteConnection) =>
    new Promise<boolean>((resolve) => conn.all('SELECT 1', [], (err: Error | null) => resolve(/SQLITE_MISUSE|closed/i.test(String(err)))));

  it('has a connection manager with connections, getConnection, releaseConnection and _onProcessExit', () => {
    expect(missingInternals(sequelize), 'what of sequelize.connectionManager the adapter needs is gone').toEqual([]);
  });

  it("keeps the shared connection, a sqlite3 Database on the storage file, under connections['default']", async () => {
    const conn = await sharedConnection(sequelize);
    expect(conn, 'getConnection() no longer returns a sqlite3.Database').toBeInstanceOf(sqlite3.Database);
    expect(openConnections(sequelize).default, "the shared connection is no longer connections['default']").toBe(conn);
    expect(await sharedConnection(sequelize), 'getConnection() opens a new shared connection each time').toBe(conn);
    expect(conn.filename, "sqlite3's Database#filename is not the file it opened").toBe(storage);
    for (const m of ['configure', 'prepare', 'all', 'run', 'exec', 'serialize', 'close', 'on'] as const) {
      expect(typeof conn[m], `sqlite3's Database#${m} is gone`).toBe('function');
    }
  });

  it("lends a transaction its own connection, filed under the transaction's id with uuid set, and releases it to be closed and forgotten", async () => {
    const asked: (string | undefined)[] = [];
    const released: { conn: SqliteConnection; force: boolean | undefined; uuid: string | undefined }[] = [];
    hookConnectionManager(sequelize, {
      acquire: (next, id) => {
        asked.push(id);
        return next();
      },
      release: (next, conn, force) => {
        released.push({ conn, force, uuid: conn.uuid });
        return next();
      },
      closeAll: (next) => next(),
    });
    const shared = await sharedConnection(sequelize);
    let lent: SqliteConnection | undefined;
    let id = '';
    await sequelize.transaction(async (t) => {
      id = transactionId(t);
      lent = connectionOf(t);
      expect(lent, 'Transaction#connection is not the connection it runs on').toBeInstanceOf(sqlite3.Database);
      expect(lent).not.toBe(shared);
      expect(openConnections(sequelize)[id], "a transaction's connection is not filed under its id").toBe(lent);
      expect(lent?.uuid, "a transaction's connection does not carry its id as uuid").toBe(id);
      await sequelize.query('SELECT 1', { transaction: t });
    });
    expect(asked, 'getConnection is not asked with { uuid: transaction id }').toContain(id);
    expect(
      released.map((r) => [r.conn, r.force, r.uuid]),
      'releaseConnection(conn) is not called after COMMIT, with uuid still set',
    ).toEqual([[lent, undefined, id]]);
    expect(openConnections(sequelize)[id], 'releaseConnection no longer forgets the connection').toBeUndefined();
    expect(await isClosed(lent as SqliteConnection), 'releaseConnection no longer closes the connection').toBe(true);
    expect(lent?.uuid, 'uuid is not cleared after the transaction').toBeUndefined();
  });

  it('closes every connection in connections through _onProcessExit at sequelize.close()', async () => {
    let closing = 0;
    hookConnectionManager(sequelize, {
      acquire: (next) => next(),
      release: (next) => next(),
      closeAll: (next) => {
        closing++;
        return next();
      },
    });
    const shared = await sharedConnection(sequelize);
    await sequelize.close();
    expect(closing, 'sequelize.close() no longer ends in _onProcessExit').toBe(1);
    expect(await isClosed(shared), '_onProcessExit no longer closes the connections').toBe(true);
  });

  it('asks conn.all(`PRAGMA table_info(`table`)`, callback) before a model read, reads with all(sql, params, cb) and writes with run(sql, params, cb)', async () => {
    const Widget = widgets();
    await Widget.sync();
    const conn = await sharedConnection(sequelize);
    const calls: { method: string; sql: string; args: number; cbLast: boolean; self?: unknown }[] = [];
    for (const method of ['all', 'run'] as const) {
      const original = conn[method].bind(conn);
      conn[method] = (sql: string, ...rest: unknown[]) => {
        const entry = { method, sql, args: rest.length, cbLast: typeof rest.at(-1) === 'function' } as (typeof calls)[number];
        calls.push(entry);
        const cb = rest.at(-1) as (this: unknown, ...a: unknown[]) => void;
        return original(sql, ...rest.slice(0, -1), function (this: unknown, ...a: unknown[]) {
          entry.self = this;
          cb.call(this, ...a);
        });
      };
    }
    await Widget.create({ name: 'a', madeAt: new Date('2026-01-02T03:04:05Z') });
    const rows = await Widget.findAll();
    expect(rows[0]?.get('madeAt'), 'dates no longer parsed from the column types').toBeInstanceOf(Date);
    const insert = calls.find((c) => c.sql.startsWith('INSERT'));
    expect(insert, 'an INSERT is no longer sent as run(sql, params, callback)').toMatchObject({ method: 'run', args: 2, cbLast: true });
    expect((insert?.self as { lastID?: unknown })?.lastID, "run's callback no longer gets the statement (lastID) as this").toBeTypeOf(
      'number',
    );
    const pragma = calls.findIndex((c) => TABLE_INFO.test(c.sql));
    const select = calls.findIndex((c) => c.sql.startsWith('SELECT'));
    expect(calls[pragma], 'the column-type lookup is no longer all(`PRAGMA table_info(`widgets`)`, callback)').toMatchObject({
      method: 'all',
      sql: 'PRAGMA table_info(`widgets`)',
      args: 1,
    });
    expect(pragma, 'the column-type lookup no longer comes before the SELECT').toBeLessThan(select);
    expect(calls[select], 'a SELECT is no longer sent as all(sql, params, callback)').toMatchObject({
      method: 'all',
      args: 2,
      cbLast: true,
    });
  });

  it("takes a failed statement's stack from an Error made synchronously inside conn.serialize(callback)", async () => {
    const fail = () => sequelize.query('SELECT nope FROM nowhere').catch((e: Error) => e);
    const before = (await fail()) as Error;
    expect(before.stack, "a failed statement's stack no longer has the caller's frames").toMatch(/\n\s+at /);
    withoutQueryStacks(await sharedConnection(sequelize));
    const after = (await fail()) as Error & { sql?: string };
    expect(after.stack, 'the stack is no longer made inside serialize(callback): withoutQueryStacks saves nothing').not.toMatch(/\n\s+at /);
    expect(after.sql).toBe('SELECT nope FROM nowhere');
  });

  it('reads its SQL logger from options.logging at each statement', async () => {
    expect(sqlLogging(sequelize), 'options.logging is not the logger given').toBeTypeOf('function');
    sqlLogging(sequelize)?.('ours');
    await sequelize.query('SELECT 42');
    expect(logged).toEqual(['ours', 'Executing (default): SELECT 42']);
  });

  it('sqlite3: a prepared statement answers all(params, cb) and finalize(cb)', async () => {
    const conn = await sharedConnection(sequelize);
    const statement = await new Promise<ReturnType<SqliteConnection['prepare']>>((resolve, reject) => {
      const s = conn.prepare('SELECT ? AS n', (err) => (err ? reject(err) : resolve(s)));
    });
    const rows = await new Promise<unknown[]>((resolve, reject) => statement.all([7], (err, r) => (err ? reject(err) : resolve(r))));
    expect(rows).toEqual([{ n: 7 }]);
    await new Promise<void>((resolve) => statement.finalize(() => resolve()));
  });
});
