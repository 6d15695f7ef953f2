import type { Channel, ChannelUser, Outbound } from '../../delivery/channel';
import type { ChannelDirectory } from '../directory';
import type { DingTalkApi, RobotMessage } from './api';
import { cardMarkdown, cardParams, robotMessage } from './render';
import { RepeatGuard } from './repeat-guard';

function withSuffix(m: RobotMessage, suffix: string): RobotMessage {
  if (!suffix) return m;
  return m.msgKey === 'sampleText' ? { ...m, content: `${m.content}${suffix}` } : { ...m, text: `${m.text}\n\n${suffix}` };
}

/**
 * DingTalk as a delivery channel. Texts go as robot messages (one-to-one, or to the group a
 * message came from); cards as interactive cards whose out-track id is the delivery's uuid, so
 * a resend after a crash is the same card, and that id is the platform message id an update
 * later finds the card by. With no card template configured a card goes as markdown and an
 * update as a new message. Robot messages pass the repeat guard (repeat-guard.ts); the mark it
 * gave is their platform message id. In HTTP mode cards call back through `callbackRouteKey`.
 */
export function dingTalkChannel(
  api: Pick<DingTalkApi, 'sendToUser' | 'sendToGroup' | 'createCard' | 'updateCard' | 'cardTemplateId'>,
  directory: Pick<ChannelDirectory, 'addressOf'>,
  o: { callbackType: 'STREAM' | 'HTTP'; callbackRouteKey?: string; guard?: RepeatGuard },
): Channel {
  const guard = o.guard ?? new RepeatGuard();
  const message = async (m: Outbound, msg: RobotMessage) => {
    const group = m.replyTo?.chatType === 'group' ? m.replyTo.chatId : null;
    const given = await guard.give(group ?? m.externalId, m.deliveryId, msg);
    const sendable = withSuffix(msg, given.suffix);
    try {
      if (group) await api.sendToGroup(group, sendable);
      else await api.sendToUser(m.externalId, sendable);
    } catch (e) {
      await guard.failed(m.deliveryId);
      throw e;
    }
    return { platformMessageId: given.mark };
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
          ...(o.callbackRouteKey ? { callbackRouteKey: o.callbackRouteKey } : {}),
          ...(group ? { openConversationId: group } : { userId: m.externalId }),
        });
        return { platformMessageId: outTrackId };
      }
      return message(m, reply.kind === 'card' ? cardMarkdown(reply.card) : robotMessage(reply));
    },
  };
}
