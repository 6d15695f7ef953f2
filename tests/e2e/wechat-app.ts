import type { IncomingMessage, SentMessage } from '../fakes/wechat';
import { FakeWeChat } from '../fakes/wechat';
import { type AppWorld, startAppWorld } from './app';
import { DEMO_PEOPLE, matches, until } from './lark-app';

export const wxidOf = (login: string) => `wx_${login}`;
export const WAREHOUSE_ROOM = 'warehouse@chatroom';
/** each person's employee number, as the demo company numbers them (models/seed/organisation.ts) */
export const employeeNoOf = (login: string) => `E${1001 + DEMO_PEOPLE.findIndex(([l]) => l === login)}`;

/** Send limits well above the defaults: these stories are about what happens, not about pace (tests/bot/wechat-delivery.test.ts is). */
export const FAST_LIMITS = JSON.stringify({
  perRecipientPerSecond: 20,
  perRecipientPerMinute: null,
  perRecipientPerDay: null,
  perChatPerSecond: 20,
  perAppPerSecond: 100,
  perAppPerMinute: null,
  perAppPerDay: null,
  updatesPerAppPerSecond: null,
  updatesPerMessagePerSecond: null,
  updatesAsMessages: true,
});

export interface WeChatWorld extends AppWorld {
  fake: FakeWeChat;
}

/**
 * The product over WeChat, end to end: wechaty-puppet-mock in the test process, served by
 * wechaty-puppet-service's gRPC server on loopback as a puppet service provider would, and the
 * real `main.ts` as a child process connected to it (WECHATY_PUPPET=wechaty-puppet-service,
 * its token and endpoint, no TLS). The demo company's people are the bot account's contacts,
 * each with their employee number as remark, except those named in `noRemark` (they bind by
 * code); a warehouse room holds 陈静 and the bot.
 */
export async function startWeChatWorld(o: { noRemark?: string[]; env?: Record<string, string> } = {}): Promise<WeChatWorld> {
  const fake = new FakeWeChat();
  for (const [login, name] of DEMO_PEOPLE)
    fake.addContact({ id: wxidOf(login), name, ...(o.noRemark?.includes(login) ? {} : { remark: employeeNoOf(login) }) });
  fake.addRoom({ id: WAREHOUSE_ROOM, topic: '仓库群', members: [wxidOf('chenjing')] });
  await fake.serve();
  fake.login();
  const world = await startAppWorld({
    prefix: 'q2c-wechat-e2e-',
    // the puppet service client keeps a payload cache under $HOME/.wechaty: the data directory's, here
    env: (dataDir) => ({ ...fake.appEnv(), HOME: dataDir, Q2C_SEND_LIMITS__WECHATY: FAST_LIMITS, ...o.env }),
    connected: (app) =>
      until('the app logged in to WeChat', async () => {
        const h = (await (await fetch(`${app.base}/healthz`)).json()) as { channels?: { wechaty?: { loggedIn?: boolean } } };
        return h.channels?.wechaty?.loggedIn === true;
      }),
    closeFake: () => fake.close(),
  });
  return Object.assign(world, { fake });
}

/** One person in WeChat: what they type (to the bot or in a room), what their chats show. */
export class WeChatPerson {
  readonly id: string;
  constructor(
    private readonly fake: FakeWeChat,
    readonly login: string,
  ) {
    this.id = wxidOf(login);
  }

  /** types into their chat with the bot, or in a room mentioning the bot; the message's id */
  say(text: string, room?: string): IncomingMessage {
    const id = this.fake.say(this.id, text, room ? { id: room, mention: true } : undefined);
    return this.fake.incoming.find((m) => m.id === id) as IncomingMessage;
  }

  /** what the bot sent to their one-to-one chat, in order */
  get chat(): SentMessage[] {
    return this.fake.sentTo(this.id);
  }

  /**
   * says something and waits for the bot's message in the same chat, after it, matching `what`
   * (WeChat has no threads: an answer is the next message in the chat that says what was asked)
   */
  async ask(text: string, what: string | RegExp, room?: string): Promise<SentMessage> {
    const chat = room ?? this.id;
    const after = this.fake.sentTo(chat).length;
    this.say(text, room);
    return until(`an answer to ${this.login}'s “${text}” in ${chat} matching ${what}`, () =>
      this.fake
        .sentTo(chat)
        .slice(after)
        .find((m) => matches(m.text, what)),
    );
  }

  /** waits for a message in their one-to-one chat matching `what` */
  pushed(what: string | RegExp): Promise<SentMessage> {
    return until(`a message to ${this.login} matching ${what}`, () => this.chat.find((m) => matches(m.text, what)));
  }

  /** asks again, as a person would, until the answer satisfies `ok` (for what a flow finishes a moment later) */
  async askUntil(text: string, what: string | RegExp, ok: (m: SentMessage) => boolean): Promise<SentMessage> {
    return until(`“${text}” to be answered as wanted`, async () => {
      const m = await this.ask(text, what);
      if (ok(m)) return m;
      await new Promise((r) => setTimeout(r, 300));
      return undefined;
    });
  }
}

/** the number a card's replies carry: 回复「同意 12」… → 12 */
export function replyNumber(text: string, verb: string): number {
  const m = new RegExp(`「${verb} (\\d+)`).exec(text);
  if (!m) throw new Error(`no 「${verb} N」 in: ${text}`);
  return Number(m[1]);
}
