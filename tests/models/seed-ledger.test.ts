import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ledgerDiscrepancies } from '../../activities/stock';
import { seedDemoCompany } from '../../models/seed/demo-company';
import { seedScale } from '../../models/seed/scale';
import { dbKinds, freshDb, type TestDb } from '../helpers/db';

const kinds = await dbKinds();

describe.each(kinds)('the seeded stock ledger on %s', (kind) => {
  let t: TestDb;
  beforeAll(async () => {
    t = await freshDb(kind);
    await seedDemoCompany(t.db);
  });
  afterAll(async () => t?.drop());

  it('balances: Σ moves = on hand and Σ active reservations = reserved, everywhere', async () => {
    expect(await ledgerDiscrepancies(t.db)).toEqual([]);
    const { StockMove, Reservation } = t.db.models;
    expect(await StockMove.count({ where: { type: 'out' } })).toBeGreaterThan(100);
    expect(await StockMove.count({ where: { type: 'return' } })).toBeGreaterThan(0);
    expect(await Reservation.count({ where: { status: 'active' } })).toBeGreaterThan(0);
  });

  it('still balances after a scale seed', async () => {
    await seedScale(t.db, 500);
    expect(await ledgerDiscrepancies(t.db)).toEqual([]);
  });
});
