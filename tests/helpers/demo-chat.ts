import type { Card, Reply } from '../../bot/cards/card';
import { type BotDeps, handleText } from '../../bot/dispatch';
import { loadConfig } from '../../config';
import { seedDemoCompany } from '../../models/seed/demo-company';
import { type DbKind, freshDb, type TestDb } from './db';

/**
 * The demo company's people typing into the bot (bot/dispatch handleText) on a fresh database
 * of one kind, at a fixed instant: a command test's way to say something as 张伟 and read the
 * answer as text or as a card.
 */
export class DemoChat {
  /** user id by login */
  readonly ids: Record<string, number> = {};
  private n = 0;

  private constructor(
    readonly t: TestDb,
    private readonly deps: BotDeps,
  ) {}

  static async open(kind: DbKind, now: Date): Promise<DemoChat> {
    const t = await freshDb(kind);
    await seedDemoCompany(t.db);
    const chat = new DemoChat(t, { db: t.db, config: loadConfig({ env: { CONFIG_FILE: '' } }), now: () => now });
    for (const u of await t.db.models.User.findAll()) chat.ids[u.login] = u.id;
    return chat;
  }

  get db() {
    return this.t.db;
  }

  say(login: string, text: string): Promise<Reply[]> {
    return handleText(this.deps, { userLogin: login, text, messageId: `m${this.n++}` });
  }

  /** the answer, which must be one text */
  async text(login: string, text: string): Promise<string> {
    const r = await this.say(login, text);
    return r[0]?.kind === 'text' ? r[0].text : JSON.stringify(r);
  }

  /** the answer, which must be a card */
  async card(login: string, text: string): Promise<Card> {
    const r = await this.say(login, text);
    if (r[0]?.kind !== 'card') throw new Error(`${text}: ${JSON.stringify(r)}`);
    return r[0].card;
  }

  /** the texts pushed to this person so far, oldest first */
  async pushesTo(login: string): Promise<string[]> {
    const rows = await this.db.models.OutboxMessage.findAll({
      where: { recipientUserId: this.ids[login] as number },
      order: [['id', 'ASC']],
    });
    return rows.map((m) => (m.payload as { text?: string }).text ?? '');
  }
}
