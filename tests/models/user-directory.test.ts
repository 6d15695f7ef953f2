import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { approverFor } from '../../models/approvers';
import { seedDemoCompany } from '../../models/seed/demo-company';
import { activeUsersWithRole, userById } from '../../models/user-directory';
import { freshDb, type TestDb } from '../helpers/db';

/**
 * The user directory the activities name people from (models/user-directory): the same answers as
 * reading the tables, inactive users still found by id (an order's rep may have left), and
 * every change to users or teams in this process seen by the next lookup.
 */
describe('user directory, cached', () => {
  let t: TestDb;
  beforeAll(async () => {
    t = await freshDb('sqlite');
    await seedDemoCompany(t.db);
  });
  afterAll(async () => t?.drop());

  it('names every user as the table does, and lists a role’s active users in id order', async () => {
    const { User } = t.db.models;
    for (const u of await User.findAll()) {
      expect(await userById(t.db, u.id)).toEqual({
        id: u.id,
        login: u.login,
        name: u.name,
        roleCode: u.roleCode,
        teamId: u.teamId,
        active: u.active,
      });
    }
    expect(await userById(t.db, 99_999)).toBeNull();
    expect(await userById(t.db, null)).toBeNull();
    for (const role of ['rep', 'warehouse', 'finance', 'sales_director']) {
      const rows = await User.findAll({ where: { roleCode: role, active: true }, order: [['id', 'ASC']] });
      expect((await activeUsersWithRole(t.db, role)).map((u) => u.id)).toEqual(rows.map((r) => r.id));
    }
  });

  it('a deactivated user is still named by id but holds no role; a team’s new manager approves at once', async () => {
    const { User, Team } = t.db.models;
    const chen = (await User.findOne({ where: { login: 'chenjing' } }))!;
    expect((await activeUsersWithRole(t.db, 'warehouse')).map((u) => u.login)).toContain('chenjing');
    await User.update({ active: false }, { where: { id: chen.id } });
    expect(await userById(t.db, chen.id)).toMatchObject({ name: chen.name, active: false });
    expect((await activeUsersWithRole(t.db, 'warehouse')).map((u) => u.login)).not.toContain('chenjing');
    await User.update({ active: true }, { where: { id: chen.id } });

    const team = (await Team.findOne({ where: { name: '华东' } }))!;
    const manager = await approverFor(t.db, 'sales_manager', { teamId: team.id });
    expect(manager?.id).toBe(team.managerUserId);
    const other = (await User.findOne({ where: { roleCode: 'sales_director' } }))!;
    await Team.update({ managerUserId: other.id }, { where: { id: team.id } });
    expect(await approverFor(t.db, 'sales_manager', { teamId: team.id })).toEqual({ id: other.id, name: other.name });
    // an inactive manager: the first active sales manager stands in
    await User.update({ active: false }, { where: { id: other.id } });
    const standIn = (await User.findOne({ where: { roleCode: 'sales_manager', active: true }, order: [['id', 'ASC']] }))!;
    expect(await approverFor(t.db, 'sales_manager', { teamId: team.id })).toEqual({ id: standIn.id, name: standIn.name });
    await User.update({ active: true }, { where: { id: other.id } });
    await Team.update({ managerUserId: team.managerUserId }, { where: { id: team.id } });
  });
});
