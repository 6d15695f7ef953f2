import { type FakeLark, type FakeMessage, type PushResult, startFakeLark } from '../fakes/lark';
import { type AppOnFake, appOnFake, freshDataDir } from './app';
import { buttonsOf, cardText, messagesShowing, statusOf } from './lark-cards';

/**
 * The product over Lark, end to end: the loopback fake of the open platform in the test
 * process, and the real `main.ts` as a child process pointed at it (LARK_* env), on a data
 * directory of its own. The fake's directory holds the demo company's people by their email
 * (`<login>@demo.q2c.cn`, models/seed/organisation.ts), so the app binds them by itself, and a
 * warehouse group chat with 陈静 and the bot. People act through the fake as a Lark client
 * would: they type into a chat and click what the card JSON offers.
 */
export const DEMO_PEOPLE: readonly (readonly [string, string])[] = [
  ['zhangwei', '张伟'],
  ['lina', '李娜'],
  ['wangfang', '王芳'],
  ['liqiang', '李强'],
  ['liuyang', '刘洋'],
  ['chenjing', '陈静'],
  ['zhaolei', '赵磊'],
  ['admin', '管理员'],
  ['chengang', '陈刚'],
  ['sunli', '孙丽'],
  ['wuhao', '吴昊'],
  ['zhengjie', '郑洁'],
  ['lintao', '林涛'],
  ['hejing', '何静'],
  ['liangbin', '梁斌'],
];
export const openIdOf = (login: string) => `ou_${login.padEnd(16, '0')}`;
export const WAREHOUSE_CHAT = 'oc_warehouse0000001';
export const WAIT_MS = 30_000;

/** Polls until `get` gives something truthy; fails after `ms` naming what it waited for and what it last saw. */
export async function until<T>(
  what: string,
  get: () => T | undefined | null | false | Promise<T | undefined | null | false>,
  ms = WAIT_MS,
): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await get();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

export interface LarkWorld extends AppOnFake {
  fake: FakeLark;
  dataDir: string;
  mode: 'ws' | 'webhook';
}

export async function startLarkWorld(mode: 'ws' | 'webhook', extraEnv: Record<string, string> = {}): Promise<LarkWorld> {
  const fake = await startFakeLark();
  for (const [login, name] of DEMO_PEOPLE) fake.addUser({ openId: openIdOf(login), name, email: `${login}@demo.q2c.cn` });
  fake.addGroupChat({ chatId: WAREHOUSE_CHAT, name: '仓库群', memberOpenIds: [openIdOf('chenjing')] });
  const dataDir = freshDataDir('q2c-lark-e2e-');
  const env = {
    LARK_APP_ID: fake.appId,
    LARK_APP_SECRET: fake.appSecret,
    LARK_ENCRYPT_KEY: fake.encryptKey,
    LARK_VERIFICATION_TOKEN: fake.verificationToken,
    LARK_DOMAIN: fake.domain,
    LARK_MODE: mode,
    ...extraEnv,
  };
  const run = await appOnFake({
    dataDir,
    env,
    ready: async (app) => {
      if (mode === 'webhook') fake.useWebhook(`${app.base}/channels/lark/events`);
      else await until('the long connection', () => fake.ws.connected > 0);
    },
    closeFake: () => fake.close(),
  });
  return Object.assign(run, { fake, dataDir, mode });
}

/** One person in their Lark client: what they type, what they click, what their chats show. */
export class LarkPerson {
  readonly openId: string;
  constructor(
    private readonly fake: FakeLark,
    readonly login: string,
  ) {
    this.openId = openIdOf(login);
  }

  /** types `text` into their chat with the bot (or @mentions the bot in a group); returns their message's id */
  async say(text: string, inGroup?: string): Promise<string> {
    const before = this.fake.store.incoming.length;
    await this.fake.sendText({ fromOpenId: this.openId, text, ...(inGroup ? { chatId: inGroup, mentionBot: true } : {}) });
    const mine = this.fake.store.incoming.slice(before).find((m) => m.fromOpenId === this.openId);
    if (!mine) throw new Error(`${this.login}: the fake recorded no message for “${text}”`);
    return mine.messageId;
  }

  /** the bot's answers to one of their messages */
  repliesTo(messageId: string): FakeMessage[] {
    return this.fake.messages.filter((m) => m.replyToMessageId === messageId);
  }

  /** waits for an answer to their message whose text matches, and checks it is a reply in the same chat */
  async reply(messageId: string, what: string | RegExp): Promise<FakeMessage> {
    const asked = this.fake.store.incoming.find((m) => m.messageId === messageId);
    const hit = await until(`a reply to ${this.login}'s ${messageId} matching ${what}`, () =>
      this.repliesTo(messageId).find((m) => matches(cardText(m.content), what)),
    );
    if (hit.chatId !== asked?.chatId) throw new Error(`the reply to ${messageId} landed in ${hit.chatId}, not ${asked?.chatId}`);
    return hit;
  }

  /** says something and waits for the answer matching `what` */
  async ask(text: string, what: string | RegExp, inGroup?: string): Promise<FakeMessage> {
    return this.reply(await this.say(text, inGroup), what);
  }

  /** asks again, as a person would, until the answer satisfies `ok` (for what a flow finishes a moment later) */
  async askUntil(text: string, what: string | RegExp, ok: (m: FakeMessage) => boolean): Promise<FakeMessage> {
    const said: string[] = [];
    return until(`“${text}” to be answered as wanted; it answered ${said.join(' / ')}`, async () => {
      const m = await this.ask(text, what);
      said.push(cardText(m.content).split('\n').slice(0, 2).join(' '));
      if (ok(m)) return m;
      await new Promise((r) => setTimeout(r, 300));
      return undefined;
    });
  }

  /** what the bot has sent to their one-to-one chat, in order */
  get chat(): FakeMessage[] {
    return this.fake.p2pMessagesOf(this.openId);
  }

  /** waits for a message in their one-to-one chat whose text (as first sent) matches */
  pushed(what: string | RegExp, ms = WAIT_MS): Promise<FakeMessage> {
    return until(`a message to ${this.login} matching ${what}`, () => this.chat.find((m) => matches(cardText(m.content), what)), ms);
  }

  /** waits until the message, as it is drawn now (after any update), matches */
  async shows(m: FakeMessage, what: string | RegExp): Promise<string> {
    return until(`${m.messageId} (to ${this.login}) to show ${what}; it shows ${cardText(this.fake.currentContent(m.messageId))}`, () => {
      const now = cardText(this.fake.currentContent(m.messageId));
      return matches(now, what) ? now : undefined;
    });
  }

  /** clicks a button of the card as it is drawn now; `comment` fills the form a reject asks for */
  async click(m: FakeMessage, action: string, comment?: string): Promise<PushResult & { toast: string }> {
    const b = buttonsOf(this.fake.currentContent(m.messageId)).find((x) => x.value?.a === action);
    if (!b) throw new Error(`${m.messageId} has no ${action} button: ${JSON.stringify(buttonsOf(this.fake.currentContent(m.messageId)))}`);
    if (comment !== undefined && !b.formField) throw new Error(`${action} asks for no reason, yet one was given`);
    const res = await this.fake.clickCard({
      operatorOpenId: this.openId,
      messageId: m.messageId,
      value: b.value,
      ...(comment !== undefined && b.formField ? { formValue: { [b.formField]: comment } } : {}),
    });
    if (res.code !== 200) throw new Error(`the click on ${action} was answered ${res.code}: ${JSON.stringify(res.answer)}`);
    const toast = (res.answer as { toast?: { content?: string } } | undefined)?.toast?.content ?? '';
    return { ...res, toast };
  }
}

/**
 * Every copy of the approval card (every chat it ever reached: the approver's, and the rep's,
 * who gets it once decided) ends up drawn as decided: who, when, no buttons. The clicker's copy
 * is redrawn by the click's answer, the others by update.
 */
export async function everyCopyDecided(fake: FakeLark, card: FakeMessage, status: RegExp, inChatsOf: LarkPerson[]): Promise<FakeMessage[]> {
  const drawn = (m: FakeMessage) => {
    const now = fake.currentContent(m.messageId);
    return status.test(statusOf(now)) && buttonsOf(now).length === 0;
  };
  const chats = inChatsOf.map((p) => p.chat[0]?.chatId ?? `(nothing sent to ${p.login})`).sort();
  return until(`every copy of ${card.messageId} drawn as ${status}, in ${chats}`, () => {
    const copies = messagesShowing(fake, card, /^(订单|审批步骤)：/);
    const where = [...new Set(copies.map((m) => m.chatId))].sort();
    return where.join() === chats.join() && copies.every(drawn) && copies;
  });
}

export const matches = (text: string, what: string | RegExp) => (typeof what === 'string' ? text.includes(what) : what.test(text));
