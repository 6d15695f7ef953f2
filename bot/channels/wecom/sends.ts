import { createHash, randomBytes } from 'node:crypto';
import { Op, UniqueConstraintError } from 'sequelize';
import type { Db } from '../../../models/db';
import { DeliveryError } from '../../delivery/delivery-error';

/** the longest duplicate-check interval WeCom takes (message/send: at most 4 hours) */
export const MAX_CHECK_INTERVAL_S = 4 * 3600;
/** WeCom's limits for one app to one member (im-platforms.md §3.5): over them, messages are dropped silently */
export const PER_MEMBER_LIMITS = [
  { limit: 30, ms: 60_000 },
  { limit: 1000, ms: 3_600_000 },
] as const;
/** a delivery retried after a long outage must still find its task_id */
const KEEP_MS = 7 * 24 * 3600_000;

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

/**
 * The record of every message part the WeCom channel sends (wecom_sends), written before the
 * first try, read on every later one. It makes a resend of one delivery the same request and
 * a new message a different one, which is all WeCom lets us build exactly-once on:
 *
 *  - a card's task_id: random per delivery (a database restored from a backup hands out the
 *    same delivery ids again, and WeCom never takes a task_id twice), the same on every try;
 *    WeCom refusing it on a later try means an earlier one got through.
 *  - a text's duplicate check: WeCom drops a request identical to one it took within
 *    `duplicate_check_interval` and answers as if sent. A resend is identical; a second
 *    message with the same words to the same member gets the next interval down (4 h, 4 h − 1 s,
 *    …), which makes its request differ.
 *  - the per-member limits, counted from these rows before each send: a process started a
 *    moment ago (after a crash) has an empty limiter, and a send the crash interrupted counts
 *    at WeCom. Over a limit the send is refused as rate-limited and the dispatcher waits.
 */
export class SendRecords {
  constructor(
    private readonly db: Db,
    private readonly now: () => number = Date.now,
    private readonly marginMs = 100,
  ) {}

  /** before a card goes to `userid`: its task_id; again when this delivery tried it before */
  async card(uuid: string, userid: string): Promise<{ taskId: string; again: boolean }> {
    const r = await this.begin(uuid, userid, async () => ({ kind: 'card', taskId: `${uuid}-${randomBytes(4).toString('hex')}` }));
    return { taskId: r.taskId as string, again: r.again };
  }

  /** before a text part goes to `userid`: its duplicate-check interval; again when tried before */
  async text(key: string, userid: string, content: string): Promise<{ intervalS: number; again: boolean }> {
    const contentHash = sha256(content);
    const r = await this.begin(key, userid, async () => {
      const open = await this.db.models.WeComSend.findAll({
        where: { userid, contentHash, triedAt: { [Op.gt]: new Date(this.now() - MAX_CHECK_INTERVAL_S * 1000) } },
        attributes: ['checkIntervalS'],
      });
      const used = new Set(open.map((o) => o.checkIntervalS));
      let intervalS = MAX_CHECK_INTERVAL_S;
      while (used.has(intervalS)) intervalS--;
      return { kind: 'text', contentHash, checkIntervalS: intervalS };
    });
    return { intervalS: r.checkIntervalS as number, again: r.again };
  }

  /** rows no try will ask for again */
  async prune(): Promise<number> {
    return this.db.models.WeComSend.destroy({ where: { triedAt: { [Op.lt]: new Date(this.now() - KEEP_MS) } } });
  }

  private async begin(
    key: string,
    userid: string,
    fresh: () => Promise<{ kind: 'text' | 'card'; taskId?: string; contentHash?: string; checkIntervalS?: number }>,
  ): Promise<{ taskId: string | null; checkIntervalS: number | null; again: boolean }> {
    const M = this.db.models.WeComSend;
    await this.room(userid);
    const had = await M.findOne({ where: { sendKey: key }, attributes: ['id', 'taskId', 'checkIntervalS', 'tries'] });
    if (had) {
      await M.update({ tries: had.tries + 1, triedAt: new Date(this.now()) }, { where: { id: had.id } });
      return { taskId: had.taskId, checkIntervalS: had.checkIntervalS, again: true };
    }
    const f = await fresh();
    try {
      await M.create({
        sendKey: key,
        userid,
        kind: f.kind,
        taskId: f.taskId ?? null,
        contentHash: f.contentHash ?? null,
        checkIntervalS: f.checkIntervalS ?? null,
        triedAt: new Date(this.now()),
      });
    } catch (e) {
      // another process began the same delivery at the same moment: its row is the one
      if (e instanceof UniqueConstraintError) return this.begin(key, userid, fresh);
      throw e;
    }
    return { taskId: f.taskId ?? null, checkIntervalS: f.checkIntervalS ?? null, again: false };
  }

  /** refuses, as rate-limited, a send that would take the member over a limit by what was tried */
  private async room(userid: string): Promise<void> {
    const M = this.db.models.WeComSend;
    const now = this.now();
    for (const w of PER_MEMBER_LIMITS) {
      const since = new Date(now - w.ms - this.marginMs);
      const n = await M.count({ where: { userid, triedAt: { [Op.gt]: since } } });
      if (n < w.limit) continue;
      const nth = await M.findOne({
        where: { userid, triedAt: { [Op.gt]: since } },
        attributes: ['triedAt'],
        order: [['triedAt', 'ASC']],
        offset: n - w.limit,
      });
      const wait = (nth?.triedAt.getTime() ?? now) + w.ms + this.marginMs - now;
      throw new DeliveryError(`wecom: ${n} messages to ${userid} in the last ${w.ms / 60_000} min`, {
        retryable: true,
        rateLimited: true,
        retryAfterMs: Math.max(wait, 1),
        limitScope: 'target',
        code: 'member-limit',
      });
    }
  }
}
