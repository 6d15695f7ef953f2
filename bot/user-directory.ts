import type { Db } from '../models/db';
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

/**
 * Everyone, active or not (an order's rep may since have left), and each team's manager:
 * reference data (bot/reference-cache), read again after any write to users or teams. A flow
 * names its rep, approvers, warehouse and finance people a dozen times; this is one read of
 * two small tables instead of a query each time.
 */
export interface UserDirectory {
  byId: ReadonlyMap<number, DirectoryUser>;
  /** team id → its manager's user id */
  managerOf: ReadonlyMap<number, number | null>;
}

export function userDirectory(db: Db): Promise<UserDirectory> {
  const cache = referenceCache(db.sequelize, 'userDirectory', ['users', 'teams'], async (): Promise<UserDirectory> => {
    const [users, teams] = await Promise.all([
      db.models.User.findAll({ attributes: ['id', 'login', 'name', 'roleCode', 'teamId', 'active'], order: [['id', 'ASC']], raw: true }),
      db.models.Team.findAll({ attributes: ['id', 'managerUserId'], raw: true }),
    ]);
    return {
      byId: new Map((users as unknown as DirectoryUser[]).map((u) => [u.id, { ...u, active: Boolean(u.active) }])),
      managerOf: new Map(teams.map((t) => [t.id, t.managerUserId ?? null])),
    };
  });
  return cache.get('all');
}

/** The user with this id (active or not), or null. */
export async function userById(db: Db, id: number | null | undefined): Promise<DirectoryUser | null> {
  if (id == null) return null;
  return (await userDirectory(db)).byId.get(id) ?? null;
}

/** The active users holding a role, in id order. */
export async function activeUsersWithRole(db: Db, role: string): Promise<DirectoryUser[]> {
  const all = (await userDirectory(db)).byId.values();
  return [...all].filter((u) => u.active && u.roleCode === role);
}
