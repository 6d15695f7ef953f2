import { Op } from 'sequelize';
import type { SendLimit } from '../../config/schema';
import type { Db } from '../../models/db';
import type { Card, Reply } from '../cards/card';
import type { Channel, Outbound, ReplyTarget } from './channel';
import { DeliveryError } from './delivery-error';
import { digestReply, sealDigest } from './digest';
import { type Window, windowsFor } from './limiter';

/** One pending delivery as the dispatcher loaded it, with what its outbox row says. */
export interface DueDelivery {
  id: number;
  recipientUserId: number;
  channel: string;
  externalId: string;
  kind: 'text' | 'card' | 'card_update';
  cardId: string | null;
  attempts: number;
  reply: Reply;
  replyTo: ReplyTarget | null;
  digest: string | null;
  dedupeKey: string | null;
}

/** What became of one try; the dispatcher records nothing more than this says. */
export type Outcome =
  | { kind: 'sent'; alsoMerged?: number[] }
  /** merged into a digest or superseded by a newer update of the same card */
  | { kind: 'merged'; alsoMerged?: number[] }
  /** the recipient is not on this channel after all */
  | { kind: 'dropped' }
  /** not yet: the card it updates has not been sent; no attempt counted */
  | { kind: 'later'; ms: number }
  | { kind: 'failed'; error: DeliveryError; windows: Window[]; alsoMerged?: number[] };

export interface SendCtx {
  db: Db;
  channel: Channel;
  limits: SendLimit;
  marginMs: number;
  /** waits until every window has room, and takes a place in each; resolves with when it took them */
  gate(windows: Window[]): Promise<number | undefined>;
  /** the send is back: its places are held from now (Limiter.settle) */
  settle?(windows: Window[], at: number): void;
  /** the dispatcher's clock, for sentAt (the limiter is refilled from it after a restart) */
  now?: () => number;
}

/**
 * One try of one delivery: works out what to send (the newest version of a card, the messages
 * an update changes, a digest), waits for room under the platform's limits, sends once, and
 * records the platform's message id. Failures are returned, not recorded: the dispatcher
 * decides between retrying and giving up.
 */
export async function deliverOne(ctx: SendCtx, d: DueDelivery): Promise<Outcome> {
  const { db } = ctx;
  let externalId = d.externalId;
  if (!externalId) {
    const found = await addressNow(ctx, d.recipientUserId);
    if (found === null) {
      await db.models.Delivery.destroy({ where: { id: d.id, state: 'pending' } });
      return { kind: 'dropped' };
    }
    externalId = found;
    await db.models.Delivery.update({ externalId }, { where: { id: d.id } });
  }
  let kind: Outbound['kind'] = d.kind;
  let reply = d.reply;
  let messageIds: string[] = [];
  let alsoMerged: number[] | undefined;
  if (d.kind === 'card_update' && d.cardId) {
    const newer = await db.models.Delivery.findOne({
      where: {
        channel: d.channel,
        recipientUserId: d.recipientUserId,
        cardId: d.cardId,
        kind: 'card_update',
        state: 'pending',
        id: { [Op.gt]: d.id },
      },
      attributes: ['id'],
      order: [['id', 'DESC']],
    });
    if (newer) {
      await db.models.Delivery.update({ state: 'merged', mergedIntoId: newer.id }, { where: { id: d.id, state: 'pending' } });
      return { kind: 'merged' };
    }
    messageIds = await messagesShowing(db, d);
    if (messageIds.length === 0) {
      const original = await db.models.Delivery.findOne({
        where: {
          channel: d.channel,
          recipientUserId: d.recipientUserId,
          cardId: d.cardId,
          kind: 'card',
          state: 'pending',
          id: { [Op.lt]: d.id },
        },
        attributes: ['id'],
      });
      if (original) return { kind: 'later', ms: 200 };
      kind = 'card'; // never had it here: the card arrives, as it is now
    }
  }
  if (d.kind === 'card' && d.cardId) reply = (await newestCard(db, d.recipientUserId, d.cardId)) ?? reply;
  if (d.digest && !d.replyTo) {
    alsoMerged = await sealDigest(db, d, d.digest);
    reply = (await digestReply(db, d.id, d.digest)) ?? reply;
  }
  const windows =
    kind === 'card_update' && !ctx.limits.updatesAsMessages
      ? windowsFor(ctx.limits, { channel: d.channel, kind: 'update', messageIds }, ctx.marginMs)
      : windowsFor(
          ctx.limits,
          d.replyTo?.chatType === 'group'
            ? { channel: d.channel, kind: 'message', chat: d.replyTo.chatId }
            : // one person, whether pushed to (by their platform id) or answered in their chat (by
              // the chat's id): the platform counts both against the same per-user limit
              { channel: d.channel, kind: 'message', recipient: `user:${d.recipientUserId}` },
          ctx.marginMs,
        );
  const at = await ctx.gate(windows);
  const back = () => {
    if (at !== undefined) ctx.settle?.(windows, at);
  };
  try {
    const res = await ctx.channel
      .send({
        deliveryId: d.id,
        uuid: `d-${d.id}`,
        kind,
        reply,
        externalId,
        replyTo: d.replyTo,
        messageIds,
        pace: async () => {
          await ctx.gate(windows);
        },
      })
      .finally(back);
    await db.models.Delivery.update(
      {
        state: 'sent',
        platformMessageId: res.platformMessageId ?? messageIds[0] ?? null,
        sentAt: new Date(ctx.now ? ctx.now() : Date.now()),
        lastError: null,
      },
      { where: { id: d.id, state: 'pending' } },
    );
    return { kind: 'sent', ...(alsoMerged ? { alsoMerged } : {}) };
  } catch (e) {
    const error = e instanceof DeliveryError ? e : new DeliveryError((e as Error).message ?? String(e), { retryable: true });
    return { kind: 'failed', error, windows, ...(alsoMerged ? { alsoMerged } : {}) };
  }
}

/** The messages on this channel that show this card to this recipient (sent as new cards). */
async function messagesShowing(db: Db, d: DueDelivery): Promise<string[]> {
  const had = await db.models.Delivery.findAll({
    where: {
      channel: d.channel,
      recipientUserId: d.recipientUserId,
      cardId: d.cardId,
      state: 'sent',
      platformMessageId: { [Op.ne]: null },
      id: { [Op.lt]: d.id },
    },
    attributes: ['platformMessageId'],
    order: [['id', 'ASC']],
  });
  return [...new Set(had.map((h) => h.platformMessageId as string))];
}

/** A card goes out as it is now: an update written while it waited is already in it. */
async function newestCard(db: Db, userId: number, cardId: string): Promise<Reply | null> {
  const row = await db.models.OutboxMessage.findOne({
    where: { recipientUserId: userId, cardId },
    attributes: ['payload'],
    order: [['id', 'DESC']],
  });
  const p = row?.payload as unknown as { card?: Card } | undefined;
  return p?.card ? { kind: 'card', card: p.card } : null;
}

async function addressNow(ctx: SendCtx, userId: number): Promise<string | null> {
  const u = await ctx.db.models.User.findByPk(userId, { attributes: ['id', 'login', 'name', 'email', 'mobile', 'employeeNo'] });
  if (!u) return null;
  return ctx.channel.addressOf({ id: u.id, login: u.login, name: u.name, email: u.email, mobile: u.mobile, employeeNo: u.employeeNo });
}
