import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStockActivities, ledgerDiscrepancies } from '../../activities/stock';
import { dbKinds, freshDb, type TestDb } from '../helpers/db';
import { stockFixture } from '../helpers/stock-fixture';

const kinds = await dbKinds();

describe.each(kinds)('stock reservation on %s', (kind) => {
  let t: TestDb;
  beforeAll(async () => {
    t = await freshDb(kind);
  });
  afterAll(async () => t?.drop());

  async function levels(productId: number) {
    return t.db.models.StockLevel.findAll({ where: { productId }, order: [['warehouseId', 'ASC']] });
  }

  it('500 concurrent attempts on 100 available: exactly 100 succeed and nothing is oversold', async () => {
    const { product, warehouses } = await stockFixture(t.db);
    const stock = createStockActivities({ db: t.db, clock: () => new Date() });
    const wh = warehouses[0]!;
    expect((await stock.moveStock({ idempotencyKey: 'init', productId: product.id, warehouseId: wh.id, type: 'in', qty: 100 })).ok).toBe(
      true,
    );

    const results = await Promise.all(
      Array.from({ length: 500 }, (_, i) => stock.reserveStock({ idempotencyKey: `order-${i}`, productId: product.id, qty: 1 })),
    );

    const ok = results.filter((r) => r.status === 'reserved');
    const refused = results.filter((r) => r.status === 'insufficient');
    expect(ok).toHaveLength(100);
    expect(refused).toHaveLength(400);
    expect(refused[0]!.message.zh).toMatch(/^库存不足/);
    expect(refused[0]!.message.en).toMatch(/^insufficient stock/);
    const [level] = await levels(product.id);
    expect(level!.onHand).toBe(100);
    expect(level!.reserved).toBe(100);
    expect(level!.onHand - level!.reserved).toBe(0);
    expect(await t.db.models.Reservation.count({ where: { productId: product.id, status: 'active' } })).toBe(100);
    expect(await ledgerDiscrepancies(t.db)).toEqual([]);
  });

  it('across two warehouses: 60 + 40 available, 300 concurrent attempts → 100 reserved', async () => {
    const { Product, Warehouse } = t.db.models;
    const product = await Product.create({
      sku: 'T200',
      name: '测试轴承',
      spec: null,
      unit: '个',
      category: '轴承',
      standardCostFen: 1800,
      listPriceFen: 3200,
      vatRateBp: 1300,
      safetyStock: 0,
      leadTimeDays: 7,
      makeOrBuy: 'buy',
    });
    const w2 = await Warehouse.create({ code: 'W2', name: '苏州仓' });
    const [w1] = await Warehouse.findAll({ where: { code: 'W1' } });
    const stock = createStockActivities({ db: t.db, clock: () => new Date() });
    await stock.moveStock({ idempotencyKey: 'in-a', productId: product.id, warehouseId: w1!.id, type: 'in', qty: 60 });
    await stock.moveStock({ idempotencyKey: 'in-b', productId: product.id, warehouseId: w2.id, type: 'in', qty: 40 });

    const results = await Promise.all(
      Array.from({ length: 300 }, (_, i) => stock.reserveStock({ idempotencyKey: `two-${i}`, productId: product.id, qty: 1 })),
    );
    expect(results.filter((r) => r.status === 'reserved')).toHaveLength(100);
    expect((await levels(product.id)).map((l) => [l.onHand, l.reserved])).toEqual([
      [60, 60],
      [40, 40],
    ]);
    expect(await ledgerDiscrepancies(t.db)).toEqual([]);
  });

  it('is idempotent: a retried reservation returns the first result and reserves once', async () => {
    const { product, warehouses } = await freshFixture();
    const stock = createStockActivities({ db: t.db, clock: () => new Date() });
    await stock.moveStock({ idempotencyKey: 'idem-in', productId: product.id, warehouseId: warehouses[0]!.id, type: 'in', qty: 10 });
    const first = await stock.reserveStock({ idempotencyKey: 'so-1/line-1', productId: product.id, qty: 4 });
    const again = await stock.reserveStock({ idempotencyKey: 'so-1/line-1', productId: product.id, qty: 4 });
    expect(first.status).toBe('reserved');
    expect(again.reserved).toEqual(first.reserved);
    expect((await levels(product.id))[0]!.reserved).toBe(4);
  });

  it('partial reservation reports the shortfall as a back-order; all-or-nothing reserves nothing', async () => {
    const { product, warehouses } = await freshFixture();
    const stock = createStockActivities({ db: t.db, clock: () => new Date() });
    await stock.moveStock({ idempotencyKey: 'p-in', productId: product.id, warehouseId: warehouses[0]!.id, type: 'in', qty: 7 });
    const none = await stock.reserveStock({ idempotencyKey: 'p-1', productId: product.id, qty: 10 });
    expect(none).toMatchObject({ status: 'insufficient', reserved: [], shortfall: 3, available: 7 });
    expect((await levels(product.id))[0]!.reserved).toBe(0);
    const part = await stock.reserveStock({ idempotencyKey: 'p-2', productId: product.id, qty: 10, allowPartial: true });
    expect(part).toMatchObject({ status: 'partial', shortfall: 3 });
    expect(part.reserved).toEqual([{ warehouseId: warehouses[0]!.id, qty: 7 }]);
    expect(part.message.zh).toContain('缺货 3');
  });

  it('release is the undo: reserved stock comes back once, however often it is called', async () => {
    const { product, warehouses } = await freshFixture();
    const stock = createStockActivities({ db: t.db, clock: () => new Date() });
    await stock.moveStock({ idempotencyKey: 'r-in', productId: product.id, warehouseId: warehouses[0]!.id, type: 'in', qty: 20 });
    await stock.reserveStock({ idempotencyKey: 'r-1', productId: product.id, qty: 15 });
    expect(await stock.releaseStock({ idempotencyKey: 'r-1' })).toEqual({ released: 15 });
    expect(await stock.releaseStock({ idempotencyKey: 'r-1' })).toEqual({ released: 0 });
    expect((await levels(product.id))[0]!.reserved).toBe(0);
    expect(await ledgerDiscrepancies(t.db)).toEqual([]);
  });

  it('a stock move may not take on hand below what is reserved, and is written once per key', async () => {
    const { product, warehouses } = await freshFixture();
    const stock = createStockActivities({ db: t.db, clock: () => new Date() });
    const wh = warehouses[0]!.id;
    await stock.moveStock({ idempotencyKey: 'm-in', productId: product.id, warehouseId: wh, type: 'in', qty: 10 });
    await stock.moveStock({ idempotencyKey: 'm-in', productId: product.id, warehouseId: wh, type: 'in', qty: 10 });
    await stock.reserveStock({ idempotencyKey: 'm-r', productId: product.id, qty: 8 });
    const refused = await stock.moveStock({ idempotencyKey: 'm-out', productId: product.id, warehouseId: wh, type: 'adjust', qty: -3 });
    expect(refused.ok).toBe(false);
    expect(refused.message?.zh).toContain('库存不足');
    const fine = await stock.moveStock({ idempotencyKey: 'm-out2', productId: product.id, warehouseId: wh, type: 'adjust', qty: -2 });
    expect(fine).toEqual({ ok: true, onHand: 8 });
    expect(await ledgerDiscrepancies(t.db)).toEqual([]);
  });

  it('rejects a non-positive or fractional quantity before touching the database', async () => {
    const stock = createStockActivities({ db: t.db, clock: () => new Date() });
    await expect(stock.reserveStock({ idempotencyKey: 'bad', productId: 1, qty: 0 })).rejects.toThrow(/正整数/);
    await expect(stock.reserveStock({ idempotencyKey: 'bad', productId: 1, qty: 1.5 })).rejects.toThrow(/positive integer/);
  });

  let fixtureNo = 0;
  async function freshFixture() {
    const { Product, Warehouse } = t.db.models;
    fixtureNo++;
    const product = await Product.create({
      sku: `F${fixtureNo}`,
      name: `夹具${fixtureNo}`,
      spec: null,
      unit: '个',
      category: '测试',
      standardCostFen: 100,
      listPriceFen: 200,
      vatRateBp: 1300,
      safetyStock: 0,
      leadTimeDays: 3,
      makeOrBuy: 'buy',
    });
    const wh = await Warehouse.create({ code: `F${fixtureNo}`, name: `测试仓${fixtureNo}` });
    return { product, warehouses: [wh] };
  }
});
