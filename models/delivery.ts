import { type CreationOptional, DataTypes, type InferAttributes, type InferCreationAttributes, Model, type Sequelize } from 'sequelize';
import { fk, instant, pk, stamps, str, text } from './columns';
import { tableOptions } from './options';

export const DELIVERY_STATES = ['pending', 'sent', 'merged', 'dead'] as const;
export type DeliveryState = (typeof DELIVERY_STATES)[number];

/** the deliveries still to be sent, found without a scan */
export const PENDING_INDEX = 'deliveries_pending';
/**
 * What went out on a channel lately, read at every start (bot/delivery/limiter-history.ts, the
 * DingTalk repeat guard): deliveries are never pruned, so without these a start scans them all.
 */
export const HISTORY_INDEXES = [
  { name: 'deliveries_sent_history', fields: ['channel', 'state', 'sent_at'] },
  { name: 'deliveries_channel_updated', fields: ['channel', 'updated_at'] },
];

/**
 * One outbox message on its way to one channel (bot/delivery): pending until the platform
 * took it, then sent with the platform's message id (a card is later updated in place by it);
 * merged when it went out inside a digest (mergedIntoId) or superseded by a newer update of
 * the same card; dead after too many failures or a refusal that no retry can change.
 */
export function defineDelivery(sequelize: Sequelize) {
  class Delivery extends Model<InferAttributes<Delivery>, InferCreationAttributes<Delivery>> {
    declare id: CreationOptional<number>;
    declare outboxMessageId: number;
    declare recipientUserId: number;
    declare channel: string;
    /** who on the platform: the user's id there, or the chat a reply goes to */
    declare externalId: string;
    declare kind: 'text' | 'card' | 'card_update';
    declare cardId: string | null;
    declare state: CreationOptional<DeliveryState>;
    /** failed sends so far (a rate-limit answer is not a failure) */
    declare attempts: CreationOptional<number>;
    declare nextAttemptAt: Date;
    declare lastError: string | null;
    declare platformMessageId: string | null;
    declare mergedIntoId: number | null;
    declare sentAt: Date | null;
    declare createdAt: CreationOptional<Date>;
    declare updatedAt: CreationOptional<Date>;
  }
  Delivery.init(
    {
      id: pk(),
      outboxMessageId: fk('outbox_messages', { onDelete: 'CASCADE' }),
      recipientUserId: fk('users', { onDelete: 'CASCADE' }),
      channel: str(16),
      externalId: str(128),
      kind: str(16),
      cardId: str(128, { nullable: true }),
      state: { type: DataTypes.STRING(16), allowNull: false, defaultValue: 'pending' },
      attempts: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
      nextAttemptAt: instant(false),
      lastError: text(),
      platformMessageId: str(128, { nullable: true }),
      mergedIntoId: { type: DataTypes.INTEGER, allowNull: true },
      sentAt: instant(),
      ...stamps(),
    },
    tableOptions(sequelize, 'deliveries', [
      { unique: true, fields: ['outbox_message_id', 'channel'] },
      { name: PENDING_INDEX, fields: ['next_attempt_at', 'id'], where: { state: 'pending' } },
      { fields: ['channel', 'recipient_user_id', 'card_id'] },
      { fields: ['merged_into_id'] },
      { fields: ['state'] },
      ...HISTORY_INDEXES,
    ]),
  );
  return { Delivery };
}
