import { Op } from 'sequelize';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOrderActivities } from '../../activities/order';
import { createStockActivities, ledgerDiscrepancies } from '../../activities/stock';
import type { Reply } from '../../bot/cards/card';
import { handleText } from '../../bot/dispatch';
import { loadConfig } from '../../config';
import { activityDeps } from '../helpers/activity-deps';
import { dbKinds, freshDb, type TestDb } from '../helpers/db';
import { stockFixture } from '../helpers/stock-fixture';

/**
 * Issue 11 item 6: 200 reps quote one SKU at once and submit, with 100 units available. Each
 * rep types the quote into the chat (bot/dispatch, as the console does) and the order is
 * opened and confirmed by the activities the quote-to-cash flow runs (openOrder →
 * confirmOrder), all 200 at the same time. At most 100 units are reserved (exactly 100 here,
 * as the demand is larger), every unit short is back-ordered on its line and told to the rep,
 * and the stock ledger balances.
 */
const kinds = await dbKinds();
const config = loadConfig({ env: { CONFIG_FILE: '' } });
const REPS = 200;
const ON_HAND = 100;
/** 1, 2 or 3 units each: 400 wanted in all, so some orders are partly reserved */
const qtyOf = (i: number) => (i % 3) + 1;

describe.each(kinds)('200 reps order one SKU with 100 units at once on %s', (kind) => {
  let t: TestDb;
  beforeAll(async () => {
    t = await freshDb(kind);
  });
  afterAll(async () => t?.drop());

  /** a warehouse user (the notice's recipient), the SKU with 100 units, 200 reps with a customer each */
  async function fixture() {
    const { Role, User, Customer } = t.db.models;
    const { product, warehouses } = await stockFixture(t.db);
    await createStockActivities({ db: t.db, clock: () => new Date() }).moveStock({
      idempotencyKey: 'goods-in',
      productId: product.id,
      warehouseId: (warehouses[0] as (typeof warehouses)[number]).id,
      type: 'in',
      qty: ON_HAND,
    });
    await Role.create({ code: 'rep', nameZh: '销售代表', nameEn: 'Sales rep', dataScope: 'own', canSeeCost: false });
    const n = (i: number) => String(i + 1).padStart(3, '0');
    const reps = await User.bulkCreate(
      Array.from({ length: REPS }, (_, i) => ({
        login: `rep${n(i)}`,
        name: `销售${n(i)}`,
        roleCode: 'rep' as const,
        teamId: null,
        mobile: null,
        email: null,
        employeeNo: null,
      })),
      { returning: true },
    );
    await Customer.bulkCreate(
      reps.map((r, i) => ({
        code: `K${n(i)}`,
        name: `并发客户${n(i)}`,
        grade: 'C' as const,
        creditLimitFen: 10_000_000,
        paymentTermsDays: 30,
        ownerUserId: r.id,
        teamId: null,
        region: null,
      })),
    );
    return { product, reps };
  }

  const quoteIdOf = (replies: Reply[]) => {
    const card = replies.find((r): r is Extract<Reply, { kind: 'card' }> => r.kind === 'card' && r.card.id.startsWith('quote:'));
    if (!card) throw new Error(`no quote card in ${JSON.stringify(replies)}`);
    return Number(card.card.id.slice('quote:'.length));
  };

  it('at most 100 reserved, the rest back-ordered, each order told, the ledger balanced', async () => {
    const { product, reps } = await fixture();
    const { openOrder, confirmOrder } = createOrderActivities(activityDeps(t.db, config));
    const bot = { db: t.db, config, now: () => new Date() };

    const outcomes = await Promise.all(
      reps.map(async (rep, i) => {
        const k = String(i + 1).padStart(3, '0');
        const quoteId = quoteIdOf(await handleText(bot, { userLogin: rep.login, text: `报价 K${k} T100×${qtyOf(i)}`, messageId: `m${k}` }));
        const opened = await openOrder({ quoteId, submittedByUserId: rep.id, workflowId: `q2c-load-${k}` });
        expect(opened.steps).toEqual([]); // a few yuan, no discount: no approval, straight to confirmation
        const confirmed = await confirmOrder({ orderId: opened.orderId });
        return { rep, qty: qtyOf(i), orderId: opened.orderId, orderNumber: opened.orderNumber, confirmed };
      }),
    );

    const { SalesOrder, SalesOrderLine, Reservation, StockLevel, OutboxMessage } = t.db.models;
    const wanted = outcomes.reduce((s, o) => s + o.qty, 0);
    expect(wanted).toBeGreaterThan(ON_HAND);
    expect(new Set(outcomes.map((o) => o.orderNumber)).size).toBe(REPS);
    expect(await SalesOrder.count({ where: { status: 'to_ship' } })).toBe(REPS);

    const level = await StockLevel.findOne({ where: { productId: product.id } });
    expect(level?.onHand).toBe(ON_HAND);
    expect(level?.reserved).toBe(ON_HAND); // never more than is there; all of it, as more is wanted
    const active = await Reservation.findAll({ where: { productId: product.id, status: 'active' } });
    expect(active.reduce((s, r) => s + r.qty, 0)).toBe(ON_HAND);

    // each line: reserved + back-ordered = ordered, and the flow's answer says the same
    const lines = await SalesOrderLine.findAll({ where: { salesOrderId: { [Op.in]: outcomes.map((o) => o.orderId) } } });
    expect(lines).toHaveLength(REPS);
    let backordered = 0;
    for (const o of outcomes) {
      const line = lines.find((l) => l.salesOrderId === o.orderId);
      const reserved = active.filter((r) => r.salesOrderId === o.orderId).reduce((s, r) => s + r.qty, 0);
      expect(reserved + (line?.backorderQty ?? -1), o.orderNumber).toBe(o.qty);
      const short = line?.backorderQty ?? 0;
      expect(o.confirmed.backorders).toEqual(short ? [{ sku: 'T100', qty: short }] : []);
      backordered += short;
    }
    expect(backordered).toBe(wanted - ON_HAND);
    expect(await ledgerDiscrepancies(t.db)).toEqual([]);

    // every rep told once that the order is confirmed, with the shortfall when there is one
    const told = await OutboxMessage.findAll({ where: { dedupeKey: { [Op.startsWith]: 'order.confirmed:' } } });
    expect(told).toHaveLength(REPS);
    for (const o of outcomes) {
      const mine = told.filter((m) => m.recipientUserId === o.rep.id);
      expect(mine).toHaveLength(1);
      const text = ((mine[0]?.payload ?? {}) as { text?: string }).text ?? '';
      const short = o.confirmed.backorders[0]?.qty;
      expect(text).toContain(`订单 ${o.orderNumber} 已确认`);
      if (short) expect(text).toContain(`T100 欠货 ${short}`);
      else expect(text).not.toContain('欠货');
    }
    // and the warehouse one shipping notice per order
    expect(await OutboxMessage.count({ where: { dedupeKey: { [Op.startsWith]: 'shipping_notice.sent:' } } })).toBe(REPS);
  }, 180_000);
});
