import { Op, QueryTypes, type Transaction } from 'sequelize';
import { allocateFromWarehouses } from '../domain/atp';
import type { Db } from '../models/db';
import type { ActivityDeps } from './deps';

/**
 * Stock activities: reserve (and its undo, release) and the ledgered stock moves.
 * Every write is one transaction guarded by a conditional UPDATE (on_hand − reserved ≥ qty),
 * so concurrent callers can never oversell, on SQLite or PostgreSQL. Each call carries an
 * idempotency key: a retried activity returns what the first attempt did.
 */

export interface ReserveInput {
  idempotencyKey: string;
  productId: number;
  qty: number;
  /** restrict to one warehouse; otherwise the plan takes from the warehouses with most available */
  warehouseId?: number;
  /** reserve what is there and report the rest as shortfall (a back-order), instead of nothing */
  allowPartial?: boolean;
  salesOrderId?: number | null;
  salesOrderLineId?: number | null;
}

export interface ReserveResult {
  status: 'reserved' | 'partial' | 'insufficient';
  reserved: { warehouseId: number; qty: number }[];
  shortfall: number;
  /** units available (on hand − reserved) when the attempt was made */
  available: number;
  message: { zh: string; en: string };
}

class LostRace extends Error {}

const MAX_ATTEMPTS = 5;

export function createStockActivities({ db, clock }: Pick<ActivityDeps, 'db' | 'clock'>) {
  const { Reservation, StockLevel, StockMove } = db.models;

  async function existingReservation(key: string, t?: Transaction) {
    return Reservation.findAll({ where: { idempotencyKey: { [Op.startsWith]: `${key}#` } }, transaction: t, order: [['id', 'ASC']] });
  }

  /** Takes `qty` from one stock level unless that would make available negative; false when it would. */
  async function takeFromLevel(productId: number, warehouseId: number, qty: number, t: Transaction): Promise<boolean> {
    const rows = await db.sequelize.query(
      `UPDATE stock_levels SET reserved = reserved + :qty, updated_at = :now
       WHERE product_id = :productId AND warehouse_id = :warehouseId AND on_hand - reserved >= :qty
       RETURNING id`,
      { replacements: { qty, productId, warehouseId, now: clock() }, type: QueryTypes.SELECT, transaction: t },
    );
    return rows.length === 1;
  }

  async function reserveOnce(input: ReserveInput): Promise<ReserveResult> {
    return db.writeTx(async (t) => {
      const done = await existingReservation(input.idempotencyKey, t);
      if (done.length > 0)
        return replayed(
          done.map((r) => ({ warehouseId: r.warehouseId, qty: r.qty })),
          input.qty,
        );
      const levels = await StockLevel.findAll({
        where: { productId: input.productId, ...(input.warehouseId ? { warehouseId: input.warehouseId } : {}) },
        transaction: t,
      });
      const warehouses = levels.map((l) => ({ warehouseId: l.warehouseId, onHand: l.onHand, reserved: l.reserved }));
      const available = warehouses.reduce((s, w) => s + Math.max(0, w.onHand - w.reserved), 0);
      const plan = allocateFromWarehouses(input.qty, warehouses);
      if (plan.shortfall > 0 && !input.allowPartial) return insufficient(available, input.qty);
      if (plan.allocations.length === 0) return insufficient(available, input.qty);
      for (const a of plan.allocations) {
        if (!(await takeFromLevel(input.productId, a.warehouseId, a.qty, t))) throw new LostRace();
        await Reservation.create(
          {
            productId: input.productId,
            warehouseId: a.warehouseId,
            qty: a.qty,
            salesOrderId: input.salesOrderId ?? null,
            salesOrderLineId: input.salesOrderLineId ?? null,
            idempotencyKey: `${input.idempotencyKey}#${a.warehouseId}`,
          },
          { transaction: t },
        );
      }
      const reserved = plan.allocations.map((a) => ({ warehouseId: a.warehouseId, qty: a.qty }));
      return result(plan.shortfall > 0 ? 'partial' : 'reserved', reserved, plan.shortfall, available);
    });
  }

  /** Reserve stock for one product; see ReserveInput. */
  async function reserveStock(input: ReserveInput): Promise<ReserveResult> {
    if (!Number.isInteger(input.qty) || input.qty <= 0) throw new Error(`数量必须是正整数 qty must be a positive integer: ${input.qty}`);
    for (let attempt = 1; ; attempt++) {
      try {
        return await reserveOnce(input);
      } catch (e) {
        // Another transaction took the stock between our read and our update (PostgreSQL):
        // the transaction rolled back whole, so simply plan again from fresh numbers.
        if (!(e instanceof LostRace) || attempt >= MAX_ATTEMPTS) throw e;
      }
    }
  }

  /** Undo of reserveStock: releases every still-active reservation made under the key. */
  async function releaseStock({ idempotencyKey }: { idempotencyKey: string }): Promise<{ released: number }> {
    return db.writeTx(async (t) => {
      let released = 0;
      for (const r of await existingReservation(idempotencyKey, t)) {
        const [n] = await Reservation.update({ status: 'released' }, { where: { id: r.id, status: 'active' }, transaction: t });
        if (n === 0) continue;
        await db.sequelize.query(
          'UPDATE stock_levels SET reserved = reserved - :qty, updated_at = :now WHERE product_id = :productId AND warehouse_id = :warehouseId',
          { replacements: { qty: r.qty, productId: r.productId, warehouseId: r.warehouseId, now: clock() }, transaction: t },
        );
        released += r.qty;
      }
      return { released };
    });
  }

  /**
   * A ledgered change of on-hand stock (goods in, adjustment, customer return, goods out).
   * Refuses to take on hand below what is reserved.
   */
  async function moveStock(input: {
    idempotencyKey: string;
    productId: number;
    warehouseId: number;
    type: 'in' | 'out' | 'adjust' | 'return';
    qty: number;
    reason?: string;
    refType?: string;
    refId?: number;
    userId?: number;
  }): Promise<{ ok: boolean; onHand: number; message?: { zh: string; en: string } }> {
    if (!Number.isInteger(input.qty) || input.qty === 0) throw new Error(`数量必须是非零整数 qty must be a non-zero integer: ${input.qty}`);
    return db.writeTx(async (t) => {
      const prior = await StockMove.findOne({ where: { idempotencyKey: input.idempotencyKey }, transaction: t });
      const level =
        (await StockLevel.findOne({ where: { productId: input.productId, warehouseId: input.warehouseId }, transaction: t })) ??
        (await StockLevel.create({ productId: input.productId, warehouseId: input.warehouseId, onHand: 0 }, { transaction: t }));
      if (prior) return { ok: true, onHand: level.onHand };
      const rows = await db.sequelize.query(
        `UPDATE stock_levels SET on_hand = on_hand + :qty, updated_at = :now
         WHERE id = :id AND on_hand + :qty >= reserved RETURNING on_hand AS "onHand"`,
        { replacements: { qty: input.qty, id: level.id, now: clock() }, type: QueryTypes.SELECT, transaction: t },
      );
      const row = rows[0] as { onHand: number } | undefined;
      if (!row) {
        const available = level.onHand - level.reserved;
        return {
          ok: false,
          onHand: level.onHand,
          message: {
            zh: `库存不足：可用 ${available}，需要 ${-input.qty}`,
            en: `insufficient stock: ${available} available, ${-input.qty} needed`,
          },
        };
      }
      await StockMove.create(
        {
          productId: input.productId,
          warehouseId: input.warehouseId,
          type: input.type,
          qty: input.qty,
          reason: input.reason ?? null,
          refType: input.refType ?? null,
          refId: input.refId ?? null,
          userId: input.userId ?? null,
          idempotencyKey: input.idempotencyKey,
          occurredAt: clock(),
        },
        { transaction: t },
      );
      return { ok: true, onHand: Number(row.onHand) };
    });
  }

  return { reserveStock, releaseStock, moveStock };
}

export type StockActivities = ReturnType<typeof createStockActivities>;

/**
 * Rows where the books disagree: on hand ≠ Σ ledger moves, or reserved ≠ Σ active
 * reservations, or available < 0. An empty list means the ledger balances.
 */
export async function ledgerDiscrepancies(db: Db): Promise<Record<string, unknown>[]> {
  return db.sequelize.query(
    `SELECT l.product_id AS "productId", l.warehouse_id AS "warehouseId", l.on_hand AS "onHand", l.reserved,
            COALESCE(m.total, 0) AS "ledger", COALESCE(r.total, 0) AS "activeReservations"
     FROM stock_levels l
     LEFT JOIN (SELECT product_id, warehouse_id, CAST(SUM(qty) AS BIGINT) AS total FROM stock_moves GROUP BY product_id, warehouse_id) m
       ON m.product_id = l.product_id AND m.warehouse_id = l.warehouse_id
     LEFT JOIN (SELECT product_id, warehouse_id, CAST(SUM(qty) AS BIGINT) AS total FROM reservations WHERE status = 'active' GROUP BY product_id, warehouse_id) r
       ON r.product_id = l.product_id AND r.warehouse_id = l.warehouse_id
     WHERE l.on_hand <> COALESCE(m.total, 0) OR l.reserved <> COALESCE(r.total, 0) OR l.reserved > l.on_hand OR l.reserved < 0`,
    { type: QueryTypes.SELECT },
  );
}

function result(status: ReserveResult['status'], reserved: ReserveResult['reserved'], shortfall: number, available: number): ReserveResult {
  const total = reserved.reduce((s, r) => s + r.qty, 0);
  const message =
    status === 'reserved'
      ? { zh: `已锁定 ${total}`, en: `reserved ${total}` }
      : { zh: `已锁定 ${total}，缺货 ${shortfall}（转为欠货）`, en: `reserved ${total}, ${shortfall} short (back-ordered)` };
  return { status, reserved, shortfall, available, message };
}

function replayed(reserved: ReserveResult['reserved'], requested: number): ReserveResult {
  const total = reserved.reduce((s, r) => s + r.qty, 0);
  return result(total >= requested ? 'reserved' : 'partial', reserved, Math.max(0, requested - total), total);
}

function insufficient(available: number, requested: number): ReserveResult {
  return {
    status: 'insufficient',
    reserved: [],
    shortfall: requested - Math.min(available, requested),
    available,
    message: {
      zh: `库存不足：可用 ${available}，需要 ${requested}`,
      en: `insufficient stock: ${available} available, ${requested} requested`,
    },
  };
}
