import { QueryTypes } from 'sequelize';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../models/db';
import { seedDemoCompany } from '../../models/seed/demo-company';
import { type ScaleProgress, seedScale } from '../../models/seed/scale';
import { dbKinds, freshDb, type TestDb } from '../helpers/db';

const kinds = await dbKinds();

async function count(db: Db, table: string): Promise<number> {
  const r = await db.sequelize.query<{ n: number | string }>(`SELECT COUNT(*) AS n FROM "${table}"`, { type: QueryTypes.SELECT });
  return Number(r[0]?.n);
}

describe.each(kinds)('the scale seed on %s', (kind) => {
  let t: TestDb;
  beforeAll(async () => {
    t = await freshDb(kind);
    await seedDemoCompany(t.db);
  });
  afterAll(async () => t?.drop());

  it('refuses to scale a database without a company', async () => {
    const empty = await freshDb(kind);
    try {
      await expect(seedScale(empty.db, 10)).rejects.toThrow(/demo company first/);
    } finally {
      await empty.drop();
    }
  });

  it('adds exactly N receivables, leads and order lines, reporting progress', async () => {
    const { db } = t;
    const tables = ['receivables', 'leads', 'sales_order_lines', 'sales_orders'];
    const before = await Promise.all(tables.map((x) => count(db, x)));
    const seen: ScaleProgress[] = [];
    const r = await seedScale(db, 2_000, { batchSize: 500, batchesPerTx: 2, onProgress: (p) => seen.push(p) });
    const after = await Promise.all(tables.map((x) => count(db, x)));
    expect(after.map((n, i) => n - (before[i] ?? 0))).toEqual([2_000, 2_000, 2_000, 400]);
    expect(r).toEqual({ receivables: 2_000, leads: 2_000, salesOrders: 400, salesOrderLines: 2_000 });
    expect(seen[0]).toEqual({ done: 0, total: 6_000 });
    expect(seen.at(-1)).toEqual({ done: 6_000, total: 6_000 });
    expect(seen.every((p, i) => i === 0 || p.done >= (seen[i - 1]?.done ?? 0))).toBe(true);
  });

  it('writes believable rows that keep the books consistent', async () => {
    const { db } = t;
    const q = <T extends object>(sql: string) => db.sequelize.query<T>(sql, { type: QueryTypes.SELECT });
    const badOrders = await q(
      `SELECT o.id FROM sales_orders o JOIN (SELECT sales_order_id, SUM(net_fen) AS net, SUM(tax_fen) AS tax FROM sales_order_lines GROUP BY sales_order_id) l
         ON l.sales_order_id = o.id WHERE o.net_fen <> l.net OR o.tax_fen <> l.tax OR o.net_fen + o.tax_fen <> o.total_fen`,
    );
    expect(badOrders).toEqual([]);
    const badLines = await q(
      `SELECT l.id FROM sales_order_lines l JOIN sales_orders o ON o.id = l.sales_order_id
       WHERE l.customer_id <> o.customer_id OR l.owner_user_id <> o.owner_user_id OR l.order_date <> o.order_date OR l.net_fen <> l.qty * l.unit_price_fen`,
    );
    expect(badLines).toEqual([]);
    const badAr = await q('SELECT id FROM receivables WHERE paid_fen > amount_fen OR due_date < issued_date OR amount_fen <= 0');
    expect(badAr).toEqual([]);
    const span = await q<{ lo: string; hi: string }>('SELECT MIN(issued_date) AS lo, MAX(issued_date) AS hi FROM receivables');
    expect(String(span[0]?.lo) < '2025-06-01').toBe(true);
    expect(String(span[0]?.hi) <= '2026-11-23').toBe(true);
    const statuses = await q<{ status: string }>('SELECT DISTINCT status FROM receivables');
    expect(new Set(statuses.map((s) => s.status))).toEqual(new Set(['open', 'partially_paid', 'paid']));
    // the fixed customers' figures stay exact
    const hengtong = await q<{ open: number | string }>(
      `SELECT SUM(r.amount_fen - r.paid_fen) AS open FROM receivables r JOIN customers c ON c.id = r.customer_id
       WHERE c.name = '广州恒通贸易' AND r.status IN ('open', 'partially_paid')`,
    );
    expect(Number(hengtong[0]?.open)).toBe(4_800_000);
    // the application numbers on after the seeded ids
    const lead = await db.models.Lead.create({
      number: 'LD-2026-9999',
      companyName: '测试线索',
      contactName: null,
      mobile: null,
      source: 'manual',
      ownerUserId: null,
      teamId: null,
      lastFollowUpAt: null,
      convertedCustomerId: null,
      convertedOpportunityId: null,
    });
    expect(lead.id).toBeGreaterThan(2_000);
  });
});
