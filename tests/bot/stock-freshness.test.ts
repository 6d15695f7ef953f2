import { Op } from 'sequelize';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Card, Locale, Reply } from '../../bot/cards/card';
import { stockCard } from '../../bot/cards/stock';
import { stockCommand } from '../../bot/commands/stock';
import { atp } from '../../domain/atp';
import { type Db, openDb } from '../../models/db';
import { REFERENCE_MAX_AGE_MS } from '../../models/reference-cache';
import { seedDemoCompany } from '../../models/seed/demo-company';
import { dbKinds, freshDb, type TestDb } from '../helpers/db';

/**
 * The stock answer reads its figures in one statement and takes names and product master data
 * from the reference caches. Here: it gives exactly the card of the plain model reads, for
 * every product, on both databases; stock changes show at once; catalogue and warehouse
 * changes show at once when made in this process, within REFERENCE_MAX_AGE_MS otherwise.
 */
const kinds = await dbKinds();
const today = '2026-11-23';

const cardOf = (replies: Reply[]): Card => {
  const r = replies[0];
  if (r?.kind !== 'card') throw new Error(`expected a card, got ${JSON.stringify(r)}`);
  return r.card;
};

/** The card as the straightforward model reads build it (the stock command before it was made fast). */
async function referenceCard(db: Db, productId: number, locale: Locale = 'zh'): Promise<Card> {
  const { Product, StockLevel, Warehouse, PurchaseOrder, PurchaseOrderLine } = db.models;
  const product = await Product.findByPk(productId);
  if (!product) throw new Error(`no product ${productId}`);
  const levels = await StockLevel.findAll({ where: { productId }, order: [['warehouseId', 'ASC']] });
  const warehouses = await Warehouse.findAll();
  const open = await PurchaseOrder.findAll({ where: { status: { [Op.in]: ['ordered', 'partially_received'] } }, attributes: ['id'] });
  const lines = await PurchaseOrderLine.findAll({
    where: { productId, purchaseOrderId: { [Op.in]: open.map((o) => o.id) } },
    order: [
      ['eta', 'ASC'],
      ['id', 'ASC'],
    ],
  });
  const incoming = lines
    .filter((l) => l.qty > l.receivedQty)
    .map((l) => ({ warehouseId: l.warehouseId, qty: l.qty - l.receivedQty, eta: l.eta }));
  const warehouseNames = Object.fromEntries(warehouses.map((w) => [w.id, w.name]));
  return stockCard(
    {
      sku: product.sku,
      name: product.name,
      spec: product.spec,
      unit: product.unit,
      safetyStock: product.safetyStock,
      atp: atp({
        warehouses: levels.map((l) => ({ warehouseId: l.warehouseId, onHand: l.onHand, reserved: l.reserved })),
        incoming,
        requested: 0,
        today,
        leadTimeDays: product.leadTimeDays,
      }),
      incoming: incoming.map((i) => ({ warehouse: warehouseNames[i.warehouseId] ?? String(i.warehouseId), qty: i.qty, eta: i.eta })),
      warehouseNames,
    },
    locale,
  );
}

describe.each(kinds)('stock answers on %s', (kind) => {
  let t: TestDb;
  beforeAll(async () => {
    t = await freshDb(kind);
    await seedDemoCompany(t.db);
  });
  afterAll(async () => t?.drop());

  const ask = async (query: string, locale: Locale = 'zh') => cardOf(await stockCommand(t.db, query, { today, locale }));

  it('every product of the demo company: the same card as the plain model reads', async () => {
    const products = await t.db.models.Product.findAll({ where: { active: true }, order: [['id', 'ASC']] });
    expect(products.length).toBeGreaterThan(200);
    let withIncoming = 0;
    for (const p of products) {
      const card = await ask(p.sku);
      expect(card).toEqual(await referenceCard(t.db, p.id));
      if (card.notes?.some((n) => n.startsWith('在途'))) withIncoming++;
    }
    expect(withIncoming).toBeGreaterThan(0); // the demo company has open purchase orders
    expect(await ask('A100', 'en')).toEqual(await referenceCard(t.db, products[0]!.id, 'en'));
  });

  it('stock changes show in the very next answer (figures are never cached)', async () => {
    const { Product, StockLevel, PurchaseOrder, PurchaseOrderLine, Warehouse } = t.db.models;
    const a100 = (await Product.findOne({ where: { sku: 'A100' } }))!;
    await ask('A100'); // caches warm
    const level = (await StockLevel.findOne({ where: { productId: a100.id }, order: [['warehouseId', 'ASC']] }))!;
    await level.update({ onHand: level.onHand + 7, reserved: level.reserved + 3 });
    expect(await ask('A100')).toEqual(await referenceCard(t.db, a100.id));
    // raw SQL, as the reservation activity writes it
    await t.db.sequelize.query('UPDATE stock_levels SET reserved = reserved + 1 WHERE id = ?', { replacements: [level.id] });
    const card = await ask('A100');
    expect(card).toEqual(await referenceCard(t.db, a100.id));
    const [wh] = await Warehouse.findAll({ order: [['id', 'ASC']] });
    // level holds what was written by update(): on hand +7, reserved +3; the raw UPDATE added 1 more
    expect(card.table!.rows).toContainEqual([
      wh!.name,
      String(level.onHand - level.reserved - 1),
      String(level.reserved + 1),
      String(level.onHand),
      '0',
    ]);

    // two open lines due the same day, one half received, and one on a closed order
    const po = await PurchaseOrder.create({
      number: 'PO-T-1',
      supplierName: '测试',
      status: 'partially_received',
      expectedDate: '2026-12-01',
      totalFen: 0,
    });
    const closed = await PurchaseOrder.create({
      number: 'PO-T-2',
      supplierName: '测试',
      status: 'received',
      expectedDate: '2026-12-01',
      totalFen: 0,
    });
    const line = { productId: a100.id, warehouseId: wh!.id, unitCostFen: 100, eta: '2026-12-01' };
    await PurchaseOrderLine.create({ ...line, purchaseOrderId: po.id, qty: 40, receivedQty: 15 });
    await PurchaseOrderLine.create({ ...line, purchaseOrderId: po.id, qty: 9 });
    await PurchaseOrderLine.create({ ...line, purchaseOrderId: closed.id, qty: 1000 });
    const withIncoming = await ask('A100');
    expect(withIncoming).toEqual(await referenceCard(t.db, a100.id));
    expect(withIncoming.notes).toEqual(
      expect.arrayContaining([`在途：${wh!.name} 25个，预计 2026-12-01 到货`, `在途：${wh!.name} 9个，预计 2026-12-01 到货`]),
    );
    await po.update({ status: 'received' });
    expect(await ask('A100')).toEqual(await referenceCard(t.db, a100.id));
  });

  it('catalogue and warehouse changes made in this process show at once', async () => {
    const { Product, Warehouse } = t.db.models;
    await ask('A100');
    const made = await Product.create({
      sku: 'Z900',
      name: '测试缓存联轴器',
      spec: 'Φ20',
      unit: '个',
      category: '传动',
      standardCostFen: 100,
      listPriceFen: 200,
      vatRateBp: 1300,
      safetyStock: 5,
      leadTimeDays: 3,
      makeOrBuy: 'buy',
    });
    expect((await ask('Z900')).title).toBe('库存 Z900 测试缓存联轴器 Φ20');
    expect((await ask('测试缓存联轴器')).title).toBe('库存 Z900 测试缓存联轴器 Φ20');

    // renamed and given a safety stock by raw SQL: no model hook sees that, the query hook does
    await t.db.sequelize.query('UPDATE products SET name = ?, safety_stock = 50 WHERE id = ?', {
      replacements: ['测试改名联轴器', made.id],
    });
    const renamed = await ask('Z900');
    expect(renamed.title).toBe('库存 Z900 测试改名联轴器 Φ20');
    expect(renamed.status).toEqual({ text: '低于安全库存 50个', tone: 'warning' });
    expect(renamed).toEqual(await referenceCard(t.db, made.id));

    const wh = (await Warehouse.findOne({ order: [['id', 'ASC']] }))!;
    const old = wh.name;
    await wh.update({ name: '浦东仓' });
    expect((await ask('A100')).table!.rows.map((r) => r[0])).toContain('浦东仓');
    await wh.update({ name: old });

    await made.update({ active: false });
    expect(await stockCommand(t.db, 'Z900', { today })).toEqual([
      { kind: 'text', text: '没有找到商品“Z900”。请用商品编码或名称，例如：库存 A100' },
    ]);
  });

  it('a change inside a transaction shows once it commits, even if the catalogue was read in between', async () => {
    const { Product } = t.db.models;
    const b200 = (await Product.findOne({ where: { sku: 'B200' } }))!;
    await t.db.writeTx(async (transaction) => {
      await b200.update({ name: '工业轴承 6205 新' }, { transaction });
      // read while the write is not committed: the old name, which must not stay cached
      expect((await ask('B200')).title).toContain('工业轴承 6205 6205-2RS');
    });
    expect((await ask('B200')).title).toBe('库存 B200 工业轴承 6205 新 6205-2RS 25×52×15mm');
  });
});

describe('a change made by another process', () => {
  let t: TestDb;
  let other: Db;
  beforeAll(async () => {
    t = await freshDb('sqlite');
    await seedDemoCompany(t.db);
    other = await openDb({ url: `sqlite:${t.db.location}` }); // a second Sequelize: hooks of its own, like another process
  });
  afterAll(async () => {
    await other?.close();
    await t?.drop();
  });

  it(`shows within ${REFERENCE_MAX_AGE_MS} ms; the figures at once`, async () => {
    await stockCommand(t.db, 'A100', { today });
    await other.sequelize.query("UPDATE products SET name = '外部改名螺栓' WHERE sku = 'A100'");
    await other.sequelize.query(
      "UPDATE stock_levels SET on_hand = on_hand + 1 WHERE product_id = (SELECT id FROM products WHERE sku = 'A100')",
    );
    const a100 = (await t.db.models.Product.findOne({ where: { sku: 'A100' } }))!;
    const soon = cardOf(await stockCommand(t.db, 'A100', { today }));
    expect(soon.table).toEqual((await referenceCard(t.db, a100.id)).table); // figures: fresh
    await new Promise((r) => setTimeout(r, REFERENCE_MAX_AGE_MS + 50));
    expect(cardOf(await stockCommand(t.db, 'A100', { today }))).toEqual(await referenceCard(t.db, a100.id));
    expect(cardOf(await stockCommand(t.db, 'A100', { today })).title).toContain('外部改名螺栓');
  });
});
