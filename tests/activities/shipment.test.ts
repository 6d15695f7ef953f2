import { Op } from 'sequelize';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOrderActivities } from '../../activities/order';
import { createReceivableActivities } from '../../activities/receivable';
import { createShipmentActivities } from '../../activities/shipment';
import { loadConfig } from '../../config';
import { scopedKey } from '../../models/idempotency-key';
import { seedDemoCompany } from '../../models/seed/demo-company';
import { activityDeps } from '../helpers/activity-deps';
import { dbKinds, freshDb, type TestDb } from '../helpers/db';

/**
 * Activities may run twice, and under load the second attempt can start while the first still
 * waits for the write lock (its start-to-close timeout passed): the two must still come to one
 * shipment. And confirmOrder changes the order, its lines and stock in transactions only.
 */
const kinds = await dbKinds();
const config = loadConfig({ env: { CONFIG_FILE: '' } });

describe.each(kinds)('shipment and order activities on %s', (kind) => {
  let t: TestDb;
  let warehouseUserId: number;
  beforeAll(async () => {
    t = await freshDb(kind);
    await seedDemoCompany(t.db);
    warehouseUserId = (await t.db.models.User.findOne({ where: { login: 'chenjing' } }))!.id;
  });
  afterAll(async () => t?.drop());

  /** An order of the demo company waiting to ship, with a reserved line and its SKU. */
  async function orderToShip() {
    const { SalesOrder, SalesOrderLine, Reservation, Product } = t.db.models;
    for (const order of await SalesOrder.findAll({ where: { status: 'to_ship' }, order: [['id', 'ASC']] })) {
      for (const line of await SalesOrderLine.findAll({ where: { salesOrderId: order.id }, order: [['lineNo', 'ASC']] })) {
        const reserved = await Reservation.sum('qty', { where: { salesOrderLineId: line.id, status: 'active' } });
        if (line.qty - line.shippedQty >= 2 && Number(reserved) >= 2) {
          const product = (await Product.findByPk(line.productId))!;
          return { order, line, sku: product.sku };
        }
      }
    }
    throw new Error('the demo company has no order to ship');
  }

  it.each([
    [
      'the same SKU twice',
      (sku: string) => ({
        lines: [
          { sku, qty: 1 },
          { sku: sku.toLowerCase(), qty: 1 },
        ],
        carrier: '顺丰',
        trackingNo: 'SF1000000101',
      }),
      '写了 2 次，请合并为一行',
    ],
    [
      'a carrier longer than its column',
      (sku: string) => ({ lines: [{ sku, qty: 1 }], carrier: '顺'.repeat(33), trackingNo: 'SF1000000102' }),
      '承运商名称应为 1–32 个字',
    ],
    [
      'a tracking number longer than its column',
      (sku: string) => ({ lines: [{ sku, qty: 1 }], carrier: '顺丰', trackingNo: 'S'.repeat(65) }),
      '运单号应为 1–64 个字符',
    ],
  ])('%s is answered, not retried, and nothing is written', async (_what, make, said) => {
    const { Shipment, SalesOrderLine, StockMove, Receivable } = t.db.models;
    const { order, line, sku } = await orderToShip();
    const { recordShipment } = createShipmentActivities(activityDeps(t.db, config));
    const before = { shipments: await Shipment.count(), moves: await StockMove.count(), receivables: await Receivable.count() };
    const res = await recordShipment({ orderId: order.id, userId: warehouseUserId, requestId: `bad-${said}`, ...make(sku) });
    expect(res.ok).toBe(false);
    expect(res.message.zh).toContain(said);
    expect({ shipments: await Shipment.count(), moves: await StockMove.count(), receivables: await Receivable.count() }).toEqual(before);
    expect((await SalesOrderLine.findByPk(line.id))!.shippedQty).toBe(line.shippedQty);
  });

  it('two attempts of one shipment at once record it once', async () => {
    const { Shipment, SalesOrderLine } = t.db.models;
    const { order, line, sku } = await orderToShip();
    const { recordShipment } = createShipmentActivities(activityDeps(t.db, config));
    const input = {
      orderId: order.id,
      userId: warehouseUserId,
      lines: [{ sku, qty: 1 }],
      carrier: '顺丰',
      trackingNo: 'SF1000000001',
      requestId: 'message-1',
    };
    const [a, b] = await Promise.allSettled([recordShipment(input), recordShipment(input)]);
    expect(
      await Shipment.count({ where: { salesOrderId: order.id, idempotencyKey: scopedKey('ship', `so${order.id}`, 'message-1') } }),
    ).toBe(1);
    expect((await SalesOrderLine.findByPk(line.id))!.shippedQty).toBe(line.shippedQty + 1);
    const answered = [a, b].flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
    expect(answered[0]).toMatchObject({ ok: true });
    for (const r of answered) expect(r).toEqual(answered[0]);
    // SQLite's write lock queues the second attempt behind the first, which it then finds;
    // PostgreSQL's unique key may refuse it instead, and its retry finds the shipment
    if (kind === 'sqlite') expect(answered).toHaveLength(2);
    else expect(await recordShipment(input)).toEqual(answered[0]);
  });

  it('confirming an order changes the books only inside transactions', async () => {
    const { SalesOrder, SalesOrderLine } = t.db.models;
    const order = await SalesOrder.findOne({ where: { status: { [Op.in]: ['draft', 'pending_approval'] } }, order: [['id', 'ASC']] });
    const written: string[] = [];
    const { sequelize } = t.db;
    const options = (sequelize as unknown as { options: { logging?: unknown } }).options;
    const before = options.logging;
    options.logging = (sql: string) => {
      // a push (one INSERT into the outbox) may stand alone; the order, its lines, stock and
      // the quote change together or not at all
      if (/^Executing \(default\): (INSERT|UPDATE|DELETE|REPLACE)/i.test(sql) && !/outbox_messages/.test(sql)) written.push(sql);
    };
    try {
      await createOrderActivities(activityDeps(t.db, config)).confirmOrder({ orderId: order!.id });
    } finally {
      options.logging = before;
    }
    expect(written).toEqual([]);
    expect((await SalesOrder.findByPk(order!.id))!.status).toBe('to_ship');
    const lines = await SalesOrderLine.findAll({ where: { salesOrderId: order!.id } });
    expect(lines.length).toBeGreaterThan(0);
  });
  it('a shipment worth 0 fen raises a receivable born paid: its flow ends at once and the order can complete', async () => {
    const { SalesOrderLine, Receivable } = t.db.models;
    const { order, line, sku } = await orderToShip();
    // a free line (a sample): nothing to bill for what ships of it
    await SalesOrderLine.update({ netFen: 0, taxFen: 0 }, { where: { id: line.id } });
    const deps = activityDeps(t.db, config);
    const res = await createShipmentActivities(deps).recordShipment({
      orderId: order.id,
      userId: warehouseUserId,
      lines: [{ sku, qty: line.qty - line.shippedQty }],
      carrier: '顺丰',
      trackingNo: 'SF1000000009',
      requestId: 'zero-fen',
    });
    expect(res.ok).toBe(true);
    if (!res.ok) return;
    const rec = (await Receivable.findByPk(res.receivable.receivableId))!;
    expect([rec.amountFen, rec.status]).toEqual([0, 'paid']);
    expect(res.receivable.closed).toBe('paid');
    expect(await createReceivableActivities(deps).receivableStatus({ receivableId: rec.id })).toEqual({ closed: 'paid', openFen: 0 });
    const settled = await createOrderActivities(deps).orderSettlement({ orderId: order.id });
    const others = await Receivable.count({ where: { salesOrderId: order.id, status: ['open', 'partially_paid'] } });
    expect(settled.allPaid).toBe(others === 0);
  });

  it('a 0-fen receivable left open by an older release counts as paid: no dunning, the order is not held back', async () => {
    const { Receivable } = t.db.models;
    const { order } = await orderToShip();
    const open = await Receivable.findAll({ where: { salesOrderId: order.id } });
    for (const r of open) await r.update({ status: 'paid', paidFen: r.amountFen });
    const legacy = await Receivable.create({
      number: `AR-LEGACY-${kind}`,
      customerId: order.customerId,
      salesOrderId: order.id,
      shipmentId: null,
      ownerUserId: order.ownerUserId,
      amountFen: 0,
      issuedDate: '2026-01-05',
      dueDate: '2026-02-04',
      workflowId: null,
    });
    const deps = activityDeps(t.db, config);
    expect(await createReceivableActivities(deps).receivableStatus({ receivableId: legacy.id })).toEqual({ closed: 'paid', openFen: 0 });
    const rung = { at: 0, daysOverdue: 1, notify: ['rep'] };
    expect(await createReceivableActivities(deps).dunningNotice({ receivableId: legacy.id, rung })).toEqual({
      closed: 'paid',
      notified: [],
    });
    expect((await createOrderActivities(deps).orderSettlement({ orderId: order.id })).allPaid).toBe(true);
  });
});
