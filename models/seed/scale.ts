import { QueryTypes, type Transaction } from 'sequelize';
import { defaults } from '../../config/defaults';
import type { Grade } from '../../config/schema';
import type { Db } from '../db';
import { Calendar, DEMO_TIMEZONE, DEMO_TODAY } from './calendar';
import type { ProductInfo } from './catalog';
import { HENGTONG, HUADONG } from './customers';
import { DEMO_SEED } from './demo-company';
import { insertStatement, type ModelName, maxId, type RowOf, runStatement, syncIdSequences, tableOf } from './insert';
import { Rng } from './random';
import { leadRow, orderRows, receivableRow, type ScaleRefs } from './scale-rows';

/**
 * Benchmark volumes (`npm run seed -- --scale N`): N receivables, N leads and N sales-order
 * lines (5 to an order) on top of an existing company. Set-based: multi-row INSERTs of
 * `batchSize` rows, `batchesPerTx` statements per transaction, ids numbered on from the
 * tables' maxima. Each transaction is whole (an order never without its lines); a failure
 * keeps the chunks already committed. The two fixed customers are left out, so the figures
 * the tests compute for them stay exact.
 */

export interface ScaleProgress {
  /** rows written so far, receivables + leads + order lines (orders not counted) */
  done: number;
  total: number;
}

export interface ScaleOptions {
  seed?: number;
  today?: string;
  timezone?: string;
  batchSize?: number;
  batchesPerTx?: number;
  linesPerOrder?: number;
  onProgress?: (p: ScaleProgress) => void;
}

export interface ScaleResult {
  receivables: number;
  leads: number;
  salesOrders: number;
  salesOrderLines: number;
}

const TABLES: readonly ModelName[] = ['Receivable', 'Lead', 'SalesOrder', 'SalesOrderLine'];

async function loadRefs(db: Db): Promise<ScaleRefs> {
  const q = <T extends object>(sql: string) => db.sequelize.query<T>(sql, { type: QueryTypes.SELECT });
  const customers = await q<{ id: number; ownerUserId: number; teamId: number | null; termsDays: number; grade: Grade; name: string }>(
    'SELECT id, owner_user_id AS "ownerUserId", team_id AS "teamId", payment_terms_days AS "termsDays", grade, name FROM customers ORDER BY id',
  );
  const products = await q<{
    id: number;
    sku: string;
    name: string;
    listFen: number;
    costFen: number;
    vatRateBp: number;
    safetyStock: number;
    category: string;
    makeOrBuy: string;
  }>(
    `SELECT id, sku, name, list_price_fen AS "listFen", standard_cost_fen AS "costFen", vat_rate_bp AS "vatRateBp",
            safety_stock AS "safetyStock", category, make_or_buy AS "makeOrBuy" FROM products WHERE active = :yes ORDER BY id`.replace(
      ':yes',
      db.dialect === 'postgres' ? 'true' : '1',
    ),
  );
  const tiers = await q<{ productId: number; minQty: number; priceFen: number }>(
    'SELECT product_id AS "productId", min_qty AS "minQty", price_fen AS "priceFen" FROM product_price_tiers ORDER BY product_id, min_qty',
  );
  const reps = await q<{ id: number; teamId: number | null }>(
    `SELECT id, team_id AS "teamId" FROM users WHERE role_code = 'rep' ORDER BY id`,
  );
  const usable = customers.filter((c) => c.name !== HUADONG && c.name !== HENGTONG);
  if (usable.length === 0 || products.length === 0)
    throw new Error('先创建演示公司 the scale seed needs customers and products: seed the demo company first');
  return {
    customers: usable.map(({ name: _, ...c }) => ({ ...c, ownerUserId: Number(c.ownerUserId), termsDays: Number(c.termsDays) })),
    products: products.map(
      (p): ProductInfo => ({
        id: p.id,
        sku: p.sku,
        name: p.name,
        listFen: Number(p.listFen),
        costFen: Number(p.costFen),
        vatRateBp: p.vatRateBp,
        tiers: tiers.filter((t) => t.productId === p.id).map((t) => ({ minQty: t.minQty, priceFen: Number(t.priceFen) })),
        safetyStock: p.safetyStock,
        make: p.makeOrBuy === 'make',
        service: p.category === '服务',
        fixed: false,
      }),
    ),
    reps: reps.length ? reps : usable.map((c) => ({ id: c.ownerUserId, teamId: c.teamId })),
    gradeDiscountBp: defaults.pricing.gradeDiscountBp as Record<Grade, number>,
  };
}

/** Keeps PostgreSQL's id sequences out of our way while we number rows ourselves. */
async function lockTables(db: Db, t: Transaction): Promise<void> {
  if (db.dialect !== 'postgres') {
    // SQLite's default page cache is 2 MB: past a few hundred thousand rows every index insert
    // would miss it. The setting lives on the transaction's connection only.
    await db.sequelize.query('PRAGMA cache_size = -262144', { transaction: t });
    return;
  }
  const names = TABLES.map((n) => `"${tableOf(db, n)}"`).join(', ');
  await db.sequelize.query(`LOCK TABLE ${names} IN SHARE ROW EXCLUSIVE MODE`, { transaction: t });
}

export async function seedScale(db: Db, n: number, opts: ScaleOptions = {}): Promise<ScaleResult> {
  if (!Number.isSafeInteger(n) || n < 0) throw new Error(`scale must be a non-negative integer: ${n}`);
  const perOrder = opts.linesPerOrder ?? 5;
  // whole orders per batch, so the rows do not depend on how they are batched
  const batch = Math.ceil((opts.batchSize ?? 1_000) / perOrder) * perOrder;
  const perTx = batch * (opts.batchesPerTx ?? 20);
  const cal = new Calendar(opts.today ?? DEMO_TODAY, opts.timezone ?? DEMO_TIMEZONE);
  // one stream per kind: the same seed gives the same rows whatever the batch sizes
  const root = new Rng(opts.seed ?? DEMO_SEED).fork('scale');
  const rng = { receivables: root.fork('receivables'), leads: root.fork('leads'), orders: root.fork('orders') };
  const stamp = cal.at(0, 8);
  const refs = await loadRefs(db);
  const result: ScaleResult = { receivables: 0, leads: 0, salesOrders: 0, salesOrderLines: 0 };
  const total = 3 * n;
  let done = 0;
  const tick = (rows: number) => {
    done += rows;
    opts.onProgress?.({ done, total });
  };
  opts.onProgress?.({ done, total });

  for (let start = 0; start < n; start += perTx) {
    const size = Math.min(perTx, n - start);
    await db.writeTx(async (t) => {
      await lockTables(db, t);
      const ids = {
        r: await maxId(db, 'Receivable', t),
        l: await maxId(db, 'Lead', t),
        o: await maxId(db, 'SalesOrder', t),
        sl: await maxId(db, 'SalesOrderLine', t),
      };
      /** k rows of each kind as four INSERT statements, with the progress each one makes */
      const build = (k: number) => {
        const receivables = Array.from({ length: k }, () => receivableRow(rng.receivables, cal, refs, ++ids.r));
        const leads = Array.from({ length: k }, () => leadRow(rng.leads, cal, refs, ++ids.l));
        const orders: RowOf<'SalesOrder'>[] = [];
        const lines: RowOf<'SalesOrderLine'>[] = [];
        for (let left = k; left > 0; left -= perOrder) {
          const o = orderRows(rng.orders, cal, refs, ++ids.o, ids.sl + 1, Math.min(perOrder, left));
          ids.sl += o.lines.length;
          orders.push(o.order);
          lines.push(...o.lines);
        }
        result.receivables += k;
        result.leads += k;
        result.salesOrders += orders.length;
        result.salesOrderLines += lines.length;
        return [
          { statement: insertStatement(db, 'Receivable', receivables, stamp), rows: k },
          { statement: insertStatement(db, 'Lead', leads, stamp), rows: k },
          { statement: insertStatement(db, 'SalesOrder', orders, stamp), rows: 0 },
          { statement: insertStatement(db, 'SalesOrderLine', lines, stamp), rows: k },
        ];
      };
      // While the database writes one batch, the next is generated: the driver works off the
      // main thread (SQLite) or in another process (PostgreSQL), so the two overlap.
      let built = Math.min(batch, size);
      let next: ReturnType<typeof build> | null = build(built);
      while (next) {
        const statements = next;
        const writing = (async () => {
          for (const s of statements) {
            await runStatement(db, s.statement, t);
            tick(s.rows);
          }
        })();
        writing.catch(() => {}); // awaited below; this only keeps Node from calling it unhandled meanwhile
        await new Promise((resolve) => setImmediate(resolve));
        const k = Math.min(batch, size - built);
        built += k;
        next = k > 0 ? build(k) : null;
        await writing;
      }
      await syncIdSequences(db, TABLES, t);
    });
  }
  return result;
}
