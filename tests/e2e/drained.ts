import type { Db } from '../../models/db';
import { until } from './lark-app';

/** What the app (another process) still has to do, read from its database. */
export async function backlog(db: Db) {
  const { Delivery, OutboxMessage, ChannelEvent } = db.models;
  return {
    pending: await Delivery.count({ where: { state: 'pending' } }),
    sent: await Delivery.count({ where: { state: 'sent' } }),
    unfanned: await OutboxMessage.count({ where: { fannedOut: false } }),
    unhandled: await ChannelEvent.count({ where: { state: 'received' } }),
  };
}

/** nothing left to deliver or to handle: what is in the chats now is all there will be */
export const drained = (db: Db, what: string, ms = 90_000) =>
  until(
    what,
    async () => {
      const c = await backlog(db);
      return c.pending === 0 && c.unfanned === 0 && c.unhandled === 0;
    },
    ms,
  );
