import { atp } from '../../domain/atp';
import type { Db } from '../../models/db';
import { referenceCache } from '../../models/reference-cache';
import { hotRead } from '../../models/sqlite-connections';
import { type Locale, type Reply, t } from '../cards/card';
import { stockCard } from '../cards/stock';
import { FuzzyIndex } from '../resolve';

/** A product as the stock answer names it: master data, cached (models/reference-cache). */
interface CatalogueItem {
  id: number;
  sku: string;
  name: string;
  spec: string | null;
  unit: string;
  safetyStock: number;
  leadTimeDays: number;
}

/** The active products as a fuzzy index, for resolving what was typed. */
export interface Catalogue {
  index: FuzzyIndex<number>;
  byId: Map<number, CatalogueItem>;
}

export function productCatalogue(db: Db): Promise<Catalogue> {
  const cache = referenceCache(db.sequelize, 'productCatalogue', ['products'], async () => {
    const products = (await db.models.Product.findAll({
      where: { active: true },
      attributes: ['id', 'sku', 'name', 'spec', 'unit', 'safetyStock', 'leadTimeDays'],
      raw: true,
    })) as unknown as CatalogueItem[];
    return {
      index: new FuzzyIndex(
        products.map((p) => ({ code: p.sku, name: p.name, aliases: p.spec ? [`${p.name} ${p.spec}`] : [], value: p.id })),
      ),
      byId: new Map(products.map((p) => [p.id, p])),
    };
  });
  return cache.get('active');
}

/** Warehouse id → name, cached like the catalogue. */
export function warehouseNames(db: Db): Promise<Record<number, string>> {
  const cache = referenceCache(db.sequelize, 'warehouseNames', ['warehouses'], async () => {
    const rows = (await db.models.Warehouse.findAll({ attributes: ['id', 'name'], raw: true })) as unknown as {
      id: number;
      name: string;
    }[];
    return Object.fromEntries(rows.map((w) => [w.id, w.name])) as Record<number, string>;
  });
  return cache.get('all');
}

/**
 * The figures of a stock answer, in one statement and never cached: the product's stock level
 * in each warehouse (k = 0, by warehouse) and its lines on open purchase orders (k = 1,
 * earliest ETA first, then in line order). Plain SQL that SQLite and PostgreSQL both read.
 */
const STOCK_SQL = `SELECT 0 AS k, warehouse_id AS w, on_hand AS a, reserved AS b, NULL AS eta, warehouse_id AS o
  FROM stock_levels WHERE product_id = ?
UNION ALL
SELECT 1, pl.warehouse_id, pl.qty, pl.received_qty, pl.eta, pl.id
  FROM purchase_order_lines pl JOIN purchase_orders po ON po.id = pl.purchase_order_id
 WHERE pl.product_id = ? AND po.status IN ('ordered', 'partially_received')
ORDER BY k, eta, o`;

interface StockRow {
  /** 0 stock level: a = on hand, b = reserved; 1 purchase order line: a = qty, b = received */
  k: 0 | 1;
  w: number;
  a: number;
  b: number;
  eta: string | null;
}

/** The bot's hottest read: a statement prepared once on SQLite (models/sqlite-connections). */
function readStock(db: Db, productId: number): Promise<StockRow[]> {
  return hotRead<StockRow>(db.sequelize, STOCK_SQL, [productId, productId]);
}

/**
 * 库存 A100 / 查库存 螺栓 / stock B200: the product by code or fuzzy name, then each
 * warehouse's on hand, reserved, available, and what is incoming on open purchase orders.
 * Names, the product's master data and warehouse names come from the reference caches; the
 * figures are read fresh, in one query.
 */
export async function stockCommand(db: Db, query: string, opts: { today: string; locale?: Locale }): Promise<Reply[]> {
  const locale = opts.locale ?? 'zh';
  const catalogue = await productCatalogue(db);
  const hit = catalogue.index.resolve(query);
  if (!('found' in hit)) {
    if (hit.choices.length === 0) {
      return [
        {
          kind: 'text',
          text: t(
            locale,
            `没有找到商品“${query}”。请用商品编码或名称，例如：库存 A100`,
            `No product matches "${query}". Use a SKU or name, e.g. stock A100`,
          ),
        },
      ];
    }
    const list = hit.choices.map((c) => `${catalogue.byId.get(c.value)?.sku} ${c.name}`).join('\n');
    const more =
      hit.total > hit.choices.length
        ? t(locale, `（共 ${hit.total} 个，显示前 ${hit.choices.length} 个）`, ` (${hit.total} in all, first ${hit.choices.length} shown)`)
        : '';
    return [
      {
        kind: 'text',
        text: t(
          locale,
          `找到多个商品${more}，请用编码再查一次：\n${list}`,
          `Several products match${more}; ask again with the SKU:\n${list}`,
        ),
      },
    ];
  }
  const product = catalogue.byId.get(hit.found.value);
  if (!product) return [];
  const [rows, names] = await Promise.all([readStock(db, product.id), warehouseNames(db)]);
  const levels = rows.filter((r) => r.k === 0);
  const incoming = rows.filter((r) => r.k === 1 && r.a > r.b).map((l) => ({ warehouseId: l.w, qty: l.a - l.b, eta: l.eta as string }));
  const result = atp({
    warehouses: levels.map((l) => ({ warehouseId: l.w, onHand: l.a, reserved: l.b })),
    incoming,
    requested: 0,
    today: opts.today,
    leadTimeDays: product.leadTimeDays,
  });
  const card = stockCard(
    {
      sku: product.sku,
      name: product.name,
      spec: product.spec,
      unit: product.unit,
      safetyStock: product.safetyStock,
      atp: result,
      incoming: incoming.map((i) => ({ warehouse: names[i.warehouseId] ?? String(i.warehouseId), qty: i.qty, eta: i.eta })),
      warehouseNames: names,
    },
    locale,
  );
  return [{ kind: 'card', card }];
}
