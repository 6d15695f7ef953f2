import { QueryTypes } from 'sequelize';
import type { Db } from '../../models/db';

export interface DeliveryHealth {
  /** outbox rows not yet handed to the channels */
  unfanned: number;
  pending: number;
  dead: number;
  oldestPendingSeconds: number | null;
  channels: Record<string, { pending: number; dead: number }>;
}

/** What /healthz shows of delivery: the backlog per channel and the dead letters. */
export async function deliveryHealth(db: Db, now: Date): Promise<DeliveryHealth> {
  const rows = await db.sequelize.query<{ channel: string; state: string; n: number | string; oldest: string | Date | null }>(
    `SELECT channel, state, COUNT(*) AS n, MIN(created_at) AS oldest FROM deliveries
      WHERE state IN ('pending', 'dead') GROUP BY channel, state`,
    { type: QueryTypes.SELECT },
  );
  const [unfanned] = await db.sequelize.query<{ n: number | string }>('SELECT COUNT(*) AS n FROM outbox_messages WHERE fanned_out = :no', {
    replacements: { no: false },
    type: QueryTypes.SELECT,
  });
  const out: DeliveryHealth = { unfanned: Number(unfanned?.n ?? 0), pending: 0, dead: 0, oldestPendingSeconds: null, channels: {} };
  let oldest: number | null = null;
  for (const r of rows) {
    const c = out.channels[r.channel] ?? { pending: 0, dead: 0 };
    out.channels[r.channel] = c;
    const n = Number(r.n);
    if (r.state === 'pending') {
      c.pending += n;
      out.pending += n;
      const at = r.oldest ? new Date(r.oldest).getTime() : null;
      if (at !== null && (oldest === null || at < oldest)) oldest = at;
    } else {
      c.dead += n;
      out.dead += n;
    }
  }
  if (oldest !== null) out.oldestPendingSeconds = Math.max(0, Math.round((now.getTime() - oldest) / 1000));
  return out;
}
