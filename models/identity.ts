import { type CreationOptional, type InferAttributes, type InferCreationAttributes, Model, type Sequelize } from 'sequelize';
import { CHANNEL } from '../domain/statuses';
import { enumOf, fk, pk, stamps, str } from './columns';
import { tableOptions } from './options';

/** An IM account bound to a system user (B5): one row per channel and external id. */
export function defineIdentity(sequelize: Sequelize) {
  class ChannelIdentity extends Model<InferAttributes<ChannelIdentity>, InferCreationAttributes<ChannelIdentity>> {
    declare id: CreationOptional<number>;
    declare channel: (typeof CHANNEL.values)[number];
    declare externalId: string;
    declare userId: number;
    /** how the binding was made: mobile, email, employee_no or manual */
    declare boundBy: string;
    declare displayName: string | null;
    declare createdAt: CreationOptional<Date>;
    declare updatedAt: CreationOptional<Date>;
  }
  ChannelIdentity.init(
    {
      id: pk(),
      channel: enumOf(CHANNEL.values),
      externalId: str(128),
      userId: fk('users', { onDelete: 'CASCADE' }),
      boundBy: str(16),
      displayName: str(64, { nullable: true }),
      ...stamps(),
    },
    tableOptions(sequelize, 'channel_identities', [{ unique: true, fields: ['channel', 'external_id'] }, { fields: ['user_id'] }]),
  );
  return { ChannelIdentity };
}
