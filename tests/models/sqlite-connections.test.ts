import { QueryTypes } from 'sequelize';
import { afterEach, describe, expect, it } from 'vitest';
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
