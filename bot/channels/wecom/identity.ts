import { Op, type WhereOptions } from 'sequelize';
import type { Db } from '../../../models/db';
import type { ChannelUser } from '../../delivery/channel';
import { sameMobile } from '../lark/identity';
import type { WeComApi, WeComPerson } from './api';

const CHANNEL = 'wecom';
/** someone not found in the WeCom directory is asked again after this long */
const NOT_FOUND_TTL_MS = 10 * 60_000;

/**
 * Who is who between WeCom and the books (B5), as for Lark: a sender is known by a stored
 * binding, or bound on first contact from what /cgi-bin/user/get says of them (mobile, email or
 * biz mail) matched against the system's users; a recipient who never wrote is found by mobile
 * or email. Bindings are stored in channel_identities: WeCom is asked once per person.
 */
export class WeComDirectory {
  private readonly notFound = new Map<string, number>();

  constructor(
    private readonly db: Db,
    private readonly api: Pick<WeComApi, 'user' | 'userIdOf'>,
    private readonly now: () => number = Date.now,
  ) {}

  async userOf(userid: string): Promise<{ id: number; login: string } | null> {
    const { ChannelIdentity, User } = this.db.models;
    const bound = await ChannelIdentity.findOne({ where: { channel: CHANNEL, externalId: userid }, attributes: ['userId'] });
    if (bound) {
      const u = await User.findOne({ where: { id: bound.userId, active: true }, attributes: ['id', 'login'] });
      return u ? { id: u.id, login: u.login } : null;
    }
    if (this.recentlyMissed(`wecom:${userid}`)) return null;
    const person = await this.api.user(userid);
    const match = person ? await this.match(person) : null;
    if (!match) {
      this.notFound.set(`wecom:${userid}`, this.now());
      return null;
    }
    await this.bind(userid, match.user.id, match.by, person?.name ?? null);
    return { id: match.user.id, login: match.user.login };
  }

  async addressOf(user: ChannelUser): Promise<string | null> {
    const bound = await this.db.models.ChannelIdentity.findOne({
      where: { channel: CHANNEL, userId: user.id },
      attributes: ['externalId'],
      order: [['id', 'DESC']],
    });
    if (bound) return bound.externalId;
    if (!user.email && !user.mobile) return null;
    if (this.recentlyMissed(`user:${user.id}`)) return null;
    const userid = await this.api.userIdOf({ mobile: user.mobile, email: user.email });
    if (!userid) {
      this.notFound.set(`user:${user.id}`, this.now());
      return null;
    }
    await this.bind(userid, user.id, user.mobile ? 'mobile' : 'email', null);
    return userid;
  }

  private recentlyMissed(key: string): boolean {
    const at = this.notFound.get(key);
    return at !== undefined && this.now() - at < NOT_FOUND_TTL_MS;
  }

  private async match(p: WeComPerson) {
    const emails = [p.email, p.biz_mail].filter((e): e is string => !!e).map((e) => e.toLowerCase());
    const ors: WhereOptions<{ email: string; mobile: string }>[] = emails.map((email) => ({ email }));
    const mobileTail = p.mobile?.replace(/\D/g, '').slice(-11);
    if (mobileTail && mobileTail.length >= 7) ors.push({ mobile: { [Op.like]: `%${mobileTail}` } });
    if (ors.length === 0) return null;
    const users = await this.db.models.User.findAll({
      where: { active: true, [Op.or]: ors },
      attributes: ['id', 'login', 'email', 'mobile'],
    });
    // a mobile is the stronger evidence; an ambiguous match binds no one
    const byMobile = users.filter((u) => sameMobile(u.mobile, p.mobile));
    if (byMobile.length === 1) return { user: byMobile[0] as (typeof users)[number], by: 'mobile' };
    const byEmail = users.filter((u) => !!u.email && emails.includes(u.email.toLowerCase()));
    if (byEmail.length === 1) return { user: byEmail[0] as (typeof users)[number], by: 'email' };
    return null;
  }

  private async bind(userid: string, userId: number, by: string, displayName: string | null): Promise<void> {
    await this.db.models.ChannelIdentity.bulkCreate([{ channel: CHANNEL, externalId: userid, userId, boundBy: by, displayName }], {
      ignoreDuplicates: true,
    });
  }
}
