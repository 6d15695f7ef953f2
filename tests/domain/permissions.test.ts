import { describe, expect, it } from 'vitest';
import { ROLES } from '../../config/schema';
import { ACTIONS, type Action, may, type Principal, scopeOf } from '../../domain/permissions';

/**
 * role × action × whose record → allowed, written out by hand (not derived from the code).
 * The three marks are: the user's own record · a colleague's record in the user's team · a
 * record of another team. Each user below sits in team 1, so "team" means the same for all.
 */
// biome-ignore format: the table is read as a table
const TABLE: readonly (readonly [string, Action, string])[] = [
  ['rep',            'customer.view',   '✓ ✗ ✗'],
  ['rep',            'quote.create',    '✓ ✗ ✗'],
  ['rep',            'quote.submit',    '✓ ✗ ✗'],
  ['rep',            'quote.cancel',    '✓ ✗ ✗'],
  ['rep',            'order.view',      '✓ ✗ ✗'],
  ['rep',            'order.cancel',    '✓ ✗ ✗'],
  ['rep',            'shipment.record', '✗ ✗ ✗'],
  ['rep',            'payment.record',  '✗ ✗ ✗'],
  ['rep',            'approval.decide', '✗ ✗ ✗'],
  ['rep',            'cost.view',       '✗ ✗ ✗'],
  ['rep',            'stock.view',      '✓ ✓ ✓'],
  ['rep',            'lead.view',       '✓ ✗ ✗'],
  ['rep',            'lead.create',     '✓ ✗ ✗'],
  ['rep',            'lead.edit',       '✓ ✗ ✗'],
  ['rep',            'follow_up.record', '✓ ✗ ✗'],
  ['rep',            'opportunity.view', '✓ ✗ ✗'],
  ['rep',            'opportunity.edit', '✓ ✗ ✗'],
  ['rep',            'task.view',       '✓ ✗ ✗'],
  ['rep',            'task.complete',   '✓ ✗ ✗'],
  ['rep',            'user.bind',       '✗ ✗ ✗'],

  ['sales_manager',  'customer.view',   '✓ ✓ ✗'],
  ['sales_manager',  'quote.create',    '✓ ✓ ✗'],
  ['sales_manager',  'quote.submit',    '✓ ✓ ✗'],
  ['sales_manager',  'quote.cancel',    '✓ ✓ ✗'],
  ['sales_manager',  'order.view',      '✓ ✓ ✗'],
  ['sales_manager',  'order.cancel',    '✓ ✓ ✗'],
  ['sales_manager',  'shipment.record', '✗ ✗ ✗'],
  ['sales_manager',  'payment.record',  '✗ ✗ ✗'],
  ['sales_manager',  'approval.decide', '✓ ✓ ✗'],
  ['sales_manager',  'cost.view',       '✓ ✓ ✓'],
  ['sales_manager',  'stock.view',      '✓ ✓ ✓'],
  ['sales_manager',  'lead.view',       '✓ ✓ ✗'],
  ['sales_manager',  'lead.create',     '✓ ✓ ✗'],
  ['sales_manager',  'lead.edit',       '✓ ✓ ✗'],
  ['sales_manager',  'follow_up.record', '✓ ✓ ✗'],
  ['sales_manager',  'opportunity.view', '✓ ✓ ✗'],
  ['sales_manager',  'opportunity.edit', '✓ ✓ ✗'],
  ['sales_manager',  'task.view',       '✓ ✓ ✗'],
  ['sales_manager',  'task.complete',   '✓ ✓ ✗'],
  ['sales_manager',  'user.bind',       '✗ ✗ ✗'],

  ['sales_director', 'customer.view',   '✓ ✓ ✓'],
  ['sales_director', 'quote.create',    '✓ ✓ ✓'],
  ['sales_director', 'quote.submit',    '✓ ✓ ✓'],
  ['sales_director', 'quote.cancel',    '✓ ✓ ✓'],
  ['sales_director', 'order.view',      '✓ ✓ ✓'],
  ['sales_director', 'order.cancel',    '✓ ✓ ✓'],
  ['sales_director', 'shipment.record', '✗ ✗ ✗'],
  ['sales_director', 'payment.record',  '✗ ✗ ✗'],
  ['sales_director', 'approval.decide', '✓ ✓ ✓'],
  ['sales_director', 'cost.view',       '✓ ✓ ✓'],
  ['sales_director', 'stock.view',      '✓ ✓ ✓'],
  ['sales_director','lead.view',       '✓ ✓ ✓'],
  ['sales_director','lead.create',     '✓ ✓ ✓'],
  ['sales_director','lead.edit',       '✓ ✓ ✓'],
  ['sales_director','follow_up.record','✓ ✓ ✓'],
  ['sales_director','opportunity.view','✓ ✓ ✓'],
  ['sales_director','opportunity.edit','✓ ✓ ✓'],
  ['sales_director','task.view',       '✓ ✓ ✓'],
  ['sales_director','task.complete',   '✓ ✓ ✓'],
  ['sales_director', 'user.bind',       '✗ ✗ ✗'],

  ['finance',        'customer.view',   '✓ ✓ ✓'],
  ['finance',        'quote.create',    '✗ ✗ ✗'],
  ['finance',        'quote.submit',    '✗ ✗ ✗'],
  ['finance',        'quote.cancel',    '✗ ✗ ✗'],
  ['finance',        'order.view',      '✓ ✓ ✓'],
  ['finance',        'order.cancel',    '✗ ✗ ✗'],
  ['finance',        'shipment.record', '✗ ✗ ✗'],
  ['finance',        'payment.record',  '✓ ✓ ✓'],
  ['finance',        'approval.decide', '✓ ✓ ✓'],
  ['finance',        'cost.view',       '✓ ✓ ✓'],
  ['finance',        'stock.view',      '✓ ✓ ✓'],
  ['finance',        'lead.view',       '✗ ✗ ✗'],
  ['finance',        'lead.create',     '✗ ✗ ✗'],
  ['finance',        'lead.edit',       '✗ ✗ ✗'],
  ['finance',        'follow_up.record', '✗ ✗ ✗'],
  ['finance',        'opportunity.view', '✗ ✗ ✗'],
  ['finance',        'opportunity.edit', '✗ ✗ ✗'],
  ['finance',        'task.view',       '✓ ✗ ✗'],
  ['finance',        'task.complete',   '✓ ✗ ✗'],
  ['finance',        'user.bind',       '✗ ✗ ✗'],

  ['warehouse',      'customer.view',   '✗ ✗ ✗'],
  ['warehouse',      'quote.create',    '✗ ✗ ✗'],
  ['warehouse',      'quote.submit',    '✗ ✗ ✗'],
  ['warehouse',      'quote.cancel',    '✗ ✗ ✗'],
  ['warehouse',      'order.view',      '✓ ✓ ✓'],
  ['warehouse',      'order.cancel',    '✗ ✗ ✗'],
  ['warehouse',      'shipment.record', '✓ ✓ ✓'],
  ['warehouse',      'payment.record',  '✗ ✗ ✗'],
  ['warehouse',      'approval.decide', '✗ ✗ ✗'],
  ['warehouse',      'cost.view',       '✗ ✗ ✗'],
  ['warehouse',      'stock.view',      '✓ ✓ ✓'],
  ['warehouse',      'lead.view',       '✗ ✗ ✗'],
  ['warehouse',      'lead.create',     '✗ ✗ ✗'],
  ['warehouse',      'lead.edit',       '✗ ✗ ✗'],
  ['warehouse',      'follow_up.record', '✗ ✗ ✗'],
  ['warehouse',      'opportunity.view', '✗ ✗ ✗'],
  ['warehouse',      'opportunity.edit', '✗ ✗ ✗'],
  ['warehouse',      'task.view',       '✓ ✗ ✗'],
  ['warehouse',      'task.complete',   '✓ ✗ ✗'],
  ['warehouse',      'user.bind',       '✗ ✗ ✗'],

  ['purchasing',     'customer.view',   '✗ ✗ ✗'],
  ['purchasing',     'quote.create',    '✗ ✗ ✗'],
  ['purchasing',     'quote.submit',    '✗ ✗ ✗'],
  ['purchasing',     'quote.cancel',    '✗ ✗ ✗'],
  ['purchasing',     'order.view',      '✓ ✓ ✓'],
  ['purchasing',     'order.cancel',    '✗ ✗ ✗'],
  ['purchasing',     'shipment.record', '✗ ✗ ✗'],
  ['purchasing',     'payment.record',  '✗ ✗ ✗'],
  ['purchasing',     'approval.decide', '✗ ✗ ✗'],
  ['purchasing',     'cost.view',       '✓ ✓ ✓'],
  ['purchasing',     'stock.view',      '✓ ✓ ✓'],
  ['purchasing',     'lead.view',       '✗ ✗ ✗'],
  ['purchasing',     'lead.create',     '✗ ✗ ✗'],
  ['purchasing',     'lead.edit',       '✗ ✗ ✗'],
  ['purchasing',     'follow_up.record', '✗ ✗ ✗'],
  ['purchasing',     'opportunity.view', '✗ ✗ ✗'],
  ['purchasing',     'opportunity.edit', '✗ ✗ ✗'],
  ['purchasing',     'task.view',       '✓ ✗ ✗'],
  ['purchasing',     'task.complete',   '✓ ✗ ✗'],
  ['purchasing',     'user.bind',       '✗ ✗ ✗'],

  ['admin',          'customer.view',   '✓ ✓ ✓'],
  ['admin',          'quote.create',    '✓ ✓ ✓'],
  ['admin',          'quote.submit',    '✓ ✓ ✓'],
  ['admin',          'quote.cancel',    '✓ ✓ ✓'],
  ['admin',          'order.view',      '✓ ✓ ✓'],
  ['admin',          'order.cancel',    '✓ ✓ ✓'],
  ['admin',          'shipment.record', '✓ ✓ ✓'],
  ['admin',          'payment.record',  '✓ ✓ ✓'],
  ['admin',          'approval.decide', '✓ ✓ ✓'],
  ['admin',          'cost.view',       '✓ ✓ ✓'],
  ['admin',          'stock.view',      '✓ ✓ ✓'],
  ['admin',          'lead.view',       '✓ ✓ ✓'],
  ['admin',          'lead.create',     '✓ ✓ ✓'],
  ['admin',          'lead.edit',       '✓ ✓ ✓'],
  ['admin',          'follow_up.record', '✓ ✓ ✓'],
  ['admin',          'opportunity.view', '✓ ✓ ✓'],
  ['admin',          'opportunity.edit', '✓ ✓ ✓'],
  ['admin',          'task.view',       '✓ ✓ ✓'],
  ['admin',          'task.complete',   '✓ ✓ ✓'],
  ['admin',          'user.bind',       '✓ ✓ ✓'],
];

/** each role's rights as the demo company's roles table has them (models/seed/organisation.ts) */
const SEEDED: Record<string, Pick<Principal, 'dataScope' | 'canSeeCost'>> = {
  rep: { dataScope: 'own', canSeeCost: false },
  sales_manager: { dataScope: 'team', canSeeCost: true },
  sales_director: { dataScope: 'all', canSeeCost: true },
  finance: { dataScope: 'all', canSeeCost: true },
  warehouse: { dataScope: 'all', canSeeCost: false },
  purchasing: { dataScope: 'all', canSeeCost: true },
  admin: { dataScope: 'all', canSeeCost: true },
};

const ME = 100;
const userOf = (roleCode: string): Principal => ({ id: ME, roleCode, teamId: 1, ...SEEDED[roleCode]! });
const RECORDS = {
  own: { ownerUserId: ME, teamId: 1 },
  'same team': { ownerUserId: 101, teamId: 1 },
  'other team': { ownerUserId: 201, teamId: 2 },
} as const;

const cases = TABLE.flatMap(([role, action, marks]) => {
  const [own, team, other] = marks.split(' ').map((m) => m === '✓');
  return (
    [
      ['own', own],
      ['same team', team],
      ['other team', other],
    ] as const
  ).map(([whose, allowed]) => [role, action, whose, allowed] as const);
});

describe('permissions: role × action × whose record', () => {
  it('the table covers every role and every action once', () => {
    expect(new Set(TABLE.map(([r, a]) => `${r} ${a}`)).size).toBe(TABLE.length);
    expect(TABLE.length).toBe(ROLES.length * ACTIONS.length);
    for (const r of ROLES) for (const a of ACTIONS) expect(TABLE.some(([tr, ta]) => tr === r && ta === a)).toBe(true);
  });

  it.each(cases)('%s · %s · %s record → %s', (role, action, whose, allowed) => {
    expect(may(userOf(role), action, RECORDS[whose])).toBe(allowed);
  });

  it.each(TABLE)('%s · %s without a record: allowed when allowed on any record (%s)', (role, action, marks) => {
    expect(may(userOf(role), action)).toBe(marks.includes('✓'));
  });
});

describe('permissions: edges', () => {
  it('a manager without a team, or a record without one, is not "the same team"', () => {
    const manager: Principal = { id: ME, roleCode: 'sales_manager', teamId: null, dataScope: 'team' };
    expect(may(manager, 'quote.submit', { ownerUserId: 101, teamId: null })).toBe(false);
    expect(may({ ...manager, teamId: 1 }, 'quote.submit', { ownerUserId: 101, teamId: null })).toBe(false);
    expect(may(manager, 'quote.submit', { ownerUserId: ME, teamId: null })).toBe(true);
  });

  it('the roles table narrows a right but never widens one', () => {
    const narrowed: Principal = { id: ME, roleCode: 'sales_manager', teamId: 1, dataScope: 'own', canSeeCost: false };
    expect(scopeOf(narrowed, 'order.cancel')).toBe('own');
    expect(may(narrowed, 'order.cancel', RECORDS['same team'])).toBe(false);
    expect(may(narrowed, 'cost.view')).toBe(false);
    expect(may(narrowed, 'stock.view')).toBe(true);
    const widened: Principal = { id: ME, roleCode: 'rep', teamId: 1, dataScope: 'all', canSeeCost: true };
    expect(scopeOf(widened, 'quote.submit')).toBe('own');
    expect(may(widened, 'quote.submit', RECORDS['other team'])).toBe(false);
    expect(may(widened, 'cost.view')).toBe(false);
  });

  it('an unknown role may do nothing', () => {
    const stranger: Principal = { id: ME, roleCode: 'intern', teamId: 1, dataScope: 'all', canSeeCost: true };
    for (const a of ACTIONS) expect(may(stranger, a, RECORDS.own)).toBe(false);
  });

  it("the designated approver may open their step's card, even outside their team; nobody else gains by it", () => {
    const step = { ownerUserId: 201, teamId: 2, approverUserId: ME };
    expect(may(userOf('sales_manager'), 'approval.decide', step)).toBe(true);
    expect(may(userOf('rep'), 'approval.decide', step)).toBe(true);
    expect(may(userOf('sales_manager'), 'approval.decide', { ...step, approverUserId: 999 })).toBe(false);
    expect(may(userOf('sales_manager'), 'order.cancel', step)).toBe(false);
  });
});
