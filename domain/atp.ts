import dayjs from 'dayjs';

/**
 * Available-to-promise. Available in a warehouse = on hand − reserved (never below zero).
 * The earliest ship date is today when what is available covers the request; otherwise the
 * ETA of the incoming receipt (open purchase or work orders, earliest first) that covers the
 * shortfall; otherwise today + the product's lead time, flagged as needing replenishment.
 * Incoming already past its ETA counts as arriving today: late goods are still expected.
 */

export interface WarehouseStock {
  warehouseId: number;
  name?: string;
  onHand: number;
  reserved: number;
}

export interface Incoming {
  warehouseId: number;
  qty: number;
  /** YYYY-MM-DD, Asia/Shanghai calendar day */
  eta: string;
}

export interface AtpLine {
  warehouseId: number;
  name?: string;
  onHand: number;
  reserved: number;
  available: number;
  incoming: number;
}

export interface AtpResult {
  warehouses: AtpLine[];
  availableNow: number;
  incomingTotal: number;
  earliestShipDate: string;
  /** nothing on hand or on order covers it: purchase or produce */
  needsReplenishment: boolean;
  shortfallNow: number;
}

export function available(w: WarehouseStock): number {
  return Math.max(0, w.onHand - w.reserved);
}

export function atp(opts: {
  warehouses: WarehouseStock[];
  incoming?: Incoming[];
  requested: number;
  today: string;
  leadTimeDays: number;
}): AtpResult {
  const incoming = [...(opts.incoming ?? [])].filter((i) => i.qty > 0).sort((a, b) => a.eta.localeCompare(b.eta));
  const warehouses = opts.warehouses.map((w) => ({
    warehouseId: w.warehouseId,
    name: w.name,
    onHand: w.onHand,
    reserved: w.reserved,
    available: available(w),
    incoming: incoming.filter((i) => i.warehouseId === w.warehouseId).reduce((s, i) => s + i.qty, 0),
  }));
  const availableNow = warehouses.reduce((s, w) => s + w.available, 0);
  const incomingTotal = incoming.reduce((s, i) => s + i.qty, 0);
  const shortfallNow = Math.max(0, opts.requested - availableNow);
  let earliestShipDate = opts.today;
  let needsReplenishment = false;
  if (shortfallNow > 0) {
    let covered = 0;
    const arriving = incoming.find((i) => {
      covered += i.qty;
      return covered >= shortfallNow;
    });
    // ISO dates compare as text; a late receipt is still expected, so it counts as today
    // biome-ignore lint/complexity/useMathMinMax: these are date strings, not numbers
    if (arriving) earliestShipDate = arriving.eta < opts.today ? opts.today : arriving.eta;
    else {
      needsReplenishment = true;
      earliestShipDate = dayjs(opts.today).add(opts.leadTimeDays, 'day').format('YYYY-MM-DD');
    }
  }
  return { warehouses, availableNow, incomingTotal, earliestShipDate, needsReplenishment, shortfallNow };
}

export interface Allocation {
  warehouseId: number;
  qty: number;
}

/**
 * How many units to take from each warehouse: the preferred warehouses first (in the given
 * order), then the one with most available, ties by lowest id — deterministic, and it keeps
 * shipments few. What cannot be covered is the shortfall (a back-order).
 */
export function allocateFromWarehouses(
  requested: number,
  warehouses: WarehouseStock[],
  preferredOrder: number[] = [],
): { allocations: Allocation[]; shortfall: number } {
  const rank = (id: number) => {
    const i = preferredOrder.indexOf(id);
    return i < 0 ? Number.MAX_SAFE_INTEGER : i;
  };
  const order = [...warehouses].sort(
    (a, b) => rank(a.warehouseId) - rank(b.warehouseId) || available(b) - available(a) || a.warehouseId - b.warehouseId,
  );
  const allocations: Allocation[] = [];
  let left = requested;
  for (const w of order) {
    if (left <= 0) break;
    const take = Math.min(left, available(w));
    if (take > 0) {
      allocations.push({ warehouseId: w.warehouseId, qty: take });
      left -= take;
    }
  }
  return { allocations, shortfall: Math.max(0, left) };
}
