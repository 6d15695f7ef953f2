import { type FakeWeCom, type FakeWeComMessage, startFakeWeCom } from '../fakes/wecom';
import { type AppWorld, startAppWorld } from './app';
import { DEMO_PEOPLE, matches, until, WAIT_MS } from './lark-app';

/**
 * The product over WeCom (企业微信), end to end: the loopback fake of WeCom in the test
 * process, and the real `main.ts` as a child process pointed at it (WECOM_* env), on a data
 * directory of its own. The fake's directory holds the demo company's people by their work
 * email (`<login>@demo.q2c.cn`), so the app binds them by itself. People act through the fake
 * as the WeCom client would: they type into their chat with the app (an encrypted, signed
 * callback) and click the buttons the template card offers (a `template_card_event` with a
 * fresh response code). WeCom app chats are one to one: there is no group and no thread.
 */
export const useridOf = (login: string) => login.toUpperCase();

export interface WeComWorld extends AppWorld {
  fake: FakeWeCom;
}

export async function startWeComWorld(extraEnv: Record<string, string> = {}): Promise<WeComWorld> {
  const fake = await startFakeWeCom();
  for (const [login, name] of DEMO_PEOPLE) fake.addUser({ userid: useridOf(login), name, biz_mail: `${login}@demo.q2c.cn` });
  const env = {
    WECOM_CORP_ID: fake.corpId,
    WECOM_AGENT_ID: fake.agentId,
    WECOM_SECRET: fake.secret,
    WECOM_TOKEN: fake.token,
    WECOM_AES_KEY: fake.aesKey,
    WECOM_API_BASE: fake.apiBase,
    ...extraEnv,
  };
  const world = await startAppWorld({
    prefix: 'q2c-wecom-e2e-',
    env: () => env,
    connected: async (app) => {
      fake.callbackUrl = `${app.base}/channels/wecom/callback`;
    },
    closeFake: () => fake.close(),
  });
  return Object.assign(world, { fake });
}

type Json = Record<string, unknown>;

export interface WeComButtonSeen {
  text: string;
  key: string;
  cardId: string;
  action: string;
  value: Record<string, unknown>;
}

/** the buttons of a template card, their keys read back as render.ts wrote them (card id, action, value) */
export function buttonsOf(content: Json | undefined): WeComButtonSeen[] {
  return ((content?.button_list ?? []) as { text: string; key: string }[]).map((b) => {
    const [cardId, action, value] = JSON.parse(b.key) as [string, string, Record<string, unknown>];
    return { text: b.text, key: b.key, cardId, action, value };
  });
}

/** the status line under the title, without its tone mark */
export const statusOf = (content: Json | undefined): string =>
  String(((content?.main_title as Json | undefined)?.desc as string | undefined) ?? '').replace(/^(✅|⚠️|⛔) /, '');

/** What a person reads: a text as it is, a card as title, status, the key-value rows, the sub title and the buttons. */
export function cardText(content: Json | undefined): string {
  if (!content) return '';
  if (typeof content.content === 'string') return content.content;
  const title = content.main_title as Json | undefined;
  const lines = [String(title?.title ?? ''), statusOf(content)];
  for (const f of (content.horizontal_content_list ?? []) as { keyname: string; value: string }[]) lines.push(`${f.keyname}：${f.value}`);
  if (typeof content.sub_title_text === 'string') lines.push(...content.sub_title_text.split('\n'));
  lines.push(...buttonsOf(content).map((b) => `[${b.text}]`));
  return lines.join('\n');
}

/** One person in their WeCom client: what they type, what they click, what their chat with the app shows. */
export class WeComPerson {
  readonly userid: string;
  constructor(
    private readonly fake: FakeWeCom,
    readonly login: string,
  ) {
    this.userid = useridOf(login);
  }

  /** what the app has sent to them, in order (each as it is drawn now: `sent` holds the first drawing) */
  get chat(): FakeWeComMessage[] {
    return this.fake.api.messagesTo(this.userid);
  }

  /** types `text` into their chat with the app; returns how many messages the chat held before */
  async say(text: string): Promise<number> {
    const before = this.chat.length;
    const r = await this.fake.sendText({ from: this.userid, text });
    if (r.status !== 200) throw new Error(`${this.login}: “${text}” was answered ${r.status} ${r.text}`);
    return before;
  }

  /** says something and waits for a message after it whose text (as first sent) matches */
  async ask(text: string, what: string | RegExp): Promise<FakeWeComMessage> {
    const before = await this.say(text);
    return until(`an answer to ${this.login}'s “${text}” matching ${what}`, () =>
      this.chat.slice(before).find((m) => matches(cardText(m.sent), what)),
    );
  }

  /** asks again, as a person would, until the answer satisfies `ok` (for what a flow finishes a moment later) */
  async askUntil(text: string, what: string | RegExp, ok: (m: FakeWeComMessage) => boolean): Promise<FakeWeComMessage> {
    return until(`“${text}” to be answered as wanted`, async () => {
      const m = await this.ask(text, what);
      if (ok(m)) return m;
      await new Promise((r) => setTimeout(r, 300));
      return undefined;
    });
  }

  /** waits for a message in their chat whose text (as first sent) matches */
  pushed(what: string | RegExp, ms = WAIT_MS): Promise<FakeWeComMessage> {
    return until(`a message to ${this.login} matching ${what}`, () => this.chat.find((m) => matches(cardText(m.sent), what)), ms);
  }

  /** waits until the message, as it is drawn now (after any update), matches */
  shows(m: FakeWeComMessage, what: string | RegExp): Promise<string> {
    return until(`${m.taskId ?? m.msgid} (to ${this.login}) to show ${what}; it shows ${cardText(m.content)}`, () => {
      const now = cardText(m.content);
      return matches(now, what) ? now : undefined;
    });
  }

  /** clicks a button of the card as it is drawn now: WeCom posts the click, with a fresh response code, and gets an empty 200 */
  async click(m: FakeWeComMessage, action: string): Promise<void> {
    const b = buttonsOf(m.content).find((x) => x.action === action);
    if (!b || !m.taskId) throw new Error(`${m.taskId ?? m.msgid} has no ${action} button: ${JSON.stringify(buttonsOf(m.content))}`);
    const r = await this.fake.click({ from: this.userid, taskId: m.taskId, key: b.key });
    if (r.status !== 200 || r.text !== '') throw new Error(`the click on ${action} was answered ${r.status} “${r.text}”`);
  }
}
