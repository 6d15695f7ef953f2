import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newLeadCommand } from '../../bot/commands/lead';
import { loadUser } from '../../bot/user-context';
import { loadConfig } from '../../config';
import { type Db, openDb } from '../../models/db';
import { takeTurn } from '../../models/lead-assignment';
import { dbKinds, freshDb, type TestDb } from '../helpers/db';

/**
 * The round-robin pointer under load and across a restart, on both databases: new leads
 * entered at once take consecutive turns (each of the team's four reps gets exactly a quarter),
 * and a process that starts again goes on from the turn the last one took.
 */
const NOW = new Date('2026-11-23T02:00:00Z');
const config = loadConfig({ env: { CONFIG_FILE: '' } });

describe.each(await dbKinds())('round-robin lead assignment (%s)', (kind) => {
  let t: TestDb;
  let team = 0;
  let reps: number[] = [];
  beforeAll(async () => {
    t = await freshDb(kind);
    const { Role, Team, User } = t.db.models;
    await Role.bulkCreate([
      { code: 'rep', nameZh: '销售代表', nameEn: 'Sales rep', dataScope: 'own', canSeeCost: false },
      { code: 'sales_manager', nameZh: '销售经理', nameEn: 'Sales manager', dataScope: 'team', canSeeCost: true },
    ]);
    team = (await Team.create({ name: '华东', region: '华东', managerUserId: null })).id;
    const other = (await Team.create({ name: '华南', region: '华南', managerUserId: null })).id;
    const user = (login: string, roleCode: 'rep' | 'sales_manager', teamId: number, active = true) =>
      User.create({ login, name: login, roleCode, teamId, mobile: null, email: null, employeeNo: null, active });
    reps = [];
    for (const login of ['r1', 'r2', 'r3', 'r4']) reps.push((await user(login, 'rep', team)).id);
    await user('boss', 'sales_manager', team);
    await user('gone', 'rep', team, false);
    await user('south', 'rep', other);
  });
  afterAll(async () => t?.drop());

  const turn = (db: Db) => db.writeTx((transaction) => takeTurn(db, team, ['rep'], { transaction, now: NOW }));

  it('200 turns taken at once: consecutive, each rep exactly 50, never the manager, the inactive or another team', async () => {
    const got = await Promise.all(Array.from({ length: 200 }, () => turn(t.db)));
    const count = new Map<number, number>();
    for (const id of got) count.set(id as number, (count.get(id as number) ?? 0) + 1);
    expect([...count.keys()].sort((a, b) => a - b)).toEqual(reps);
    expect([...count.values()]).toEqual([50, 50, 50, 50]);
    const pointer = await t.db.models.LeadAssignmentPointer.findByPk(team);
    expect(pointer?.lastUserId).toBe(reps[3]); // 200 turns from the start: the last rep had the last
  });

  it('a restarted process goes on from the last turn', async () => {
    await turn(t.db); // r1
    const again = await openDb({ url: kind === 'sqlite' ? `sqlite:${t.db.location}` : t.db.location });
    try {
      expect([await turn(again), await turn(again)]).toEqual([reps[1], reps[2]]);
    } finally {
      await again.close();
    }
  });

  it('new leads entered at once through the chat command: unique numbers, fair turns, each owner told once', async () => {
    await t.db.models.LeadAssignmentPointer.update({ lastUserId: null, updatedAt: NOW }, { where: { teamId: team } });
    const boss = (await loadUser(t.db, 'boss'))!;
    const replies = await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        newLeadCommand(
          t.db,
          config,
          boss,
          {
            companyName: `测试公司${i}`,
            contactName: '张三',
            mobile: `1390000${String(i).padStart(4, '0')}`,
            source: 'website',
            note: null,
          },
          { now: NOW },
        ),
      ),
    );
    expect(replies.every((r) => r[0]?.kind === 'text' && r[0].text.startsWith('已创建线索'))).toBe(true);
    const leads = await t.db.models.Lead.findAll({ where: { companyName: Array.from({ length: 40 }, (_, i) => `测试公司${i}`) } });
    expect(new Set(leads.map((l) => l.number)).size).toBe(40);
    const per = reps.map((id) => leads.filter((l) => l.ownerUserId === id).length);
    expect(per).toEqual([10, 10, 10, 10]);
    for (const id of reps) expect(await t.db.models.OutboxMessage.count({ where: { recipientUserId: id } })).toBe(10);
  });
});
