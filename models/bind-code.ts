import { type CreationOptional, type InferAttributes, type InferCreationAttributes, Model, type Sequelize } from 'sequelize';
import { fk, instant, pk, stamps, str } from './columns';
import { tableOptions } from './options';

/**
 * A one-time code an administrator issues so that a chat account the platform's directory
 * cannot tell (a personal WeChat) is bound to a user (B5): stored as its SHA-256, valid until
 * it expires, spent by the first account that sends it, which is recorded.
 */
export function defineBindCode(sequelize: Sequelize) {
  class BindCode extends Model<InferAttributes<BindCode>, InferCreationAttributes<BindCode>> {
    declare id: CreationOptional<number>;
    declare codeHash: string;
    declare userId: number;
    declare issuedByUserId: number | null;
    declare expiresAt: Date;
    declare usedAt: Date | null;
    declare usedChannel: string | null;
    declare usedExternalId: string | null;
    declare createdAt: CreationOptional<Date>;
    declare updatedAt: CreationOptional<Date>;
  }
  BindCode.init(
    {
      id: pk(),
      codeHash: str(64, { unique: true }),
      userId: fk('users', { onDelete: 'CASCADE' }),
      issuedByUserId: fk('users', { nullable: true }),
      expiresAt: instant(false),
      usedAt: instant(true),
      usedChannel: str(16, { nullable: true }),
      usedExternalId: str(128, { nullable: true }),
      ...stamps(),
    },
    tableOptions(sequelize, 'bind_codes', [{ fields: ['user_id'] }]),
  );
  return { BindCode };
}
