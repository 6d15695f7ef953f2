import { addDays, assertDay, type Day } from './calendar';

/**
 * Available-to-promise (可承诺量) and the earliest ship date.
 *
 *  - Available in a warehouse = max(0, on hand − reserved): a warehouse that is over-reserved
 *    (a stock count came in low) cannot lend its deficit to the others.
 *  - Earliest ship date for a requested quantity:
 *      1. today, if what is available now covers it;
 *      2. else the ETA at which cumulative incoming (purchase and work orders, earliest ETA
 *         first) covers the shortfall — an incoming receipt whose ETA is already past counts
 *         as arriving TODAY: late goods are still expected, and promising a date in the past
 *         would be nonsense;
 *      3. else today + the product's lead time, flagged needsReplenishment (buy or make).
 *    The whole quantity ships on that date; partial shipments are the rep's call, not a rule.
 *  - Dates are Asia/Shanghai calendar days 'YYYY-MM-DD' (see calendar.ts).
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
  /** expected arrival, YYYY-MM-DD */
  eta: Day;
}

export interface AtpLine {
  warehouseId: number;
  name?: string;
  onHand: number;
  reserved: number;
  available: number;
  /** all open incoming for this warehouse */
  incoming: number;
}

export interface ShipDate {
  earliestShipDate: Day;
  /** nothing on hand or on order covers it: purchase or produce */
  needsReplenishment: boolean;
  /** requested − available now, at least 0 */
  shortfallNow: number;
}

export interface AtpResult extends ShipDate {
  warehouses: AtpLine[];
  availableNow: number;
  incomingTotal: number;
}

function assertUnits(v: number, what: string): number {
  if (!Number.isSafeInteger(v) || v < 0) throw new RangeError(`${what} must be a non-negative whole number, got ${v}`);
  return v;
}

/** Counts may be negative in the books (stock issued before its receipt was posted): clamp, don't refuse. */
export function available(w: WarehouseStock): number {
  if (!Number.isSafeInteger(w.onHand) || !Number.isSafeInteger(w.reserved)) {
    throw new RangeError(`stock of warehouse ${w.warehouseId} must be whole units: ${w.onHand} on hand, ${w.reserved} reserved`);
  }
  return Math.max(0, w.onHand - w.reserved);
}

/** Earliest ETA first; same day by warehouse id, so the result never depends on input order. */
function sortIncoming(incoming: readonly Incoming[]): Incoming[] {
  for (const i of incoming) {
    assertUnits(i.qty, 'incoming qty');
    assertDay(i.eta, 'eta');
  }
  return incoming.filter((i) => i.qty > 0).sort((a, b) => a.eta.localeCompare(b.eta) || a.warehouseId - b.warehouseId);
}

export function earliestShipDate(opts: {
  requested: number;
  availableNow: number;
  incoming?: readonly Incoming[];
  today: Day;
  leadTimeDays: number;
}): ShipDate {
  const today = assertDay(opts.today, 'today');
  assertUnits(opts.requested, 'requested qty');
  assertUnits(opts.leadTimeDays, 'lead time days');
  const shortfallNow = Math.max(0, opts.requested - assertUnits(opts.availableNow, 'available qty'));
  if (shortfallNow === 0) return { earliestShipDate: today, needsReplenishment: false, shortfallNow };
  let covered = 0;
  for (const i of sortIncoming(opts.incoming ?? [])) {
    covered += i.qty;
    if (covered >= shortfallNow) {
      // ISO days compare as text
      // biome-ignore lint/complexity/useMathMinMax: these are date strings, not numbers
      return { earliestShipDate: i.eta < today ? today : i.eta, needsReplenishment: false, shortfallNow };
    }
  }
  return { earliestShipDate: addDays(today, opts.leadTimeDays), needsReplenishment: true, shortfallNow };
}

export function atp(opts: {
  warehouses: readonly WarehouseStock[];
  incoming?: readonly Incoming[];
  requested: number;
  today: Day;
  leadTimeDays: number;
}): AtpResult {
  const incoming = sortIncoming(opts.incoming ?? []);
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
  const ship = earliestShipDate({ requested: opts.requested, availableNow, incoming, today: opts.today, leadTimeDays: opts.leadTimeDays });
  return { warehouses, availableNow, incomingTotal, ...ship };
}

export interface Allocation {
  warehouseId: number;
  qty: number;
}

/**
 * How many units to take from each warehouse: the preferred warehouses first (in the given
 * order, e.g. the one nearest the customer), then the one with the most available, ties by
 * lowest id — deterministic, and it keeps the number of shipments low. What cannot be
 * covered is the shortfall, to be back-ordered.
 */
export function allocateFromWarehouses(
  requested: number,
  warehouses: readonly WarehouseStock[],
  preferredOrder: readonly number[] = [],
): { allocations: Allocation[]; shortfall: number } {
  assertUnits(requested, 'requested qty');
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
    if (left === 0) break;
    const take = Math.min(left, available(w));
    if (take > 0) {
      allocations.push({ warehouseId: w.warehouseId, qty: take });
      left -= take;
    }
  }
  return { allocations, shortfall: left };
}
