import { QueryTypes } from 'sequelize';
import { afterEach, describe, expect, it } from 'vitest';
import { connectionOf, openConnections as connectionsOf, sharedConnection } from '../../models/sqlite-adapter';
import { sqliteAll } from '../../models/sqlite-connections';
import { freshDb, type TestDb } from '../helpers/db';

/**
 * sqliteAll: a statement prepared once on Sequelize's default SQLite connection. Many calls at
 * once each get their own rows, a write is seen by the next read, a bad statement fails
 * without spoiling the next one, and the database still closes (SQLite refuses to close a
 * connection with unfinalised statements).
 */
let t: TestDb | undefined;
afterEach(async () => {
  await t?.drop();
  t = undefined;
});

const SQL = 'SELECT id, name FROM warehouses WHERE id = ? OR code = ? ORDER BY id';

async function withWarehouses(n: number): Promise<TestDb> {
  const made = await freshDb('sqlite');
  for (let i = 1; i <= n; i++) await made.db.models.Warehouse.create({ code: `W${i}`, name: `仓库${i}` });
  return made;
}

describe('sqliteAll', () => {
  it('answers concurrent calls each with the rows of its own parameters, as sequelize.query does', async () => {
    t = await withWarehouses(20);
    const { sequelize } = t.db;
    const asked = Array.from({ length: 200 }, (_, i) => [(i % 23) + 1, `W${(i * 7) % 20}`] as const);
    const got = await Promise.all(asked.map((p) => sqliteAll<{ id: number; name: string }>(sequelize, SQL, [...p])));
    const expected = await Promise.all(asked.map((p) => sequelize.query(SQL, { type: QueryTypes.SELECT, replacements: [...p] })));
    expect(got).toEqual(expected);
    expect(got.some((rows) => rows.length === 2)).toBe(true);
    expect(got.some((rows) => rows.length === 0)).toBe(true);
  });

  it('sees a committed write at the next read', async () => {
    t = await withWarehouses(1);
    const { db } = t;
    expect(await sqliteAll(db.sequelize, SQL, [1, 'W1'])).toEqual([{ id: 1, name: '仓库1' }]);
    await db.writeTx((tx) => db.models.Warehouse.update({ name: '华东仓' }, { where: { id: 1 }, transaction: tx }));
    expect(await sqliteAll(db.sequelize, SQL, [1, 'W1'])).toEqual([{ id: 1, name: '华东仓' }]);
  });

  it('rejects a statement that does not prepare, and the next good one still runs', async () => {
    t = await withWarehouses(1);
    await expect(sqliteAll(t.db.sequelize, 'SELECT nope FROM nowhere', [])).rejects.toThrow(/no such table/);
    await expect(sqliteAll(t.db.sequelize, 'SELECT nope FROM nowhere', [])).rejects.toThrow(/no such table/);
    expect(await sqliteAll(t.db.sequelize, SQL, [1, ''])).toHaveLength(1);
  });

  it('lets the database close with statements prepared, and close after a transaction', async () => {
    const made = await withWarehouses(2);
    await sqliteAll(made.db.sequelize, SQL, [1, 'W2']);
    await sqliteAll(made.db.sequelize, 'SELECT count(*) AS n FROM warehouses', []);
    await made.db.writeTx((tx) => made.db.models.Warehouse.update({ name: 'x' }, { where: { id: 2 }, transaction: tx }));
    await expect(made.drop()).resolves.toBeUndefined();
  });
});

describe('transaction connections', () => {
  const openConnections = (db: TestDb['db']) => Object.keys(connectionsOf(db.sequelize));

  it('are kept for the next transaction, with their settings (foreign keys) still on', async () => {
    t = await withWarehouses(1);
    const { db } = t;
    for (let i = 0; i < 10; i++)
      await db.writeTx((tx) => db.models.Warehouse.update({ name: `仓${i}` }, { where: { id: 1 }, transaction: tx }));
    // the default connection and one kept for transactions: not one per transaction
    expect(openConnections(db)).toHaveLength(2);
    await expect(
      db.writeTx((tx) => db.models.StockLevel.create({ productId: 999_999, warehouseId: 1, onHand: 1 }, { transaction: tx })),
    ).rejects.toThrow(/FOREIGN KEY/);
    // the failed transaction rolled back; the connection is clean for the next one
    await db.writeTx((tx) => db.models.Warehouse.update({ name: '华东仓' }, { where: { id: 1 }, transaction: tx }));
    expect((await db.models.Warehouse.findByPk(1))?.name).toBe('华东仓');
  });

  it('are never shared by two transactions at once', async () => {
    t = await withWarehouses(1);
    const { sequelize } = t.db;
    const seen = await Promise.all(
      Array.from({ length: 6 }, () =>
        sequelize.transaction(async (tx) => {
          await sequelize.query('SELECT 1', { transaction: tx });
          await new Promise((r) => setTimeout(r, 20));
          return connectionOf(tx);
        }),
      ),
    );
    expect(new Set(seen).size).toBe(6);
    // four are kept, the rest closed; a close at the end finds them all
    expect(openConnections(t.db).length).toBeLessThanOrEqual(1 + 4);
  });
});

describe('column types for Sequelize reads', () => {
  /** Every statement SQLite runs on the default connection (sqlite3's trace event). */
  async function traced(db: TestDb['db']): Promise<string[]> {
    const conn = await sharedConnection(db.sequelize);
    const seen: string[] = [];
    conn.on('trace', (sql: string) => seen.push(sql));
    return seen;
  }

  it('are asked of SQLite once per table, and again after the schema changes', async () => {
    t = await withWarehouses(2);
    const { db } = t;
    const seen = await traced(db);
    const asked = () => seen.filter((s) => s === 'PRAGMA table_info(`warehouses`)').length;
    for (let i = 0; i < 3; i++) {
      const rows = await db.models.Warehouse.findAll({ order: [['id', 'ASC']] });
      expect(rows.map((w) => w.code)).toEqual(['W1', 'W2']);
      // the answer is still used: dates come back as dates
      expect(rows[0]?.createdAt).toBeInstanceOf(Date);
    }
    expect(asked()).toBe(1);
    await db.sequelize.query('ALTER TABLE warehouses ADD COLUMN opened_on DATETIME');
    await db.models.Warehouse.findAll();
    expect(asked()).toBe(2);
  });

  it('leave failed statements saying what failed, and stack traces as they were', async () => {
    t = await withWarehouses(1);
    const limit = Error.stackTraceLimit;
    const failed = await t.db.sequelize.query('SELECT nope FROM nowhere').catch((e: Error & { sql?: string }) => e);
    expect(failed).toBeInstanceOf(Error);
    expect((failed as Error).message).toMatch(/no such table: nowhere/);
    expect((failed as { sql?: string }).sql).toBe('SELECT nope FROM nowhere');
    expect(Error.stackTraceLimit).toBe(limit);
    expect(new Error('here').stack).toMatch(/\n\s+at /);
  });
});

describe('writes on the shared connection', () => {
  it('wait for a transaction in progress on the write lock, not inside SQLite, so reads go on', async () => {
    t = await withWarehouses(1);
    const { db } = t;
    const events: string[] = [];
    let entered!: () => void;
    const inside = new Promise<void>((r) => {
      entered = r;
    });
    const tx = db.writeTx(async (tr) => {
      await db.models.Warehouse.update({ name: '事务中' }, { where: { id: 1 }, transaction: tr });
      entered();
      await new Promise((r) => setTimeout(r, 300));
    });
    await inside;
    const outside = db.models.Warehouse.update({ name: '事务后' }, { where: { id: 1 } }).then(() => events.push('write'));
    const read = db.models.Warehouse.findByPk(1).then((w) => events.push(`read ${w?.name}`));
    await Promise.all([tx.then(() => events.push('commit')), outside, read]);
    // the read saw the last committed name while the transaction held the lock; the write
    // outside it came after the commit, and is the one that stays
    expect(events).toEqual(['read 仓库1', 'commit', 'write']);
    expect((await db.models.Warehouse.findByPk(1))?.name).toBe('事务后');
    // a row made outside a transaction still gets its id back
    expect((await db.models.Warehouse.create({ code: 'W9', name: '仓库9' })).id).toBe(2);
  });

  it('refuse a write inside writeTx made without its transaction, at once, and the transaction rolls back', async () => {
    t = await withWarehouses(1);
    const { db } = t;
    await expect(
      db.writeTx(async (tr) => {
        await db.models.Warehouse.update({ name: '一半' }, { where: { id: 1 }, transaction: tr });
        await db.models.Warehouse.update({ name: '忘了事务' }, { where: { id: 1 } });
      }),
    ).rejects.toThrow(/not part of its transaction \(pass \{ transaction \}\)/);
    expect((await db.models.Warehouse.findByPk(1))?.name).toBe('仓库1');
  });
});

describe('the write lock', () => {
  it('is held for its turn only: work started under it that outlives the turn is not refused', async () => {
    t = await withWarehouses(1);
    const { db } = t;
    let later!: Promise<unknown>;
    await db.writeTx(async (tr) => {
      await db.models.Warehouse.update({ name: '事务中' }, { where: { id: 1 }, transaction: tr });
      later = new Promise((r) => setTimeout(r, 50)).then(() => db.models.Warehouse.update({ name: '之后' }, { where: { id: 1 } }));
    });
    await later;
    expect((await db.models.Warehouse.findByPk(1))?.name).toBe('之后');
  });
});
