import { Op, UniqueConstraintError } from 'sequelize';
import type { Db } from '../../../models/db';

/** a response_code can update its card once, within 72 hours of being given (im-platforms.md §3.3) */
export const CODE_VALID_MS = 72 * 3600_000;
/** spentBy of a code WeCom refused */
const REFUSED = '(refused)';

/**
 * The response codes WeCom gave for each card message (by its task_id): one with the send and
 * a new one with every click. Kept in the database (wecom_response_codes), so a card decided
 * after a restart is still updated in place. An update takes the freshest valid code nobody
 * spent; the same update tried again (after a crash or a timeout) gets the code it took
 * before, and is told so: WeCom refusing that code then means the earlier try used it.
 */
export class ResponseCodes {
  constructor(
    private readonly db: Db,
    private readonly now: () => number = Date.now,
  ) {}

  async give(taskId: string, userid: string, code: string | null | undefined): Promise<void> {
    if (!taskId || !code) return;
    try {
      await this.db.models.WeComResponseCode.create({ code, taskId, userid, givenAt: new Date(this.now()), spentBy: null, spentAt: null });
    } catch (e) {
      // a click WeCom pushed again brings the code it brought before
      if (!(e instanceof UniqueConstraintError)) throw e;
    }
  }

  /** the code update `by` (a delivery's uuid) spends on this card; again: it took this one on an earlier try */
  async take(taskId: string, by: string): Promise<{ code: string; again: boolean } | null> {
    const M = this.db.models.WeComResponseCode;
    const mine = await M.findOne({ where: { taskId, spentBy: by }, attributes: ['code'] });
    if (mine) return { code: mine.code, again: true };
    for (;;) {
      const fresh = await M.findOne({
        where: { taskId, spentBy: null, givenAt: { [Op.gt]: new Date(this.now() - CODE_VALID_MS) } },
        attributes: ['id', 'code'],
        order: [
          ['givenAt', 'DESC'],
          ['id', 'DESC'],
        ],
      });
      if (!fresh) return null;
      // guarded: another update of the same card (another process) may take it at the same moment
      const [n] = await M.update({ spentBy: by, spentAt: new Date(this.now()) }, { where: { id: fresh.id, spentBy: null } });
      if (n === 1) return { code: fresh.code, again: false };
    }
  }

  /** WeCom would not take it: a later try of the same update must not think it spent it */
  async refused(code: string): Promise<void> {
    await this.db.models.WeComResponseCode.update({ spentBy: REFUSED }, { where: { code } });
  }

  /** codes past their 72 hours are of no use to anyone */
  async prune(): Promise<number> {
    return this.db.models.WeComResponseCode.destroy({ where: { givenAt: { [Op.lt]: new Date(this.now() - CODE_VALID_MS) } } });
  }
}
