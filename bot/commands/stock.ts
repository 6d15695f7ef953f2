import { Op } from 'sequelize';
import { atp } from '../../domain/atp';
import type { Db } from '../../models/db';
import { type Locale, type Reply, t } from '../cards/card';
import { stockCard } from '../cards/stock';
import { resolveOne } from '../resolve';

/**
 * 库存 A100 / 查库存 螺栓 / stock B200: the product by code or fuzzy name, then each
 * warehouse's on hand, reserved, available, and what is incoming on open purchase orders.
 */
export async function stockCommand(db: Db, query: string, opts: { today: string; locale?: Locale }): Promise<Reply[]> {
  const locale = opts.locale ?? 'zh';
  const { Product, StockLevel, Warehouse, PurchaseOrder, PurchaseOrderLine } = db.models;
  const products = await Product.findAll({ where: { active: true }, attributes: ['id', 'sku', 'name', 'spec'] });
  const hit = resolveOne(
    query,
    products.map((p) => ({ code: p.sku, name: p.name, aliases: p.spec ? [`${p.name} ${p.spec}`] : [], value: p.id })),
  );
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
    const list = hit.choices.map((c) => `${products.find((p) => p.id === c.value)?.sku} ${c.name}`).join('\n');
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
  const product = await Product.findByPk(hit.found.value);
  if (!product) return [];
  const [levels, warehouses, openOrders] = await Promise.all([
    StockLevel.findAll({ where: { productId: product.id }, order: [['warehouseId', 'ASC']] }),
    Warehouse.findAll(),
    PurchaseOrder.findAll({ where: { status: { [Op.in]: ['ordered', 'partially_received'] } }, attributes: ['id'] }),
  ]);
  const poLines = openOrders.length
    ? await PurchaseOrderLine.findAll({
        where: { productId: product.id, purchaseOrderId: { [Op.in]: openOrders.map((o) => o.id) } },
        order: [['eta', 'ASC']],
      })
    : [];
  const incoming = poLines
    .filter((l) => l.qty > l.receivedQty)
    .map((l) => ({ warehouseId: l.warehouseId, qty: l.qty - l.receivedQty, eta: l.eta }));
  const warehouseNames = Object.fromEntries(warehouses.map((w) => [w.id, w.name]));
  const result = atp({
    warehouses: levels.map((l) => ({ warehouseId: l.warehouseId, onHand: l.onHand, reserved: l.reserved })),
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
      incoming: incoming.map((i) => ({ warehouse: warehouseNames[i.warehouseId] ?? String(i.warehouseId), qty: i.qty, eta: i.eta })),
      warehouseNames,
    },
    locale,
  );
  return [{ kind: 'card', card }];
}
