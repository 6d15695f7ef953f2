import type { Db } from '../models/db';
import { referenceCache } from './reference-cache';

/** Who is asking, with what they may see: role, data scope and whether cost is visible (P1). */
export interface UserContext {
  id: number;
  login: string;
  name: string;
  roleCode: string;
  teamId: number | null;
  dataScope: 'own' | 'team' | 'all';
  canSeeCost: boolean;
}

/** Every active user by login, with their role's rights: one read of two small tables. */
async function readUsers(db: Db): Promise<Map<string, UserContext>> {
  const { User, Role } = db.models;
  const [users, roles] = await Promise.all([
    User.findAll({ where: { active: true }, attributes: ['id', 'login', 'name', 'roleCode', 'teamId'] }),
    Role.findAll({ attributes: ['code', 'dataScope', 'canSeeCost'] }),
  ]);
  const roleOf = new Map(roles.map((r) => [r.code as string, r]));
  return new Map(
    users.map((user) => {
      const role = roleOf.get(user.roleCode);
      return [
        user.login,
        {
          id: user.id,
          login: user.login,
          name: user.name,
          roleCode: user.roleCode,
          teamId: user.teamId,
          dataScope: role?.dataScope ?? 'own',
          canSeeCost: role?.canSeeCost ?? false,
        },
      ];
    }),
  );
}

/**
 * The user behind a login, or null when there is none or it is inactive. Every message asks
 * this, so the users are kept in memory (bot/reference-cache): a change to users or roles made
 * in this process is seen by the next message, one made by another process (a second
 * instance, SQL by hand) within REFERENCE_MAX_AGE_MS.
 */
export async function loadUser(db: Db, login: string): Promise<UserContext | null> {
  const cache = referenceCache(db.sequelize, 'users', ['users', 'roles'], () => readUsers(db));
  const user = (await cache.get('active')).get(login);
  return user ? { ...user } : null;
}

/** A rep sees only their own customers; a manager their team's; the rest all of them. */
export function canSeeCustomer(user: UserContext, customer: { ownerUserId: number; teamId: number | null }): boolean {
  if (user.dataScope === 'all') return true;
  if (user.dataScope === 'team') return customer.teamId !== null && customer.teamId === user.teamId;
  return customer.ownerUserId === user.id;
}
