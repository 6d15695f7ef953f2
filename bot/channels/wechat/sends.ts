import { createHash } from 'node:crypto';
import { Op } from 'sequelize';
import type { Db } from '../../../models/db';

const CHANNEL = 'wechaty';
/** claims are kept this long: a delivery is retried for hours at most */
const KEEP_DAYS = 7;

const digestOf = (text: string) => createHash('sha256').update(text.trim()).digest('hex');

/**
 * Sends to WeChat at most once per delivery part, although wechaty takes no idempotency key
 * (Lark has uuid, DingTalk its out-track id). Each part is claimed (channel_sends) before it
 * goes. The claim is settled by the puppet's answer, or by the echo: every message the bot
 * sends comes back from the puppet as a message of its own (self), and an echo with the
 * claim's chat and text marks it echoed. A delivery tried again (after a failure the puppet
 * answered, or after the process was killed with the send on its way) finds its claim: sent
 * or echoed means WeChat has it, and nothing is sent twice.
 *
 * What is left: a kill in the moment between WeChat taking a message and its echo reaching
 * the database leaves a claim that says neither; that part is sent again (never lost, at worst
 * twice). The window is the echo's latency, milliseconds, against a send every second or more.
 */
export class SendLedger {
  constructor(private readonly db: Db) {}

  /** `send` once for this key; the message id when the puppet gave one (or the echo did) */
  async once(key: string, conversationId: string, text: string, send: () => Promise<string | null>): Promise<string | null> {
    const { ChannelSend } = this.db.models;
    const had = await ChannelSend.findOne({ where: { channel: CHANNEL, sendKey: key } });
    if (had && (had.state === 'sent' || had.state === 'echoed')) return had.messageId;
    if (had) await ChannelSend.update({ state: 'sending' }, { where: { id: had.id } });
    else await ChannelSend.create({ channel: CHANNEL, sendKey: key, conversationId, textDigest: digestOf(text), state: 'sending' });
    let id: string | null;
    try {
      id = await send();
    } catch (e) {
      await ChannelSend.update({ state: 'failed' }, { where: { channel: CHANNEL, sendKey: key, state: 'sending' } });
      throw e;
    }
    await ChannelSend.update(
      { state: 'sent', ...(id ? { messageId: id } : {}) },
      { where: { channel: CHANNEL, sendKey: key, state: { [Op.in]: ['sending', 'failed'] } } },
    );
    if (id) return id;
    const now = await ChannelSend.findOne({ where: { channel: CHANNEL, sendKey: key }, attributes: ['messageId'] });
    return now?.messageId ?? null;
  }

  /** the bot's own message came back: the oldest open claim of this chat and text went out */
  async echo(conversationId: string, text: string, messageId: string): Promise<boolean> {
    const { ChannelSend } = this.db.models;
    const open = await ChannelSend.findOne({
      where: { channel: CHANNEL, conversationId, textDigest: digestOf(text), state: { [Op.in]: ['sending', 'failed'] } },
      order: [['id', 'ASC']],
      attributes: ['id'],
    });
    if (open) {
      await ChannelSend.update({ state: 'echoed', messageId }, { where: { id: open.id } });
      return true;
    }
    // the answer was first: the newest such claim is sent already, the echo only brings its id
    const sent = await ChannelSend.findOne({
      where: { channel: CHANNEL, conversationId, textDigest: digestOf(text), state: 'sent', messageId: null },
      order: [['id', 'DESC']],
      attributes: ['id'],
    });
    if (sent) await ChannelSend.update({ messageId }, { where: { id: sent.id } });
    return false;
  }

  /** forgets claims older than a week */
  async prune(now = new Date()): Promise<void> {
    await this.db.models.ChannelSend.destroy({
      where: { channel: CHANNEL, createdAt: { [Op.lt]: new Date(now.getTime() - KEEP_DAYS * 86_400_000) } },
    });
  }
}
