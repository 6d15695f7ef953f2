import { Op, type WhereOptions } from 'sequelize';
import type { Db } from '../../../models/db';
import type { ChannelUser } from '../../delivery/channel';
import type { DingTalkApi, DingTalkPerson } from './api';

const CHANNEL = 'dingtalk';
/** someone not found in the DingTalk directory is asked again after this long */
const NOT_FOUND_TTL_MS = 10 * 60_000;

/** mobiles compare as their last 11 digits: DingTalk may give +86-13800000000, the books 13800000000 */
export const sameMobile = (a: string | null | undefined, b: string | null | undefined): boolean => {
  const digits = (s: string) => s.replace(/\D/g, '').slice(-11);
  return !!a && !!b && digits(a).length >= 7 && digits(a) === digits(b);
};

/**
 * Who is who between DingTalk and the books (B5), as LarkDirectory: a sender (their staff id)
 * is known by a stored binding, or bound on first contact from what the user API says of them
 * (mobile, email, job number) matched against the system's users; a recipient who never wrote
 * is found by mobile (DingTalk looks people up by nothing else). Bindings are stored.
 */
export class DingTalkDirectory {
  private readonly notFound = new Map<string, number>();

  constructor(
    private readonly db: Db,
    private readonly api: Pick<DingTalkApi, 'userById' | 'userIdByMobile'>,
    private readonly now: () => number = Date.now,
  ) {}

  /** The system user behind a DingTalk sender, binding them on first contact; null when no user matches. */
  async userOf(staffId: string): Promise<{ id: number; login: string } | null> {
    const { ChannelIdentity, User } = this.db.models;
    const bound = await ChannelIdentity.findOne({ where: { channel: CHANNEL, externalId: staffId }, attributes: ['userId'] });
    if (bound) {
      const u = await User.findOne({ where: { id: bound.userId, active: true }, attributes: ['id', 'login'] });
      return u ? { id: u.id, login: u.login } : null;
    }
    if (this.recentlyMissed(`open:${staffId}`)) return null;
    const person = await this.api.userById(staffId);
    const match = person ? await this.match(person) : null;
    if (!match) {
      this.notFound.set(`open:${staffId}`, this.now());
      return null;
    }
    await this.bind(staffId, match.user.id, match.by, person?.name ?? null);
    return { id: match.user.id, login: match.user.login };
  }

  /** Where a user is on DingTalk: their binding, or their staff id found by mobile (then stored). */
  async addressOf(user: ChannelUser): Promise<string | null> {
    const bound = await this.db.models.ChannelIdentity.findOne({
      where: { channel: CHANNEL, userId: user.id },
      attributes: ['externalId'],
      order: [['id', 'DESC']],
    });
    if (bound) return bound.externalId;
    if (!user.mobile) return null;
    if (this.recentlyMissed(`user:${user.id}`)) return null;
    const staffId = await this.api.userIdByMobile(user.mobile);
    if (!staffId) {
      this.notFound.set(`user:${user.id}`, this.now());
      return null;
    }
    await this.bind(staffId, user.id, 'mobile', null);
    return staffId;
  }

  private recentlyMissed(key: string): boolean {
    const at = this.notFound.get(key);
    return at !== undefined && this.now() - at < NOT_FOUND_TTL_MS;
  }

  private async match(person: DingTalkPerson) {
    const p = { mobile: person.mobile, email: person.email, employeeNo: person.jobNumber };
    const ors: WhereOptions<{ email: string; employeeNo: string; mobile: string }>[] = [];
    if (p.email) ors.push({ email: p.email.toLowerCase() });
    if (p.employeeNo) ors.push({ employeeNo: p.employeeNo });
    const mobileTail = p.mobile?.replace(/\D/g, '').slice(-11);
    if (mobileTail && mobileTail.length >= 7) ors.push({ mobile: { [Op.like]: `%${mobileTail}` } });
    if (ors.length === 0) return null;
    const users = await this.db.models.User.findAll({
      where: { active: true, [Op.or]: ors },
      attributes: ['id', 'login', 'email', 'mobile', 'employeeNo'],
    });
    // the strongest evidence first: a mobile, then an email, then an employee number
    for (const [by, hit] of [
      ['mobile', (u: (typeof users)[number]) => sameMobile(u.mobile, p.mobile)],
      ['email', (u: (typeof users)[number]) => !!p.email && u.email?.toLowerCase() === p.email.toLowerCase()],
      ['employee_no', (u: (typeof users)[number]) => !!p.employeeNo && u.employeeNo === p.employeeNo],
    ] as const) {
      const found = users.filter(hit);
      if (found.length === 1) return { user: found[0] as (typeof users)[number], by };
    }
    return null;
  }

  private async bind(staffId: string, userId: number, by: string, displayName: string | null): Promise<void> {
    await this.db.models.ChannelIdentity.bulkCreate([{ channel: CHANNEL, externalId: staffId, userId, boundBy: by, displayName }], {
      ignoreDuplicates: true,
    });
  }
}
