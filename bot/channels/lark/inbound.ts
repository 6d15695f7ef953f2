import { Op } from 'sequelize';
import type { Db } from '../../../models/db';
import { handleAction } from '../../actions';
import { type Locale, type Reply, t } from '../../cards/card';
import { localeOf } from '../../commands/grammar';
import { type BotDeps, handleText } from '../../dispatch';
import { pushTo, replaceCard } from '../../outbox';
import type { LarkApi } from './api';
import {
  type CardActionAnswer,
  cardActionAnswer,
  type DecodedCardAction,
  type DecodedMessage,
  decodeCardAction,
  decodeMessage,
} from './decode';
import type { LarkDirectory } from './identity';
import { renderText } from './render';

const CHANNEL = 'lark';
/** Lark re-pushes a click it has no answer to after 3 s: answer well before, finish later */
export const CLICK_ANSWER_MS = 2_200;
/** remembered event ids are kept this long after they were handled (Lark re-pushes for hours at most) */
const KEEP_EVENTS_DAYS = 7;
/**
 * A click's answer is kept this long for a re-push of the same event: when the ack carrying it
 * was lost (the long connection dropped, a webhook answer timed out) Lark asks again, and the
 * clicker should get the toast and the redrawn card rather than nothing.
 */
const KEEP_CLICK_ANSWER_MS = 5 * 60_000;

export interface InboundLog {
  info(msg: string): void;
  warn(msg: string): void;
  error(msg: string): void;
}

/**
 * What arrives from Lark, by long connection or webhook, after it was verified: messages and
 * card clicks. Each is remembered by its event_id before anything runs, so a re-push (also
 * after a restart) runs nothing twice, and one that a crash interrupted is finished at start
 * (recover). Messages are acknowledged at once and answered through the outbox, as replies to
 * the message; a click is answered within Lark's 3 s with a toast and the redrawn card.
 */
export class LarkInbound {
  private readonly handling = new Set<string>();
  private readonly clickAnswers = new Map<string, Promise<CardActionAnswer | Record<string, never>>>();
  botOpenId = '';

  constructor(
    private readonly o: {
      db: Db;
      bot: BotDeps;
      api: Pick<LarkApi, 'reply'>;
      directory: Pick<LarkDirectory, 'userOf'>;
      log: InboundLog;
    },
  ) {}

  /** an `im.message.receive_v1`; resolves once it is remembered (the work goes on behind) */
  async onMessage(data: unknown): Promise<void> {
    const decoded = decodeMessage(data, this.botOpenId);
    const m = 'unreadable' in decoded ? decoded.unreadable : 'ignored' in decoded ? null : decoded;
    if (!m) return;
    // B6: in a group the bot answers only when it is @mentioned; one-to-one always
    if (m.chatType === 'group' && !m.mentionedBot) return;
    if (!(await this.remember(m.eventId, data))) return;
    void this.answerMessage(m);
  }

  /** a `card.action.trigger`: the answer Lark shows the clicker (toast, card redrawn in place) */
  async onCardAction(data: unknown): Promise<CardActionAnswer | Record<string, never>> {
    const a = decodeCardAction(data);
    if ('ignored' in a) return { toast: { type: 'error', content: '无法识别的操作 Unknown action' } };
    const given = this.clickAnswers.get(a.eventId);
    if (given) return given;
    const answer = this.answerClick(a, data);
    this.clickAnswers.set(a.eventId, answer);
    setTimeout(() => this.clickAnswers.delete(a.eventId), KEEP_CLICK_ANSWER_MS).unref();
    // a click that failed is run again when Lark re-pushes it
    answer.catch(() => this.clickAnswers.delete(a.eventId));
    return answer;
  }

  private async answerClick(a: DecodedCardAction, data: unknown): Promise<CardActionAnswer | Record<string, never>> {
    if (!(await this.remember(a.eventId, data))) return {};
    try {
      const who = await this.o.directory.userOf(a.operatorOpenId);
      if (!who) {
        await this.done(a.eventId);
        return { toast: { type: 'error', content: '您的飞书账号还没有绑定系统用户，请联系管理员' } };
      }
      const work = this.click(who.login, a);
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise<null>((r) => {
        timer = setTimeout(() => r(null), CLICK_ANSWER_MS);
      });
      const replies = await Promise.race([work, late]).finally(() => clearTimeout(timer));
      if (replies === null) {
        void work
          .then((r) => this.answerLater(who.id, a, r))
          .catch((e) => this.o.log.error(`lark click ${a.eventId}: ${(e as Error).message}`));
        return { toast: { type: 'info', content: '已收到，正在处理 Received, working on it' } };
      }
      await this.done(a.eventId);
      return cardActionAnswer(replies, 'zh', replies.some((r) => r.kind === 'card') ? 'success' : 'info');
    } catch (e) {
      this.handling.delete(a.eventId);
      throw e;
    }
  }

  /** Finishes what a crash interrupted: events remembered but never handled. Also forgets old ones. */
  async recover(): Promise<number> {
    const { ChannelEvent } = this.o.db.models;
    await ChannelEvent.destroy({
      where: { channel: CHANNEL, state: 'done', createdAt: { [Op.lt]: new Date(Date.now() - KEEP_EVENTS_DAYS * 86_400_000) } },
    });
    const left = await ChannelEvent.findAll({ where: { channel: CHANNEL, state: 'received' }, order: [['id', 'ASC']] });
    for (const row of left) {
      const data = row.payload;
      if (this.handling.has(row.eventId)) continue;
      this.handling.add(row.eventId);
      const decoded = decodeMessage(data, this.botOpenId);
      const m = 'unreadable' in decoded ? decoded.unreadable : 'ignored' in decoded ? null : decoded;
      if (m) {
        await this.answerMessage(m);
        continue;
      }
      const a = decodeCardAction(data);
      if ('ignored' in a) {
        await this.done(row.eventId);
        continue;
      }
      const who = await this.o.directory.userOf(a.operatorOpenId);
      if (who) await this.answerLater(who.id, a, await this.click(who.login, a));
      else await this.done(row.eventId);
    }
    if (left.length) this.o.log.info(`飞书 lark: finished ${left.length} event(s) a restart interrupted`);
    return left.length;
  }

  private click(login: string, a: DecodedCardAction): Promise<Reply[]> {
    return handleAction(this.o.bot, {
      userLogin: login,
      cardId: a.cardId,
      action: a.action,
      value: a.value,
      ...(a.comment ? { comment: a.comment } : {}),
      requestId: `lark:${a.eventId}`,
    });
  }

  private async answerMessage(m: DecodedMessage): Promise<void> {
    try {
      const locale = localeOf(m.text);
      const who = await this.o.directory.userOf(m.senderOpenId);
      if (!who) return await this.refuse(m, locale);
      // an image, a file, a sticker: say what the bot reads, with an example
      const replies: Reply[] = m.text
        ? await handleText(this.o.bot, { userLogin: who.login, text: m.text, messageId: `lark:${m.messageId}` })
        : [{ kind: 'text', text: '我目前只能读文字消息（图片、文件、语音还看不懂）。\n例：A100还有多少 · 报价 华东机电 A100×100 · 帮助' }];
      const replyTo = { messageId: m.messageId, chatId: m.chatId, chatType: m.chatType };
      await this.o.db.writeTx(async (transaction) => {
        for (const [i, reply] of replies.entries()) {
          await pushTo(this.o.db, [who.id], reply, {
            dedupeKey: `lark.reply:${m.messageId}:${i}`,
            onlyChannel: CHANNEL,
            replyTo,
            transaction,
          });
        }
        await this.done(m.eventId, transaction);
      });
    } catch (e) {
      // left 'received': the next start finishes it (recover)
      this.o.log.error(`lark message ${m.eventId}: ${(e as Error).message}`);
    } finally {
      this.handling.delete(m.eventId);
    }
  }

  /**
   * B5: someone the books do not know gets a polite answer and nothing else runs; the admins
   * are told once per person. The answer goes straight back: there is no user to address.
   */
  private async refuse(m: DecodedMessage, locale: Locale): Promise<void> {
    const text = t(
      locale,
      '您好！您的飞书账号还没有开通本系统。请联系管理员，在系统的用户资料中登记与飞书一致的手机号或邮箱，之后即可直接使用。',
      'Hello! Your Lark account has no access to this system yet. Ask an administrator to record your Lark mobile number or email on your user; then you can use it straight away.',
    );
    await this.o.api.reply({
      messageId: m.messageId,
      msgType: 'text',
      content: renderText(text).content,
      uuid: `refuse-${m.eventId}`.slice(0, 50),
    });
    const admins = await this.o.db.models.User.findAll({ where: { roleCode: 'admin', active: true }, attributes: ['id'] });
    await pushTo(
      this.o.db,
      admins.map((a) => a.id),
      {
        kind: 'text',
        text: `飞书用户 ${m.senderOpenId} 向机器人发了消息，但没有匹配到系统用户（手机号、邮箱、工号）。如需开通，请在用户资料中登记其飞书手机号或邮箱。`,
      },
      { dedupeKey: `lark.unbound:${m.senderOpenId}`, digest: 'alert' },
    );
    await this.done(m.eventId);
    this.o.log.warn(`飞书 lark: unknown sender ${m.senderOpenId} refused`);
  }

  /** a click that took longer than its answer: its texts come as messages, its card updates in place */
  private async answerLater(userId: number, a: DecodedCardAction, replies: Reply[]): Promise<void> {
    await this.o.db.writeTx(async (transaction) => {
      for (const [i, r] of replies.entries()) {
        const dedupeKey = `lark.click:${a.eventId}:${i}`;
        if (r.kind === 'card') await replaceCard(this.o.db, [userId], r.card, { dedupeKey, transaction });
        else await pushTo(this.o.db, [userId], r, { dedupeKey, onlyChannel: CHANNEL, transaction });
      }
      await this.done(a.eventId, transaction);
    });
    this.handling.delete(a.eventId);
  }

  /** true when this event is new (or was interrupted): run it; false for a re-push */
  private async remember(eventId: string, data: unknown): Promise<boolean> {
    if (this.handling.has(eventId)) return false;
    this.handling.add(eventId);
    const { ChannelEvent } = this.o.db.models;
    const had = await ChannelEvent.findOne({ where: { channel: CHANNEL, eventId }, attributes: ['state'] });
    if (had?.state === 'done') {
      this.handling.delete(eventId);
      return false;
    }
    if (!had) {
      await ChannelEvent.bulkCreate([{ channel: CHANNEL, eventId, payload: data as Record<string, unknown> }], { ignoreDuplicates: true });
    }
    return true;
  }

  private async done(eventId: string, transaction?: import('sequelize').Transaction): Promise<void> {
    await this.o.db.models.ChannelEvent.update({ state: 'done', payload: null }, { where: { channel: CHANNEL, eventId }, transaction });
    if (!transaction) this.handling.delete(eventId);
  }
}
