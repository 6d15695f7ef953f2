import type { Db } from '../db';
import { seedAfterSales } from './after-sales';
import { Calendar, DEMO_TIMEZONE, DEMO_TODAY } from './calendar';
import { seedCatalog } from './catalog';
import type { SeedContext } from './context';
import { seedCredit } from './credit';
import { seedCrm } from './crm';
import { seedCustomers } from './customers';
import { seedHistory } from './history';
import { insertRows, type ModelName, syncIdSequences, tableOf } from './insert';
import { seedOrganisation } from './organisation';
import { Plan } from './plan';
import { seedPurchasing } from './purchasing';
import { Rng } from './random';
import { StockBook } from './stock-book';

/**
 * The demo company (README "The demo company"): a Chinese industrial-parts trader with two
 * sales teams, three warehouses, 200+ SKUs, 60 customers and a year of trading. The same seed
 * and today give the same rows, byte for byte; everything is written in one transaction, so
 * a failure leaves the database as empty as it was.
 */

export const DEMO_SEED = 20261123;

export interface DemoOptions {
  seed?: number;
  /** the company's "today", YYYY-MM-DD in its time zone; every date is relative to it */
  today?: string;
  timezone?: string;
}

/** Tables in foreign-key order: every row's references are written before it. */
export const INSERT_ORDER: readonly ModelName[] = [
  'Role',
  'Team',
  'User',
  'ChannelIdentity',
  'Warehouse',
  'Product',
  'PriceTier',
  'BomLine',
  'Customer',
  'Contact',
  'Lead',
  'FollowUp',
  'Opportunity',
  'Contract',
  'SalesOrder',
  'SalesOrderLine',
  'Shipment',
  'ShipmentLine',
  'Receivable',
  'Invoice',
  'Payment',
  'PaymentAllocation',
  'PurchaseRequisition',
  'PurchaseOrder',
  'PurchaseOrderLine',
  'GoodsReceipt',
  'GoodsReceiptLine',
  'WorkOrder',
  'StockLevel',
  'StockMove',
  'Reservation',
  'ServiceTicket',
  'Return',
  'ReturnLine',
  'Task',
  'ApprovalRequest',
  'ApprovalStep',
  'DocumentSequence',
];

/** No users means nobody has set this database up: the only state in which the demo company is created. */
export async function isEmpty(db: Db): Promise<boolean> {
  return (await db.models.User.count()) === 0;
}

/** The whole company as rows, without touching a database (pure and deterministic). */
export function planDemoCompany(opts: DemoOptions = {}): Plan {
  const rng = new Rng(opts.seed ?? DEMO_SEED);
  const ctx: SeedContext = {
    plan: new Plan(),
    rng,
    cal: new Calendar(opts.today ?? DEMO_TODAY, opts.timezone ?? DEMO_TIMEZONE),
    counters: new Map(),
  };
  const org = seedOrganisation(ctx);
  const cat = seedCatalog(ctx);
  const book = new StockBook(cat, rng.fork('stock'));
  const customers = seedCustomers(ctx, org);
  seedCrm(ctx, org, customers);
  const history = seedHistory(ctx, org, cat, customers, book);
  seedCredit(ctx, org, customers, history);
  seedPurchasing(ctx, org, cat, book, history);
  seedAfterSales(ctx, org, customers, book, history);

  // one VIP once paid a little more than it owed: an unapplied remainder (预收款) for the write-off demo
  const vip = customers.find(
    (c) => c.grade === 'VIP' && !c.fixed && history.billing.receivables.some((r) => r.customerId === c.id && r.paidFen > 0),
  );
  history.billing.finish(ctx, org.user.liuyang as number, vip ? { customerId: vip.id, fen: 50_000 } : undefined);
  book.finish(ctx, -400, org.user.chenjing as number);
  for (const [key, lastValue] of [...ctx.counters].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    ctx.plan.add('DocumentSequence', { key, lastValue });
  }
  return ctx.plan;
}

/**
 * Creates the demo company in an empty database and returns the rows written per table.
 * Refuses a database that already has users, customers or products.
 */
export async function seedDemoCompany(db: Db, opts: DemoOptions = {}): Promise<Record<string, number>> {
  const plan = planDemoCompany(opts);
  const unordered = plan.names().filter((n) => !INSERT_ORDER.includes(n));
  if (unordered.length) throw new Error(`seed tables missing from INSERT_ORDER: ${unordered.join(', ')}`);
  const stamp = new Calendar(opts.today ?? DEMO_TODAY, opts.timezone ?? DEMO_TIMEZONE).at(0, 8);
  const written: Record<string, number> = {};
  await db.writeTx(async (transaction) => {
    const { User, Customer, Product } = db.models;
    const existing = (await User.count({ transaction })) + (await Customer.count({ transaction })) + (await Product.count({ transaction }));
    if (existing > 0) throw new Error('数据库不是空的，不能创建演示公司 the database is not empty: refusing to seed the demo company');
    for (const name of INSERT_ORDER) {
      const rows = plan.rows(name);
      // roles may already exist (fixtures, a partial setup): the demo keeps those as they are
      await insertRows(db, name, rows, { transaction, stamp, batchSize: 400, conflictDoNothing: name === 'Role' });
      written[tableOf(db, name)] = rows.length;
    }
    await syncIdSequences(db, INSERT_ORDER, transaction);
  });
  return written;
}
