import { createHash } from 'node:crypto';
import { QueryTypes } from 'sequelize';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../models/db';
import { planDemoCompany, seedDemoCompany } from '../../models/seed/demo-company';
import { seedScale } from '../../models/seed/scale';
import { freshDb, type TestDb } from '../helpers/db';

/** A digest of a table's rows without their timestamps, in id order, and the row count. */
async function dump(db: Db, table: string): Promise<string> {
  const rows = await db.sequelize.query<Record<string, unknown>>(`SELECT * FROM "${table}" ORDER BY 1`, { type: QueryTypes.SELECT });
  const bare = rows.map(({ created_at: _c, updated_at: _u, ...rest }) => rest);
  return `${rows.length} rows ${createHash('sha256').update(JSON.stringify(bare)).digest('hex')}`;
}

const TABLES = [
  'customers',
  'contacts',
  'products',
  'product_price_tiers',
  'receivables',
  'sales_orders',
  'sales_order_lines',
  'stock_moves',
  'leads',
];

describe('the demo company is deterministic', () => {
  const dbs: TestDb[] = [];
  beforeAll(async () => {
    for (const seed of [20261123, 20261123, 7]) {
      const t = await freshDb('sqlite');
      dbs.push(t);
      await seedDemoCompany(t.db, { seed });
    }
  });
  afterAll(async () => {
    for (const t of dbs) await t.drop();
  });

  it('gives the same rows for the same seed, byte for byte apart from timestamps', async () => {
    const [a, b] = dbs as [TestDb, TestDb];
    for (const table of TABLES) {
      const left = await dump(a.db, table);
      expect(left.startsWith('0 rows'), table).toBe(false);
      expect(await dump(b.db, table), table).toBe(left);
    }
  });

  it('gives different customers and orders for another seed', async () => {
    const [a, , c] = dbs as [TestDb, TestDb, TestDb];
    expect(await dump(c.db, 'customers')).not.toBe(await dump(a.db, 'customers'));
    expect(await dump(c.db, 'sales_order_lines')).not.toBe(await dump(a.db, 'sales_order_lines'));
  });

  it('plans the same company twice in one process, timestamps included', () => {
    const names = ['Customer', 'Receivable', 'StockMove', 'Lead'] as const;
    const first = planDemoCompany();
    const second = planDemoCompany();
    for (const n of names) expect(JSON.stringify(second.rows(n))).toBe(JSON.stringify(first.rows(n)));
  });

  it('scales deterministically too', async () => {
    const [a, b] = dbs as [TestDb, TestDb];
    await seedScale(a.db, 700, { batchSize: 300, batchesPerTx: 1 });
    await seedScale(b.db, 700);
    for (const table of ['receivables', 'leads', 'sales_order_lines']) {
      expect(await dump(b.db, table), table).toBe(await dump(a.db, table));
    }
  });
});
