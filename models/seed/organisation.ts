import type { Role } from '../../config/schema';
import type { SeedContext } from './context';

/** Roles, the two sales teams, the fixed users of the walkthroughs and a few more reps. */

const ROLE_ROWS = [
  { code: 'rep', nameZh: '销售代表', nameEn: 'Sales rep', dataScope: 'own', canSeeCost: false },
  { code: 'sales_manager', nameZh: '销售经理', nameEn: 'Sales manager', dataScope: 'team', canSeeCost: true },
  { code: 'sales_director', nameZh: '销售总监', nameEn: 'Sales director', dataScope: 'all', canSeeCost: true },
  { code: 'finance', nameZh: '财务', nameEn: 'Finance', dataScope: 'all', canSeeCost: true },
  { code: 'warehouse', nameZh: '仓库', nameEn: 'Warehouse', dataScope: 'all', canSeeCost: false },
  { code: 'purchasing', nameZh: '采购', nameEn: 'Purchasing', dataScope: 'all', canSeeCost: true },
  { code: 'admin', nameZh: '管理员', nameEn: 'Administrator', dataScope: 'all', canSeeCost: true },
] as const;

type TeamName = '华东' | '华南';

/** login, name, role, team — the first eight are the ones the README and the tests name */
const USERS: readonly (readonly [string, string, Role, TeamName | null])[] = [
  ['zhangwei', '张伟', 'rep', '华东'],
  ['lina', '李娜', 'rep', '华南'],
  ['wangfang', '王芳', 'sales_manager', '华东'],
  ['liqiang', '李强', 'sales_director', null],
  ['liuyang', '刘洋', 'finance', null],
  ['chenjing', '陈静', 'warehouse', null],
  ['zhaolei', '赵磊', 'purchasing', null],
  ['admin', '管理员', 'admin', null],
  ['chengang', '陈刚', 'sales_manager', '华南'],
  ['sunli', '孙丽', 'rep', '华东'],
  ['wuhao', '吴昊', 'rep', '华东'],
  ['zhengjie', '郑洁', 'rep', '华东'],
  ['lintao', '林涛', 'rep', '华南'],
  ['hejing', '何静', 'rep', '华南'],
  ['liangbin', '梁斌', 'rep', '华南'],
];

export interface Rep {
  id: number;
  login: string;
  name: string;
  teamId: number;
  team: TeamName;
}

export interface Org {
  /** user id by login */
  user: Record<string, number>;
  teamId: Record<TeamName, number>;
  reps: Rep[];
  repsOf(team: TeamName): Rep[];
}

export function seedOrganisation(ctx: SeedContext): Org {
  const { plan, cal } = ctx;
  const rng = ctx.rng.fork('organisation');
  const joined = cal.at(-900, 9);
  for (const r of ROLE_ROWS) plan.add('Role', { ...r });

  // Teams first (users point at them); the managers are known by position in USERS, and
  // managerUserId is a loose id, so it can be filled before the users exist.
  const managerIndex = { 华东: USERS.findIndex((u) => u[0] === 'wangfang'), 华南: USERS.findIndex((u) => u[0] === 'chengang') };
  const teamId = {
    华东: plan.add('Team', { name: '华东', region: '华东', managerUserId: managerIndex.华东 + 1, createdAt: joined }),
    华南: plan.add('Team', { name: '华南', region: '华南', managerUserId: managerIndex.华南 + 1, createdAt: joined }),
  };

  const user: Record<string, number> = {};
  const reps: Rep[] = [];
  const mobiles = new Set<string>();
  USERS.forEach(([login, name, roleCode, team], i) => {
    let mobile: string;
    do mobile = `138${rng.digits(8)}`;
    while (mobiles.has(mobile));
    mobiles.add(mobile);
    const id = plan.add('User', {
      login,
      name,
      roleCode,
      teamId: team ? teamId[team] : null,
      mobile,
      email: `${login}@demo.q2c.cn`,
      employeeNo: `E${String(1001 + i)}`,
      active: true,
      // no one can sign in to an exposed console until an admin sets a password (npm run set-password)
      passwordHash: null,
      failedSignIns: 0,
      lockedUntil: null,
      createdAt: joined,
    });
    if (id !== i + 1) throw new Error('users must be numbered in list order (team managers rely on it)');
    user[login] = id;
    plan.add('ChannelIdentity', {
      channel: 'console',
      externalId: login,
      userId: id,
      boundBy: 'manual',
      displayName: name,
      createdAt: joined,
    });
    if (roleCode === 'rep' && team) reps.push({ id, login, name, teamId: teamId[team], team });
  });
  return { user, teamId, reps, repsOf: (team) => reps.filter((r) => r.team === team) };
}
