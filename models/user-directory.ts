import type { Transaction } from 'sequelize';
import type { Principal } from '../domain/permissions';
import type { Db } from './db';
import { referenceCache } from './reference-cache';

/** A user as pushes, cards and approver lookups name them. */
export interface DirectoryUser {
  id: number;
  login: string;
  name: string;
  roleCode: string;
  teamId: number | null;
  active: boolean;
}

/** What a role may see (P1). */
export interface RoleRights {
  dataScope: 'own' | 'team' | 'all';
  canSeeCost: boolean;
}

/**
 * Everyone, active or not (an order's rep may since have left), each team's manager and each
 * role's rights: reference data (models/reference-cache), read again after any write to users,
 * teams or roles. Every message asks who its sender is, and a flow names its rep, approvers,
 * warehouse and finance people a dozen times; this is one read of three small tables instead
 * of a query each time.
 */
export interface UserDirectory {
  byId: ReadonlyMap<number, DirectoryUser>;
  byLogin: ReadonlyMap<string, DirectoryUser>;
  /** team id → its manager's user id */
  managerOf: ReadonlyMap<number, number | null>;
  rightsOf: ReadonlyMap<string, RoleRights>;
}

/**
 * Given the caller's transaction, a stale directory is read through it instead of the pool
 * (models/reference-cache: a transaction must never wait for another connection).
 */
export function userDirectory(db: Db, t?: Transaction): Promise<UserDirectory> {
  const cache = referenceCache(db.sequelize, 'userDirectory', ['users', 'teams', 'roles'], () => readDirectory(db));
  return cache.get('all', t ? () => readDirectory(db, t) : undefined);
}

async function readDirectory(db: Db, transaction?: Transaction): Promise<UserDirectory> {
  const { User, Team, Role } = db.models;
  const reads = [
    () =>
      User.findAll({ attributes: ['id', 'login', 'name', 'roleCode', 'teamId', 'active'], order: [['id', 'ASC']], raw: true, transaction }),
    () => Team.findAll({ attributes: ['id', 'managerUserId'], raw: true, transaction }),
    () => Role.findAll({ attributes: ['code', 'dataScope', 'canSeeCost'], raw: true, transaction }),
  ] as const;
  // one connection (the transaction's) runs one statement at a time; the pool's may run three
  const [users, teams, roles] = transaction
    ? [await reads[0](), await reads[1](), await reads[2]()]
    : await Promise.all([reads[0](), reads[1](), reads[2]()]);
  const all = (users as unknown as DirectoryUser[]).map((u) => ({ ...u, active: Boolean(u.active) }));
  return {
    byId: new Map(all.map((u) => [u.id, u])),
    byLogin: new Map(all.map((u) => [u.login, u])),
    managerOf: new Map(teams.map((t) => [t.id, t.managerUserId ?? null])),
    rightsOf: new Map(
      roles.map((r) => [r.code as string, { dataScope: r.dataScope as RoleRights['dataScope'], canSeeCost: Boolean(r.canSeeCost) }]),
    ),
  };
}

/** The user with this id (active or not), or null. */
export async function userById(db: Db, id: number | null | undefined, t?: Transaction): Promise<DirectoryUser | null> {
  if (id == null) return null;
  return (await userDirectory(db, t)).byId.get(id) ?? null;
}

/**
 * The user as domain/permissions sees them (role, team, the role's rights), or null when there
 * is none or they are inactive: an activity re-checks the clicker with it.
 */
export async function principalOf(db: Db, id: number): Promise<(Principal & { name: string }) | null> {
  const d = await userDirectory(db);
  const u = d.byId.get(id);
  if (!u?.active) return null;
  const rights = d.rightsOf.get(u.roleCode) ?? { dataScope: 'own' as const, canSeeCost: false };
  return { id: u.id, name: u.name, roleCode: u.roleCode, teamId: u.teamId, ...rights };
}

/** The active users holding a role, in id order. */
export async function activeUsersWithRole(db: Db, role: string, t?: Transaction): Promise<DirectoryUser[]> {
  const all = (await userDirectory(db, t)).byId.values();
  return [...all].filter((u) => u.active && u.roleCode === role);
}

/** What each of these users may see (P1), by id; a user without a role sees the least. */
export async function rightsOfUsers(db: Db, ids: readonly number[], t?: Transaction): Promise<Map<number, RoleRights>> {
  const d = await userDirectory(db, t);
  const least: RoleRights = { dataScope: 'own', canSeeCost: false };
  return new Map(ids.map((id) => [id, d.rightsOf.get(d.byId.get(id)?.roleCode ?? '') ?? least]));
}
