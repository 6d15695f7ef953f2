import { createHash } from 'node:crypto';
import type { Channel, ChannelUser, Outbound } from '../../delivery/channel';
import type { ChannelDirectory } from '../directory';
import type { DingTalkApi, RobotMessage } from './api';
import { cardMarkdown, cardParams, robotMessage } from './render';

const DAY_MS = 86_400_000;
/** DingTalk's day: Beijing time */
const dayOf = (ms: number) => Math.floor((ms + 8 * 3_600_000) / DAY_MS);

/**
 * DingTalk silently drops a message identical to one the same person got today
 * (im-platforms.md §2.6). A repeat gets a short counter, "（2）"; a retry of one delivery
 * keeps the suffix it was given, so if the first try did arrive DingTalk drops the second as
 * the duplicate it is. Kept in memory: after a restart a repeat of the day before the restart
 * may still be dropped.
 */
export class RepeatGuard {
  private readonly seen = new Map<string, number>();
  private readonly byUuid = new Map<string, string>();
  private day = -1;

  constructor(private readonly now: () => number = Date.now) {}

  suffixFor(target: string, uuid: string, m: RobotMessage): string {
    const today = dayOf(this.now());
    if (today !== this.day) {
      this.day = today;
      this.seen.clear();
      this.byUuid.clear();
    }
    const given = this.byUuid.get(uuid);
    if (given !== undefined) return given;
    const key = `${target}|${createHash('sha1')
      .update(m.msgKey === 'sampleText' ? m.content : `${m.title}\n${m.text}`)
      .digest('base64')}`;
    const n = (this.seen.get(key) ?? 0) + 1;
    this.seen.set(key, n);
    const suffix = n === 1 ? '' : `（${n}）`;
    this.byUuid.set(uuid, suffix);
    return suffix;
  }
}

function withSuffix(m: RobotMessage, suffix: string): RobotMessage {
  if (!suffix) return m;
  return m.msgKey === 'sampleText' ? { ...m, content: `${m.content}${suffix}` } : { ...m, text: `${m.text}\n\n${suffix}` };
}

/**
 * DingTalk as a delivery channel. Texts go as robot messages (one-to-one, or to the group a
 * message came from); cards as interactive cards whose out-track id is the delivery's uuid, so
 * a resend after a crash is the same card, and that id is the platform message id an update
 * later finds the card by. With no card template configured a card goes as markdown and an
 * update as a new message.
 */
export function dingTalkChannel(
  api: Pick<DingTalkApi, 'sendToUser' | 'sendToGroup' | 'createCard' | 'updateCard' | 'cardTemplateId'>,
  directory: Pick<ChannelDirectory, 'addressOf'>,
  o: { callbackType: 'STREAM' | 'HTTP'; guard?: RepeatGuard },
): Channel {
  const guard = o.guard ?? new RepeatGuard();
  const message = async (m: Outbound, msg: RobotMessage) => {
    const group = m.replyTo?.chatType === 'group' ? m.replyTo.chatId : null;
    const target = group ?? m.externalId;
    const sendable = withSuffix(msg, guard.suffixFor(target, m.uuid, msg));
    const id = group ? await api.sendToGroup(group, sendable) : await api.sendToUser(m.externalId, sendable);
    return { platformMessageId: id || null };
  };
  return {
    name: 'dingtalk',
    addressOf: (user: ChannelUser) => directory.addressOf(user),
    async send(m: Outbound) {
      const reply = m.reply;
      if (reply.kind === 'card' && api.cardTemplateId) {
        const params = cardParams(reply.card);
        if (m.kind === 'card_update') {
          for (const outTrackId of m.messageIds) await api.updateCard(outTrackId, params);
          return { platformMessageId: null };
        }
        const group = m.replyTo?.chatType === 'group' ? m.replyTo.chatId : undefined;
        const outTrackId = await api.createCard({
          outTrackId: m.uuid,
          params,
          callbackType: o.callbackType,
          ...(group ? { openConversationId: group } : { userId: m.externalId }),
        });
        return { platformMessageId: outTrackId };
      }
      return message(m, reply.kind === 'card' ? cardMarkdown(reply.card) : robotMessage(reply));
    },
  };
}
