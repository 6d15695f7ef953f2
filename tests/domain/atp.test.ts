import { describe, expect, it } from 'vitest';
import { allocateFromWarehouses, atp } from '../../domain/atp';

const SH = { warehouseId: 1, name: '上海仓', onHand: 5000, reserved: 0 };
const SZ = { warehouseId: 2, name: '苏州仓', onHand: 800, reserved: 0 };

describe('atp', () => {
  it.each([
    ['covered by stock today', 5800, [], '2026-11-23', false],
    ['short, covered by the first receipt', 6000, [{ warehouseId: 1, qty: 500, eta: '2026-11-30' }], '2026-11-30', false],
    [
      'short, needs the second receipt',
      6500,
      [
        { warehouseId: 2, qty: 500, eta: '2026-12-05' },
        { warehouseId: 1, qty: 500, eta: '2026-11-30' },
      ],
      '2026-12-05',
      false,
    ],
    ['late receipt counts as arriving today', 6000, [{ warehouseId: 1, qty: 500, eta: '2026-11-01' }], '2026-11-23', false],
    ['not covered at all: today + lead time', 9000, [{ warehouseId: 1, qty: 500, eta: '2026-11-30' }], '2026-12-07', true],
    ['exactly what is available', 5800, [], '2026-11-23', false],
    ['one unit more than available, nothing incoming', 5801, [], '2026-12-07', true],
  ])('%s', (_, requested, incoming, date, replenish) => {
    const r = atp({ warehouses: [SH, SZ], incoming, requested, today: '2026-11-23', leadTimeDays: 14 });
    expect(r.earliestShipDate).toBe(date);
    expect(r.needsReplenishment).toBe(replenish);
    expect(r.availableNow).toBe(5800);
  });

  it('per warehouse: available never below zero, reserved and incoming shown', () => {
    const r = atp({
      warehouses: [
        { ...SH, reserved: 1200 },
        { ...SZ, onHand: 10, reserved: 15 },
      ],
      incoming: [{ warehouseId: 2, qty: 300, eta: '2026-12-01' }],
      requested: 1,
      today: '2026-11-23',
      leadTimeDays: 7,
    });
    expect(r.warehouses.map((w) => [w.name, w.available, w.reserved, w.incoming])).toEqual([
      ['上海仓', 3800, 1200, 0],
      ['苏州仓', 0, 15, 300],
    ]);
    expect(r.availableNow).toBe(3800);
    expect(r.incomingTotal).toBe(300);
  });
});

describe('allocateFromWarehouses', () => {
  it.each([
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
      'short: back-order',
      6000,
      [],
      [
        { warehouseId: 1, qty: 5000 },
        { warehouseId: 2, qty: 800 },
      ],
      200,
    ],
    ['preferred warehouse first', 300, [2], [{ warehouseId: 2, qty: 300 }], 0],
    ['nothing requested', 0, [], [], 0],
  ])('%s', (_, requested, preferred, allocations, shortfall) => {
    expect(allocateFromWarehouses(requested, [SZ, SH], preferred)).toEqual({ allocations, shortfall });
  });

  it('breaks ties by warehouse id and skips empty warehouses', () => {
    const r = allocateFromWarehouses(150, [
      { warehouseId: 3, onHand: 100, reserved: 0 },
      { warehouseId: 2, onHand: 100, reserved: 0 },
      { warehouseId: 1, onHand: 50, reserved: 50 },
    ]);
    expect(r).toEqual({
      allocations: [
        { warehouseId: 2, qty: 100 },
        { warehouseId: 3, qty: 50 },
      ],
      shortfall: 0,
    });
  });
});
