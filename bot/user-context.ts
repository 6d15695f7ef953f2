import type { Principal } from '../domain/permissions';
import type { Db } from '../models/db';
import { userDirectory } from '../models/user-directory';

/**
 * Who is asking, with their role's rights: what they may do to which record is asked of
 * domain/permissions (`may(user, action, record)`), never decided here.
 */
export interface UserContext extends Principal {
  login: string;
  name: string;
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
