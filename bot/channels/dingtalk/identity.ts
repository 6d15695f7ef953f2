import type { Db } from '../../../models/db';
import { ChannelDirectory } from '../directory';
import type { DingTalkApi } from './api';

/**
 * DingTalk people and the books (B5, bot/channels/directory.ts): a sender (their staff id) is
 * described by topapi/v2/user/get (mobile, email, job number); someone who never wrote is found
 * by mobile, the only thing DingTalk looks people up by.
 */
export function dingTalkDirectory(db: Db, api: Pick<DingTalkApi, 'userById' | 'userIdByMobile'>, now?: () => number): ChannelDirectory {
  return new ChannelDirectory(
    db,
    'dingtalk',
    {
      async person(staffId) {
        const p = await api.userById(staffId);
        return p ? { name: p.name, mobile: p.mobile, emails: p.email ? [p.email] : [], employeeNo: p.jobNumber } : null;
      },
      async find(user) {
        if (!user.mobile) return null;
        const staffId = await api.userIdByMobile(user.mobile);
        return staffId ? { externalId: staffId, by: 'mobile' } : null;
      },
    },
    now,
  );
}
