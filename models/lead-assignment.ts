import { type InferAttributes, type InferCreationAttributes, Model, Op, QueryTypes, type Sequelize, type Transaction } from 'sequelize';
import { nextAssignee } from '../domain/lead-assignment';
import { instant, looseId } from './columns';
import type { Db } from './db';
import { tableOptions } from './options';

/**
 * The round-robin pointer of each team: who got the team's last new lead. It lives in the
 * database, so turns survive a restart and are shared by every instance of the bot.
 */
export function defineLeadAssignment(sequelize: Sequelize) {
  class LeadAssignmentPointer extends Model<InferAttributes<LeadAssignmentPointer>, InferCreationAttributes<LeadAssignmentPointer>> {
    declare teamId: number;
    declare lastUserId: number | null;
    declare updatedAt: Date;
  }
  LeadAssignmentPointer.init(
    {
      // loose, like teams.manager_user_id: a team or user removed later must not block the pointer
      teamId: { ...looseId(), allowNull: false, primaryKey: true },
      lastUserId: looseId(),
      updatedAt: instant(false),
    },
    tableOptions(sequelize, 'lead_assignment_pointers', [], { timestamps: false }),
  );
  return { LeadAssignmentPointer };
}

/**
 * The next person of the team to get a new lead, moving the team's pointer to them — inside
 * the caller's write transaction, so the lead and the turn it took commit together. The
 * pointer row is locked (PostgreSQL: FOR UPDATE; SQLite: the one writer) until then, so
 * concurrent new leads of one team take consecutive turns and none is skipped or given twice.
 * Null when the team has nobody in the given roles.
 */
export async function takeTurn(
  db: Db,
  teamId: number,
  roles: readonly string[],
  opts: { transaction: Transaction; now: Date },
): Promise<number | null> {
  const { transaction, now } = opts;
  const people = await db.models.User.findAll({
    where: { teamId, active: true, roleCode: { [Op.in]: [...roles] } },
    attributes: ['id'],
    transaction,
  });
  if (people.length === 0) return null;
  await db.sequelize.query(
    'INSERT INTO lead_assignment_pointers (team_id, last_user_id, updated_at) VALUES (:teamId, NULL, :now) ON CONFLICT (team_id) DO NOTHING',
    { replacements: { teamId, now }, transaction },
  );
  const [pointer] = await db.sequelize.query<{ lastUserId: number | null }>(
    `SELECT last_user_id AS "lastUserId" FROM lead_assignment_pointers WHERE team_id = :teamId${db.dialect === 'postgres' ? ' FOR UPDATE' : ''}`,
    { replacements: { teamId }, type: QueryTypes.SELECT, transaction },
  );
  const next = nextAssignee(
    people.map((p) => p.id),
    pointer?.lastUserId ?? null,
  ) as number;
  await db.models.LeadAssignmentPointer.update({ lastUserId: next, updatedAt: now }, { where: { teamId }, transaction });
  return next;
}
