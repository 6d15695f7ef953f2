import { type CreationOptional, DataTypes, type InferAttributes, type InferCreationAttributes, Model, type Sequelize } from 'sequelize';
import { bool, fk, json, pk, stamps, str } from './columns';
import { tableOptions } from './options';

/** the rows still to be given a cursor (PostgreSQL), found without a scan */
export const UNSEQUENCED_INDEX = 'outbox_messages_unsequenced';
/** the rows not yet handed to the channels */
export const UNFANNED_INDEX = 'outbox_messages_unfanned';

/**
 * The outbox (U1, B2): every message the bot pushes to a user — text, card, or an in-place
 * update of a card the user already has. Its id is the user's inbox cursor; channel adapters
 * deliver from here with their platform's rate limits. The dedupe key makes a retried
 * activity push once.
 */
export function defineOutbox(sequelize: Sequelize) {
  class OutboxMessage extends Model<InferAttributes<OutboxMessage>, InferCreationAttributes<OutboxMessage>> {
    declare id: CreationOptional<number>;
    declare recipientUserId: number;
    declare kind: 'text' | 'card' | 'card_update';
    /** the card's stable id (cards and card updates) */
    declare cardId: string | null;
    /** the neutral Reply: { kind: 'text', text } or { kind: 'card', card } */
    declare payload: Record<string, unknown>;
    declare dedupeKey: string | null;
    /** a reply to a message on one channel goes back there only (and not to the console) */
    declare onlyChannel: CreationOptional<string | null>;
    /** the platform message this answers ({ messageId, chatId, chatType }), for replies */
    declare replyTo: CreationOptional<Record<string, unknown> | null>;
    /** messages of one digest group (reminders) that pile up for a person go out as one */
    declare digest: CreationOptional<string | null>;
    /** handed to the channels (bot/delivery/fan-out): a delivery row exists for each */
    declare fannedOut: CreationOptional<boolean>;
    /**
     * PostgreSQL's inbox cursor, given once the row is committed (bot/outbox.ts sequence):
     * ids come from a sequence when rows are inserted, not when they commit, so a row can
     * commit after one with a higher id. Null until then; unused on SQLite, whose one writer
     * commits in id order.
     */
    declare seq: CreationOptional<number | null>;
    declare createdAt: CreationOptional<Date>;
    declare updatedAt: CreationOptional<Date>;
  }
  OutboxMessage.init(
    {
      id: pk(),
      recipientUserId: fk('users', { onDelete: 'CASCADE' }),
      kind: str(16),
      cardId: str(128, { nullable: true }),
      payload: json({}),
      dedupeKey: str(191, { nullable: true, unique: true }),
      seq: { type: DataTypes.BIGINT, allowNull: true, unique: true },
      onlyChannel: str(16, { nullable: true }),
      replyTo: json(),
      digest: str(32, { nullable: true }),
      fannedOut: bool(false),
      ...stamps(),
    },
    tableOptions(sequelize, 'outbox_messages', [
      { fields: ['recipient_user_id', 'id'] },
      { fields: ['card_id'] },
      { fields: ['recipient_user_id', 'seq'] },
      { name: UNSEQUENCED_INDEX, fields: ['id'], where: { seq: null } },
      { name: UNFANNED_INDEX, fields: ['id'], where: { fanned_out: false } },
    ]),
  );
  return { OutboxMessage };
}
