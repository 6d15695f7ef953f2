import type { Catalog, ProductInfo, WarehouseCode } from './catalog';
import type { SeedContext } from './context';
import type { Rng } from './random';

/**
 * The stock side of the demo company. Each (product, warehouse) gets its final on-hand figure
 * up front, so that orders can reserve against it as the real ATP would; the generators then
 * record goods out, goods in and returns here, and finish() writes the stock levels and a
 * ledger that adds up: an opening 'in' move (期初入库) of whatever the other moves leave
 * over, so Σ moves = on hand and Σ active reservations = reserved for every level.
 */

interface MoveDraft {
  productId: number;
  warehouseId: number;
  type: 'in' | 'out' | 'return';
  qty: number;
  at: Date;
  reason: string;
  refType: string | null;
  refId: number | null;
  userId: number | null;
}

interface Level {
  productId: number;
  warehouseId: number;
  target: number;
  reserved: number;
  /** Σ of every move except the opening one */
  moved: number;
}

const key = (productId: number, warehouseId: number) => `${productId}:${warehouseId}`;

/** The fixed SKUs' stock, exactly as the README and the tests state it. */
const FIXED_STOCK: Record<string, Partial<Record<WarehouseCode, number>>> = { A100: { SH: 5_000, SZ: 800 }, B200: { SH: 150 } };

export class StockBook {
  /** products whose total on hand ends below their safety stock */
  readonly low = new Set<number>();
  private readonly levels = new Map<string, Level>();
  private readonly moves: MoveDraft[] = [];

  constructor(
    private readonly cat: Catalog,
    rng: Rng,
  ) {
    const codes: WarehouseCode[] = ['SH', 'SZ', 'GZ'];
    for (const p of cat.products) {
      if (p.service) continue;
      const fixed = FIXED_STOCK[p.sku];
      if (fixed) {
        for (const [code, qty] of Object.entries(fixed)) this.open(p, cat.warehouse[code as WarehouseCode], qty);
        if (p.sku === 'B200') this.low.add(p.id);
        continue;
      }
      const isLow = rng.chance(0.13);
      if (isLow) this.low.add(p.id);
      const where = codes.filter((c) => c === 'SH' || rng.chance(c === 'SZ' ? 0.6 : 0.7));
      const granule = p.safetyStock >= 1_000 ? 100 : p.safetyStock >= 100 ? 10 : 1;
      // low items hold 0–70 % of their safety stock in total; the rest 1.3–5 times it
      const totalBp = isLow ? rng.int(0, 7_000) : rng.int(13_000, 50_000);
      const total = Math.floor((p.safetyStock * totalBp) / 10_000 / granule) * granule;
      const weights: Record<WarehouseCode, number> = { SH: 5, SZ: 2, GZ: 3 };
      const sum = where.reduce((s, c) => s + weights[c], 0);
      for (const c of where) this.open(p, cat.warehouse[c], Math.floor((total * weights[c]) / sum / granule) * granule);
    }
  }

  private open(p: ProductInfo, warehouseId: number, target: number): void {
    this.levels.set(key(p.id, warehouseId), { productId: p.id, warehouseId, target, reserved: 0, moved: 0 });
  }

  has(productId: number, warehouseId: number): boolean {
    return this.levels.has(key(productId, warehouseId));
  }

  onHand(productId: number, warehouseId: number): number {
    return this.levels.get(key(productId, warehouseId))?.target ?? 0;
  }

  available(productId: number, warehouseId: number): number {
    const l = this.levels.get(key(productId, warehouseId));
    return l ? l.target - l.reserved : 0;
  }

  /** the most that may still come in without the opening balance turning negative */
  headroom(productId: number, warehouseId: number): number {
    const l = this.levels.get(key(productId, warehouseId));
    return l ? l.target - l.moved : 0;
  }

  /** Records a move other than the opening balance; `qty` is signed (out is negative). */
  move(m: Omit<MoveDraft, 'at'> & { at: Date }): void {
    if (m.qty === 0) return;
    const l = this.levels.get(key(m.productId, m.warehouseId));
    if (!l) throw new Error(`no stock level for product ${m.productId} in warehouse ${m.warehouseId}`);
    l.moved += m.qty;
    this.moves.push(m);
  }

  /** An active reservation for an order line; refuses to reserve beyond what is available. */
  reserve(
    ctx: SeedContext,
    r: { productId: number; warehouseId: number; qty: number; orderId: number; lineId: number; orderNo: string; lineNo: number },
  ) {
    const l = this.levels.get(key(r.productId, r.warehouseId));
    if (!l || l.target - l.reserved < r.qty) throw new Error(`cannot reserve ${r.qty} of product ${r.productId}`);
    l.reserved += r.qty;
    ctx.plan.add('Reservation', {
      productId: r.productId,
      warehouseId: r.warehouseId,
      qty: r.qty,
      status: 'active',
      salesOrderId: r.orderId,
      salesOrderLineId: r.lineId,
      // the same shape the reservation activity gives its keys: <key>#<warehouse id>
      idempotencyKey: `seed:${r.orderNo}:${r.lineNo}#${r.warehouseId}`,
    });
  }

  /** Writes stock levels and the ledger: the opening balances first, then every move in time order. */
  finish(ctx: SeedContext, openingDay: number, userId: number): void {
    const openingAt = ctx.cal.at(openingDay, 8);
    for (const l of this.levels.values()) {
      ctx.plan.add('StockLevel', {
        productId: l.productId,
        warehouseId: l.warehouseId,
        onHand: l.target,
        reserved: l.reserved,
        createdAt: openingAt,
      });
      const opening = l.target - l.moved;
      if (opening < 0) throw new Error(`the ledger of product ${l.productId} would open negative`);
      if (opening === 0) continue;
      ctx.plan.add('StockMove', {
        productId: l.productId,
        warehouseId: l.warehouseId,
        type: 'in',
        qty: opening,
        reason: '期初入库',
        refType: null,
        refId: null,
        userId,
        idempotencyKey: null,
        occurredAt: openingAt,
        createdAt: openingAt,
      });
    }
    const ordered = this.moves.map((m, i) => ({ m, i })).sort((a, b) => a.m.at.getTime() - b.m.at.getTime() || a.i - b.i);
    for (const { m } of ordered) {
      const { at, ...rest } = m;
      ctx.plan.add('StockMove', { ...rest, idempotencyKey: null, occurredAt: at, createdAt: at });
    }
  }

  /** for the purchasing generator: every level of a product */
  levelsOf(productId: number): { warehouseId: number; onHand: number }[] {
    return [...this.levels.values()]
      .filter((l) => l.productId === productId)
      .map((l) => ({ warehouseId: l.warehouseId, onHand: l.target }));
  }

  product(id: number): ProductInfo {
    const p = this.cat.products.find((x) => x.id === id);
    if (!p) throw new Error(`unknown product ${id}`);
    return p;
  }
}
