import type { Db } from '../models/db';

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

export async function loadUser(db: Db, login: string): Promise<UserContext | null> {
  const { User, Role } = db.models;
  const user = await User.findOne({ where: { login, active: true } });
  if (!user) return null;
  const role = await Role.findByPk(user.roleCode);
  return {
    id: user.id,
    login: user.login,
    name: user.name,
    roleCode: user.roleCode,
    teamId: user.teamId,
    dataScope: role?.dataScope ?? 'own',
    canSeeCost: role?.canSeeCost ?? false,
  };
}

/** A rep sees only their own customers; a manager their team's; the rest all of them. */
export function canSeeCustomer(user: UserContext, customer: { ownerUserId: number; teamId: number | null }): boolean {
  if (user.dataScope === 'all') return true;
  if (user.dataScope === 'team') return customer.teamId !== null && customer.teamId === user.teamId;
  return customer.ownerUserId === user.id;
}
