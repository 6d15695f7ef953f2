import { createHash, randomInt } from 'node:crypto';
import { Op } from 'sequelize';
import type { Db } from '../../models/db';

/** how long a code can be used after it was issued */
export const CODE_VALID_MS = 60 * 60_000;
/** wrong codes one account may send in a window before it is asked to wait (six digits are guessable otherwise) */
export const MAX_WRONG_CODES = 5;
export const WRONG_CODES_WINDOW_MS = 60 * 60_000;

const hashOf = (code: string) => createHash('sha256').update(code).digest('hex');

/**
 * One-time bind codes (B5) for chat accounts the platform's directory cannot tell: a personal
 * WeChat has no work email or mobile the books know. An administrator issues a six-digit code
 * for a user (`绑定码 张伟`); the person sends `绑定 123456` to the bot from their account, and
 * that account is bound to the user. A code is stored only as its hash, valid for an hour,
 * spent by the first account that sends it (a guarded UPDATE: two sending it at once bind
 * one), and both the issue and the use are in the audit log.
 */
export async function issueBindCode(
  db: Db,
  o: { userId: number; issuedByUserId: number; now: Date },
): Promise<{ code: string; expiresAt: Date }> {
  const expiresAt = new Date(o.now.getTime() + CODE_VALID_MS);
  for (;;) {
    const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
    const created = await db.writeTx(async (transaction) => {
      // a code still open for the same user is withdrawn: only the newest one works
      await db.models.BindCode.update(
        { expiresAt: o.now },
        { where: { userId: o.userId, usedAt: null, expiresAt: { [Op.gt]: o.now } }, transaction },
      );
      if (await db.models.BindCode.findOne({ where: { codeHash: hashOf(code) }, attributes: ['id'], transaction })) return false;
      await db.models.BindCode.create(
        { codeHash: hashOf(code), userId: o.userId, issuedByUserId: o.issuedByUserId, expiresAt },
        { transaction },
      );
      await db.models.AuditLog.create(
        {
          userId: o.issuedByUserId,
          action: 'bind_code.issued',
          entityType: 'user',
          entityId: String(o.userId),
          before: null,
          after: { expiresAt: expiresAt.toISOString() },
          at: o.now,
        },
        { transaction },
      );
      return true;
    });
    // a clash with an old code's hash (used or not) is drawn again
    if (created) return { code, expiresAt };
  }
}

export type Redeemed =
  | { ok: true; userId: number; login: string; name: string; issuedByUserId: number | null }
  | { ok: false; why: 'unknown' | 'expired' | 'used' | 'inactive' };

/** The code sent by an account not yet bound: binds it to the code's user, once. */
export async function redeemBindCode(
  db: Db,
  o: { code: string; channel: string; externalId: string; displayName: string | null; now: Date },
): Promise<Redeemed> {
  const { BindCode, ChannelIdentity, User, AuditLog } = db.models;
  return db.writeTx(async (transaction): Promise<Redeemed> => {
    const row = await BindCode.findOne({ where: { codeHash: hashOf(o.code) }, transaction });
    if (!row) return { ok: false, why: 'unknown' };
    if (row.usedAt) return { ok: false, why: 'used' };
    if (row.expiresAt.getTime() <= o.now.getTime()) return { ok: false, why: 'expired' };
    const user = await User.findOne({ where: { id: row.userId, active: true }, attributes: ['id', 'login', 'name'], transaction });
    if (!user) return { ok: false, why: 'inactive' };
    const [spent] = await BindCode.update(
      { usedAt: o.now, usedChannel: o.channel, usedExternalId: o.externalId },
      { where: { id: row.id, usedAt: null }, transaction },
    );
    if (spent !== 1) return { ok: false, why: 'used' };
    await ChannelIdentity.bulkCreate(
      [
        {
          channel: o.channel as never,
          externalId: o.externalId,
          userId: user.id,
          boundBy: 'code',
          displayName: o.displayName?.slice(0, 64) ?? null,
        },
      ],
      { ignoreDuplicates: true, transaction },
    );
    await AuditLog.create(
      {
        userId: user.id,
        action: 'bind_code.used',
        entityType: 'user',
        entityId: String(user.id),
        before: null,
        after: { channel: o.channel, externalId: o.externalId, displayName: o.displayName },
        at: o.now,
      },
      { transaction },
    );
    return { ok: true, userId: user.id, login: user.login, name: user.name, issuedByUserId: row.issuedByUserId };
  });
}

/** Wrong codes per account, so that six digits cannot be tried through: MAX_WRONG_CODES an hour. */
export class WrongCodes {
  private readonly tries = new Map<string, number[]>();

  constructor(private readonly now: () => number = Date.now) {}

  blocked(account: string): boolean {
    return this.recent(account).length >= MAX_WRONG_CODES;
  }

  count(account: string): void {
    const list = this.recent(account);
    list.push(this.now());
    this.tries.set(account, list);
  }

  private recent(account: string): number[] {
    const list = (this.tries.get(account) ?? []).filter((at) => this.now() - at < WRONG_CODES_WINDOW_MS);
    if (list.length) this.tries.set(account, list);
    else this.tries.delete(account);
    return list;
  }
}
