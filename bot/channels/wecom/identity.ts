import type { Db } from '../../../models/db';
import { ChannelDirectory } from '../directory';
import type { WeComApi } from './api';

/**
 * WeCom members and the books (B5, bot/channels/directory.ts): a sender is described by
 * /cgi-bin/user/get (mobile, email, biz mail); someone who never wrote is found by mobile or
 * email (getuserid, get_userid_by_email).
 */
export function weComDirectory(db: Db, api: Pick<WeComApi, 'user' | 'userIdOf'>, now?: () => number): ChannelDirectory {
  return new ChannelDirectory(
    db,
    'wecom',
    {
      async person(userid) {
        const p = await api.user(userid);
        return p ? { name: p.name, mobile: p.mobile, emails: [p.email, p.biz_mail].filter((e): e is string => !!e) } : null;
      },
      async find(user) {
        const userid = await api.userIdOf({ mobile: user.mobile, email: user.email });
        return userid ? { externalId: userid, by: user.mobile ? 'mobile' : 'email' } : null;
      },
    },
    now,
  );
}
