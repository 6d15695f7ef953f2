import type { Grade } from '../../config/schema';
import type { SeedContext } from './context';
import { creditCode } from './credit-code';
import { CITIES, type City, CONTACT_TITLES, companyName, mobileNumber, personName } from './names';
import type { Org } from './organisation';
import type { Rng } from './random';

/** Customers (two fixed ones the tests compute credit on, the rest random) and their contacts. */

export interface CustomerInfo {
  id: number;
  name: string;
  grade: Grade;
  termsDays: number;
  ownerId: number;
  teamId: number;
  team: '华东' | '华南';
  /** the fixed customers get hand-made histories; the random generators leave them alone */
  fixed: 'huadong' | 'hengtong' | null;
}

export const HUADONG = '华东机电有限公司';
export const HENGTONG = '广州恒通贸易';

const WAN = 1_000_000; // 1万元 in fen

function creditLimitFor(rng: Rng, grade: Grade): number {
  switch (grade) {
    case 'VIP':
      return rng.int(100, 300) * WAN;
    case 'A':
      return rng.int(30, 80) * WAN;
    case 'B':
      return rng.int(5, 20) * WAN;
    case 'C':
      return rng.int(1, 5) * WAN;
  }
}

function termsFor(rng: Rng, grade: Grade): number {
  if (grade === 'VIP')
    return rng.weighted([
      [60, 3],
      [45, 1],
    ] as const);
  if (grade === 'A') return rng.pick([30, 45, 60]);
  if (grade === 'B') return rng.pick([30, 30, 45]);
  return 30;
}

function tagsFor(rng: Rng, grade: Grade): string[] {
  const tags: string[] = [];
  if (grade === 'VIP') tags.push('战略客户');
  if (grade === 'A') tags.push('重点客户');
  if (rng.chance(0.4)) tags.push(rng.pick(['老客户', '新客户', '需开专票', '月结', '价格敏感']));
  return tags;
}

export function seedCustomers(ctx: SeedContext, org: Org, count = 60): CustomerInfo[] {
  const { plan, cal } = ctx;
  const rng = ctx.rng.fork('customers');
  const customers: CustomerInfo[] = [];
  const names = new Set<string>([HUADONG, HENGTONG]);

  const add = (c: Omit<CustomerInfo, 'id'> & { city: City; creditLimitFen: number; industry: string; since: number; tags: string[] }) => {
    const id = plan.add('Customer', {
      code: `C${String(customers.length + 1).padStart(4, '0')}`,
      name: c.name,
      taxNo: creditCode(rng, c.city.division),
      grade: c.grade,
      creditLimitFen: c.creditLimitFen,
      paymentTermsDays: c.termsDays,
      ownerUserId: c.ownerId,
      teamId: c.teamId,
      region: c.city.region,
      tags: c.tags,
      customFields: { 行业: c.industry, 城市: c.city.name },
      creditHold: false,
      createdAt: cal.at(c.since, 10, rng.int(0, 59)),
    });
    customers.push({
      id,
      name: c.name,
      grade: c.grade,
      termsDays: c.termsDays,
      ownerId: c.ownerId,
      teamId: c.teamId,
      team: c.team,
      fixed: c.fixed,
    });
    for (
      let i = 0,
        n = rng.weighted([
          [1, 3],
          [2, 4],
          [3, 2],
        ] as const);
      i < n;
      i++
    )
      addContact(ctx, rng, id, i, c.since);
    return id;
  };

  const city = (name: string) => CITIES.find((x) => x.name === name) as City;
  add({
    name: HUADONG,
    city: city('上海'),
    industry: '机电设备',
    grade: 'A',
    creditLimitFen: 50_000_000,
    termsDays: 30,
    ownerId: org.user.zhangwei as number,
    teamId: org.teamId.华东,
    team: '华东',
    fixed: 'huadong',
    since: -820,
    tags: ['重点客户', '老客户'],
  });
  add({
    name: HENGTONG,
    city: city('广州'),
    industry: '五金贸易',
    grade: 'B',
    creditLimitFen: 5_000_000,
    termsDays: 45,
    ownerId: org.user.lina as number,
    teamId: org.teamId.华南,
    team: '华南',
    fixed: 'hengtong',
    since: -610,
    tags: ['月结'],
  });

  while (customers.length < count) {
    const c = rng.pick(CITIES);
    const { name, industry } = companyName(rng, c);
    if (names.has(name)) continue;
    names.add(name);
    const team = c.region === '华南' ? '华南' : '华东';
    // the demo users own a good share, so their own-scope views are not empty
    const reps = org.repsOf(team);
    const owner = rng.chance(0.35)
      ? (reps.find((r) => r.login === (team === '华东' ? 'zhangwei' : 'lina')) ?? rng.pick(reps))
      : rng.pick(reps);
    const grade = rng.weighted<Grade>([
      ['VIP', 8],
      ['A', 25],
      ['B', 40],
      ['C', 27],
    ]);
    add({
      name,
      city: c,
      industry,
      grade,
      creditLimitFen: creditLimitFor(rng, grade),
      termsDays: termsFor(rng, grade),
      ownerId: owner.id,
      teamId: owner.teamId,
      team,
      fixed: null,
      since: -rng.int(30, 900),
      tags: tagsFor(rng, grade),
    });
  }
  return customers;
}

function addContact(ctx: SeedContext, rng: Rng, customerId: number, index: number, since: number): void {
  const p = personName(rng);
  const mailHost = rng.pick(['qq.com', '163.com', '126.com', 'sina.com']);
  const local = mailHost === 'qq.com' && rng.chance(0.6) ? rng.digits(9).replace(/^0/, '8') : `${p.pinyin}${rng.int(1, 99)}`;
  ctx.plan.add('Contact', {
    customerId,
    name: p.name,
    title: index === 0 ? rng.pick(['采购经理', '采购专员']) : rng.pick(CONTACT_TITLES),
    mobile: mobileNumber(rng),
    email: rng.chance(0.8) ? `${local}@${mailHost}` : null,
    imId: rng.chance(0.6) ? `wx_${p.pinyin}${rng.digits(3)}` : null,
    createdAt: ctx.cal.at(since, 11),
  });
}
