import type { AtpResult } from '../../domain/atp';
import { type Card, type Locale, t } from './card';

export interface StockCardData {
  sku: string;
  name: string;
  spec: string | null;
  unit: string;
  safetyStock: number;
  atp: AtpResult;
  /** incoming receipts, earliest first */
  incoming: { warehouse: string; qty: number; eta: string }[];
  warehouseNames: Record<number, string>;
}

/** 库存 A100 → per warehouse: available, reserved, on hand, incoming; a warning under safety stock. */
export function stockCard(d: StockCardData, locale: Locale = 'zh'): Card {
  const onHand = d.atp.warehouses.reduce((s, w) => s + w.onHand, 0);
  const low = onHand < d.safetyStock;
  return {
    id: `stock:${d.sku}`,
    title: `${t(locale, '库存', 'Stock')} ${d.sku} ${d.name}${d.spec && !d.name.includes(d.spec) ? ` ${d.spec}` : ''}`,
    status: low
      ? { text: t(locale, `低于安全库存 ${d.safetyStock}${d.unit}`, `below safety stock of ${d.safetyStock}`), tone: 'warning' }
      : { text: t(locale, `可用 ${d.atp.availableNow}${d.unit}`, `${d.atp.availableNow} available`), tone: 'success' },
    table: {
      columns: t(locale, '仓库|可用|锁定|在库|在途', 'Warehouse|Available|Reserved|On hand|Incoming').split('|'),
      align: ['left', 'right', 'right', 'right', 'right'],
      rows: [
        ...d.atp.warehouses.map((w) => [
          d.warehouseNames[w.warehouseId] ?? String(w.warehouseId),
          String(w.available),
          String(w.reserved),
          String(w.onHand),
          String(w.incoming),
        ]),
        [
          t(locale, '合计', 'Total'),
          String(d.atp.availableNow),
          String(d.atp.warehouses.reduce((s, w) => s + w.reserved, 0)),
          String(onHand),
          String(d.atp.incomingTotal),
        ],
      ],
    },
    notes: d.incoming.length
      ? d.incoming.map((i) =>
          t(locale, `在途：${i.warehouse} ${i.qty}${d.unit}，预计 ${i.eta} 到货`, `incoming: ${i.qty} to ${i.warehouse}, ETA ${i.eta}`),
        )
      : [t(locale, '暂无在途', 'nothing incoming')],
  };
}
