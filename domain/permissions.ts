import type { Role } from '../config';

/**
 * Who may do what to which record — the one place that says it. Commands, card actions and
 * activities ask `may()`; none of them keeps a role list of its own.
 *
 * The table below IS the rule: for each action, the widest set of records each role may act on.
 *   own   the user's own records (record.ownerUserId is the user)
 *   team  own records and those of the user's team (record.teamId is the user's team)
 *   all   every record
 *   —     never
 * A record's team is its customer's team (an order carries it; a quote is its customer's).
 *
 *  - Asked without a record, `may()` answers whether the role may do it to any record at all
 *    ("may this user quote?"), so a command can refuse before it reads anything.
 *  - The role's row in the database (data scope, can-see-cost) can only NARROW the table: an
 *    administrator who sets a role to 'own' is obeyed; a wrong row never widens a right.
 *  - 'cost.view' and 'stock.view' are about the catalogue, not a customer's record: the
 *    record, when given, is ignored and the data scope does not narrow them.
 *  - 'approval.decide' gates who may open an approval card's content and click it. Deciding
 *    is still the designated approver's alone (the workflow checks that); and the designated
 *    approver may always see their step, even outside their team (a team without a manager
 *    falls back to another team's).
 *  - Leads, follow-ups and opportunities are the sales side's: finance, the warehouse and
 *    purchasing see none of them. A lead's record is its owner and its team (an unassigned
 *    lead is its team's); an opportunity's team is its customer's.
 *  - Tasks: everyone sees and closes their own; a manager their team's too (a task's team is
 *    its person's), a director and an administrator anyone's.
 *  - Finance sees every customer and order and records payments, but sells nothing; the
 *    warehouse ships and sees orders and stock, not customers or cost; purchasing sees orders,
 *    stock and cost to buy against back-orders.
 */

export const ACTIONS = [
  'customer.view',
  'quote.create',
  'quote.submit',
  'quote.cancel',
  'order.view',
  'order.cancel',
  'shipment.record',
  'payment.record',
  'approval.decide',
  'cost.view',
  'stock.view',
  'lead.view',
  'lead.create',
  'lead.edit',
  'follow_up.record',
  'opportunity.view',
  'opportunity.edit',
  'task.view',
  'task.complete',
  'user.bind',
] as const;
export type Action = (typeof ACTIONS)[number];

export type Scope = 'own' | 'team' | 'all';

/** The roles in column order (config/schema ROLES); a role not listed here may do nothing. */
const COLUMNS: readonly Role[] = ['rep', 'sales_manager', 'sales_director', 'finance', 'warehouse', 'purchasing', 'admin'];
const _ = null;

// biome-ignore format: the table is read as a table
const TABLE: Record<Action, readonly (Scope | null)[]> = {
  //                  rep    manager  director  finance  warehouse  purchasing  admin
  'customer.view':   ['own', 'team',  'all',    'all',   _,         _,          'all'],
  'quote.create':    ['own', 'team',  'all',    _,       _,         _,          'all'],
  'quote.submit':    ['own', 'team',  'all',    _,       _,         _,          'all'],
  'quote.cancel':    ['own', 'team',  'all',    _,       _,         _,          'all'],
  'order.view':      ['own', 'team',  'all',    'all',   'all',     'all',      'all'],
  'order.cancel':    ['own', 'team',  'all',    _,       _,         _,          'all'],
  'shipment.record': [_,     _,       _,        _,       'all',     _,          'all'],
  'payment.record':  [_,     _,       _,        'all',   _,         _,          'all'],
  'approval.decide': [_,     'team',  'all',    'all',   _,         _,          'all'],
  'cost.view':       [_,     'all',   'all',    'all',   _,         'all',      'all'],
  'stock.view':      ['all', 'all',   'all',    'all',   'all',     'all',      'all'],
  'lead.view':       ['own', 'team',  'all',    _,       _,         _,          'all'],
  'lead.create':     ['own', 'team',  'all',    _,       _,         _,          'all'],
  'lead.edit':       ['own', 'team',  'all',    _,       _,         _,          'all'],
  'follow_up.record': ['own', 'team',  'all',    _,       _,         _,          'all'],
  'opportunity.view': ['own', 'team',  'all',    _,       _,         _,          'all'],
  'opportunity.edit': ['own', 'team',  'all',    _,       _,         _,          'all'],
  'task.view':       ['own', 'team',  'all',    'own',   'own',     'own',      'all'],
  'task.complete':   ['own', 'team',  'all',    'own',   'own',     'own',      'all'],
  // issuing a one-time code that binds someone's chat account to a user (B5)
  'user.bind':       [_,     _,       _,        _,       _,         _,          'all'],
};

const UNSCOPED: ReadonlySet<Action> = new Set(['cost.view', 'stock.view', 'user.bind']);
const WIDTH: Record<Scope, number> = { own: 0, team: 1, all: 2 };

/** The user as permissions see them: who, which role and team, and the role's rights in the books. */
export interface Principal {
  id: number;
  roleCode: string;
  teamId: number | null;
  dataScope: Scope;
  /** the role's can-see-cost flag; absent means the table alone decides */
  canSeeCost?: boolean;
}

/** Whose a record is: its rep, its team, and (for an approval step) who must decide it. */
export interface OwnedRecord {
  ownerUserId: number;
  teamId: number | null;
  approverUserId?: number | null;
}

/** The widest records this user may act on for this action, or null when never. */
export function scopeOf(user: Principal, action: Action): Scope | null {
  const column = COLUMNS.indexOf(user.roleCode as Role);
  const granted = column < 0 ? null : (TABLE[action][column] ?? null);
  if (granted === null) return null;
  if (action === 'cost.view' && user.canSeeCost === false) return null;
  if (UNSCOPED.has(action)) return granted;
  return WIDTH[user.dataScope] < WIDTH[granted] ? user.dataScope : granted;
}

/** Whether this user may do this action — to this record, or (without one) to any record. */
export function may(user: Principal, action: Action, record?: OwnedRecord): boolean {
  if (action === 'approval.decide' && record?.approverUserId != null && record.approverUserId === user.id) return true;
  const scope = scopeOf(user, action);
  if (scope === null) return false;
  if (!record || scope === 'all' || UNSCOPED.has(action)) return true;
  if (record.ownerUserId === user.id) return true;
  return scope === 'team' && user.teamId !== null && record.teamId === user.teamId;
}
