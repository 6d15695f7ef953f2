import type { Db } from '../models/db';
import { userDirectory } from '../models/user-directory';

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

/**
 * The user behind a login, or null when there is none or it is inactive. Every message asks
 * this, so it comes from the cached user directory (models/user-directory): a change to users or
 * roles made in this process is seen by the next message, one made by another process (a
 * second instance, SQL by hand) within REFERENCE_MAX_AGE_MS.
 */
export async function loadUser(db: Db, login: string): Promise<UserContext | null> {
  const directory = await userDirectory(db);
  const user = directory.byLogin.get(login);
  if (!user?.active) return null;
  const rights = directory.rightsOf.get(user.roleCode);
  return {
    id: user.id,
    login: user.login,
    name: user.name,
    roleCode: user.roleCode,
    teamId: user.teamId,
    dataScope: rights?.dataScope ?? 'own',
    canSeeCost: rights?.canSeeCost ?? false,
  };
}

/** A rep sees only their own customers; a manager their team's; the rest all of them. */
export function canSeeCustomer(user: UserContext, customer: { ownerUserId: number; teamId: number | null }): boolean {
  if (user.dataScope === 'all') return true;
  if (user.dataScope === 'team') return customer.teamId !== null && customer.teamId === user.teamId;
  return customer.ownerUserId === user.id;
}
