import type { Transaction } from 'sequelize';
import type { ApprovalRule, ApproverRole } from '../config/schema';
import { type ApprovalFacts, type ApprovalStep, requiredApprovals } from '../domain/approval-policy';
import type { Db } from './db';
import { activeUsersWithRole, userDirectory } from './user-directory';

/**
 * Who holds an approver role for a customer: the sales manager is the manager of the
 * customer's team; director and finance are the first active user with that role.
 */
export async function approverFor(
  db: Db,
  role: ApproverRole,
  customer: { teamId: number | null },
  t?: Transaction,
): Promise<{ id: number; name: string } | null> {
  const directory = await userDirectory(db, t);
  if (role === 'sales_manager' && customer.teamId) {
    const manager = directory.byId.get(directory.managerOf.get(customer.teamId) ?? -1);
    if (manager?.active) return { id: manager.id, name: manager.name };
  }
  const user = (await activeUsersWithRole(db, role, t))[0];
  return user ? { id: user.id, name: user.name } : null;
}

/** The approval steps the policy requires for these facts, each with who holds the role (null name when nobody does). */
export async function policyApprovers(
  db: Db,
  rules: readonly ApprovalRule[],
  facts: ApprovalFacts,
  customer: { teamId: number | null },
): Promise<(ApprovalStep & { approverName: string | null })[]> {
  const out = [];
  for (const s of requiredApprovals(rules, facts))
    out.push({ ...s, approverName: (await approverFor(db, s.role, customer))?.name ?? null });
  return out;
}
