import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { DINGTALK_CARD_CALLBACK_PATH } from '../../bot/channels/dingtalk/webhook';
import { openDb } from '../../models/db';
import { migrate } from '../../models/migrations';
import { seedDemoCompany } from '../../models/seed/demo-company';
import { type FakeDelivered, type FakeDingTalk, startFakeDingTalk } from '../fakes/dingtalk';
import { freePort } from '../helpers/free-port';
import { type AppWorld, freshDataDir, startAppWorld } from './app';
import { buttonsOf, cardOf, textOf } from './dingtalk-cards';
import { DEMO_PEOPLE, matches, until } from './lark-app';

/**
 * The product over DingTalk, end to end: the loopback fake of DingTalk in the test process,
 * and the real `main.ts` as a child process pointed at it (DINGTALK_* env), in Stream mode
 * (the official dingtalk-stream client) or HTTP mode (robot messages and card clicks POSTed to
 * the app, its card route registered with the fake at start). DingTalk finds people by mobile,
 * so the data directory is seeded first (what the app's first start would do) and the fake's
 * directory holds the demo company's people with the mobiles the seed gave them, and a
 * warehouse group with 陈静 and the robot.
 */
export const staffIdOf = (login: string) => `staff_${login}`;
export const WAREHOUSE_GROUP = 'cidWarehouse000001==';
const DB_FILE = 'q2c.sqlite';

/** A data directory holding the demo company; `from` copies one seeded before instead of seeding again. */
export async function seededDataDir(from?: string): Promise<{ dataDir: string; mobiles: Map<string, string> }> {
  const dataDir = freshDataDir('q2c-dingtalk-e2e-');
  if (from) copyFileSync(join(from, DB_FILE), join(dataDir, DB_FILE));
  const db = await openDb({ url: '', dataDir });
  try {
    if (!from) {
      await migrate(db);
      await seedDemoCompany(db);
    }
    const users = await db.models.User.findAll({ attributes: ['login', 'mobile'] });
    return { dataDir, mobiles: new Map(users.map((u) => [u.login, u.mobile ?? ''])) };
  } finally {
    await db.close();
  }
}

export interface DingTalkWorld extends AppWorld {
  fake: FakeDingTalk;
  mode: 'stream' | 'http';
}

export async function startDingTalkWorld(
  mode: 'stream' | 'http',
  o: { seededFrom?: string; env?: Record<string, string> } = {},
): Promise<DingTalkWorld> {
  const { dataDir, mobiles } = await seededDataDir(o.seededFrom);
  const fake = await startFakeDingTalk();
  for (const [login, name] of DEMO_PEOPLE) fake.addPerson({ userId: staffIdOf(login), name, mobile: mobiles.get(login) });
  fake.addGroup(WAREHOUSE_GROUP, '仓库群', [staffIdOf('chenjing')]);
  // HTTP mode: the card route is registered at start, so the app's address is chosen before it
  const port = mode === 'http' ? await freePort() : 0;
  const env = {
    DINGTALK_CLIENT_ID: fake.state.clientId,
    DINGTALK_CLIENT_SECRET: fake.state.clientSecret,
    DINGTALK_CARD_TEMPLATE_ID: 'q2c-card.schema',
    DINGTALK_MODE: mode,
    DINGTALK_API_BASE: fake.base,
    DINGTALK_OAPI_BASE: fake.base,
    ...(mode === 'http'
      ? { PORT: String(port), DINGTALK_CARD_CALLBACK_URL: `http://127.0.0.1:${port}${DINGTALK_CARD_CALLBACK_PATH}` }
      : {}),
    ...o.env,
  };
  const run = await startAppWorld({
    prefix: 'q2c-dingtalk-e2e-',
    dataDir,
    env: () => env,
    connected: async (app) => {
      if (mode === 'http') fake.useCallbackUrl(`${app.base}/channels/dingtalk/events`);
      else await until('the stream connection', () => fake.gateway.connected > 0);
    },
    closeFake: () => fake.close(),
  });
  return Object.assign(run, { fake, mode });
}

/** One person in their DingTalk client: what they type, what they click, what their chats show. */
export class DingTalkPerson {
  readonly staffId: string;
  constructor(
    private readonly fake: FakeDingTalk,
    readonly login: string,
  ) {
    this.staffId = staffIdOf(login);
  }

  /** everything the robot sent to their one-to-one chat, in order */
  get chat(): FakeDelivered[] {
    return this.fake.deliveredTo(this.staffId);
  }

  /** types into their chat with the robot (or @mentions it in a group); returns where to look for the answer */
  async say(text: string, inGroup?: string): Promise<{ group?: string; after: number }> {
    const after = this.fake.state.delivered.length;
    const r = await this.fake.sendText({ from: this.staffId, text, ...(inGroup ? { group: inGroup, mentionBot: true } : {}) });
    if (r.status !== 200) throw new Error(`${this.login}: “${text}” was answered ${r.status}`);
    return { after, ...(inGroup ? { group: inGroup } : {}) };
  }

  /** says something and waits for the answer (in the same chat) matching `what` */
  async ask(text: string, what: string | RegExp, inGroup?: string): Promise<FakeDelivered> {
    const said = await this.say(text, inGroup);
    return until(`an answer to ${this.login}'s “${text}” matching ${what}`, () =>
      this.fake.state.delivered
        .slice(said.after)
        .find((d) => (said.group ? d.toGroup === said.group : d.toUserId === this.staffId) && matches(textOf(this.fake, d), what)),
    );
  }

  /** asks again, as a person would, until the answer satisfies `ok` (for what a flow finishes a moment later) */
  async askUntil(text: string, what: string | RegExp, ok: (d: FakeDelivered) => boolean): Promise<FakeDelivered> {
    return until(`“${text}” to be answered as wanted`, async () => {
      const d = await this.ask(text, what);
      if (ok(d)) return d;
      await new Promise((r) => setTimeout(r, 300));
      return undefined;
    });
  }

  /** waits for a message or card in their chat whose text (as first sent) matches */
  pushed(what: string | RegExp): Promise<FakeDelivered> {
    return until(`a message to ${this.login} matching ${what}`, () => this.chat.find((d) => matches(textOf(this.fake, d), what)));
  }

  /** waits until the card, as drawn now (after any update in place), matches */
  shows(d: FakeDelivered, what: string | RegExp): Promise<string> {
    return until(`${d.outTrackId} (to ${this.login}) to show ${what}; it shows ${textOf(this.fake, d, true)}`, () => {
      const now = textOf(this.fake, d, true);
      return matches(now, what) ? now : undefined;
    });
  }

  /** clicks a button of the card as drawn now; `comment` fills what the button asks for */
  async click(d: FakeDelivered, action: string, comment?: string): Promise<unknown> {
    const card = cardOf(this.fake, d);
    const b = card && buttonsOf(card.params).find((x) => x.action === action);
    if (!card || !b) throw new Error(`${d.outTrackId} has no ${action} button: ${card?.params.buttons}`);
    if (comment !== undefined && !b.asks) throw new Error(`${action} asks for no reason, yet one was given`);
    const res = await this.fake.click({ outTrackId: card.outTrackId, userId: this.staffId, action, ...(comment ? { comment } : {}) });
    if (res.code !== 200) throw new Error(`the click on ${action} was answered ${res.code}: ${JSON.stringify(res.data)}`);
    return res.data;
  }
}

/**
 * Every copy of a card (every chat it reached: the approver's, and the rep's, who gets it once
 * decided) ends up drawn with this status and no buttons: the clicked one redrawn in place by
 * its out-track id, the others by update or sent as decided.
 */
export async function everyCopyDecided(fake: FakeDingTalk, cardId: string, status: RegExp, inChatsOf: DingTalkPerson[]) {
  const want = inChatsOf.map((p) => p.staffId).sort();
  return until(`every copy of ${cardId} drawn as ${status}, to ${want}`, () => {
    const copies = [...fake.state.cards.values()].filter((c) => c.initial.cardId === cardId || c.params.cardId === cardId);
    const to = [...new Set(copies.map((c) => c.toUserId ?? ''))].sort();
    const drawn = copies.every((c) => status.test(c.params.status ?? '') && buttonsOf(c.params).length === 0);
    return to.join() === want.join() && drawn && copies;
  });
}
