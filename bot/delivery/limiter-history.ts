import { QueryTypes } from 'sequelize';
import type { SendLimit } from '../../config/schema';
import type { Db } from '../../models/db';
import type { ReplyTarget } from './channel';
import { type Limiter, windowsFor } from './limiter';

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;

/**
 * The limiter remembers sends in this process only: after a restart it would spend a
 * platform's per-minute or per-day budget again, and DingTalk drops what is over 500 a day
 * without a word. So before the first send its per-minute and per-day windows are refilled
 * from what the deliveries table says went out within them. Per-second windows are left empty:
 * a restart takes longer than they last.
 */
export async function refillLimiter(o: {
  db: Db;
  limiter: Limiter;
  limitsOf: (channel: string) => SendLimit;
  channels: readonly string[];
  marginMs: number;
  now: number;
}): Promise<number> {
  let refilled = 0;
  for (const channel of o.channels) {
    const limits = o.limitsOf(channel);
    const longest = limits.perRecipientPerDay !== null ? DAY : limits.perRecipientPerMinute !== null ? MINUTE : 0;
    if (!longest) continue;
    const rows = await o.db.sequelize.query<{ userId: number; sentAt: string | Date; replyTo: string | ReplyTarget | null }>(
      `SELECT d.recipient_user_id AS "userId", d.sent_at AS "sentAt", o.reply_to AS "replyTo"
         FROM deliveries d JOIN outbox_messages o ON o.id = d.outbox_message_id
        WHERE d.channel = :channel AND d.state = 'sent' AND d.kind <> 'card_update' AND d.sent_at >= :since
        ORDER BY d.sent_at`,
      { replacements: { channel, since: new Date(o.now - longest - o.marginMs) }, type: QueryTypes.SELECT },
    );
    for (const r of rows) {
      const replyTo = (typeof r.replyTo === 'string' ? JSON.parse(r.replyTo) : r.replyTo) as ReplyTarget | null;
      const windows = windowsFor(
        limits,
        replyTo?.chatType === 'group'
          ? { channel, kind: 'message', chat: replyTo.chatId }
          : { channel, kind: 'message', recipient: `user:${r.userId}` },
        o.marginMs,
      ).filter((w) => w.ms > 1000 + o.marginMs);
      o.limiter.take(windows, new Date(r.sentAt).getTime());
      refilled++;
    }
  }
  return refilled;
}
