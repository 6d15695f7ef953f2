import { Op, QueryTypes } from 'sequelize';
import type { Db } from '../../models/db';
import type { Card, Reply } from '../cards/card';

/**
 * Reminders that pile up for one person go out as one message. When a delivery of a digest
 * group (reminders, alerts) is about to be sent for the first time, every other such delivery
 * waiting for the same person on the same channel is merged into it, and the lead is sealed
 * (merged_into_id = its own id): from then on nothing joins it, so a resend after a crash —
 * the same platform idempotency key — carries exactly what the first send did.
 * Returns the ids merged in (not the lead's).
 */
export async function sealDigest(db: Db, lead: { id: number; channel: string; recipientUserId: number }, group: string): Promise<number[]> {
  return db.writeTx(async (transaction) => {
    const still = await db.models.Delivery.findOne({ where: { id: lead.id, state: 'pending' }, attributes: ['mergedIntoId'], transaction });
    if (!still || still.mergedIntoId !== null) return [];
    const mates = await db.sequelize.query<{ id: number }>(
      `SELECT d.id FROM deliveries d JOIN outbox_messages o ON o.id = d.outbox_message_id
        WHERE d.state = 'pending' AND d.attempts = 0 AND d.merged_into_id IS NULL AND d.channel = :channel
          AND d.recipient_user_id = :user AND d.id <> :lead AND o.digest = :group AND o.reply_to IS NULL
        ORDER BY d.id LIMIT 200`,
      { replacements: { channel: lead.channel, user: lead.recipientUserId, lead: lead.id, group }, type: QueryTypes.SELECT, transaction },
    );
    const ids = mates.map((m) => m.id);
    if (ids.length) {
      await db.models.Delivery.update({ state: 'merged', mergedIntoId: lead.id }, { where: { id: { [Op.in]: ids } }, transaction });
    }
    await db.models.Delivery.update({ mergedIntoId: lead.id }, { where: { id: lead.id }, transaction });
    return ids;
  });
}

/** The reply a sealed lead sends: its own when nothing joined it, else one digest of all. */
export async function digestReply(db: Db, leadId: number, group: string): Promise<Reply | null> {
  const rows = await db.sequelize.query<{ payload: Reply | string }>(
    `SELECT o.payload FROM deliveries d JOIN outbox_messages o ON o.id = d.outbox_message_id
      WHERE d.merged_into_id = :lead ORDER BY d.id`,
    { replacements: { lead: leadId }, type: QueryTypes.SELECT },
  );
  const replies = rows.map((r) => (typeof r.payload === 'string' ? (JSON.parse(r.payload) as Reply) : r.payload));
  if (replies.length <= 1) return replies[0] ?? null;
  return { kind: 'text', text: digestText(replies, group) };
}

const TITLES: Record<string, string> = { reminder: '提醒汇总 Reminders', alert: '投递告警 Delivery alerts' };

export function digestText(replies: readonly Reply[], group: string): string {
  const items = replies.map((r, i) => `${i + 1}. ${r.kind === 'text' ? r.text.trim() : cardLine(r.card)}`);
  return [`🔔 ${TITLES[group] ?? group}（${replies.length}）`, '', ...items].join('\n');
}

function cardLine(card: Card): string {
  const status = card.status ? ` · ${card.status.text}` : '';
  const fields = (card.fields ?? [])
    .slice(0, 3)
    .map((f) => `${f.label}：${f.value}`)
    .join('，');
  return `${card.title}${status}${fields ? `\n   ${fields}` : ''}`;
}
