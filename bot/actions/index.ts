import { type Locale, type Reply, t } from '../cards/card';
import type { BotDeps } from '../dispatch';
import { loadUser } from '../user-context';

/**
 * A click on a card button, from whichever channel, to the replies. Each action lives in its
 * own file; they answer fast and leave the work to the workflow (platforms resend after ~3 s).
 */
export interface CardAction {
  userLogin: string;
  cardId: string;
  action: string;
  value: Record<string, unknown>;
  /** what the user typed with the click (a reject reason), when the channel allows it */
  comment?: string;
}

export async function handleAction(deps: BotDeps, a: CardAction): Promise<Reply[]> {
  const locale: Locale = 'zh';
  const user = await loadUser(deps.db, a.userLogin);
  if (!user) return [{ kind: 'text', text: t(locale, '您的账号还没有绑定系统用户，请联系管理员', 'Your account is not linked to a user yet') }];
  switch (a.action) {
    default:
      return [{ kind: 'text', text: `未知的操作：${a.action} / unknown action` }];
  }
}
