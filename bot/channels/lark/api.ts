import * as lark from '@larksuiteoapi/node-sdk';
import { DeliveryError } from '../../delivery/delivery-error';
import { classifyAnswer, classifyThrown, TOKEN_INVALID_CODES } from './api-errors';
import { httpWithTimeout, type LarkApiLog, sdkLogger, TokenCache } from './api-support';

export type { LarkApiLog } from './api-support';

export type ReceiveIdType = 'open_id' | 'user_id' | 'union_id' | 'email' | 'chat_id';
export type LarkMsgType = 'text' | 'post' | 'interactive';

export interface LarkApiOptions {
  appId: string;
  appSecret: string;
  /** lark.Domain.Feishu / lark.Domain.Lark, or a base URL such as the loopback fake's */
  domain: string | lark.Domain;
  logger?: LarkApiLog;
  /** per HTTP request, the token fetch included; default 10 s */
  timeoutMs?: number;
}

export interface LarkUser {
  openId: string;
  name?: string;
  mobile?: string;
  email?: string;
  employeeNo?: string;
}

/** The few Lark calls the bot makes. Every failure is a DeliveryError. */
export interface LarkApi {
  botInfo(): Promise<{ openId: string; name: string }>;
  /** creates a message; `content` is the object (text {text}, post, or a card); returns message_id */
  send(m: { receiveIdType: ReceiveIdType; receiveId: string; msgType: LarkMsgType; content: object; uuid: string }): Promise<string>;
  /** replies to a message; returns the reply's message_id */
  reply(m: { messageId: string; msgType: LarkMsgType; content: object; uuid: string; replyInThread?: boolean }): Promise<string>;
  /** replaces a shared card's content (the card needs config.update_multi) */
  patch(m: { messageId: string; content: object }): Promise<void>;
  /** null when Lark does not know the user (or the app may not see them) */
  userByOpenId(openId: string): Promise<LarkUser | null>;
  /** email/mobile → open_id, for those Lark knows */
  openIdsOf(q: { emails?: string[]; mobiles?: string[] }): Promise<Map<string, string>>;
}

/** Lark answers these for a user the app cannot see or that does not exist */
const USER_NOT_FOUND_CODES = new Set([41050]);
/** batch_get_id takes at most 50 emails and 50 mobiles per call */
const BATCH = 50;

interface LarkBody {
  code?: number;
  msg?: string;
  data?: unknown;
}

export function createLarkApi(opts: LarkApiOptions): LarkApi {
  const cache = new TokenCache();
  const client = new lark.Client({
    appId: opts.appId,
    appSecret: opts.appSecret,
    domain: opts.domain,
    cache,
    logger: sdkLogger(opts.logger),
    httpInstance: httpWithTimeout(opts.timeoutMs ?? 10_000),
  });

  /** runs one call; a body with code ≠ 0 (returned, not thrown, by the SDK) fails it too */
  async function call<T extends LarkBody>(what: string, run: () => Promise<T>): Promise<T> {
    let error: DeliveryError;
    try {
      const res = await run();
      if (res?.code === 0) return res;
      error = classifyAnswer(what, 200, res);
    } catch (e) {
      error = classifyThrown(what, e);
    }
    if (error.code !== undefined && TOKEN_INVALID_CODES.has(Number(error.code))) cache.clear();
    throw error;
  }

  const messageId = (what: string, res: { data?: { message_id?: string } }) => {
    const id = res.data?.message_id;
    if (!id) throw new DeliveryError(`${what}: Lark answered without a message_id`, { retryable: false, code: 'no_message_id' });
    return id;
  };

  return {
    async botInfo() {
      const res = await call('bot info', () =>
        client.request<LarkBody & { bot?: { open_id?: string; app_name?: string } }>({ method: 'GET', url: '/open-apis/bot/v3/info' }),
      );
      if (!res.bot?.open_id) throw new DeliveryError('bot info: Lark answered without bot.open_id', { retryable: false, code: 'no_bot' });
      return { openId: res.bot.open_id, name: res.bot.app_name ?? '' };
    },

    async send(m) {
      const what = `send ${m.msgType} to ${m.receiveIdType} ${m.receiveId}`;
      const res = await call(what, () =>
        client.im.v1.message.create({
          params: { receive_id_type: m.receiveIdType },
          data: { receive_id: m.receiveId, msg_type: m.msgType, content: JSON.stringify(m.content), uuid: m.uuid },
        }),
      );
      return messageId(what, res);
    },

    async reply(m) {
      const what = `reply ${m.msgType} to ${m.messageId}`;
      const res = await call(what, () =>
        client.im.v1.message.reply({
          path: { message_id: m.messageId },
          data: {
            msg_type: m.msgType,
            content: JSON.stringify(m.content),
            uuid: m.uuid,
            ...(m.replyInThread ? { reply_in_thread: true } : {}),
          },
        }),
      );
      return messageId(what, res);
    },

    async patch(m) {
      await call(`patch ${m.messageId}`, () =>
        client.im.v1.message.patch({ path: { message_id: m.messageId }, data: { content: JSON.stringify(m.content) } }),
      );
    },

    async userByOpenId(openId) {
      try {
        const res = await call(`user ${openId}`, () =>
          client.contact.v3.user.get({ path: { user_id: openId }, params: { user_id_type: 'open_id' } }),
        );
        const u = res.data?.user;
        if (!u) return null;
        return {
          openId: u.open_id ?? openId,
          ...(u.name ? { name: u.name } : {}),
          ...(u.mobile ? { mobile: u.mobile } : {}),
          ...(u.email ? { email: u.email } : {}),
          ...(u.employee_no ? { employeeNo: u.employee_no } : {}),
        };
      } catch (e) {
        if (e instanceof DeliveryError && USER_NOT_FOUND_CODES.has(Number(e.code))) return null;
        throw e;
      }
    },

    async openIdsOf(q) {
      const found = new Map<string, string>();
      const emails = q.emails ?? [];
      const mobiles = q.mobiles ?? [];
      for (let i = 0; i < Math.max(emails.length, mobiles.length); i += BATCH) {
        const data = { emails: emails.slice(i, i + BATCH), mobiles: mobiles.slice(i, i + BATCH) };
        const res = await call('open ids of emails/mobiles', () =>
          client.contact.v3.user.batchGetId({ params: { user_id_type: 'open_id' }, data }),
        );
        for (const entry of res.data?.user_list ?? []) {
          const key = entry.email ?? entry.mobile;
          if (key && entry.user_id) found.set(key, entry.user_id);
        }
      }
      return found;
    },
  };
}
