import { QueryTypes } from 'sequelize';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrate, migrator } from '../../models/migrations';
import { nextDocumentNumber } from '../../models/sequence';
import { dbKinds, freshDb, type TestDb } from '../helpers/db';

/**
 * 0008-crm on a database of the release before it: the leads and opportunities already there
 * are numbered in id order within the year they were made (Shanghai time), and the year's
 * counter is set past them, so the next number the application draws repeats none.
 */
describe.each(await dbKinds())('migration 0008-crm on existing rows (%s)', (kind) => {
  let t: TestDb;
  beforeAll(async () => {
    t = await freshDb(kind);
  });
  afterAll(async () => t?.drop());

  const q = <T extends object>(sql: string) => t.db.sequelize.query<T>(sql, { type: QueryTypes.SELECT });

  it('numbers the rows, moves the counters, and can be undone and redone', async () => {
    await migrator(t.db).down({ to: '0008-crm' });
    const cols = Object.keys(await t.db.sequelize.getQueryInterface().describeTable('leads'));
    expect(cols).not.toContain('number');
    expect(cols).not.toContain('next_follow_up_at');
    expect((await t.db.sequelize.getQueryInterface().showAllTables()).map(String)).not.toContain('lead_assignment_pointers');

    await t.db.models.Role.create({ code: 'rep', nameZh: '销售代表', nameEn: 'Sales rep', dataScope: 'own', canSeeCost: false });
    const user = await t.db.models.User.create({
      login: 'r',
      name: 'r',
      roleCode: 'rep',
      teamId: null,
      mobile: null,
      email: null,
      employeeNo: null,
    });
    const customer = await t.db.models.Customer.create({
      code: 'C0001',
      name: '甲公司',
      taxNo: null,
      grade: 'B',
      creditLimitFen: 0,
      paymentTermsDays: 30,
      ownerUserId: user.id,
      teamId: null,
      region: null,
    });
    // 2025-12-31 17:00 UTC is already 2026 in Shanghai
    for (const [company, at] of [
      ['甲', '2025-06-01T02:00:00Z'],
      ['乙', '2025-12-31T17:00:00Z'],
      ['丙', '2025-12-31T15:00:00Z'],
      ['丁', '2026-03-01T02:00:00Z'],
    ] as const)
      await t.db.sequelize.query(
        `INSERT INTO leads (company_name, source, status, created_at, updated_at) VALUES (:company, 'manual', 'new', :at, :at)`,
        { replacements: { company, at: new Date(at) } },
      );
    await t.db.sequelize.query(
      `INSERT INTO opportunities (customer_id, name, stage, amount_fen, owner_user_id, created_at, updated_at)
       VALUES (:c, '年度采购', 'initial', 0, :u, :at, :at)`,
      { replacements: { c: customer.id, u: user.id, at: new Date('2026-05-01T02:00:00Z') } },
    );
    // a counter already there for the year (numbers drawn by something else) is not moved back
    await t.db.sequelize.query(`INSERT INTO document_sequences (key, last_value) VALUES ('OP-2026', 7)`);

    // 0008 runs again, then whatever came after it
    expect((await migrate(t.db))[0]).toBe('0008-crm');
    const leads = await q<{ company: string; number: string }>('SELECT company_name AS company, number FROM leads ORDER BY id');
    expect(leads).toEqual([
      { company: '甲', number: 'LD-2025-0001' },
      { company: '乙', number: 'LD-2026-0001' },
      { company: '丙', number: 'LD-2025-0002' },
      { company: '丁', number: 'LD-2026-0002' },
    ]);
    expect(await q<{ number: string }>('SELECT number FROM opportunities')).toEqual([{ number: 'OP-2026-0001' }]);
    await t.db.writeTx(async (transaction) => {
      expect(await nextDocumentNumber(t.db, 'LD', '2026', { transaction })).toBe('LD-2026-0003');
      expect(await nextDocumentNumber(t.db, 'LD', '2025', { transaction })).toBe('LD-2025-0003');
      expect(await nextDocumentNumber(t.db, 'OP', '2026', { transaction })).toBe('OP-2026-0008');
    });
    // the numbers are unique from now on
    await expect(t.db.sequelize.query(`UPDATE leads SET number = 'LD-2025-0001' WHERE company_name = '丁'`)).rejects.toThrow();
    expect(await migrate(t.db)).toEqual([]);
  });
});
