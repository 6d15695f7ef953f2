import type { ApproverRole } from '../config/schema';
import type { Db } from '../models/db';

/**
 * Who holds an approver role for a customer: the sales manager is the manager of the
 * customer's team; director and finance are the first active user with that role.
 */
export async function approverFor(
  db: Db,
  role: ApproverRole,
  customer: { teamId: number | null },
): Promise<{ id: number; name: string } | null> {
  const { User, Team } = db.models;
  if (role === 'sales_manager' && customer.teamId) {
    const team = await Team.findByPk(customer.teamId);
    if (team?.managerUserId) {
      const manager = await User.findByPk(team.managerUserId);
      if (manager?.active) return { id: manager.id, name: manager.name };
    }
  }
  const user = await User.findOne({ where: { roleCode: role, active: true }, order: [['id', 'ASC']] });
  return user ? { id: user.id, name: user.name } : null;
}
