import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCreditActivities } from '../../activities/credit';
import { loadConfig } from '../../config';
import { creditPosition } from '../../models/credit-position';
import { seedDemoCompany } from '../../models/seed/demo-company';
import { activityDeps } from '../helpers/activity-deps';
import { dbKinds, freshDb, type TestDb } from '../helpers/db';

/**
 * The credit check and the counting of the order against the customer's credit are atomic:
 * two orders of one customer, each within the limit alone but not together, checked at the
 * same moment, never both pass.
 */
const config = loadConfig({ env: { CONFIG_FILE: '' } });

describe.each(await dbKinds())('credit check under concurrency (%s)', (kind) => {
  let t: TestDb;
  beforeAll(async () => {
    t = await freshDb(kind);
    await seedDemoCompany(t.db);
  });
  afterAll(async () => t?.drop());

  /** an order awaiting approval (not yet counted) for the customer */
  async function pendingOrder(customerId: number, ownerUserId: number, n: number, totalFen: number) {
    return t.db.models.SalesOrder.create({
      number: `SO-CREDIT-${kind}-${n}`,
      customerId,
      quoteId: null,
      contractId: null,
      ownerUserId,
      teamId: null,
      status: 'pending_approval',
      orderDate: '2026-11-23',
      gradeDiscountBp: 0,
      manualDiscountBp: 0,
      netFen: totalFen,
      taxFen: 0,
      totalFen,
      costFen: 0,
      paymentTermsDays: 30,
      workflowId: null,
      cancelReason: null,
    });
  }

  it('two orders whose sum exceeds the limit, checked at once: at most one passes, and the one that passed counts', async () => {
    const customer = (await t.db.models.Customer.findOne({ where: { name: '华东机电有限公司' } }))!;
    const before = await creditPosition(t.db, customer.id);
    // room for one order of ¥6,000, not for two
    await customer.update({ creditLimitFen: before.exposureFen + 1_000_000 });
    const a = await pendingOrder(customer.id, customer.ownerUserId, 1, 600_000);
    const b = await pendingOrder(customer.id, customer.ownerUserId, 2, 600_000);
    const { checkCredit } = createCreditActivities(activityDeps(t.db, config));
    let passed = a;
    for (let round = 0; round < 3; round++) {
      await t.db.models.SalesOrder.update({ creditApprovedAt: null }, { where: { id: [a.id, b.id] } });
      const results = await Promise.all([checkCredit({ orderId: a.id }), checkCredit({ orderId: b.id })]);
      expect(results.map((r) => r.over).sort()).toEqual([false, true]);
      passed = results[0]!.over ? b : a;
      expect((await creditPosition(t.db, customer.id)).exposureFen).toBe(before.exposureFen + passed.totalFen);
    }
    // a retried attempt of the check that passed still passes: it does not count itself twice
    expect((await checkCredit({ orderId: passed.id })).over).toBe(false);
    expect((await creditPosition(t.db, customer.id)).exposureFen).toBe(before.exposureFen + passed.totalFen);
  });
});
