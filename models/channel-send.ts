import { type CreationOptional, DataTypes, type InferAttributes, type InferCreationAttributes, Model, type Sequelize } from 'sequelize';
import { pk, stamps, str } from './columns';
import { tableOptions } from './options';

/**
 * A send to a platform that takes no idempotency key (WeChat through wechaty), claimed before
 * it goes: `sending` while it is on its way, `sent` when the platform answered, `echoed` when
 * the platform's copy of it came back as the bot's own message, `failed` when it answered an
 * error. A send tried again after a crash finds its claim: sent or echoed means it went, and
 * it is not sent twice.
 */
export function defineChannelSend(sequelize: Sequelize) {
  class ChannelSend extends Model<InferAttributes<ChannelSend>, InferCreationAttributes<ChannelSend>> {
    declare id: CreationOptional<number>;
    declare channel: string;
    /** the delivery's uuid and the part of its text */
    declare sendKey: string;
    declare conversationId: string;
    /** SHA-256 of the text, what an echo is recognised by */
    declare textDigest: string;
    declare state: CreationOptional<'sending' | 'sent' | 'echoed' | 'failed'>;
    declare messageId: string | null;
    declare createdAt: CreationOptional<Date>;
    declare updatedAt: CreationOptional<Date>;
  }
  ChannelSend.init(
    {
      id: pk(),
      channel: str(16),
      sendKey: str(64),
      conversationId: str(128),
      textDigest: str(64),
      state: { type: DataTypes.STRING(16), allowNull: false, defaultValue: 'sending' },
      messageId: str(128, { nullable: true }),
      ...stamps(),
    },
    tableOptions(sequelize, 'channel_sends', [
      { unique: true, fields: ['channel', 'send_key'] },
      { fields: ['channel', 'conversation_id', 'text_digest'] },
      { fields: ['created_at'] },
    ]),
  );
  return { ChannelSend };
}
