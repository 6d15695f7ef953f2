import { describe, expect, it } from 'vitest';
import { allocateFromWarehouses, atp, earliestShipDate, type Incoming } from '../../domain/atp';

const SH = { warehouseId: 1, name: '上海仓', onHand: 5000, reserved: 0 };
const SZ = { warehouseId: 2, name: '苏州仓', onHand: 800, reserved: 0 };
const TODAY = '2026-11-23';

describe('earliest ship date (5,800 available now, lead time 14 days)', () => {
  it.each<[string, number, Incoming[], string, boolean, number]>([
    ['nothing requested', 0, [], TODAY, false, 0],
    ['covered by stock today', 1, [], TODAY, false, 0],
    ['exactly what is available', 5800, [], TODAY, false, 0],
    ['one unit more, nothing incoming: today + lead time', 5801, [], '2026-12-07', true, 1],
    ['short, covered by the first receipt', 6000, [{ warehouseId: 1, qty: 500, eta: '2026-11-30' }], '2026-11-30', false, 200],
    ['short by exactly the receipt', 6300, [{ warehouseId: 1, qty: 500, eta: '2026-11-30' }], '2026-11-30', false, 500],
    ['short by one more than the receipt', 6301, [{ warehouseId: 1, qty: 500, eta: '2026-11-30' }], '2026-12-07', true, 501],
    [
      'needs the second receipt (given out of order)',
      6500,
      [
        { warehouseId: 2, qty: 500, eta: '2026-12-05' },
        { warehouseId: 1, qty: 500, eta: '2026-11-30' },
      ],
      '2026-12-05',
      false,
      700,
    ],
    ['a late receipt counts as arriving today', 6000, [{ warehouseId: 1, qty: 500, eta: '2026-11-01' }], TODAY, false, 200],
    [
      'late and future receipts together',
      6500,
      [
        { warehouseId: 1, qty: 300, eta: '2026-10-01' },
        { warehouseId: 1, qty: 600, eta: '2026-12-24' },
      ],
      '2026-12-24',
      false,
      700,
    ],
    ['a receipt due today', 5900, [{ warehouseId: 2, qty: 100, eta: TODAY }], TODAY, false, 100],
    ['zero-quantity receipts are ignored', 5900, [{ warehouseId: 2, qty: 0, eta: '2026-11-24' }], '2026-12-07', true, 100],
    ['not covered at all: today + lead time', 9000, [{ warehouseId: 1, qty: 500, eta: '2026-11-30' }], '2026-12-07', true, 3200],
  ])('%s', (_, requested, incoming, date, replenish, shortfall) => {
    const r = atp({ warehouses: [SH, SZ], incoming, requested, today: TODAY, leadTimeDays: 14 });
    expect(r.earliestShipDate).toBe(date);
    expect(r.needsReplenishment).toBe(replenish);
    expect(r.shortfallNow).toBe(shortfall);
    expect(r.availableNow).toBe(5800);
  });

  it.each([
    ['2026-12-25', 7, '2027-01-01'],
    ['2028-02-25', 4, '2028-02-29'],
    ['2027-02-25', 4, '2027-03-01'],
    ['2026-01-31', 0, '2026-01-31'],
  ])('lead time from %s + %i days = %s (calendar days)', (today, leadTimeDays, date) => {
    expect(earliestShipDate({ requested: 1, availableNow: 0, today, leadTimeDays })).toEqual({
      earliestShipDate: date,
      needsReplenishment: true,
      shortfallNow: 1,
    });
  });

  it.each([
    [{ requested: -1, availableNow: 0, today: TODAY, leadTimeDays: 1 }, /requested qty/],
    [{ requested: 1.5, availableNow: 0, today: TODAY, leadTimeDays: 1 }, /requested qty/],
    [{ requested: 1, availableNow: 0, today: '2026-02-30', leadTimeDays: 1 }, /calendar day/],
    [{ requested: 1, availableNow: 0, today: '23/11/2026', leadTimeDays: 1 }, /calendar day/],
    [{ requested: 1, availableNow: 0, today: TODAY, leadTimeDays: -1 }, /lead time/],
    [{ requested: 1, availableNow: 0, today: TODAY, leadTimeDays: 1, incoming: [{ warehouseId: 1, qty: 1, eta: '2026-13-01' }] }, /eta/],
  ])('refuses %j', (opts, msg) => {
    expect(() => earliestShipDate(opts)).toThrow(msg);
  });
});

describe('per warehouse', () => {
  it('available never below zero; reserved and incoming shown', () => {
    const r = atp({
      warehouses: [
        { ...SH, reserved: 1200 },
        { ...SZ, onHand: 10, reserved: 15 },
      ],
      incoming: [
        { warehouseId: 2, qty: 300, eta: '2026-12-01' },
        { warehouseId: 2, qty: 50, eta: '2026-12-09' },
      ],
      requested: 1,
      today: TODAY,
      leadTimeDays: 7,
    });
    expect(r.warehouses).toEqual([
      { warehouseId: 1, name: '上海仓', onHand: 5000, reserved: 1200, available: 3800, incoming: 0 },
      { warehouseId: 2, name: '苏州仓', onHand: 10, reserved: 15, available: 0, incoming: 350 },
    ]);
    expect(r.availableNow).toBe(3800);
    expect(r.incomingTotal).toBe(350);
  });

  it('an over-reserved warehouse does not eat into the others', () => {
    const r = atp({
      warehouses: [
        { warehouseId: 1, onHand: 100, reserved: 0 },
        { warehouseId: 2, onHand: 0, reserved: 40 },
      ],
      requested: 100,
      today: TODAY,
      leadTimeDays: 3,
    });
    expect([r.availableNow, r.earliestShipDate]).toEqual([100, TODAY]);
  });
});

describe('allocateFromWarehouses', () => {
  it.each<[string, number, number[], { warehouseId: number; qty: number }[], number]>([
    ['one warehouse covers it: the fullest', 1000, [], [{ warehouseId: 1, qty: 1000 }], 0],
    [
      'spills into the next warehouse',
      5500,
      [],
      [
        { warehouseId: 1, qty: 5000 },
        { warehouseId: 2, qty: 500 },
      ],
      0,
    ],
    [
      'exactly everything',
      5800,
      [],
      [
        { warehouseId: 1, qty: 5000 },
        { warehouseId: 2, qty: 800 },
      ],
      0,
    ],
    [
      'short: back-order the rest',
      6000,
      [],
      [
        { warehouseId: 1, qty: 5000 },
        { warehouseId: 2, qty: 800 },
      ],
      200,
    ],
    ['preferred warehouse first', 300, [2], [{ warehouseId: 2, qty: 300 }], 0],
    [
      'preferred warehouse first, then the fullest',
      1000,
      [2],
      [
        { warehouseId: 2, qty: 800 },
        { warehouseId: 1, qty: 200 },
      ],
      0,
    ],
    ['an unknown preferred id is ignored', 10, [9], [{ warehouseId: 1, qty: 10 }], 0],
    ['nothing requested', 0, [], [], 0],
  ])('%s', (_, requested, preferred, allocations, shortfall) => {
    expect(allocateFromWarehouses(requested, [SZ, SH], preferred)).toEqual({ allocations, shortfall });
  });

  it('breaks ties by warehouse id and skips empty or over-reserved warehouses', () => {
    const stock = [
      { warehouseId: 3, onHand: 100, reserved: 0 },
      { warehouseId: 2, onHand: 100, reserved: 0 },
      { warehouseId: 1, onHand: 50, reserved: 50 },
      { warehouseId: 4, onHand: 10, reserved: 20 },
    ];
    const expected = {
      allocations: [
        { warehouseId: 2, qty: 100 },
        { warehouseId: 3, qty: 50 },
      ],
      shortfall: 0,
    };
    expect(allocateFromWarehouses(150, stock)).toEqual(expected);
    expect(allocateFromWarehouses(150, [...stock].reverse())).toEqual(expected);
  });

  it('no warehouses: all of it is a back-order', () => {
    expect(allocateFromWarehouses(7, [])).toEqual({ allocations: [], shortfall: 7 });
  });

  it.each([-1, 2.5])('refuses requested %s', (requested) => {
    expect(() => allocateFromWarehouses(requested, [SH])).toThrow(/requested qty/);
  });
});
