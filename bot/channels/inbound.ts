import { Op, type Transaction } from 'sequelize';
import type { Db } from '../../models/db';
import { handleAction } from '../actions';
import { isTypedAction } from '../actions/typed';
import { type Locale, type Reply, t } from '../cards/card';
import { localeOf, parseCommand } from '../commands/grammar';
import { type BotDeps, handleText } from '../dispatch';
import { latestCardOf, pushTo, replaceCard } from '../outbox';
import { CodeBinding } from './code-binding';

/** A platform's message, decoded and verified by its adapter. */
export interface InboundMessage {
  eventId: string;
  messageId: string;
  chatId: string;
  chatType: 'p2p' | 'group';
  senderId: string;
  /** '' for what the bot cannot read (an image, a file): it answers so */
  text: string;
  mentionedBot: boolean;
}

/** A platform's card click, decoded and verified by its adapter. */
export interface InboundClick {
  eventId: string;
  operatorId: string;
  cardId: string;
  action: string;
  value: Record<string, string | number | boolean>;
  comment?: string;
}

/** What the adapter tells the clicker: the replies in time, "working on it", or who they are not. */
export type ClickOutcome = { kind: 'answered'; replies: Reply[] } | { kind: 'working' } | { kind: 'unbound' } | { kind: 'again' };

export interface InboundLog {
  info(msg: string): void;
  warn(msg: string): void;
  error(msg: string): void;
}

export interface InboundOptions {
  channel: string;
  /** how the platform is called in messages to people: 飞书, 钉钉, 企业微信 */
  label: { zh: string; en: string };
  db: Db;
  bot: BotDeps;
  directory: { userOf(externalId: string): Promise<{ id: number; login: string } | null> };
  /** answers someone who is no user (there is no one to address through the outbox) */
  replyDirect(m: InboundMessage, text: string): Promise<void>;
  /** a stored payload back into what it was (recover) */
  decode(payload: unknown): InboundMessage | InboundClick | null;
  log: InboundLog;
  /** platforms re-push a click with no answer after ~3 s (Lark, DingTalk), 5 s (WeCom) */
  clickAnswerMs?: number;
  /** how a stranger gets access on this platform, told in the refusal; default: their mobile or email in the books */
  howToBind?: { zh: string; en: string };
  /** the sender's name on the platform, for the binding a code makes */
  nameOf?(m: InboundMessage): Promise<string | null>;
}

const DEFAULT_CLICK_ANSWER_MS = 2_200;
/** remembered event ids are kept this long after they were handled (platforms re-push for hours at most) */
const KEEP_EVENTS_DAYS = 7;
/** a click's outcome is kept this long for a re-push whose first answer was lost */
const KEEP_CLICK_ANSWER_MS = 5 * 60_000;

/**
 * What arrives from a chat platform after its adapter verified and decoded it, the same for
 * every platform: each event is remembered by its id before anything runs, so a re-push (also
 * after a restart) runs nothing twice and one a crash interrupted is finished at start
 * (recover). Messages are answered through the outbox, as replies to them, only on that
 * channel; in a group only when the bot was @mentioned (B6). A stranger gets a polite answer
 * and the admins are told once (B5). A click gets its replies in time for the platform's
 * deadline, or "working on it" and the rest by push.
 */
export class ChannelInbound {
  private readonly handling = new Set<string>();
  private readonly clickOutcomes = new Map<string, Promise<ClickOutcome>>();
  private readonly codes: CodeBinding;

  constructor(private readonly o: InboundOptions) {
    this.codes = new CodeBinding({ ...o, done: (eventId, t) => this.done(eventId, t) });
  }

  /** resolves once the message is remembered; the answer follows through the outbox */
  async onMessage(m: InboundMessage, payload: unknown): Promise<void> {
    if (m.chatType === 'group' && !m.mentionedBot) return;
    if (!(await this.remember(m.eventId, payload))) return;
    void this.answerMessage(m);
  }

  onClick(a: InboundClick, payload: unknown): Promise<ClickOutcome> {
    const given = this.clickOutcomes.get(a.eventId);
    if (given) return given;
    const outcome = this.answerClick(a, payload);
    this.clickOutcomes.set(a.eventId, outcome);
    setTimeout(() => this.clickOutcomes.delete(a.eventId), KEEP_CLICK_ANSWER_MS).unref();
    // a click that failed is run again when the platform re-pushes it
    outcome.catch(() => this.clickOutcomes.delete(a.eventId));
    return outcome;
  }

  /** Finishes what a crash interrupted: events remembered but never handled. Also forgets old ones. */
  async recover(): Promise<number> {
    const { ChannelEvent } = this.o.db.models;
    const channel = this.o.channel;
    await ChannelEvent.destroy({
      where: { channel, state: 'done', createdAt: { [Op.lt]: new Date(Date.now() - KEEP_EVENTS_DAYS * 86_400_000) } },
    });
    const left = await ChannelEvent.findAll({ where: { channel, state: 'received' }, order: [['id', 'ASC']] });
    for (const row of left) {
      if (this.handling.has(row.eventId)) continue;
      this.handling.add(row.eventId);
      const e = this.o.decode(row.payload);
      if (e && 'messageId' in e) await this.answerMessage(e);
      else if (e) {
        const who = await this.o.directory.userOf(e.operatorId);
        if (who) await this.answerLater(who.id, e, await this.click(who.login, e));
        else await this.done(row.eventId);
      } else await this.done(row.eventId);
    }
    if (left.length) this.o.log.info(`${this.o.label.zh} ${channel}: finished ${left.length} event(s) a restart interrupted`);
    return left.length;
  }

  private async answerClick(a: InboundClick, payload: unknown): Promise<ClickOutcome> {
    if (!(await this.remember(a.eventId, payload))) return { kind: 'again' };
    try {
      const who = await this.o.directory.userOf(a.operatorId);
      if (!who) {
        await this.done(a.eventId);
        return { kind: 'unbound' };
      }
      const work = this.click(who.login, a);
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise<null>((r) => {
        timer = setTimeout(() => r(null), this.o.clickAnswerMs ?? DEFAULT_CLICK_ANSWER_MS);
      });
      const replies = await Promise.race([work, late]).finally(() => clearTimeout(timer));
      if (replies === null) {
        void work
          .then((r) => this.answerLater(who.id, a, r))
          .catch((e) => this.o.log.error(`${this.o.channel} click ${a.eventId}: ${(e as Error).message}`));
        return { kind: 'working' };
      }
      await this.done(a.eventId);
      return { kind: 'answered', replies };
    } catch (e) {
      this.handling.delete(a.eventId);
      throw e;
    }
  }

  private click(login: string, a: InboundClick): Promise<Reply[]> {
    return handleAction(this.o.bot, {
      userLogin: login,
      cardId: a.cardId,
      action: a.action,
      value: a.value,
      ...(a.comment ? { comment: a.comment } : {}),
      requestId: `${this.o.channel}:${a.eventId}`,
      channel: this.o.channel,
    });
  }

  private async answerMessage(m: InboundMessage): Promise<void> {
    const channel = this.o.channel;
    try {
      const locale = localeOf(m.text);
      const who = await this.o.directory.userOf(m.senderId);
      if (!who) return await this.refuse(m, locale);
      // an image, a file, a sticker: say what the bot reads, with an example
      const replies: Reply[] = m.text
        ? await handleText(this.o.bot, { userLogin: who.login, text: m.text, messageId: `${channel}:${m.messageId}`, channel })
        : [{ kind: 'text', text: '我目前只能读文字消息（图片、文件、语音还看不懂）。\n例：A100还有多少 · 报价 华东机电 A100×100 · 帮助' }];
      // a typed card action (同意 12) answers as its click does: the card redrawn where it is, not sent anew
      const parsed = m.text ? parseCommand(m.text) : null;
      const typed = parsed?.ok === true && isTypedAction(parsed.command);
      const replyTo = { messageId: m.messageId, chatId: m.chatId, chatType: m.chatType };
      // a decision's notice has redrawn their copy already (bot/notices): the same card is not redrawn twice
      const drawn = new Set<number>();
      for (const [i, r] of replies.entries())
        if (typed && r.kind === 'card' && JSON.stringify(await latestCardOf(this.o.db, who.id, r.card.id)) === JSON.stringify(r.card))
          drawn.add(i);
      await this.o.db.writeTx(async (transaction) => {
        for (const [i, reply] of replies.entries()) {
          const dedupeKey = `${channel}.reply:${m.messageId}:${i}`;
          if (typed && reply.kind === 'card') {
            if (!drawn.has(i)) await replaceCard(this.o.db, [who.id], reply.card, { dedupeKey, transaction });
          } else await pushTo(this.o.db, [who.id], reply, { dedupeKey, onlyChannel: channel, replyTo, transaction });
        }
        await this.done(m.eventId, transaction);
      });
    } catch (e) {
      // left 'received': the next start finishes it (recover)
      this.o.log.error(`${channel} message ${m.eventId}: ${(e as Error).message}`);
    } finally {
      this.handling.delete(m.eventId);
    }
  }

  /** B5: a polite answer saying how to get access, nothing else runs, the admins told once per person */
  private async refuse(m: InboundMessage, locale: Locale): Promise<void> {
    const { zh, en } = this.o.label;
    if (await this.codes.answer(m, locale)) return;
    const how = this.o.howToBind ?? {
      zh: `请联系管理员，在系统的用户资料中登记与${zh}一致的手机号或邮箱，之后即可直接使用；或向管理员索取绑定码，发送“绑定 123456”。`,
      en: `Ask an administrator to record your ${en} mobile number or email on your user; then you can use it straight away. Or ask them for a bind code and send "bind 123456".`,
    };
    const text = t(
      locale,
      `您好！您的${zh}账号还没有开通本系统。${how.zh}`,
      `Hello! Your ${en} account has no access to this system yet. ${how.en}`,
    );
    await this.o.replyDirect(m, text);
    const admins = await this.o.db.models.User.findAll({ where: { roleCode: 'admin', active: true }, attributes: ['id'] });
    await pushTo(
      this.o.db,
      admins.map((a) => a.id),
      {
        kind: 'text',
        text: `${zh}用户 ${m.senderId} 向机器人发了消息，但没有匹配到系统用户（手机号、邮箱、工号）。如需开通，请在用户资料中登记其${zh}手机号或邮箱，或发送“绑定码 姓名”生成一次性绑定码。`,
      },
      { dedupeKey: `${this.o.channel}.unbound:${m.senderId}`, digest: 'alert' },
    );
    await this.done(m.eventId);
    this.o.log.warn(`${zh} ${this.o.channel}: unknown sender ${m.senderId} refused`);
  }

  /** a click that took longer than its answer: its texts come as messages, its card updates in place */
  private async answerLater(userId: number, a: InboundClick, replies: Reply[]): Promise<void> {
    await this.o.db.writeTx(async (transaction) => {
      for (const [i, r] of replies.entries()) {
        const dedupeKey = `${this.o.channel}.click:${a.eventId}:${i}`;
        if (r.kind === 'card') await replaceCard(this.o.db, [userId], r.card, { dedupeKey, transaction });
        else await pushTo(this.o.db, [userId], r, { dedupeKey, onlyChannel: this.o.channel, transaction });
      }
      await this.done(a.eventId, transaction);
    });
    this.handling.delete(a.eventId);
  }

  /** true when this event is new (or was interrupted): run it; false for a re-push */
  private async remember(eventId: string, payload: unknown): Promise<boolean> {
    if (this.handling.has(eventId)) return false;
    this.handling.add(eventId);
    const { ChannelEvent } = this.o.db.models;
    const channel = this.o.channel;
    const had = await ChannelEvent.findOne({ where: { channel, eventId }, attributes: ['state'] });
    if (had?.state === 'done') {
      this.handling.delete(eventId);
      return false;
    }
    if (!had)
      await ChannelEvent.bulkCreate([{ channel, eventId, payload: payload as Record<string, unknown> }], { ignoreDuplicates: true });
    return true;
  }

  private async done(eventId: string, transaction?: Transaction): Promise<void> {
    await this.o.db.models.ChannelEvent.update(
      { state: 'done', payload: null },
      { where: { channel: this.o.channel, eventId }, transaction },
    );
    if (!transaction) this.handling.delete(eventId);
  }
}
