import { type Model, type ModelStatic, QueryTypes } from 'sequelize';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MIGRATION_NAMES, migrate, migrator } from '../../models/migrations';
import { dbKinds, freshDb, type TestDb } from '../helpers/db';

const kinds = await dbKinds();

/** The tables MISSION.md's catalogue needs; a missing one is a gap in the data model. */
const EXPECTED_TABLES = [
  'roles',
  'teams',
  'users',
  'channel_identities',
  'customers',
  'contacts',
  'leads',
  'lead_assignment_pointers',
  'follow_ups',
  'opportunities',
  'products',
  'product_price_tiers',
  'bom_lines',
  'warehouses',
  'stock_levels',
  'stock_moves',
  'reservations',
  'quotes',
  'quote_lines',
  'contracts',
  'sales_orders',
  'sales_order_lines',
  'shipments',
  'shipment_lines',
  'invoices',
  'receivables',
  'payments',
  'payment_allocations',
  'purchase_requisitions',
  'purchase_orders',
  'purchase_order_lines',
  'goods_receipts',
  'goods_receipt_lines',
  'work_orders',
  'service_tickets',
  'returns',
  'return_lines',
  'tasks',
  'approval_requests',
  'approval_steps',
  'approval_decisions',
  'audit_logs',
  'console_sessions',
  'flow_signals',
  'document_sequences',
];

/** Indexes the scans and reports depend on: [table, columns in order]. */
const EXPECTED_INDEXES: [string, string[]][] = [
  ['receivables', ['status', 'due_date']],
  ['receivables', ['customer_id', 'status', 'due_date']],
  ['leads', ['status', 'last_follow_up_at']],
  ['deliveries', ['channel', 'state', 'sent_at']],
  ['deliveries', ['channel', 'updated_at']],
  ['sales_order_lines', ['order_date']],
  ['sales_order_lines', ['customer_id', 'order_date']],
  ['sales_order_lines', ['product_id', 'order_date']],
  ['sales_order_lines', ['owner_user_id', 'order_date']],
  ['stock_levels', ['product_id', 'warehouse_id']],
  ['approval_decisions', ['approval_step_id']],
  ['contracts', ['status', 'end_date']],
  ['tasks', ['user_id', 'status', 'due_at']],
  ['leads', ['number']],
  ['opportunities', ['number']],
];

describe.each(kinds)('schema on %s', (kind) => {
  let t: TestDb;
  beforeAll(async () => {
    t = await freshDb(kind);
  });
  afterAll(async () => t?.drop());

  const tables = async () => (await t.db.sequelize.getQueryInterface().showAllTables()).map(String).sort();

  it('migrations create every table of the catalogue', async () => {
    const have = await tables();
    for (const table of EXPECTED_TABLES) expect(have, table).toContain(table);
  });

  it.each(EXPECTED_TABLES)('table %s has exactly the columns its model declares', async (table) => {
    const model = (Object.values(t.db.models) as ModelStatic<Model>[]).find((m) => m.getTableName() === table);
    expect(model, `a model for ${table}`).toBeDefined();
    const columns = Object.keys(await t.db.sequelize.getQueryInterface().describeTable(table)).sort();
    const declared = Object.values(model!.getAttributes())
      .map((a) => a.field as string)
      .sort();
    expect(columns).toEqual(declared);
  });

  it.each(EXPECTED_INDEXES)('%s is indexed on %j', async (table, fields) => {
    const indexes = (await t.db.sequelize.getQueryInterface().showIndex(table)) as { fields: { attribute: string }[] }[];
    expect(indexes.map((i) => i.fields.map((f) => f.attribute))).toContainEqual(fields);
  });

  it('running the migrations again changes nothing', async () => {
    expect(await migrate(t.db)).toEqual([]);
  });

  it('the down migrations remove the schema and up brings it back', async () => {
    const columns = async () => Object.keys(await t.db.sequelize.getQueryInterface().describeTable('approval_steps'));
    const userColumns = async () => Object.keys(await t.db.sequelize.getQueryInterface().describeTable('users'));
    expect(await columns()).toContain('facts');
    const outboxCols = async () => Object.keys(await t.db.sequelize.getQueryInterface().describeTable('outbox_messages'));
    expect(await outboxCols()).toContain('seq');
    await migrator(t.db).down({ to: '0005c-outbox-seq' });
    expect(await outboxCols()).not.toContain('seq');
    const orderCols = async () => Object.keys(await t.db.sequelize.getQueryInterface().describeTable('sales_orders'));
    expect(await orderCols()).toContain('credit_approved_at');
    await migrator(t.db).down({ to: '0005b-credit-approved' });
    expect(await orderCols()).not.toContain('credit_approved_at');
    await migrator(t.db).down({ to: '0005-flow-signals' });
    expect(await tables()).not.toContain('flow_signals');
    await migrator(t.db).down({ to: '0004-approval-facts' });
    expect(await columns()).not.toContain('facts');
    await migrator(t.db).down({ to: '0003-console-auth' });
    expect(await tables()).not.toContain('console_sessions');
    expect(await userColumns()).not.toContain('password_hash');
    expect(await tables()).toContain('outbox_messages');
    // a database of the release before: 0003 and 0004 add the columns it lacks
    await migrate(t.db);
    expect(await userColumns()).toEqual(expect.arrayContaining(['password_hash', 'failed_sign_ins', 'locked_until']));
    expect(await columns()).toContain('facts');
    await migrator(t.db).down({ to: '0002-outbox' });
    expect(await tables()).not.toContain('outbox_messages');
    expect(await tables()).toContain('customers');
    await migrator(t.db).down({ to: 0 });
    expect(await tables()).not.toContain('customers');
    expect(await migrate(t.db)).toEqual(MIGRATION_NAMES);
    expect(await columns()).toContain('facts');
    expect(await tables()).toContain('customers');
    expect(await tables()).toContain('outbox_messages');
    expect(await tables()).toContain('flow_signals');
  });
});

describe('SQLite file settings', () => {
  it('runs in WAL mode with foreign keys on', async () => {
    const t = await freshDb('sqlite');
    try {
      const pragma = (name: string) => t.db.sequelize.query<Record<string, unknown>>(`PRAGMA ${name}`, { type: QueryTypes.SELECT });
      expect(await pragma('journal_mode')).toEqual([{ journal_mode: 'wal' }]);
      expect(await pragma('foreign_keys')).toEqual([{ foreign_keys: 1 }]);
    } finally {
      await t.drop();
    }
  });
});
