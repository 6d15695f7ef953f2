import { type CreationOptional, type InferAttributes, type InferCreationAttributes, Model, type Sequelize } from 'sequelize';
import { ROLES } from '../config/schema';
import { DATA_SCOPE } from '../domain/statuses';
import { bool, enumOf, fk, instant, looseId, pk, qty, stamps, str } from './columns';
import { tableOptions } from './options';

/** Roles, teams and users: who may do what, and whose data they see (P1). */
export function defineOrganisation(sequelize: Sequelize) {
  class Role extends Model<InferAttributes<Role>, InferCreationAttributes<Role>> {
    declare code: (typeof ROLES)[number];
    declare nameZh: string;
    declare nameEn: string;
    declare dataScope: (typeof DATA_SCOPE.values)[number];
    /** field-level hiding: cost and margin are shown only where this is true */
    declare canSeeCost: boolean;
  }
  Role.init(
    {
      code: { ...enumOf(ROLES), primaryKey: true },
      nameZh: str(32),
      nameEn: str(32),
      dataScope: enumOf(DATA_SCOPE.values),
      canSeeCost: bool(false),
    },
    tableOptions(sequelize, 'roles', [], { timestamps: false }),
  );

  class Team extends Model<InferAttributes<Team>, InferCreationAttributes<Team>> {
    declare id: CreationOptional<number>;
    declare name: string;
    declare region: string;
    /** not a foreign key: users point at teams, so this side stays loose to avoid a cycle */
    declare managerUserId: number | null;
    declare createdAt: CreationOptional<Date>;
    declare updatedAt: CreationOptional<Date>;
  }
  Team.init(
    {
      id: pk(),
      name: str(64, { unique: true }),
      region: str(32),
      managerUserId: looseId(),
      ...stamps(),
    },
    tableOptions(sequelize, 'teams'),
  );

  class User extends Model<InferAttributes<User>, InferCreationAttributes<User>> {
    declare id: CreationOptional<number>;
    declare login: string;
    declare name: string;
    declare roleCode: (typeof ROLES)[number];
    declare teamId: number | null;
    declare mobile: string | null;
    declare email: string | null;
    declare employeeNo: string | null;
    declare active: CreationOptional<boolean>;
    /** the console password as app/passwords.ts stores it (scrypt params, salt, hash); null = cannot sign in */
    declare passwordHash: CreationOptional<string | null>;
    /** failed console sign-ins since the last success or lockout (app/console-sign-in.ts) */
    declare failedSignIns: CreationOptional<number>;
    declare lockedUntil: CreationOptional<Date | null>;
    declare createdAt: CreationOptional<Date>;
    declare updatedAt: CreationOptional<Date>;
  }
  User.init(
    {
      id: pk(),
      login: str(64, { unique: true }),
      name: str(64),
      roleCode: { ...enumOf(ROLES), references: { model: 'roles', key: 'code' } },
      teamId: fk('teams', { nullable: true }),
      mobile: str(32, { nullable: true }),
      email: str(128, { nullable: true }),
      employeeNo: str(32, { nullable: true }),
      active: bool(true),
      passwordHash: str(255, { nullable: true }),
      failedSignIns: qty({ defaultValue: 0 }),
      lockedUntil: instant(),
      ...stamps(),
    },
    tableOptions(sequelize, 'users', [{ fields: ['team_id'] }, { fields: ['mobile'] }, { fields: ['email'] }]),
  );

  return { Role, Team, User };
}
