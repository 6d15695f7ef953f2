import { FAMILIES, KITS } from './catalog-data';
import type { SeedContext } from './context';
import { discountedFen, mulDivHalfUp } from './money';

/** Warehouses, the product master with tier prices, and the BOMs of the in-house kits. */

export type WarehouseCode = 'SH' | 'SZ' | 'GZ';

export interface ProductInfo {
  id: number;
  sku: string;
  name: string;
  listFen: number;
  costFen: number;
  vatRateBp: number;
  /** ascending by minQty */
  tiers: { minQty: number; priceFen: number }[];
  safetyStock: number;
  make: boolean;
  service: boolean;
  /** A100 and B200: their stock and prices are exact, tests rely on them */
  fixed: boolean;
}

export interface Catalog {
  warehouse: Record<WarehouseCode, number>;
  products: ProductInfo[];
  bySku: Map<string, ProductInfo>;
}

/** The unit price before discounts for a quantity: the best tier reached, else the list price. */
export function tierPriceFen(p: ProductInfo, qty: number): number {
  let price = p.listFen;
  for (const t of p.tiers) if (qty >= t.minQty) price = t.priceFen;
  return price;
}

function safetyStockFor(listFen: number, pick: (min: number, max: number) => number): number {
  if (listFen < 100) return pick(10, 50) * 100;
  if (listFen < 1_000) return pick(4, 20) * 50;
  if (listFen < 10_000) return pick(3, 20) * 10;
  if (listFen < 50_000) return pick(5, 30);
  return pick(2, 8);
}

function tierBreaks(listFen: number): [number, number] {
  if (listFen < 100) return [1_000, 5_000];
  if (listFen < 1_000) return [200, 1_000];
  if (listFen < 10_000) return [50, 200];
  if (listFen < 50_000) return [10, 50];
  return [5, 20];
}

export function seedCatalog(ctx: SeedContext): Catalog {
  const { plan, cal } = ctx;
  const rng = ctx.rng.fork('catalog');
  const since = cal.at(-800, 10);
  const warehouse = {
    SH: plan.add('Warehouse', { code: 'SH', name: '上海仓', createdAt: since }),
    SZ: plan.add('Warehouse', { code: 'SZ', name: '苏州仓', createdAt: since }),
    GZ: plan.add('Warehouse', { code: 'GZ', name: '广州仓', createdAt: since }),
  };
  const products: ProductInfo[] = [];
  const bySku = new Map<string, ProductInfo>();
  const byName = new Map<string, ProductInfo>();

  const add = (
    p: Omit<ProductInfo, 'id'> & { spec: string; unit: string; category: string; leadTimeDays: number },
    tiers: { minQty: number; priceFen: number }[],
  ) => {
    const id = plan.add('Product', {
      sku: p.sku,
      name: p.name,
      spec: p.spec,
      unit: p.unit,
      category: p.category,
      standardCostFen: p.costFen,
      listPriceFen: p.listFen,
      vatRateBp: p.vatRateBp,
      safetyStock: p.safetyStock,
      leadTimeDays: p.leadTimeDays,
      makeOrBuy: p.make ? 'make' : 'buy',
      active: true,
      createdAt: since,
    });
    for (const t of tiers) plan.add('PriceTier', { productId: id, minQty: t.minQty, priceFen: t.priceFen, createdAt: since });
    const info: ProductInfo = { ...p, id, tiers };
    products.push(info);
    bySku.set(info.sku, info);
    byName.set(info.name, info);
    return info;
  };

  const fixed = { fixed: true, make: false, service: false, vatRateBp: 1_300 };
  const a100 = [
    { minQty: 1_000, priceFen: 230 },
    { minQty: 5_000, priceFen: 210 },
  ];
  add(
    {
      ...fixed,
      sku: 'A100',
      name: '不锈钢六角螺栓 M8',
      spec: 'M8×30 A2-70',
      unit: '个',
      category: '紧固件',
      listFen: 250,
      costFen: 120,
      tiers: [],
      safetyStock: 1_000,
      leadTimeDays: 7,
    },
    a100,
  );
  add(
    {
      ...fixed,
      sku: 'B200',
      name: '工业轴承 6205',
      spec: '6205-2RS 25×52×15mm',
      unit: '套',
      category: '轴承',
      listFen: 3_200,
      costFen: 1_800,
      tiers: [],
      safetyStock: 200,
      leadTimeDays: 20,
    },
    [],
  );

  const serial = new Map<string, number>();
  const nextSku = (code: string) => {
    const n = (serial.get(code) ?? 1000) + 1;
    serial.set(code, n);
    return `${code}${n}`;
  };

  for (const f of FAMILIES) {
    for (const entry of f.specs.split(' ')) {
      const [spec = '', price = '0'] = entry.split(':');
      const listFen = Number(price);
      const costFen = Math.max(1, mulDivHalfUp(listFen, rng.int(5_500, 7_500), 10_000));
      const tierCount = f.service
        ? 0
        : rng.weighted([
            [0, 35],
            [1, 35],
            [2, 30],
          ] as const);
      const breaks = tierBreaks(listFen);
      const floor = mulDivHalfUp(costFen, 10_800, 10_000) + 1;
      const tiers = [rng.int(500, 900), rng.int(1_200, 1_800)]
        .slice(0, tierCount)
        .map((offBp, i) => ({ minQty: breaks[i] as number, priceFen: Math.max(floor, discountedFen(listFen, offBp)) }))
        .filter((t, i, all) => t.priceFen < listFen && (i === 0 || t.priceFen < (all[i - 1]?.priceFen ?? 0)));
      const [leadMin, leadMax] = f.lead ?? [3, 10];
      add(
        {
          sku: nextSku(f.code),
          name: `${f.item} ${spec}`,
          spec,
          unit: f.unit,
          category: f.category,
          listFen,
          costFen,
          vatRateBp: f.vatRateBp ?? 1_300,
          tiers: [],
          safetyStock: f.service ? 0 : safetyStockFor(listFen, (a, b) => rng.int(a, b)),
          leadTimeDays: f.service ? 0 : rng.int(leadMin, leadMax),
          make: false,
          service: Boolean(f.service),
          fixed: false,
        },
        tiers,
      );
    }
  }

  for (const kit of KITS) {
    const parts = kit.components.map(([ref, qty]) => {
      const p = bySku.get(ref) ?? byName.get(ref);
      if (!p) throw new Error(`kit ${kit.item}: unknown component ${ref}`);
      return { p, qty };
    });
    const costFen = parts.reduce((s, c) => s + c.p.costFen * c.qty, 0) + rng.int(20, 300);
    const info = add(
      {
        sku: nextSku('K'),
        name: `${kit.item} ${kit.spec}`,
        spec: kit.spec,
        unit: '套',
        category: '组件套装',
        listFen: kit.listFen,
        costFen,
        vatRateBp: 1_300,
        tiers: [],
        safetyStock: Math.ceil(safetyStockFor(kit.listFen, (a, b) => rng.int(a, b)) / 2),
        leadTimeDays: rng.int(2, 5),
        make: true,
        service: false,
        fixed: false,
      },
      [],
    );
    for (const c of parts) plan.add('BomLine', { productId: info.id, componentProductId: c.p.id, qtyPer: c.qty, createdAt: since });
  }
  return { warehouse, products, bySku };
}
