import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nextDocumentNumber } from '../../models/sequence';
import { dbKinds, freshDb, type TestDb } from '../helpers/db';

const kinds = await dbKinds();

describe.each(kinds)('model constraints on %s', (kind) => {
  let t: TestDb;
  let userId: number;
  let customerId: number;
  beforeAll(async () => {
    t = await freshDb(kind);
    const { Role, User, Customer } = t.db.models;
    await Role.create({ code: 'rep', nameZh: '销售代表', nameEn: 'Sales rep', dataScope: 'own', canSeeCost: false });
    const u = await User.create({
      login: 'zhangwei',
      name: '张伟',
      roleCode: 'rep',
      teamId: null,
      mobile: null,
      email: null,
      employeeNo: null,
    });
    userId = u.id;
    const c = await Customer.create({
      code: 'C0001',
      name: '华东机电有限公司',
      taxNo: '91310000MA1FL8XQ3K',
      grade: 'A',
      creditLimitFen: 50_000_000,
      paymentTermsDays: 30,
      ownerUserId: userId,
      teamId: null,
      region: '华东',
    });
    customerId = c.id;
  });
  afterAll(async () => t?.drop());

  it('money comes back as an exact integer number of fen, also beyond 2^31', async () => {
    const { Customer } = t.db.models;
    await Customer.update({ creditLimitFen: 9_007_199_254_740_991 }, { where: { id: customerId } });
    const c = await Customer.findByPk(customerId);
    expect(c!.creditLimitFen).toBe(9_007_199_254_740_991);
    expect(typeof c!.creditLimitFen).toBe('number');
    await Customer.update({ creditLimitFen: 50_000_000 }, { where: { id: customerId } });
  });

  it.each([
    ['a fraction of a fen', 12.5],
    ['a negative amount', -1],
    ['a number past 2^53', 2 ** 60],
  ])('refuses %s as money', async (_, value) => {
    await expect(t.db.models.Customer.update({ creditLimitFen: value }, { where: { id: customerId }, validate: true })).rejects.toThrow(
      /money must/,
    );
  });

  it.each([
    ['customers', 'grade', 'Z'],
    ['sales_orders', 'status', 'lost_in_space'],
  ])('refuses an unknown enumerated value in %s.%s', async (table, _field, value) => {
    if (table === 'customers') {
      await expect(t.db.models.Customer.update({ grade: value as 'A' }, { where: { id: customerId } })).rejects.toThrow(/isIn/);
    } else {
      const o = t.db.models.SalesOrder.build({
        number: 'SO-X',
        customerId,
        quoteId: null,
        contractId: null,
        ownerUserId: userId,
        teamId: null,
        status: value as 'draft',
        orderDate: '2026-11-23',
        gradeDiscountBp: 0,
        manualDiscountBp: 0,
        netFen: 0,
        taxFen: 0,
        totalFen: 0,
        costFen: 0,
        paymentTermsDays: 30,
        workflowId: null,
        cancelReason: null,
      });
      await expect(o.validate()).rejects.toThrow(/isIn/);
    }
  });

  it('enforces foreign keys', async () => {
    await expect(
      t.db.models.Contact.create({ customerId: 999_999, name: '孤儿', title: null, mobile: null, email: null, imId: null }),
    ).rejects.toThrow(/foreign key/i);
  });

  it('keeps dates as calendar-day strings and JSON as objects', async () => {
    const { Receivable, Customer } = t.db.models;
    const r = await Receivable.create({
      number: 'AR-1',
      customerId,
      salesOrderId: null,
      shipmentId: null,
      ownerUserId: userId,
      amountFen: 300_000,
      issuedDate: '2026-10-31',
      dueDate: '2026-11-30',
      workflowId: null,
    });
    const back = await Receivable.findByPk(r.id);
    expect(back!.dueDate).toBe('2026-11-30');
    expect(back!.status).toBe('open');
    await Customer.update({ tags: ['重点', '华东'], customFields: { 行业: '机械' } }, { where: { id: customerId } });
    const c = await Customer.findByPk(customerId);
    expect(c!.tags).toEqual(['重点', '华东']);
    expect(c!.customFields).toEqual({ 行业: '机械' });
  });

  it('refuses a receivable paid beyond its amount, and reserved beyond on hand', async () => {
    const { Receivable, StockLevel } = t.db.models;
    const r = Receivable.build({
      number: 'AR-2',
      customerId,
      salesOrderId: null,
      shipmentId: null,
      ownerUserId: userId,
      amountFen: 100,
      paidFen: 101,
      issuedDate: '2026-10-31',
      dueDate: '2026-11-30',
      workflowId: null,
    });
    await expect(r.validate()).rejects.toThrow(/paid must not exceed/);
    await expect(StockLevel.build({ productId: 1, warehouseId: 1, onHand: 5, reserved: 6 }).validate()).rejects.toThrow(
      /reserved must not exceed/,
    );
  });

  it('an approval step takes one decision only: the second is refused by the database', async () => {
    const { ApprovalRequest, ApprovalStep, ApprovalDecision } = t.db.models;
    const req = await ApprovalRequest.create({
      subjectType: 'quote',
      subjectId: 1,
      requestedByUserId: userId,
      workflowId: null,
      decidedAt: null,
    });
    const step = await ApprovalStep.create({
      approvalRequestId: req.id,
      stepNo: 1,
      approverRole: 'sales_manager',
      approverUserId: userId,
      reasons: [{ zh: '折扣 12% > 5%', en: 'discount 12% > 5%' }],
      remindedAt: null,
      escalatedAt: null,
    });
    const decide = (decision: 'approve' | 'reject') =>
      ApprovalDecision.create({ approvalStepId: step.id, userId, decision, comment: null, decidedAt: new Date() });
    await decide('approve');
    await expect(decide('reject')).rejects.toThrow(/unique|Validation/i);
    expect((await ApprovalStep.findByPk(step.id))!.reasons).toEqual([{ zh: '折扣 12% > 5%', en: 'discount 12% > 5%' }]);
  });

  it('draws 60 concurrent document numbers without a gap or a repeat', async () => {
    const numbers = await Promise.all(Array.from({ length: 60 }, () => nextDocumentNumber(t.db, 'SO', '20261123')));
    expect(new Set(numbers).size).toBe(60);
    expect([...numbers].sort()).toEqual(Array.from({ length: 60 }, (_, i) => `SO-20261123-${String(i + 1).padStart(4, '0')}`));
    expect(await nextDocumentNumber(t.db, 'SO', '20261124')).toBe('SO-20261124-0001');
  });
});
