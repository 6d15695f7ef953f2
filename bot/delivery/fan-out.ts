import { Op, QueryTypes } from 'sequelize';
import type { Db } from '../../models/db';
import type { Channel, ChannelUser, ReplyTarget } from './channel';

interface Unfanned {
  id: number;
  recipientUserId: number;
  kind: 'text' | 'card' | 'card_update';
  cardId: string | null;
  onlyChannel: string | null;
  replyTo: ReplyTarget | string | null;
  createdAt: Date | string;
}

const BATCH = 500;

/**
 * Hands new outbox rows to the channels: one delivery per row and channel where the recipient
 * is (a reply only to the channel and chat it answers). A row older than `maxAgeHours` is not
 * sent anywhere any more (a channel configured later does not get the history). The console
 * reads the outbox itself and needs no delivery. Idempotent: a delivery exists once per row
 * and channel, so a crash between the inserts and the mark only repeats harmless work.
 * Returns how many rows it handed over.
 */
export async function fanOut(db: Db, channels: readonly Channel[], opts: { now: Date; maxAgeHours: number }): Promise<number> {
  const rows = await db.sequelize.query<Unfanned>(
    `SELECT id, recipient_user_id AS "recipientUserId", kind, card_id AS "cardId", only_channel AS "onlyChannel",
            reply_to AS "replyTo", created_at AS "createdAt"
       FROM outbox_messages WHERE fanned_out = :no ORDER BY id LIMIT ${BATCH}`,
    { replacements: { no: false }, type: QueryTypes.SELECT },
  );
  if (rows.length === 0) return 0;
  const users = await usersOf(db, [...new Set(rows.map((r) => r.recipientUserId))]);
  const oldest = opts.now.getTime() - opts.maxAgeHours * 3_600_000;
  const deliveries: {
    outboxMessageId: number;
    recipientUserId: number;
    channel: string;
    externalId: string;
    kind: Unfanned['kind'];
    cardId: string | null;
    nextAttemptAt: Date;
  }[] = [];
  for (const channel of channels) {
    const addresses = new Map<number, string | null>();
    for (const r of rows) {
      if (r.onlyChannel && r.onlyChannel !== channel.name) continue;
      if (new Date(r.createdAt).getTime() < oldest) continue;
      const user = users.get(r.recipientUserId);
      if (!user) continue;
      const replyTo = typeof r.replyTo === 'string' ? (JSON.parse(r.replyTo) as ReplyTarget | null) : r.replyTo;
      // a reply goes to the chat it answers; a push to wherever the user is (looked up once per batch)
      let to: string | null;
      if (replyTo && r.onlyChannel === channel.name) to = replyTo.chatId;
      else {
        if (!addresses.has(user.id)) addresses.set(user.id, await addressOrUnknown(channel, user));
        to = addresses.get(user.id) ?? null;
      }
      if (to === null) continue;
      deliveries.push({
        outboxMessageId: r.id,
        recipientUserId: r.recipientUserId,
        channel: channel.name,
        externalId: to,
        kind: r.kind,
        cardId: r.cardId,
        nextAttemptAt: opts.now,
      });
    }
  }
  await db.writeTx(async (transaction) => {
    if (deliveries.length) await db.models.Delivery.bulkCreate(deliveries, { ignoreDuplicates: true, transaction });
    await db.models.OutboxMessage.update({ fannedOut: true }, { where: { id: { [Op.in]: rows.map((r) => r.id) } }, transaction });
  });
  return rows.length;
}

/**
 * Where the user is on this channel; '' when the lookup failed (the platform's directory was
 * down): the delivery is made anyway and the address asked again when it is sent, so one
 * failing lookup holds up no one else's messages.
 */
async function addressOrUnknown(channel: Channel, user: ChannelUser): Promise<string | null> {
  try {
    return await channel.addressOf(user);
  } catch {
    return '';
  }
}

async function usersOf(db: Db, ids: number[]): Promise<Map<number, ChannelUser>> {
  const users = await db.models.User.findAll({
    where: { id: { [Op.in]: ids }, active: true },
    attributes: ['id', 'login', 'name', 'email', 'mobile', 'employeeNo'],
  });
  return new Map(
    users.map((u) => [u.id, { id: u.id, login: u.login, name: u.name, email: u.email, mobile: u.mobile, employeeNo: u.employeeNo }]),
  );
}
