import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { paymentCommand } from '../../bot/commands/payment';
import { loadUser } from '../../bot/user-context';
import { scopedKey } from '../../models/idempotency-key';
import { seedDemoCompany } from '../../models/seed/demo-company';
import { dbKinds, freshDb, type TestDb } from '../helpers/db';

describe('回款 command against the demo company', () => {
  let t: TestDb;
  beforeAll(async () => {
    t = await freshDb('sqlite');
    await seedDemoCompany(t.db);
  });
  afterAll(async () => t?.drop());

  it('刘洋 records ¥30,000 from 广州恒通贸易: the overdue ¥30,000 receivable is cleared first', async () => {
    const user = (await loadUser(t.db, 'liuyang'))!;
    const [reply] = await paymentCommand(t.db, user, { customer: '广州恒通', amountFen: 3_000_000 }, { messageId: 'm1' });
    expect(reply?.kind).toBe('card');
    if (reply?.kind !== 'card') return;
    expect(reply.card.title).toMatch(/^回款已登记 PAY-\d{8}-\d{4} · 广州恒通贸易$/);
    expect(reply.card.fields).toEqual([
      { label: '回款金额', value: '¥30,000.00' },
      { label: '已核销', value: '¥30,000.00' },
      { label: '未核销（预收）', value: '¥0.00' },
    ]);
    expect(reply.card.table?.rows).toEqual([[expect.stringMatching(/^AR-/), '¥30,000.00', '已结清']]);
    const customer = await t.db.models.Customer.findOne({ where: { name: '广州恒通贸易' } });
    const open = await t.db.models.Receivable.findAll({ where: { customerId: customer!.id, status: ['open', 'partially_paid'] } });
    expect(open.reduce((s, r) => s + r.amountFen - r.paidFen, 0)).toBe(1_800_000);
  });

  it('the same chat message delivered twice records one payment', async () => {
    const user = (await loadUser(t.db, 'liuyang'))!;
    const before = await t.db.models.Payment.count();
    await paymentCommand(t.db, user, { customer: '广州恒通贸易', amountFen: 100_000 }, { messageId: 'dup' });
    await paymentCommand(t.db, user, { customer: '广州恒通贸易', amountFen: 100_000 }, { messageId: 'dup' });
    expect(await t.db.models.Payment.count()).toBe(before + 1);
  });

  it('a rep may not record payments', async () => {
    const user = (await loadUser(t.db, 'zhangwei'))!;
    expect(await paymentCommand(t.db, user, { customer: '华东机电', amountFen: 100 }, { messageId: 'm3' })).toEqual([
      { kind: 'text', text: '只有财务可以登记回款' },
    ]);
  });
});

describe.each(await dbKinds())('回款 idempotency keys are scoped and capped (%s)', (kind) => {
  let t: TestDb;
  beforeAll(async () => {
    t = await freshDb(kind);
    await seedDemoCompany(t.db);
  });
  afterAll(async () => t?.drop());

  const pay = async (customer: string, messageId: string) =>
    paymentCommand(t.db, (await loadUser(t.db, 'liuyang'))!, { customer, amountFen: 10_000 }, { messageId });

  it('the key is the message id scoped to the customer', async () => {
    await pay('广州恒通贸易', 'm-scope');
    const customer = await t.db.models.Customer.findOne({ where: { name: '广州恒通贸易' } });
    const p = await t.db.models.Payment.findOne({ order: [['id', 'DESC']] });
    expect(p?.idempotencyKey).toBe(scopedKey('pay', `c${customer!.id}`, 'm-scope'));
  });

  it('the same message id for two customers records two payments', async () => {
    const before = await t.db.models.Payment.count();
    await pay('广州恒通贸易', 'same-id');
    await pay('华东机电', 'same-id');
    expect(await t.db.models.Payment.count()).toBe(before + 2);
  });

  it('a long message id is capped, and two long ids that differ only at the end stay two payments', async () => {
    const long = 'x'.repeat(300);
    const before = await t.db.models.Payment.count();
    const [a] = await pay('广州恒通贸易', `${long}1`);
    const [b] = await pay('广州恒通贸易', `${long}2`);
    const [again] = await pay('广州恒通贸易', `${long}1`);
    expect([a?.kind, b?.kind, again?.kind]).toEqual(['card', 'card', 'card']);
    expect(await t.db.models.Payment.count()).toBe(before + 2);
    const keys = (await t.db.models.Payment.findAll({ order: [['id', 'DESC']], limit: 2 })).map((p) => p.idempotencyKey ?? '');
    for (const k of keys) expect(k.length).toBeLessThanOrEqual(64);
    expect(new Set(keys).size).toBe(2);
  });
});
