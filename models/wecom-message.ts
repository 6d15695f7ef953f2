import { type CreationOptional, DataTypes, type InferAttributes, type InferCreationAttributes, Model, type Sequelize } from 'sequelize';
import { instant, pk, stamps, str } from './columns';
import { tableOptions } from './options';

/**
 * What the WeCom channel (bot/channels/wecom) must still know after a restart, because WeCom
 * keeps it and will hold us to it:
 *
 *  - wecom_sends: one row per message part it sends, written before the first try. A card's
 *    task_id (WeCom refuses a task_id it has seen, so a resend must know it was ours); a
 *    text's duplicate-check interval (WeCom drops a request identical to one within that
 *    interval, so a resend must be identical and a new message must not be); the time of the
 *    last try, which is what the per-member limit is counted from when the process is new.
 *  - wecom_response_codes: the single-use codes (72 h) that let a card be updated in place,
 *    one from its send and one from every click; `spentBy` is the delivery that used it.
 */
export function defineWeComMessage(sequelize: Sequelize) {
  class WeComSend extends Model<InferAttributes<WeComSend>, InferCreationAttributes<WeComSend>> {
    declare id: CreationOptional<number>;
    /** the delivery's uuid, with `#part` for texts sent in several parts */
    declare sendKey: string;
    declare userid: string;
    declare kind: 'text' | 'card';
    declare taskId: string | null;
    declare checkIntervalS: number | null;
    /** sha256 of a text part: identical texts to one member need different intervals */
    declare contentHash: string | null;
    declare tries: CreationOptional<number>;
    declare triedAt: Date;
    declare createdAt: CreationOptional<Date>;
    declare updatedAt: CreationOptional<Date>;
  }
  WeComSend.init(
    {
      id: pk(),
      sendKey: str(160),
      userid: str(64),
      kind: str(8),
      taskId: str(128, { nullable: true }),
      checkIntervalS: { type: DataTypes.INTEGER, allowNull: true },
      contentHash: str(64, { nullable: true }),
      tries: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 1 },
      triedAt: instant(false),
      ...stamps(),
    },
    tableOptions(sequelize, 'wecom_sends', [
      { unique: true, fields: ['send_key'] },
      { fields: ['userid', 'tried_at'] },
      { fields: ['userid', 'content_hash'] },
    ]),
  );

  class WeComResponseCode extends Model<InferAttributes<WeComResponseCode>, InferCreationAttributes<WeComResponseCode>> {
    declare id: CreationOptional<number>;
    declare code: string;
    declare taskId: string;
    declare userid: string;
    declare givenAt: Date;
    declare spentBy: string | null;
    declare spentAt: Date | null;
    declare createdAt: CreationOptional<Date>;
    declare updatedAt: CreationOptional<Date>;
  }
  WeComResponseCode.init(
    {
      id: pk(),
      code: str(128),
      taskId: str(128),
      userid: str(64),
      givenAt: instant(false),
      spentBy: str(160, { nullable: true }),
      spentAt: instant(),
      ...stamps(),
    },
    tableOptions(sequelize, 'wecom_response_codes', [{ unique: true, fields: ['code'] }, { fields: ['task_id', 'given_at'] }]),
  );
  return { WeComSend, WeComResponseCode };
}
