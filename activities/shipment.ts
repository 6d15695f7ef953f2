import { Op, QueryTypes, type Transaction } from 'sequelize';
import { addDays, businessDay } from '../domain/calendar';
import { dueAt, dunningSchedule } from '../domain/dunning';
import { formatFen, mulDivHalfUp } from '../domain/money';
import { may } from '../domain/permissions';
import { scopedKey } from '../models/idempotency-key';
import { nextDocumentNumber } from '../models/sequence';
import { principalOf } from '../models/user-directory';
import type { ShipmentOutcome } from '../workflows/activity-contract';
import type { Bilingual, ShipInput } from '../workflows/messages';
import { receivableCollectionId } from '../workflows/messages';
import type { ActivityDeps } from './deps';
import { shipmentInputProblem } from './shipment-input';

class Refused extends Error {
  constructor(readonly msg: Bilingual) {
    super(msg.en);
  }
}

/**
 * A shipment, in one transaction: the goods leave stock (reserved units first, then any
 * back-ordered units that are on hand now), the lines count them, the order's state moves,
 * and one receivable is raised for the shipped value, due after the customer's terms. A
 * line's value is billed cumulatively (value of all shipped so far − already billed), so
 * partial shipments always add up to the order total to the fen.
 */
export function createShipmentActivities({ db, config, clock, notify }: ActivityDeps) {
  const { SalesOrder, SalesOrderLine, Product, Reservation, Shipment, ShipmentLine, StockMove, Receivable } = db.models;

  async function takeStock(
    t: Transaction,
    ctx: { orderId: number; lineId: number; productId: number; qty: number; key: string; userId: number; shipmentId: number },
  ) {
    let left = ctx.qty;
    const moves: { warehouseId: number; qty: number }[] = [];
    const active = await Reservation.findAll({
      where: { salesOrderLineId: ctx.lineId, status: 'active' },
      order: [['id', 'ASC']],
      transaction: t,
    });
    for (const r of active) {
      if (left === 0) break;
      const take = Math.min(left, r.qty);
      await db.sequelize.query(
        'UPDATE stock_levels SET on_hand = on_hand - :q, reserved = reserved - :q, updated_at = :now WHERE product_id = :p AND warehouse_id = :w',
        { replacements: { q: take, p: ctx.productId, w: r.warehouseId, now: clock() }, transaction: t },
      );
      if (take === r.qty) await Reservation.update({ status: 'consumed' }, { where: { id: r.id }, transaction: t });
      else {
        await Reservation.update({ qty: r.qty - take }, { where: { id: r.id }, transaction: t });
        await Reservation.create(
          {
            productId: ctx.productId,
            warehouseId: r.warehouseId,
            qty: take,
            status: 'consumed',
            salesOrderId: ctx.orderId,
            salesOrderLineId: ctx.lineId,
            idempotencyKey: `${ctx.key}:r${r.id}`,
          },
          { transaction: t },
        );
      }
      moves.push({ warehouseId: r.warehouseId, qty: take });
      left -= take;
    }
    if (left > 0) {
      // back-ordered units: only what is free on hand now, from the warehouse with most of it
      const rows = await db.sequelize.query<{ warehouseId: number }>(
        `UPDATE stock_levels SET on_hand = on_hand - :q, updated_at = :now
         WHERE id = (SELECT id FROM stock_levels WHERE product_id = :p AND on_hand - reserved >= :q ORDER BY on_hand - reserved DESC LIMIT 1)
         RETURNING warehouse_id AS "warehouseId"`,
        { replacements: { q: left, p: ctx.productId, now: clock() }, type: QueryTypes.SELECT, transaction: t },
      );
      if (rows.length !== 1) return { ok: false as const, short: left };
      moves.push({ warehouseId: (rows[0] as { warehouseId: number }).warehouseId, qty: left });
    }
    for (const m of moves)
      await StockMove.create(
        {
          productId: ctx.productId,
          warehouseId: m.warehouseId,
          type: 'out',
          qty: -m.qty,
          reason: 'sales shipment',
          refType: 'shipment',
          refId: ctx.shipmentId,
          userId: ctx.userId,
          idempotencyKey: `${ctx.key}:w${m.warehouseId}`,
          occurredAt: clock(),
        },
        { transaction: t },
      );
    return { ok: true as const, warehouseId: (moves[0] as { warehouseId: number }).warehouseId };
  }

  async function summary(shipmentId: number): Promise<ShipmentOutcome> {
    const s = await Shipment.findByPk(shipmentId);
    const r = await Receivable.findOne({ where: { shipmentId } });
    const lines = await SalesOrderLine.findAll({ where: { salesOrderId: s?.salesOrderId ?? -1 } });
    if (!s || !r) throw new Error(`shipment ${shipmentId} incomplete`);
    return {
      ok: true,
      message: {
        zh: `已登记发货 ${s.number}（${s.carrier} ${s.trackingNo}），应收 ${r.number} ${formatFen(r.amountFen)}，${r.dueDate} 到期`,
        en: `shipment ${s.number} recorded (${s.carrier} ${s.trackingNo}); receivable ${r.number} ${formatFen(r.amountFen)} due ${r.dueDate}`,
      },
      shipmentNumber: s.number,
      receivable: {
        receivableId: r.id,
        number: r.number,
        dueAt: dueAt(r.dueDate),
        rungs: dunningSchedule(r.dueDate, config.reminders.dunningLadder),
        ...(r.status === 'paid' ? { closed: 'paid' as const } : {}),
      },
      allShipped: lines.every((l) => l.shippedQty >= l.qty),
    };
  }

  async function recordShipment(input: ShipInput & { orderId: number }): Promise<ShipmentOutcome> {
    const key = scopedKey('ship', `so${input.orderId}`, input.requestId);
    const prior = await Shipment.findOne({ where: { idempotencyKey: key } });
    if (prior) return summary(prior.id);
    // bad input is answered, never retried: a retry would hold the flow's lock for nothing
    const problem = shipmentInputProblem(input);
    if (problem) return { ok: false, message: problem };
    const order = await SalesOrder.findByPk(input.orderId);
    if (!order) throw new Error(`order ${input.orderId} not found`);
    // the bot asked already; this holds for any other way in
    const by = await principalOf(db, input.userId);
    if (!by || !may(by, 'shipment.record', order))
      return { ok: false, message: { zh: '您无权登记该订单的发货', en: 'You may not record a shipment of this order' } };
    // the order's products are read before the write lock is taken: a line never changes product
    const ordered = await SalesOrderLine.findAll({ where: { salesOrderId: order.id }, attributes: ['productId'] });
    const products = await Product.findAll({ where: { id: { [Op.in]: ordered.map((l) => l.productId) } } });
    try {
      const shipmentId = await db.writeTx(async (t) => {
        // an attempt that timed out may have committed while this one waited for the lock
        const done = await Shipment.findOne({ where: { idempotencyKey: key }, attributes: ['id'], transaction: t });
        if (done) return done.id;
        const now = await SalesOrder.findByPk(order.id, { attributes: ['status'], transaction: t });
        if (!now || !['to_ship', 'partially_shipped'].includes(now.status))
          throw new Refused({ zh: `订单 ${order.number} 当前不能发货`, en: `order ${order.number} cannot ship now` });
        const lines = await SalesOrderLine.findAll({ where: { salesOrderId: order.id }, order: [['lineNo', 'ASC']], transaction: t });
        const wanted = input.lines.map((w) => {
          const p = products.find((x) => x.sku.toUpperCase() === w.sku.toUpperCase());
          const line = p && lines.find((l) => l.productId === p.id);
          if (!p || !line) throw new Refused({ zh: `订单 ${order.number} 没有 ${w.sku}`, en: `order ${order.number} has no ${w.sku}` });
          const open = line.qty - line.shippedQty;
          if (w.qty > open)
            throw new Refused({
              zh: `${w.sku} 最多还能发 ${open}（订购 ${line.qty}，已发 ${line.shippedQty}）`,
              en: `${w.sku}: at most ${open} left to ship`,
            });
          return { p, line, qty: w.qty };
        });
        const first = wanted[0] as (typeof wanted)[number];
        const firstHome =
          (await Reservation.findOne({ where: { salesOrderLineId: first.line.id, status: 'active' }, transaction: t }))?.warehouseId ??
          (await db.models.StockLevel.findOne({ where: { productId: first.p.id }, order: [['onHand', 'DESC']], transaction: t }))
            ?.warehouseId;
        if (!firstHome) throw new Refused({ zh: `${first.p.sku} 没有任何仓库库存`, en: `${first.p.sku} is stocked nowhere` });
        const today = businessDay(clock());
        const shipment = await Shipment.create(
          {
            number: await nextDocumentNumber(db, 'SH', today.replace(/-/g, ''), { transaction: t }),
            salesOrderId: order.id,
            warehouseId: firstHome,
            carrier: input.carrier,
            trackingNo: input.trackingNo,
            shippedAt: clock(),
            deliveredAt: null,
            shippedByUserId: input.userId,
            idempotencyKey: key,
          },
          { transaction: t },
        );
        let amountFen = 0;
        let warehouseId: number | null = null;
        for (const w of wanted) {
          const took = await takeStock(t, {
            orderId: order.id,
            lineId: w.line.id,
            productId: w.p.id,
            qty: w.qty,
            key: `${key}:${w.line.id}`,
            userId: input.userId,
            shipmentId: shipment.id,
          });
          if (!took.ok)
            throw new Refused({ zh: `${w.p.sku} 库存不足，还差 ${took.short}`, en: `${w.p.sku}: ${took.short} short in stock` });
          warehouseId ??= took.warehouseId;
          const gross = w.line.netFen + w.line.taxFen;
          const billedBefore = mulDivHalfUp(gross, w.line.shippedQty, w.line.qty);
          const billedAfter = mulDivHalfUp(gross, w.line.shippedQty + w.qty, w.line.qty);
          amountFen += billedAfter - billedBefore;
          const reservedLeft = Number(
            (await Reservation.sum('qty', { where: { salesOrderLineId: w.line.id, status: 'active' }, transaction: t })) || 0,
          );
          const shipped = w.line.shippedQty + w.qty;
          await SalesOrderLine.update(
            { shippedQty: shipped, backorderQty: Math.max(0, w.line.qty - shipped - reservedLeft) },
            { where: { id: w.line.id }, transaction: t },
          );
          await ShipmentLine.create(
            { shipmentId: shipment.id, salesOrderLineId: w.line.id, productId: w.p.id, qty: w.qty },
            { transaction: t },
          );
          w.line.shippedQty = shipped;
        }
        await Shipment.update({ warehouseId: warehouseId as number }, { where: { id: shipment.id }, transaction: t });
        const allShipped = lines.every((l) => l.shippedQty >= l.qty);
        await SalesOrder.update({ status: allShipped ? 'shipped' : 'partially_shipped' }, { where: { id: order.id }, transaction: t });
        const number = await nextDocumentNumber(db, 'AR', today.replace(/-/g, ''), { transaction: t });
        const dueDate = addDays(today, order.paymentTermsDays);
        await Receivable.create(
          {
            number,
            customerId: order.customerId,
            salesOrderId: order.id,
            shipmentId: shipment.id,
            ownerUserId: order.ownerUserId,
            amountFen,
            // nothing to collect (a free line, or a part shipment worth less than a fen): born
            // closed, so the order can complete and no dunning waits on 0 open fen
            ...(amountFen === 0 ? { status: 'paid' as const } : {}),
            issuedDate: today,
            dueDate,
            workflowId: receivableCollectionId(number),
          },
          { transaction: t },
        );
        await notify.emit(
          [
            { type: 'shipment.recorded', shipmentId: shipment.id, to: [order.ownerUserId] },
            { type: 'shipping_notice.changed', orderId: order.id, change: `shipment:${shipment.id}` },
          ],
          { transaction: t },
        );
        return shipment.id;
      });
      return summary(shipmentId);
    } catch (e) {
      if (e instanceof Refused) return { ok: false, message: e.msg };
      throw e;
    }
  }

  return { recordShipment };
}
