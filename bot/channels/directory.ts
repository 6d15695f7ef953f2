import { Op, type WhereOptions } from 'sequelize';
import type { CHANNEL } from '../../domain/statuses';
import type { Db } from '../../models/db';
import type { ChannelUser } from '../delivery/channel';

/** someone not found in a platform's directory is asked again after this long */
const NOT_FOUND_TTL_MS = 10 * 60_000;

/** mobiles compare as their last 11 digits: platforms give +8613800000000 or +86-138…, the books 13800000000 */
export const sameMobile = (a: string | null | undefined, b: string | null | undefined): boolean => {
  const digits = (s: string) => s.replace(/\D/g, '').slice(-11);
  return !!a && !!b && digits(a).length >= 7 && digits(a) === digits(b);
};

/** What a platform's directory says of one of its people. */
export interface PlatformPerson {
  name?: string;
  mobile?: string;
  /** every address it knows (a WeCom member has an email and a biz mail) */
  emails: string[];
  employeeNo?: string;
}

/** How one platform is asked: a person by their id there, and the id of a system user. */
export interface PlatformLookups {
  person(externalId: string): Promise<PlatformPerson | null>;
  /** their id on the platform, found by what the books know of them; null when not there */
  find(user: ChannelUser): Promise<{ externalId: string; by: string } | null>;
  /** whether `find` has anything to go by for this user; default: an email or a mobile */
  canFind?(user: ChannelUser): boolean;
}

/**
 * Who is who between a chat platform and the books (B5). A sender is known by a stored
 * binding, or bound on first contact from what the platform's directory says of them, matched
 * against the system's active users: a mobile first, then an email, then an employee number,
 * each only when exactly one user matches (an ambiguous match binds no one). A recipient who
 * never wrote is looked up on the platform. Bindings are stored (channel_identities): the
 * platform is asked once per person, and a miss is asked again after ten minutes.
 */
export class ChannelDirectory {
  private readonly notFound = new Map<string, number>();

  constructor(
    private readonly db: Db,
    private readonly channel: (typeof CHANNEL.values)[number],
    private readonly lookups: PlatformLookups,
    private readonly now: () => number = Date.now,
  ) {}

  /** The system user behind a sender, binding them on first contact; null when no user matches. */
  async userOf(externalId: string): Promise<{ id: number; login: string } | null> {
    const { ChannelIdentity, User } = this.db.models;
    const bound = await ChannelIdentity.findOne({ where: { channel: this.channel, externalId }, attributes: ['userId'] });
    if (bound) {
      const u = await User.findOne({ where: { id: bound.userId, active: true }, attributes: ['id', 'login'] });
      return u ? { id: u.id, login: u.login } : null;
    }
    if (this.recentlyMissed(`them:${externalId}`)) return null;
    const person = await this.lookups.person(externalId);
    const match = person ? await this.match(person) : null;
    if (!match) {
      this.notFound.set(`them:${externalId}`, this.now());
      return null;
    }
    await this.bind(externalId, match.user.id, match.by, person?.name ?? null);
    return { id: match.user.id, login: match.user.login };
  }

  /** Where a user is on the platform: their binding, or an id found by the platform's lookup (then stored). */
  async addressOf(user: ChannelUser): Promise<string | null> {
    const bound = await this.db.models.ChannelIdentity.findOne({
      where: { channel: this.channel, userId: user.id },
      attributes: ['externalId'],
      order: [['id', 'DESC']],
    });
    if (bound) return bound.externalId;
    if (!(this.lookups.canFind?.(user) ?? (!!user.email || !!user.mobile))) return null;
    if (this.recentlyMissed(`user:${user.id}`)) return null;
    const found = await this.lookups.find(user);
    if (!found) {
      this.notFound.set(`user:${user.id}`, this.now());
      return null;
    }
    await this.bind(found.externalId, user.id, found.by, null);
    return found.externalId;
  }

  private recentlyMissed(key: string): boolean {
    const at = this.notFound.get(key);
    return at !== undefined && this.now() - at < NOT_FOUND_TTL_MS;
  }

  private async match(p: PlatformPerson) {
    const emails = p.emails.filter(Boolean).map((e) => e.toLowerCase());
    const ors: WhereOptions<{ email: string; employeeNo: string; mobile: string }>[] = emails.map((email) => ({ email }));
    if (p.employeeNo) ors.push({ employeeNo: p.employeeNo });
    const mobileTail = p.mobile?.replace(/\D/g, '').slice(-11);
    if (mobileTail && mobileTail.length >= 7) ors.push({ mobile: { [Op.like]: `%${mobileTail}` } });
    if (ors.length === 0) return null;
    const users = await this.db.models.User.findAll({
      where: { active: true, [Op.or]: ors },
      attributes: ['id', 'login', 'email', 'mobile', 'employeeNo'],
    });
    type U = (typeof users)[number];
    for (const [by, hit] of [
      ['mobile', (u: U) => sameMobile(u.mobile, p.mobile)],
      ['email', (u: U) => !!u.email && emails.includes(u.email.toLowerCase())],
      ['employee_no', (u: U) => !!p.employeeNo && u.employeeNo === p.employeeNo],
    ] as const) {
      const found = users.filter(hit);
      if (found.length === 1) return { user: found[0] as U, by };
    }
    return null;
  }

  private async bind(externalId: string, userId: number, by: string, displayName: string | null): Promise<void> {
    await this.db.models.ChannelIdentity.bulkCreate([{ channel: this.channel, externalId, userId, boundBy: by, displayName }], {
      ignoreDuplicates: true,
    });
  }
}
