import {
  type CreationOptional,
  type InferAttributes,
  type InferCreationAttributes,
  Model,
  type Sequelize,
  type Transaction,
} from 'sequelize';
import { fk, instant, json, pk, str } from './columns';
import type { Db } from './db';
import { tableOptions } from './options';

/** Audit log (P2): who did what to which record, when, with the before and after values. */
export function defineAuditLog(sequelize: Sequelize) {
  class AuditLog extends Model<InferAttributes<AuditLog>, InferCreationAttributes<AuditLog>> {
    declare id: CreationOptional<number>;
    declare userId: number | null;
    declare action: string;
    declare entityType: string;
    declare entityId: string;
    declare before: Record<string, unknown> | null;
    declare after: Record<string, unknown> | null;
    declare at: Date;
  }
  AuditLog.init(
    {
      id: pk(),
      userId: fk('users', { nullable: true }),
      action: str(32),
      entityType: str(32),
      entityId: str(64),
      before: json(),
      after: json(),
      at: instant(false),
    },
    tableOptions(sequelize, 'audit_logs', [{ fields: ['entity_type', 'entity_id', 'at'] }, { fields: ['user_id', 'at'] }], {
      timestamps: false,
    }),
  );
  return { AuditLog };
}

export interface AuditEntry {
  /** who did it; null for the system (a flow, a scan) */
  userId: number | null;
  action: string;
  entity: [type: string, id: number | string];
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
  at: Date;
}

/** One audit row, in the transaction of the change it records: the two commit together or not at all. */
export async function recordAudit(db: Db, e: AuditEntry, transaction: Transaction): Promise<void> {
  await db.models.AuditLog.create(
    {
      userId: e.userId,
      action: e.action,
      entityType: e.entity[0],
      entityId: String(e.entity[1]),
      before: e.before,
      after: e.after,
      at: e.at,
    },
    { transaction },
  );
}
