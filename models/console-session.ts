import { type CreationOptional, type InferAttributes, type InferCreationAttributes, Model, type Sequelize } from 'sequelize';
import { fk, instant, pk, stamps, str } from './columns';
import { tableOptions } from './options';

/**
 * A signed-in web console (app/console-session.ts). Only the SHA-256 of the cookie's token is
 * kept, so a copy of the database does not let anyone sign in; a row past its expiry is dead.
 */
export function defineConsoleSession(sequelize: Sequelize) {
  class ConsoleSession extends Model<InferAttributes<ConsoleSession>, InferCreationAttributes<ConsoleSession>> {
    declare id: CreationOptional<number>;
    declare tokenHash: string;
    declare userId: number;
    declare expiresAt: Date;
    declare createdAt: CreationOptional<Date>;
    declare updatedAt: CreationOptional<Date>;
  }
  ConsoleSession.init(
    {
      id: pk(),
      tokenHash: str(64, { unique: true }),
      userId: fk('users', { onDelete: 'CASCADE' }),
      expiresAt: instant(false),
      ...stamps(),
    },
    tableOptions(sequelize, 'console_sessions', [{ fields: ['user_id'] }]),
  );
  return { ConsoleSession };
}
