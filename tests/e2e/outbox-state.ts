import type { Db } from '../../models/db';
import { until } from './lark-app';

/** What the app still has to do, read from its database: deliveries to send, outbox rows to hand over, callbacks to handle. */
export async function outboxCounts(db: Db) {
  const { Delivery, OutboxMessage, ChannelEvent } = db.models;
  return {
    pending: await Delivery.count({ where: { state: 'pending' } }),
    unfanned: await OutboxMessage.count({ where: { fannedOut: false } }),
    unhandled: await ChannelEvent.count({ where: { state: 'received' } }),
  };
}

/** nothing left to deliver or to handle: what is in the chats now is all there will be */
export const outboxDrained = (db: Db, what: string) =>
  until(
    what,
    async () => {
      const c = await outboxCounts(db);
      return c.pending === 0 && c.unfanned === 0 && c.unhandled === 0;
    },
    90_000,
  );
