import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadUser } from '../../bot/user-context';
import { seedDemoCompany } from '../../models/seed/demo-company';
import { freshDb, type TestDb } from '../helpers/db';

/** loadUser answers from a cache (models/reference-cache): every change to users or roles in this process shows at once. */
describe('who is asking, cached', () => {
  let t: TestDb;
  beforeAll(async () => {
    t = await freshDb('sqlite');
    await seedDemoCompany(t.db);
  });
  afterAll(async () => t?.drop());

  it('a deactivated user is refused at once, and welcome again when reactivated', async () => {
    const { User } = t.db.models;
    expect((await loadUser(t.db, 'lina'))?.name).toBe('李娜');
    await User.update({ active: false }, { where: { login: 'lina' } });
    expect(await loadUser(t.db, 'lina')).toBeNull();
    await User.update({ active: true }, { where: { login: 'lina' } });
    expect((await loadUser(t.db, 'lina'))?.login).toBe('lina');
  });

  it('a new role or changed role rights apply to the next message', async () => {
    const { User, Role } = t.db.models;
    const before = (await loadUser(t.db, 'zhangwei'))!;
    expect(before).toMatchObject({ roleCode: 'rep', dataScope: 'own', canSeeCost: false });
    await User.update({ roleCode: 'sales_manager' }, { where: { login: 'zhangwei' } });
    expect(await loadUser(t.db, 'zhangwei')).toMatchObject({ roleCode: 'sales_manager', dataScope: 'team' });
    // role rights by raw SQL: the query hook sees it as well as model writes
    await t.db.sequelize.query("UPDATE roles SET can_see_cost = ? WHERE code = 'sales_manager'", { replacements: [false] });
    expect((await loadUser(t.db, 'zhangwei'))?.canSeeCost).toBe(false);
    await Role.update({ canSeeCost: true }, { where: { code: 'sales_manager' } });
    expect((await loadUser(t.db, 'zhangwei'))?.canSeeCost).toBe(true);
    await User.update({ roleCode: 'rep' }, { where: { login: 'zhangwei' } });
    expect((await loadUser(t.db, 'zhangwei'))?.roleCode).toBe('rep');
  });

  it('a user created after an unknown login was asked for is found', async () => {
    expect(await loadUser(t.db, 'newbie')).toBeNull();
    await t.db.models.User.create({
      login: 'newbie',
      name: '新人',
      roleCode: 'rep',
      teamId: null,
      mobile: null,
      email: null,
      employeeNo: null,
    });
    expect((await loadUser(t.db, 'newbie'))?.name).toBe('新人');
  });

  it('a change committed in a transaction shows after the commit', async () => {
    await t.db.writeTx(async (transaction) => {
      await t.db.models.User.update({ name: '王芳芳' }, { where: { login: 'wangfang' }, transaction });
      expect((await loadUser(t.db, 'wangfang'))?.name).toBe('王芳'); // not committed yet
    });
    expect((await loadUser(t.db, 'wangfang'))?.name).toBe('王芳芳');
  });

  it('callers get their own copy', async () => {
    const a = (await loadUser(t.db, 'liuyang'))!;
    a.roleCode = 'admin';
    expect((await loadUser(t.db, 'liuyang'))?.roleCode).toBe('finance');
  });
});
