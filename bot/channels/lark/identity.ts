import type { Db } from '../../../models/db';
import type { ChannelUser } from '../../delivery/channel';
import { ChannelDirectory } from '../directory';
import type { LarkApi } from './api';

/**
 * Lark people and the books (B5, bot/channels/directory.ts): a sender is described by
 * `contact.v3.user.get` (mobile, email, employee number); someone who never wrote is found by
 * `batch_get_id`, by email first, then mobile.
 */
export function larkDirectory(db: Db, api: Pick<LarkApi, 'userByOpenId' | 'openIdsOf'>, now?: () => number): ChannelDirectory {
  return new ChannelDirectory(
    db,
    'lark',
    {
      async person(openId) {
        const p = await api.userByOpenId(openId);
        return p ? { name: p.name, mobile: p.mobile, emails: p.email ? [p.email] : [], employeeNo: p.employeeNo } : null;
      },
      async find(user: ChannelUser) {
        const found = await api.openIdsOf({
          ...(user.email ? { emails: [user.email] } : {}),
          ...(user.mobile ? { mobiles: [user.mobile] } : {}),
        });
        const byEmail = user.email ? found.get(user.email) : undefined;
        const byMobile = user.mobile ? found.get(user.mobile) : undefined;
        const externalId = byEmail ?? byMobile;
        return externalId ? { externalId, by: byEmail ? 'email' : 'mobile' } : null;
      },
    },
    now,
  );
}
