import { type CreationOptional, DataTypes, type InferAttributes, type InferCreationAttributes, Model, type Sequelize } from 'sequelize';
import { json, pk, stamps, str } from './columns';
import { tableOptions } from './options';

/**
 * Every callback a platform delivered, by its own event id (Lark's event_id, DingTalk's msgId,
 * WeCom's MsgId): a re-push, also after a restart, finds its row and runs nothing twice. The
 * payload is kept until it is handled, so one that a crash interrupted is handled at start.
 */
export function defineChannelEvent(sequelize: Sequelize) {
  class ChannelEvent extends Model<InferAttributes<ChannelEvent>, InferCreationAttributes<ChannelEvent>> {
    declare id: CreationOptional<number>;
    declare channel: string;
    declare eventId: string;
    declare state: CreationOptional<'received' | 'done'>;
    declare payload: Record<string, unknown> | null;
    declare createdAt: CreationOptional<Date>;
    declare updatedAt: CreationOptional<Date>;
  }
  ChannelEvent.init(
    {
      id: pk(),
      channel: str(16),
      eventId: str(128),
      state: { type: DataTypes.STRING(16), allowNull: false, defaultValue: 'received' },
      payload: json(),
      ...stamps(),
    },
    tableOptions(sequelize, 'channel_events', [
      { unique: true, fields: ['channel', 'event_id'] },
      { fields: ['state'] },
      { fields: ['created_at'] },
    ]),
  );
  return { ChannelEvent };
}
