import { createHash } from 'node:crypto';
import { Op } from 'sequelize';
import type { Db } from '../../../models/db';
import type { RobotMessage } from './api';

const DAY_MS = 86_400_000;
/** DingTalk's day: Beijing time */
const dayOf = (ms: number) => Math.floor((ms + 8 * 3_600_000) / DAY_MS);

/** Where the marks given to deliveries are kept between runs. */
export interface RepeatStore {
  /** every mark kept on a delivery changed since then */
  marks(since: Date): Promise<{ deliveryId: number; mark: string }[]>;
  /** a mark kept on a delivery whose send failed (a send that succeeds keeps its own) */
  keep(deliveryId: number, mark: string): Promise<void>;
}

export interface Given {
  suffix: string;
  /** `dt:<day>:<fingerprint>:<n>`: kept as the delivery's platform message id */
  mark: string;
}

/**
 * DingTalk silently drops a message identical to one the same person (or group) got the same
 * day (im-platforms.md §2.6). A repeat gets a short counter, "（2）"; a retry of one delivery
 * keeps what it was given, so if the first try did arrive DingTalk drops the second as the
 * duplicate it is (a robot message has no idempotency key: this is what makes a resend after
 * a crash arrive once). What was given is a mark on the delivery itself: its platform message
 * id on success, written by the channel on failure. A restart rebuilds the day from the
 * deliveries table before it gives anything, so it neither gives a counter twice (DingTalk
 * would drop the second) nor gives a resend a different one (it would arrive twice). At most
 * one send per target is in flight (the dispatcher's lanes), so the one a crash interrupted is
 * the last given and is given the same again.
 */
export class RepeatGuard {
  /** `<day>|<fingerprint>` → the highest counter given */
  private readonly highest = new Map<string, number>();
  private readonly byDelivery = new Map<number, Given>();
  private loaded: Promise<void> | null = null;

  constructor(
    private readonly store: RepeatStore | null = null,
    private readonly now: () => number = Date.now,
  ) {}

  async give(target: string, deliveryId: number, m: RobotMessage): Promise<Given> {
    // a failed read is tried again by the next send (this one fails and is retried)
    this.loaded ??= this.load().catch((e) => {
      this.loaded = null;
      throw e;
    });
    await this.loaded;
    const had = this.byDelivery.get(deliveryId);
    if (had) return had;
    const day = dayOf(this.now());
    const fp = createHash('sha1')
      .update(`${target}\n${m.msgKey === 'sampleText' ? m.content : `${m.title}\n${m.text}`}`)
      .digest('base64url')
      .slice(0, 22);
    const n = (this.highest.get(`${day}|${fp}`) ?? 0) + 1;
    const given = { suffix: n === 1 ? '' : `（${n}）`, mark: `dt:${day}:${fp}:${n}` };
    this.remember(deliveryId, given.mark);
    return given;
  }

  /** the send failed: its mark is kept, so its retry (also after a restart) is the same message */
  async failed(deliveryId: number): Promise<void> {
    const given = this.byDelivery.get(deliveryId);
    if (given && this.store) await this.store.keep(deliveryId, given.mark);
  }

  private remember(deliveryId: number, mark: string): void {
    const m = /^dt:(\d+):([\w-]+):(\d+)$/.exec(mark);
    if (!m) return;
    const n = Number(m[3]);
    const key = `${m[1]}|${m[2]}`;
    this.highest.set(key, Math.max(n, this.highest.get(key) ?? 0));
    this.byDelivery.set(deliveryId, { suffix: n === 1 ? '' : `（${n}）`, mark });
    this.forgetOldDays();
  }

  private async load(): Promise<void> {
    // two days: a retry after midnight still finds what it was given the day before
    for (const { deliveryId, mark } of (await this.store?.marks(new Date(this.now() - 2 * DAY_MS))) ?? []) this.remember(deliveryId, mark);
  }

  private forgetOldDays(): void {
    if (this.highest.size < 10_000 && this.byDelivery.size < 10_000) return;
    const today = dayOf(this.now());
    for (const k of this.highest.keys()) if (Number(k.split('|')[0]) < today - 1) this.highest.delete(k);
    for (const [id, g] of this.byDelivery) if (Number(g.mark.split(':')[1]) < today - 1) this.byDelivery.delete(id);
  }
}

/** The marks as the DingTalk deliveries' platform message ids. */
export function deliveriesRepeatStore(db: Db): RepeatStore {
  const { Delivery } = db.models;
  return {
    async marks(since) {
      const rows = await Delivery.findAll({
        where: { channel: 'dingtalk', platformMessageId: { [Op.like]: 'dt:%' }, updatedAt: { [Op.gte]: since } },
        attributes: ['id', 'platformMessageId'],
        order: [['id', 'ASC']],
      });
      return rows.map((r) => ({ deliveryId: r.id, mark: r.platformMessageId as string }));
    },
    async keep(deliveryId, mark) {
      await Delivery.update({ platformMessageId: mark }, { where: { id: deliveryId, state: 'pending' } });
    },
  };
}
