import type { Db } from '../../../models/db';
import { ChannelDirectory } from '../directory';
import type { WeChatAccount } from './account';

/**
 * WeChat contacts and the books (B5, bot/channels/directory.ts). A personal WeChat account
 * shows no mobile or work email, so a contact is known by the remark (备注) the bot's account
 * gave them, when it is a user's employee number; or by a one-time code an admin issued
 * (bot/channels/bind-code.ts). Someone who never wrote is found among the contacts by that remark.
 */
export function wechatDirectory(db: Db, account: Pick<WeChatAccount, 'contact' | 'byRemark'>, now?: () => number): ChannelDirectory {
  return new ChannelDirectory(
    db,
    'wechaty',
    {
      async person(contactId) {
        const c = await account.contact(contactId);
        if (!c) return null;
        const remark = c.alias?.trim();
        return { name: c.name, emails: [], ...(remark ? { employeeNo: remark } : {}) };
      },
      canFind: (user) => !!user.employeeNo,
      async find(user) {
        if (!user.employeeNo) return null;
        const ids = await account.byRemark(user.employeeNo);
        // two contacts with the same remark: neither is bound
        return ids.length === 1 ? { externalId: ids[0] as string, by: 'employee_no' } : null;
      },
    },
    now,
  );
}
