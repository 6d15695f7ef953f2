import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPaymentActivities } from '../../activities/payment';
import { dbKinds, freshDb, type TestDb } from '../helpers/db';

const kinds = await dbKinds();

describe.each(kinds)('payment write-off on %s', (kind) => {
  let t: TestDb;
  let userId: number;
  let n = 0;
  beforeAll(async () => {
    t = await freshDb(kind);
    const { Role, User } = t.db.models;
    await Role.create({ code: 'finance', nameZh: '财务', nameEn: 'Finance', dataScope: 'all', canSeeCost: true });
    userId = (
      await User.create({ login: 'liuyang', name: '刘洋', roleCode: 'finance', teamId: null, mobile: null, email: null, employeeNo: null })
    ).id;
  });
  afterAll(async () => t?.drop());

  /** A customer with receivables of the given amounts, the first one the oldest. */
  async function customerWith(amounts: number[]) {
    const { Customer, Receivable } = t.db.models;
    n++;
    const c = await Customer.create({
      code: `P${n}`,
      name: `广州恒通贸易${n}`,
      taxNo: null,
      grade: 'B',
      creditLimitFen: 5_000_000,
      paymentTermsDays: 45,
      ownerUserId: userId,
      teamId: null,
      region: '华南',
    });
    const recs = [];
    for (const [i, amountFen] of amounts.entries()) {
      recs.push(
        await Receivable.create({
          number: `AR-${n}-${i}`,
          customerId: c.id,
          salesOrderId: null,
          shipmentId: null,
          ownerUserId: userId,
          amountFen,
          issuedDate: `2026-09-${10 + i}`,
          dueDate: `2026-10-${10 + i}`,
          workflowId: null,
        }),
      );
    }
    return { customer: c, recs };
  }

  it('clears the oldest receivable first and reports what it cleared', async () => {
    const { customer } = await customerWith([3_000_000, 1_800_000]);
    const pay = createPaymentActivities({ db: t.db, clock: () => new Date() });
    const r = await pay.recordPayment({ idempotencyKey: `k${n}`, customerId: customer.id, amountFen: 3_500_000, recordedByUserId: userId });
    expect(r.number).toMatch(/^PAY-\d{8}-\d{4}$/);
    expect(r.cleared.map((c) => [c.number, c.amountFen, c.paidOff, c.remainingFen])).toEqual([
      [`AR-${n}-0`, 3_000_000, true, 0],
      [`AR-${n}-1`, 500_000, false, 1_300_000],
    ]);
    expect(r.unappliedFen).toBe(0);
    const statuses = (await t.db.models.Receivable.findAll({ where: { customerId: customer.id }, order: [['id', 'ASC']] })).map((x) => [
      x.status,
      x.paidFen,
    ]);
    expect(statuses).toEqual([
      ['paid', 3_000_000],
      ['partially_paid', 500_000],
    ]);
    expect(await t.db.models.AuditLog.count({ where: { action: 'payment.record', entityId: String(r.paymentId) } })).toBe(1);
  });

  it('is idempotent: a retried call returns the first payment and applies nothing twice', async () => {
    const { customer } = await customerWith([1_000_000]);
    const pay = createPaymentActivities({ db: t.db, clock: () => new Date() });
    const a = await pay.recordPayment({ idempotencyKey: 'same', customerId: customer.id, amountFen: 400_000, recordedByUserId: userId });
    const b = await pay.recordPayment({ idempotencyKey: 'same', customerId: customer.id, amountFen: 400_000, recordedByUserId: userId });
    expect(b.paymentId).toBe(a.paymentId);
    expect((await t.db.models.Receivable.findOne({ where: { customerId: customer.id } }))!.paidFen).toBe(400_000);
  });

  it('ten payments at once never clear the same money twice', async () => {
    const { customer } = await customerWith([3_000_000, 1_800_000]);
    const pay = createPaymentActivities({ db: t.db, clock: () => new Date() });
    const results = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        pay.recordPayment({ idempotencyKey: `burst-${n}-${i}`, customerId: customer.id, amountFen: 1_000_000, recordedByUserId: userId }),
      ),
    );
    const applied = results.reduce((s, r) => s + r.cleared.reduce((x, c) => x + c.amountFen, 0), 0);
    const unapplied = results.reduce((s, r) => s + r.unappliedFen, 0);
    expect(applied).toBe(4_800_000);
    expect(unapplied).toBe(5_200_000);
    const recs = await t.db.models.Receivable.findAll({ where: { customerId: customer.id } });
    expect(recs.every((r) => r.status === 'paid' && r.paidFen === r.amountFen)).toBe(true);
  });
});
