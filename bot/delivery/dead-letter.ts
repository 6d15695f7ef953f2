import type { Db } from '../../models/db';
import { pushTo } from '../outbox';

const NOTICE = 'delivery.dead';

/**
 * A delivery given up on is told to the administrators, once per delivery (its dedupe key),
 * as an alert (alerts that pile up become one digest). A notice about a notice is not sent:
 * an outage of the admin's own channel would otherwise feed itself; the console shows it.
 */
export async function tellAdminsOfDead(
  db: Db,
  d: { id: number; channel: string; recipientUserId: number; dedupeKey: string | null },
  error: string,
): Promise<void> {
  if (d.dedupeKey?.startsWith(`${NOTICE}:`)) return;
  const admins = await db.models.User.findAll({ where: { roleCode: 'admin', active: true }, attributes: ['id'] });
  if (admins.length === 0) return;
  const who = await db.models.User.findByPk(d.recipientUserId, { attributes: ['name', 'login'] });
  const text = `消息投递失败（${d.channel}，收件人 ${who?.name ?? d.recipientUserId}），已停止重试：${error.slice(0, 300)}\nA message to ${who?.login ?? d.recipientUserId} on ${d.channel} could not be delivered and was given up.`;
  await pushTo(
    db,
    admins.map((a) => a.id),
    { kind: 'text', text },
    { dedupeKey: `${NOTICE}:${d.id}`, digest: 'alert' },
  );
}
