import { resolve } from 'node:path';
import type { Contact, Message, Wechaty } from 'wechaty';
import type { impls } from 'wechaty-puppet';
import type { AppConfig } from '../../../config/schema';
import { DeliveryError } from '../../delivery/delivery-error';

/** while logged out, sends wait this long before they are tried again (no attempt is counted) */
const LOGGED_OUT_RETRY_MS = 5_000;

type Puppet = impls.PuppetInterface;

/**
 * The bot's WeChat account through wechaty: the puppet chosen by configuration (or given, in
 * tests), its login state, and the few things the channel asks of it: send a text to a chat,
 * describe a contact, find contacts by remark. The puppet's own message ids come back when it
 * gives them (the mock gives none).
 */
export class WeChatAccount {
  readonly bot: Wechaty;
  readonly puppetName: string;
  private loggedInAs: { id: string; name: string; since: Date } | null = null;
  private lastError: string | null = null;

  private constructor(bot: Wechaty, puppetName: string) {
    this.bot = bot;
    this.puppetName = puppetName;
    bot.on('login', (user: Contact) => {
      this.loggedInAs = { id: user.id, name: user.name(), since: new Date() };
    });
    bot.on('logout', () => {
      this.loggedInAs = null;
    });
    bot.on('error', (e: Error) => {
      this.lastError = e.message;
    });
  }

  /** the puppet the configuration names, with its token (and, for a puppet service, its endpoint) */
  static async fromConfig(config: AppConfig): Promise<WeChatAccount> {
    const c = config.wechaty;
    const { WechatyBuilder } = await import('wechaty');
    const service = c.puppet === 'wechaty-puppet-service';
    const bot = WechatyBuilder.build({
      // the login session is kept beside the database, not in the working directory
      name: resolve(config.app.dataDir, c.name),
      puppet: c.puppet as 'wechaty-puppet-service',
      puppetOptions: {
        ...(c.puppetToken ? { token: c.puppetToken } : {}),
        ...(service && c.serviceEndpoint ? { endpoint: c.serviceEndpoint } : {}),
        ...(service ? { tls: { disable: c.serviceNoTls } } : {}),
      },
    });
    return new WeChatAccount(bot, c.puppet);
  }

  /** a puppet instance made by the caller (tests: wechaty-puppet-mock in this process) */
  static async withPuppet(puppet: Puppet, puppetName: string): Promise<WeChatAccount> {
    const { WechatyBuilder } = await import('wechaty');
    return new WeChatAccount(WechatyBuilder.build({ puppet }), puppetName);
  }

  get self(): { id: string; name: string } | null {
    return this.loggedInAs;
  }

  onMessage(handler: (m: Message) => Promise<void>): void {
    this.bot.on('message', (m: Message) => void handler(m).catch((e) => (this.lastError = (e as Error).message)));
  }

  /** the text to a contact or a room; the puppet's message id when it gives one */
  async sendText(conversationId: string, text: string): Promise<string | null> {
    if (!this.loggedInAs)
      throw new DeliveryError('wechat: not logged in', {
        retryable: true,
        rateLimited: true,
        limitScope: 'app',
        retryAfterMs: LOGGED_OUT_RETRY_MS,
      });
    try {
      const id = await this.bot.puppet.messageSendText(conversationId, text);
      return typeof id === 'string' && id ? id : null;
    } catch (e) {
      throw new DeliveryError(`wechat send to ${conversationId}: ${(e as Error).message}`, { retryable: true });
    }
  }

  /** a contact's name and the remark the bot's account gave them; null when the puppet does not know them */
  async contact(id: string): Promise<{ name: string; alias: string | null } | null> {
    const c = await this.bot.Contact.find({ id });
    if (!c) return null;
    return { name: c.name(), alias: (await c.alias()) ?? null };
  }

  /** the ids of the contacts with this remark */
  async byRemark(alias: string): Promise<string[]> {
    const found = await this.bot.Contact.findAll({ alias });
    return found.map((c) => c.id);
  }

  async start(): Promise<void> {
    await this.bot.start();
  }

  async stop(): Promise<void> {
    await this.bot.stop();
  }

  health(): Record<string, unknown> {
    return {
      puppet: this.puppetName,
      loggedIn: this.loggedInAs !== null,
      ...(this.loggedInAs ? { user: this.loggedInAs.name, since: this.loggedInAs.since.toISOString() } : {}),
      ...(this.lastError ? { lastError: this.lastError } : {}),
    };
  }
}
